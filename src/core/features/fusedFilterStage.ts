/**
 * The filter stage of the ilastik convention in two sweeps instead of ~15 passes. There every filter runs at
 * σ ≤ 1 with window ratio 2, so all its kernels (smoothing, first and second derivative, the DoG's inner
 * Gaussian) have radius ≤ 2. One sweep along x loads the five neighbours of each source pixel once and
 * writes all four x-filtered planes; one sweep along y loads five rows of those and computes, per pixel,
 * smoothing, DoG, gradient (kept for the structure tensor), Laplacian and Hessian eigenvalues, writing the
 * features directly. Same kernels; the y-sweep's intermediates (smoothing, Hessian entries) stay in float64
 * where vigra rounds them to float32, so results differ from vigra's only by that rounding (rounding them
 * here costs a quarter of the stage's time). Radius-1 kernels are padded with zero taps (exact: 0·x = 0).
 */
import type { Rect } from '../tiling.js';
import type { GaussianKernel } from './gaussianKernels.js';
import type { FeatureFlags, FeatureSink, FilterKernels, ScaleContext } from './scaleFilterTypes.js';
import { reachRect, reflectIndex, type Field } from './separableConvolution.js';

/** The padded radius of every kernel in the fused stage. */
export const FUSED_RADIUS = 2;

export function isFusedStageApplicable(k: FilterKernels, f: FeatureFlags): boolean {
  const needsDerivatives =
    f.gaussianGradientMagnitude ||
    f.structureTensorEigenvalues ||
    f.laplacianOfGaussian ||
    f.hessianOfGaussianEigenvalues;
  const maxRadius = Math.max(k.g0.radius, k.g1.radius, k.g2.radius, k.dogInner.radius);
  return needsDerivatives && maxRadius <= FUSED_RADIUS;
}

/** Weights at offsets 0, 1, 2 (zero beyond the kernel's radius). */
export function taps(k: GaussianKernel): [number, number, number] {
  const w = k.weights;
  return [w[0], k.radius >= 1 ? w[1] : 0, k.radius >= 2 ? w[2] : 0];
}

export interface XPlanes {
  readonly rect: Rect;
  readonly x0: Float32Array;
  readonly x1: Float32Array;
  readonly x2: Float32Array;
  readonly xd: Float32Array;
}

/**
 * Runs the fused stage on `source` (the pre-smoothed image). Writes every enabled feature except the
 * structure tensor to the sink, and returns the gradient over `gradRect` (for the structure tensor), or null.
 */
export function fusedFilterStage(
  source: Field,
  k: FilterKernels,
  flags: FeatureFlags,
  gradRect: Rect,
  ctx: ScaleContext,
  sink: FeatureSink,
): { gx: Float32Array; gy: Float32Array } | null {
  const { core, imageWidth: W, imageHeight: H } = ctx;
  const needsGradient = flags.gaussianGradientMagnitude || flags.structureTensorEigenvalues;
  const area = needsGradient ? gradRect : core;
  const xr = reachRect(area, 0, FUSED_RADIUS, W, H);
  const x = sweepRows(source, k, xr, ctx);
  let gx: Float32Array | null = null;
  let gy: Float32Array | null = null;
  if (needsGradient) {
    gx = ctx.scratch.plane(gradRect.width * gradRect.height);
    gy = ctx.scratch.plane(gradRect.width * gradRect.height);
    gradientSweep(x, k, gradRect, H, gx, gy);
  }
  coreSweep(x, k, flags, core, H, sink, gx && gy ? { gx, gy, rect: gradRect } : null);
  return gx && gy ? { gx, gy } : null;
}

/** x-filters of the source over `xr`: smoothing, first and second derivative, DoG inner smoothing. */
function sweepRows(source: Field, k: FilterKernels, xr: Rect, ctx: ScaleContext): XPlanes {
  const { imageWidth: W, scratch } = ctx;
  const n = xr.width * xr.height;
  const planes: XPlanes = {
    rect: xr,
    x0: scratch.plane(n),
    x1: scratch.plane(n),
    x2: scratch.plane(n),
    xd: scratch.plane(n),
  };
  const { x0, x1, x2, xd } = planes;
  const [s0, s1, s2] = taps(k.g0);
  const [, t1, t2] = taps(k.g1);
  const [q0, q1, q2] = taps(k.g2);
  const [d0, d1, d2] = taps(k.dogInner);
  const R = FUSED_RADIUS;
  const w = xr.width;
  const sw = source.rect.width;
  const isInside = xr.x - R >= source.rect.x && xr.x + w + R <= source.rect.x + sw;
  const padded = scratch.paddedRow(w + 2 * R);
  for (let y = 0; y < xr.height; y++) {
    const srcRow = (xr.y + y - source.rect.y) * sw;
    let line = source.data;
    let c = srcRow + xr.x - source.rect.x;
    if (!isInside) {
      for (let i = 0; i < w + 2 * R; i++) {
        padded[i] = source.data[srcRow + reflectIndex(xr.x - R + i, W) - source.rect.x];
      }
      line = padded;
      c = R;
    }
    let o = y * w;
    for (let i = 0; i < w; i++, c++, o++) {
      const a = line[c - 2];
      const b = line[c - 1];
      const m = line[c];
      const d = line[c + 1];
      const e = line[c + 2];
      const bd = b + d;
      const ae = a + e;
      x0[o] = s0 * m + s1 * bd + s2 * ae;
      x1[o] = t1 * (b - d) + t2 * (a - e);
      x2[o] = q0 * m + q1 * bd + q2 * ae;
      xd[o] = d0 * m + d1 * bd + d2 * ae;
    }
  }
  return planes;
}

