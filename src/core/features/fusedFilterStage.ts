/**
 * The filter stage of the ilastik convention in two sweeps instead of ~15 passes. There every filter runs at
 * σ ≤ 1 with window ratio 2, so all its kernels (smoothing, first and second derivative, the DoG's inner
 * Gaussian) have radius ≤ 2. One sweep along x loads the five neighbours of each source pixel once and
 * writes all four x-filtered planes; one sweep along y loads five rows of those and computes, per pixel,
 * smoothing, DoG, gradient (kept for the structure tensor), Laplacian and Hessian eigenvalues, writing the
 * features directly. Same kernels, same float32 rounding of every intermediate vigra stores, so results
 * equal the pass-by-pass path to float precision. Radius-1 kernels are padded with zero taps (exact: 0·x = 0).
 */
import type { Rect } from '../tiling.js';
import type { GaussianKernel } from './gaussianKernels.js';
import type { FeatureFlags, FeatureSink, FilterKernels, ScaleContext } from './scaleFilters.js';
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
function taps(k: GaussianKernel): [number, number, number] {
  const w = k.weights;
  return [w[0], k.radius >= 1 ? w[1] : 0, k.radius >= 2 ? w[2] : 0];
}

interface XPlanes {
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
function rowStarts(x: XPlanes, y: number, H: number, out: Int32Array): void {
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
  const needsSmooth = f.gaussianSmoothing || f.differenceOfGaussians;
  const needsHessian = f.laplacianOfGaussian || f.hessianOfGaussianEigenvalues;
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
        const smooth = Math.fround(
          s0 * x0[rm + i] + s1 * (x0[rb + i] + x0[rd + i]) + s2 * (x0[ra + i] + x0[re + i]),
        );
        if (f.gaussianSmoothing) gs[o] = smooth;
        if (f.differenceOfGaussians) {
          dog[o] =
            smooth -
            Math.fround(d0 * xd[rm + i] + d1 * (xd[rb + i] + xd[rd + i]) + d2 * (xd[ra + i] + xd[re + i]));
        }
      }
      if (f.gaussianGradientMagnitude) {
        const a = gx[g0 + i];
        const b = gy[g0 + i];
        ggm[o] = Math.sqrt(a * a + b * b);
      }
      if (needsHessian) {
        const hxx = Math.fround(
          s0 * x2[rm + i] + s1 * (x2[rb + i] + x2[rd + i]) + s2 * (x2[ra + i] + x2[re + i]),
        );
        const hyy = Math.fround(
          q0 * x0[rm + i] + q1 * (x0[rb + i] + x0[rd + i]) + q2 * (x0[ra + i] + x0[re + i]),
        );
        if (f.laplacianOfGaussian) log[o] = hxx + hyy;
        if (f.hessianOfGaussianEigenvalues) {
          const hxy = Math.fround(t1 * (x1[rb + i] - x1[rd + i]) + t2 * (x1[ra + i] - x1[re + i]));
          // As vigra's symmetric2x2Eigenvalues (see tensorEigenvalues.ts): the sum and difference in float32.
          const diff = Math.fround(hxx - hyy);
          const sum = Math.fround(hxx + hyy);
          const root = Math.sqrt(diff * diff + 4 * hxy * hxy);
          ev0[o] = 0.5 * (sum + root);
          ev1[o] = 0.5 * (sum - root);
        }
      }
    }
  }
}
