/**
 * The fused ilastik filter stage (fusedFilterStage.ts) with its y sweep and the structure tensor in
 * WebAssembly SIMD (simdFusedCore.ts), for scales where smoothing, DoG, gradient magnitude, Laplacian and
 * Hessian eigenvalues are all selected (every scale ≥ 0.7 of the `default` preset) and the structure tensor,
 * if selected, has the ilastik outer radius of 1. The x-filtered planes, the gradient and the outputs live in
 * the module's memory; the outputs are copied to the feature planes at the end.
 */
import type { Rect } from '../tiling.js';
import { FUSED_RADIUS, rowStarts, taps, type XPlanes } from './fusedFilterStage.js';
import type { FeatureFlags, FeatureSink, FilterKernels, ScaleContext } from './scaleFilterTypes.js';
import type { FeatureId } from './selection.js';
import { reachRect, reflectIndex, type Field } from './separableConvolution.js';
import { SIMD_WORK_START, simdConvolver } from './simdConvolution.js';

/** Values after each plane in the module's memory: the SIMD loops read and write groups of four. */
const SLACK = 8;

const CORE_OUTPUTS: readonly [FeatureId, number][] = [
  ['gaussianSmoothing', 0],
  ['differenceOfGaussians', 0],
  ['gaussianGradientMagnitude', 0],
  ['laplacianOfGaussian', 0],
  ['hessianOfGaussianEigenvalues', 0],
  ['hessianOfGaussianEigenvalues', 1],
];