/** Row starts (in the x-planes) of the five rows around image row y, reflected at the image's edges. */
export function rowStarts(x: XPlanes, y: number, H: number, out: Int32Array): void {
  for (let j = -FUSED_RADIUS; j <= FUSED_RADIUS; j++) {
    out[j + FUSED_RADIUS] = (reflectIndex(y + j, H) - x.rect.y) * x.rect.width - x.rect.x;
  }
}

/** ∂x = smooth_y(∂x-filtered), ∂y = ∂_y(smoothed-along-x), over gradRect, as float32. */
function gradientSweep(
  x: XPlanes,
  k: FilterKernels,
  gradRect: Rect,
  H: number,
  gx: Float32Array,
  gy: Float32Array,
): void {
  const [s0, s1, s2] = taps(k.g0);
  const [, t1, t2] = taps(k.g1);
  const { x0, x1 } = x;
  const rows = new Int32Array(2 * FUSED_RADIUS + 1);
  const w = gradRect.width;
  for (let y = 0; y < gradRect.height; y++) {
    rowStarts(x, gradRect.y + y, H, rows);
    const ra = rows[0] + gradRect.x;
    const rb = rows[1] + gradRect.x;
    const rm = rows[2] + gradRect.x;
    const rd = rows[3] + gradRect.x;
    const re = rows[4] + gradRect.x;
    let o = y * w;
    for (let i = 0; i < w; i++, o++) {
      gx[o] = s0 * x1[rm + i] + s1 * (x1[rb + i] + x1[rd + i]) + s2 * (x1[ra + i] + x1[re + i]);
      gy[o] = t1 * (x0[rb + i] - x0[rd + i]) + t2 * (x0[ra + i] - x0[re + i]);
    }
  }
}

/** Everything but the structure tensor, per core pixel, written straight to the feature planes. */
function coreSweep(
  x: XPlanes,
  k: FilterKernels,
  f: FeatureFlags,
  core: Rect,
  H: number,
  sink: FeatureSink,
  grad: { gx: Float32Array; gy: Float32Array; rect: Rect } | null,
): void {
  const [s0, s1, s2] = taps(k.g0);
  const [, t1, t2] = taps(k.g1);
  const [q0, q1, q2] = taps(k.g2);
  const [d0, d1, d2] = taps(k.dogInner);
  const { x0, x1, x2, xd } = x;
  // Flags as locals: the loop below tests them per pixel, and locals stay in registers.
  const hasGs = f.gaussianSmoothing;
  const hasDog = f.differenceOfGaussians;
  const hasGgm = f.gaussianGradientMagnitude;
  const hasLog = f.laplacianOfGaussian;
  const hasHess = f.hessianOfGaussianEigenvalues;
  const needsSmooth = hasGs || hasDog;
  const needsHessian = hasLog || hasHess;
  const empty = new Float32Array(0);
  const gs = f.gaussianSmoothing ? sink('gaussianSmoothing', 0) : empty;
  const dog = f.differenceOfGaussians ? sink('differenceOfGaussians', 0) : empty;
  const ggm = f.gaussianGradientMagnitude ? sink('gaussianGradientMagnitude', 0) : empty;
  const log = f.laplacianOfGaussian ? sink('laplacianOfGaussian', 0) : empty;
  const ev0 = f.hessianOfGaussianEigenvalues ? sink('hessianOfGaussianEigenvalues', 0) : empty;
  const ev1 = f.hessianOfGaussianEigenvalues ? sink('hessianOfGaussianEigenvalues', 1) : empty;
  const gx = grad?.gx ?? empty;
  const gy = grad?.gy ?? empty;
  const gw = grad?.rect.width ?? 0;
  const rows = new Int32Array(2 * FUSED_RADIUS + 1);
  const w = core.width;
  for (let y = 0; y < core.height; y++) {
    rowStarts(x, core.y + y, H, rows);
    const ra = rows[0] + core.x;
    const rb = rows[1] + core.x;
    const rm = rows[2] + core.x;
    const rd = rows[3] + core.x;
    const re = rows[4] + core.x;
    const g0 = grad ? (core.y + y - grad.rect.y) * gw + (core.x - grad.rect.x) : 0;
    let o = y * w;
    for (let i = 0; i < w; i++, o++) {
      if (needsSmooth) {
        const smooth = s0 * x0[rm + i] + s1 * (x0[rb + i] + x0[rd + i]) + s2 * (x0[ra + i] + x0[re + i]);
        if (hasGs) gs[o] = smooth;
        if (hasDog) {
          dog[o] =
            smooth - (d0 * xd[rm + i] + d1 * (xd[rb + i] + xd[rd + i]) + d2 * (xd[ra + i] + xd[re + i]));
        }
      }
      if (hasGgm) {
        const a = gx[g0 + i];
        const b = gy[g0 + i];
        ggm[o] = Math.sqrt(a * a + b * b);
      }
      if (needsHessian) {
        const hxx = s0 * x2[rm + i] + s1 * (x2[rb + i] + x2[rd + i]) + s2 * (x2[ra + i] + x2[re + i]);
        const hyy = q0 * x0[rm + i] + q1 * (x0[rb + i] + x0[rd + i]) + q2 * (x0[ra + i] + x0[re + i]);
        if (hasLog) log[o] = hxx + hyy;
        if (hasHess) {
          const hxy = t1 * (x1[rb + i] - x1[rd + i]) + t2 * (x1[ra + i] - x1[re + i]);
          const diff = hxx - hyy;
          const sum = hxx + hyy;
          const root = Math.sqrt(diff * diff + 4 * hxy * hxy);
          ev0[o] = 0.5 * (sum + root);
          ev1[o] = 0.5 * (sum - root);
        }
      }
    }
  }
}

