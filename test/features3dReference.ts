/**
 * A float64 reference of ilastik's feature bank (2-D and 3-D), written for clarity, not speed: every feature
 * of every scale by its own separable convolutions in float64 with the same kernels (vigra's, from
 * gaussianKernels.ts) and the same reflective border, eigenvalues by Jacobi rotations. The tests measure the
 * float32 bank against it.
 */
import { gaussianKernel, type GaussianKernel } from '../src/core/features/gaussianKernels.js';
import { reflectIndex } from '../src/core/features/separableConvolution.js';
import { scalePlan } from '../src/core/features/scaleFilters.js';
import { DOG_INNER_RATIO, STRUCTURE_TENSOR_OUTER_RATIO } from '../src/core/features/featureConstants.js';
import { FEATURE_IDS, type FeatureSelection } from '../src/core/features/selection.js';

export interface Grid {
  /** 1 for a 2-D image. */
  readonly depth: number;
  readonly height: number;
  readonly width: number;
}

/** Convolves along `axis` (0 z, 1 y, 2 x). */
function convolve(src: Float64Array, g: Grid, axis: number, k: GaussianKernel): Float64Array {
  const out = new Float64Array(src.length);
  const dims = [g.depth, g.height, g.width];
  const strides = [g.height * g.width, g.width, 1];
  const n = dims[axis];
  const s = strides[axis];
  const sign = k.isOdd ? -1 : 1;
  for (let i = 0; i < src.length; i++) {
    const pos = Math.floor(i / s) % n;
    const base = i - pos * s;
    let sum = k.isOdd ? 0 : k.weights[0] * src[i];
    for (let j = 1; j <= k.radius; j++) {
      sum +=
        k.weights[j] *
        (src[base + reflectIndex(pos - j, n) * s] + sign * src[base + reflectIndex(pos + j, n) * s]);
    }
    out[i] = sum;
  }
  return out;
}

/** Kernels per axis (z, y, x), one order each: order[a] of 0, 1 or 2. */
function filter(src: Float64Array, g: Grid, sigma: number, ratio: number, orders: number[]): Float64Array {
  let out = src;
  const axes = g.depth > 1 ? [0, 1, 2] : [1, 2];
  for (const a of axes) out = convolve(out, g, a, gaussianKernel(sigma, orders[a] as 0 | 1 | 2, ratio));
  return out;
}

function jacobiEigenvalues(m: number[][]): number[] {
  const a = m.map((r) => [...r]);
  const n = a.length;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] * a[p][q];
    if (off < 1e-300) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (a[p][q] === 0) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
      }
    }
  }
  return a.map((r, i) => r[i]).sort((x, y) => y - x);
}

/** Eigenvalue channels (largest first) of a symmetric tensor given as its upper-triangle entries. */
function eigenChannels(entries: Float64Array[][], count: number): Float64Array[] {
  const n = entries[0][0].length;
  const out = Array.from({ length: entries.length }, () => new Float64Array(count));
  for (let i = 0; i < count; i++) {
    const m = entries.map((row) => row.map((e) => e[i]));
    jacobiEigenvalues(m).forEach((v, k) => (out[k][i] = v));
  }
  void n;
  return out;
}

/**
 * The selected features (ilastik convention) of one channel, in the bank's channel order, float64.
 * 2-D when g.depth === 1.
 */
export function referenceFeatures(channel: Float64Array, g: Grid, sel: FeatureSelection): Float64Array[] {
  const is3d = g.depth > 1;
  const axes = is3d ? [0, 1, 2] : [1, 2];
  const out: Float64Array[] = [];
  const perScale = sel.scales.map((scale, si) => {
    if (!sel.enabled.some((row) => row[si])) return null;
    const plan = scalePlan(scale, 'ilastik');
    let src = channel;
    for (const a of axes)
      src = convolve(src, g, a, gaussianKernel(plan.presmoothSigma, 0, plan.presmoothWindowRatio));
    const s = plan.filterSigma;
    const r = plan.filterWindowRatio;
    const d = (a: number, b?: number): Float64Array => {
      const orders = [0, 0, 0];
      orders[a]++;
      if (b !== undefined) orders[b]++;
      return filter(src, g, s, r, orders);
    };
    const smooth = filter(src, g, s, r, [0, 0, 0]);
    const grads = axes.map((a) => d(a));
    const hess = axes.map((a) => axes.map((b) => d(a, b)));
    const count = channel.length;
    const sum = (vs: Float64Array[], f: (v: number) => number = (v) => v): Float64Array => {
      const o = new Float64Array(count);
      for (const v of vs) for (let i = 0; i < count; i++) o[i] += f(v[i]);
      return o;
    };
    const inner = filter(src, g, DOG_INNER_RATIO * s, r, [0, 0, 0]);
    const tensor = axes.map((_, p) =>
      axes.map((__, q) => {
        const prod = new Float64Array(count);
        for (let i = 0; i < count; i++) prod[i] = grads[p][i] * grads[q][i];
        return filter(prod, g, STRUCTURE_TENSOR_OUTER_RATIO * s, r, [0, 0, 0]);
      }),
    );
    return {
      gaussianSmoothing: [smooth],
      laplacianOfGaussian: [sum(axes.map((_, i) => hess[i][i]))],
      gaussianGradientMagnitude: [sum(grads, (v) => v * v).map(Math.sqrt)],
      differenceOfGaussians: [smooth.map((v, i) => v - inner[i])],
      structureTensorEigenvalues: eigenChannels(tensor, count),
      hessianOfGaussianEigenvalues: eigenChannels(hess, count),
    };
  });
  FEATURE_IDS.forEach((id, row) =>
    sel.scales.forEach((_, si) => {
      const cell = perScale[si];
      if (sel.enabled[row][si] && cell) out.push(...cell[id]);
    }),
  );
  return out;
}

/** Largest |a − b| over each channel as a fraction of the reference channel's range. */
export function errorsOfRange(ours: Float32Array[], reference: Float64Array[]): number[] {
  return reference.map((ref, c) => {
    let lo = Infinity;
    let hi = -Infinity;
    let worst = 0;
    for (let i = 0; i < ref.length; i++) {
      lo = Math.min(lo, ref[i]);
      hi = Math.max(hi, ref[i]);
      worst = Math.max(worst, Math.abs(ours[c][i] - ref[i]));
    }
    return worst / Math.max(hi - lo, 1e-12);
  });
}