/** Runs the stage if this scale qualifies (see above) and SIMD is available; returns false otherwise. */
export function fusedStageSimd(
  source: Field,
  k: FilterKernels,
  f: FeatureFlags,
  gradRect: Rect,
  ctx: ScaleContext,
  sink: FeatureSink,
): boolean {
  const simd = simdConvolver();
  const hasTensor = f.structureTensorEigenvalues;
  const isEligible =
    f.gaussianSmoothing &&
    f.differenceOfGaussians &&
    f.gaussianGradientMagnitude &&
    f.laplacianOfGaussian &&
    f.hessianOfGaussianEigenvalues &&
    (!hasTensor || k.tensorOuter.radius === 1);
  if (!simd || !isEligible) return false;

  const { core, imageWidth: W, imageHeight: H } = ctx;
  const w = core.width;
  const nc = w * core.height;
  const xr = reachRect(gradRect, 0, FUSED_RADIUS, W, H);
  const n = xr.width * xr.height;
  // The gradient, over gradRect's rows and the core's columns, plus one reflected column on each side when
  // the structure tensor needs them.
  const pad = hasTensor ? 1 : 0;
  const gw = w + 2 * pad;
  const ng = gw * gradRect.height;
  const nt = hasTensor ? w * gradRect.height : 0;

  let at = SIMD_WORK_START;
  const take = (length: number): number => {
    const start = at;
    at += length + SLACK;
    return start;
  };
  const weightsAt = take(16);
  const rowAt = take(xr.width + 2 * FUSED_RADIUS);
  const [x0At, x1At, x2At, xdAt] = [take(n), take(n), take(n), take(n)];
  const [gxAt, gyAt] = [take(ng), take(ng)];
  const [sxxAt, sxyAt, syyAt] = [take(nt), take(nt), take(nt)];
  const outAt = CORE_OUTPUTS.map(() => take(nc));
  const tensorAt = [take(hasTensor ? nc : 0), take(hasTensor ? nc : 0)];
  const heap = simd.reserve(at - SIMD_WORK_START);
  if (!heap) return false;
  const view = (start: number, length: number) => heap.subarray(start, start + length);

  const planes: XPlanes = {
    rect: xr,
    x0: view(x0At, n),
    x1: view(x1At, n),
    x2: view(x2At, n),
    xd: view(xdAt, n),
  };
  const tensorWeights = taps(k.tensorOuter).slice(0, 2);
  heap.set(
    [...taps(k.g0), ...taps(k.g1).slice(1), ...taps(k.g2), ...taps(k.dogInner), ...tensorWeights],
    weightsAt,
  );

  // x sweep: each source row, mirrored at the image's edges, is copied next to the module's loop.
  const xw = xr.width;
  const sw = source.rect.width;
  const left = xr.x - FUSED_RADIUS;
  const isInside = left >= source.rect.x && xr.x + xw + FUSED_RADIUS <= source.rect.x + sw;
  for (let y = 0; y < xr.height; y++) {
    const srcRow = (xr.y + y - source.rect.y) * sw - source.rect.x;
    if (isInside) {
      heap.set(source.data.subarray(srcRow + left, srcRow + left + xw + 2 * FUSED_RADIUS), rowAt);
    } else {
      for (let i = 0; i < xw + 2 * FUSED_RADIUS; i++)
        heap[rowAt + i] = source.data[srcRow + reflectIndex(left + i, W)];
    }
    const o = y * xw;
    simd.xRows(
      4 * rowAt,
      4 * (x0At + o),
      4 * (x1At + o),
      4 * (x2At + o),
      4 * (xdAt + o),
      4 * xw,
      4 * weightsAt,
    );
  }

  // Gradient at the image columns the padded layout covers; the pad columns past an image edge mirror.
  const gx = view(gxAt, ng);
  const gy = view(gyAt, ng);
  const c0 = Math.max(0, core.x - pad);
  const c1 = Math.min(W, core.x + w + pad);
  const rows = new Int32Array(2 * FUSED_RADIUS + 1);
  for (let y = 0; y < gradRect.height; y++) {
    rowStarts(planes, gradRect.y + y, H, rows);
    const g = y * gw + c0 - (core.x - pad);
    simd.gradientRows(
      4 * x0At,
      4 * x1At,
      4 * (rows[0] + c0),
      4 * (rows[1] + c0),
      4 * (rows[2] + c0),
      4 * (rows[3] + c0),
      4 * (rows[4] + c0),
      4 * (gxAt + g),
      4 * (gyAt + g),
      4 * (c1 - c0),
      4 * weightsAt,
    );
  }
  if (hasTensor) mirrorPadColumns(gx, gy, gw, gradRect.height, core.x, W);

  for (let y = 0; y < core.height; y++) {
    rowStarts(planes, core.y + y, H, rows);
    const g = (core.y + y - gradRect.y) * gw + pad;
    const o = y * w;
    // Plain arguments, no arrays: this runs once per row of every tile and scale.
    const cx = core.x;
    simd.fusedCore(
      4 * x0At,
      4 * x1At,
      4 * x2At,
      4 * xdAt,
      4 * (rows[0] + cx),
      4 * (rows[1] + cx),
      4 * (rows[2] + cx),
      4 * (rows[3] + cx),
      4 * (rows[4] + cx),
      4 * (gxAt + g),
      4 * (gyAt + g),
      4 * (outAt[0] + o),
      4 * (outAt[1] + o),
      4 * (outAt[2] + o),
      4 * (outAt[3] + o),
      4 * (outAt[4] + o),
      4 * (outAt[5] + o),
      4 * w,
      4 * weightsAt,
    );
  }
  CORE_OUTPUTS.forEach(([feature, channel], i) => sink(feature, channel).set(view(outAt[i], nc)));

  if (hasTensor) {
    const tensorWeightsAt = 4 * (weightsAt + 11);
    for (let y = 0; y < gradRect.height; y++) {
      const g = gxAt + y * gw;
      const t = y * w;
      simd.tensorRows(
        4 * g,
        4 * (g - gxAt + gyAt),
        4 * (sxxAt + t),
        4 * (sxyAt + t),
        4 * (syyAt + t),
        4 * w,
        tensorWeightsAt,
      );
    }
    const rowOffset = (yy: number) => 4 * (reflectIndex(yy, H) - gradRect.y) * w;
    for (let y = 0; y < core.height; y++) {
      const yc = core.y + y;
      simd.tensorColumns(
        4 * sxxAt,
        4 * sxyAt,
        4 * syyAt,
        rowOffset(yc - 1),
        rowOffset(yc),
        rowOffset(yc + 1),
        4 * (tensorAt[0] + y * w),
        4 * (tensorAt[1] + y * w),
        4 * w,
        tensorWeightsAt,
      );
    }
    sink('structureTensorEigenvalues', 0).set(view(tensorAt[0], nc));
    sink('structureTensorEigenvalues', 1).set(view(tensorAt[1], nc));
  }
  return true;
}

/** Fills the pad columns (image columns core.x − 1 and core.x + w) that lie past an image edge by mirroring. */
function mirrorPadColumns(
  gx: Float32Array,
  gy: Float32Array,
  gw: number,
  h: number,
  coreX: number,
  W: number,
): void {
  const fill = (i: number) => {
    const source = reflectIndex(coreX - 1 + i, W) - (coreX - 1);
    if (source === i) return;
    for (let y = 0; y < h; y++) {
      gx[y * gw + i] = gx[y * gw + source];
      gy[y * gw + i] = gy[y * gw + source];
    }
  };
  fill(0);
  fill(gw - 1);
}