/**
 * The structure tensor of the ilastik convention, where its outer smoothing has radius 1: the products of the
 * gradient (rounded to float32, as vigra stores them) are formed on the fly in an x sweep that smooths all
 * three, and a y sweep smooths them again and writes the eigenvalues. Other radii use the pass-by-pass path.
 */
export function fusedStructureTensor(
  gx: Float32Array,
  gy: Float32Array,
  gradRect: Rect,
  outer: GaussianKernel,
  ctx: ScaleContext,
  sink: FeatureSink,
): boolean {
  if (outer.radius !== 1) return false;
  const { core, imageWidth: W, imageHeight: H, scratch } = ctx;
  const [w0, w1] = taps(outer);
  // x sweep over core columns × gradRect rows; gradRect holds the columns core ± 1 unless reflected at an edge.
  const rw = core.width;
  const rh = gradRect.height;
  const sxx = scratch.plane(rw * rh);
  const sxy = scratch.plane(rw * rh);
  const syy = scratch.plane(rw * rh);
  const gw = gradRect.width;
  // Products of the gradient at columns core.x − 1 … core.x + width (reflected at the image's edges),
  // one padded row at a time; float32 arrays round them as vigra stores them.
  const columns = new Int32Array(rw + 2);
  for (let i = 0; i < rw + 2; i++) columns[i] = reflectIndex(core.x - 1 + i, W) - gradRect.x;
  const pxx = new Float32Array(rw + 2);
  const pxy = new Float32Array(rw + 2);
  const pyy = new Float32Array(rw + 2);
  for (let y = 0; y < rh; y++) {
    const row = y * gw;
    for (let i = 0; i < rw + 2; i++) {
      const a = gx[row + columns[i]];
      const b = gy[row + columns[i]];
      pxx[i] = a * a;
      pxy[i] = a * b;
      pyy[i] = b * b;
    }
    let o = y * rw;
    for (let i = 0; i < rw; i++, o++) {
      sxx[o] = w0 * pxx[i + 1] + w1 * (pxx[i] + pxx[i + 2]);
      sxy[o] = w0 * pxy[i + 1] + w1 * (pxy[i] + pxy[i + 2]);
      syy[o] = w0 * pyy[i + 1] + w1 * (pyy[i] + pyy[i + 2]);
    }
  }
  const ev0 = sink('structureTensorEigenvalues', 0);
  const ev1 = sink('structureTensorEigenvalues', 1);
  for (let y = 0; y < core.height; y++) {
    const yc = core.y + y;
    const up = (reflectIndex(yc - 1, H) - gradRect.y) * rw;
    const at = (yc - gradRect.y) * rw;
    const down = (reflectIndex(yc + 1, H) - gradRect.y) * rw;
    let o = y * rw;
    for (let i = 0; i < rw; i++, o++) {
      const p = w0 * sxx[at + i] + w1 * (sxx[up + i] + sxx[down + i]);
      const off = w0 * sxy[at + i] + w1 * (sxy[up + i] + sxy[down + i]);
      const q = w0 * syy[at + i] + w1 * (syy[up + i] + syy[down + i]);
      const diff = p - q;
      const sum = p + q;
      const root = Math.sqrt(diff * diff + 4 * off * off);
      ev0[o] = 0.5 * (sum + root);
      ev1[o] = 0.5 * (sum - root);
    }
  }
  return true;
}
