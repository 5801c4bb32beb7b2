/**
 * The filters of one scale for one input plane, sharing their passes: the x-passes (smoothing, first and
 * second derivative) of the source are computed once and feed every y-pass that needs them — smoothing,
 * gradient, Hessian, Laplacian — and the gradient feeds both the gradient magnitude and the structure tensor.
 * Each pass computes only the rectangle its consumers read.
 */
import type { Rect } from '../tiling.js';
import {
  DOG_INNER_RATIO,
  ILASTIK_FILTER_SCALE_CAP,
  ILASTIK_FILTER_WINDOW_RATIO,
  ILASTIK_PRESMOOTH_WINDOW_RATIO,
  STRUCTURE_TENSOR_OUTER_RATIO,
  VIGRA_DEFAULT_WINDOW_RATIO,
} from './featureConstants.js';
import { cachedGaussianKernel, type GaussianKernel } from './gaussianKernels.js';
import type { FeatureFlags, FeatureSink, FilterKernels, ScaleContext } from './scaleFilterTypes.js';
import type { FeatureConvention } from './selection.js';
import { convolveColumns, convolveRows, reachRect, type Field } from './separableConvolution.js';
import { symmetricEigenvalues2x2 } from './tensorEigenvalues.js';

export type { FeatureFlags, FeatureSink, FilterKernels, ScaleContext } from './scaleFilterTypes.js';
import {
  FUSED_RADIUS,
  fusedFilterStage,
  fusedStructureTensor,
  isFusedStageApplicable,
} from './fusedFilterStage.js';
import { fusedStageSimd } from './fusedFilterStageSimd.js';
import { differenceOfGaussiansFloat64 } from './dogFloat64.js';
import { differenceOfGaussiansSimd, isDogSimdApplicable } from '../features3d/dogFloat64Simd.js';
import { threadArena, type ArenaVolume } from '../features3d/volumeArena.js';

/** How a nominal scale turns into kernels under a convention. */
export interface ScalePlan {
  /** σ of the pre-smoothing Gaussian, 0 for none. */
  readonly presmoothSigma: number;
  readonly presmoothWindowRatio: number;
  /** σ at which the six filters run on the (pre-smoothed) image. */
  readonly filterSigma: number;
  readonly filterWindowRatio: number;
}

export function scalePlan(scale: number, convention: FeatureConvention): ScalePlan {
  if (convention === 'direct') {
    return {
      presmoothSigma: 0,
      presmoothWindowRatio: 0,
      filterSigma: scale,
      filterWindowRatio: VIGRA_DEFAULT_WINDOW_RATIO,
    };
  }
  return {
    presmoothSigma: scale > 1 ? Math.sqrt(scale * scale - 1) : scale,
    presmoothWindowRatio: ILASTIK_PRESMOOTH_WINDOW_RATIO,
    filterSigma: Math.min(scale, ILASTIK_FILTER_SCALE_CAP),
    filterWindowRatio: ILASTIK_FILTER_WINDOW_RATIO,
  };
}

function filterKernels(plan: ScalePlan): FilterKernels {
  const s = plan.filterSigma;
  const ratio = plan.filterWindowRatio;
  return {
    g0: cachedGaussianKernel(s, 0, ratio),
    g1: cachedGaussianKernel(s, 1, ratio),
    g2: cachedGaussianKernel(s, 2, ratio),
    dogInner: cachedGaussianKernel(DOG_INNER_RATIO * s, 0, ratio),
    tensorOuter: cachedGaussianKernel(STRUCTURE_TENSOR_OUTER_RATIO * s, 0, ratio),
  };
}

/** How far (px) the filters of this scale reach past the pixel they compute, pre-smoothing included. */
export function scaleReachPx(plan: ScalePlan, f: FeatureFlags): number {
  const k = filterKernels(plan);
  if (isFusedStageApplicable(k, f)) {
    const tensorReach = f.structureTensorEigenvalues ? k.tensorOuter.radius : 0;
    return FUSED_RADIUS + tensorReach + presmoothRadius(plan);
  }
  const r0 = k.g0.radius;
  let reach = 0;
  if (f.gaussianSmoothing) reach = Math.max(reach, r0);
  if (f.differenceOfGaussians) reach = Math.max(reach, r0, k.dogInner.radius);
  if (f.gaussianGradientMagnitude) reach = Math.max(reach, r0, k.g1.radius);
  if (f.laplacianOfGaussian) reach = Math.max(reach, r0, k.g2.radius);
  if (f.hessianOfGaussianEigenvalues) reach = Math.max(reach, r0, k.g1.radius, k.g2.radius);
  if (f.structureTensorEigenvalues) reach = Math.max(reach, Math.max(r0, k.g1.radius) + k.tensorOuter.radius);
  return reach + presmoothRadius(plan);
}

function presmoothRadius(plan: ScalePlan): number {
  return plan.presmoothSigma > 0
    ? cachedGaussianKernel(plan.presmoothSigma, 0, plan.presmoothWindowRatio).radius
    : 0;
}

/** Computes the enabled features of one scale on `plane` (the whole image) for the core rectangle. */
export function computeScaleFeatures(
  plane: Field,
  plan: ScalePlan,
  flags: FeatureFlags,
  ctx: ScaleContext,
  sink: FeatureSink,
): void {
  const { imageWidth: W, imageHeight: H, core, scratch } = ctx;
  const k = filterKernels(plan);
  scratch.resetPlanes();
  const rows = (src: Field, ker: GaussianKernel, r: Rect, out?: Float32Array): Field =>
    convolveRows(src, ker, r, W, scratch, out);
  const cols = (src: Field, ker: GaussianKernel, r: Rect, out?: Float32Array): Field =>
    convolveColumns(src, ker, r, H, scratch, out);

  let source = plane;
  if (plan.presmoothSigma > 0) {
    const p = cachedGaussianKernel(plan.presmoothSigma, 0, plan.presmoothWindowRatio);
    const reach = scaleReachPx(plan, flags) - p.radius;
    const smoothRect = reachRect(core, reach, reach, W, H);
    source = cols(rows(plane, p, reachRect(smoothRect, 0, p.radius, W, H)), p, smoothRect);
  }

  filterStage(source, k, flags, ctx, sink);
  if (flags.differenceOfGaussians) differenceOfGaussians(source, k, ctx, sink('differenceOfGaussians', 0));
}

/**
 * The DoG again, in float64 from the pre-smoothed image (dogFloat64.ts): the filter stages' float32 DoG is
 * ~10⁻⁴ of its range off at large scales. Computed on the core grown by the kernels' reach; the stages'
 * float32 DoG it replaces costs less than splitting the fused stages.
 */
function differenceOfGaussians(source: Field, k: FilterKernels, ctx: ScaleContext, out: Float32Array): void {
  const { imageWidth: W, imageHeight: H, core } = ctx;
  const reach = Math.max(k.g0.radius, k.dogInner.radius);
  const frame = reachRect(core, reach, reach, W, H);
  const shape = { depth: 1, height: frame.height, width: frame.width };
  const coreInFrame = {
    z: 0,
    y: core.y - frame.y,
    x: core.x - frame.x,
    depth: 1,
    height: core.height,
    width: core.width,
  };
  const outer = [null, k.g0, k.g0] as const;
  const inner = [null, k.dogInner, k.dogInner] as const;
  const arena = threadArena();
  const useSimd = isDogSimdApplicable(arena, [...outer, ...inner]);
  // The frame, out of the source field: into the SIMD module's memory, or a plain array.
  const voxels = frame.width * frame.height;
  let data: Float32Array;
  let volume: ArenaVolume | null = null;
  // Room for the frame and five float64 volumes (see dogFloat64Simd.ts).
  if (useSimd && arena.reserve(12, voxels)) {
    volume = arena.take(1, frame.height, frame.width);
    data = arena.view(volume);
  } else {
    data = new Float32Array(voxels);
  }
  const sw = source.rect.width;
  for (let y = 0; y < frame.height; y++) {
    const from = (frame.y + y - source.rect.y) * sw + frame.x - source.rect.x;
    data.set(source.data.subarray(from, from + frame.width), y * frame.width);
  }
  if (volume) {
    differenceOfGaussiansSimd(
      arena,
      volume,
      outer,
      inner,
      { frameHeight: frame.height, frameWidth: frame.width, ...coreInFrame },
      out,
    );
    arena.resetVolumes();
  } else {
    differenceOfGaussiansFloat64(data, shape, outer, inner, coreInFrame, out);
  }
}

/** The filters of the scale on the pre-smoothed `source`, by the fused stages where they apply. */
function filterStage(
  source: Field,
  k: FilterKernels,
  flags: FeatureFlags,
  ctx: ScaleContext,
  sink: FeatureSink,
): void {
  const { imageWidth: W, imageHeight: H, core } = ctx;
  const rows = (src: Field, ker: GaussianKernel, r: Rect, out?: Float32Array): Field =>
    convolveRows(src, ker, r, W, ctx.scratch, out);
  const cols = (src: Field, ker: GaussianKernel, r: Rect, out?: Float32Array): Field =>
    convolveColumns(src, ker, r, H, ctx.scratch, out);
  const gradRect = flags.structureTensorEigenvalues
    ? reachRect(core, k.tensorOuter.radius, k.tensorOuter.radius, W, H)
    : core;
  if (isFusedStageApplicable(k, flags)) {
    if (fusedStageSimd(source, k, flags, gradRect, ctx, sink)) return;
    const gradient = fusedFilterStage(source, k, flags, gradRect, ctx, sink);
    if (flags.structureTensorEigenvalues && gradient) {
      const { gx, gy } = gradient;
      if (!fusedStructureTensor(gx, gy, gradRect, k.tensorOuter, ctx, sink)) {
        structureTensor(gx, gy, gradRect, k.tensorOuter, ctx, sink);
      }
    }
    return;
  }

  const needsGradient = flags.gaussianGradientMagnitude || flags.structureTensorEigenvalues;
  const needsHessian = flags.laplacianOfGaussian || flags.hessianOfGaussianEigenvalues;

  // x-pass with the smoothing kernel: feeds smoothing, ∂y (over gradRect) and ∂yy.
  const x0Rect = needsGradient ? gradRect : core;
  const x0Reach = Math.max(k.g0.radius, needsGradient ? k.g1.radius : 0, needsHessian ? k.g2.radius : 0);
  const x0 = rows(source, k.g0, reachRect(x0Rect, 0, x0Reach, W, H));

  let smoothed: Float32Array | null = null;
  if (flags.gaussianSmoothing || flags.differenceOfGaussians) {
    smoothed = cols(x0, k.g0, core, flags.gaussianSmoothing ? sink('gaussianSmoothing', 0) : undefined).data;
  }
  if (flags.differenceOfGaussians && smoothed) {
    const d = k.dogInner;
    const inner = cols(rows(source, d, reachRect(core, 0, d.radius, W, H)), d, core).data;
    const dog = sink('differenceOfGaussians', 0);
    for (let i = 0; i < dog.length; i++) dog[i] = smoothed[i] - inner[i];
  }

  let x1: Field | null = null;
  if (needsGradient || flags.hessianOfGaussianEigenvalues) {
    const x1Rect = needsGradient ? gradRect : core;
    x1 = rows(source, k.g1, reachRect(x1Rect, 0, Math.max(k.g0.radius, k.g1.radius), W, H));
  }
  if (needsGradient && x1) {
    const gx = cols(x1, k.g0, gradRect).data;
    const gy = cols(x0, k.g1, gradRect).data;
    if (flags.gaussianGradientMagnitude)
      gradientMagnitude(gx, gy, gradRect, core, sink('gaussianGradientMagnitude', 0));
    if (flags.structureTensorEigenvalues) structureTensor(gx, gy, gradRect, k.tensorOuter, ctx, sink);
  }

  if (needsHessian) {
    const hxx = cols(rows(source, k.g2, reachRect(core, 0, k.g0.radius, W, H)), k.g0, core).data;
    const hyy = cols(x0, k.g2, core).data;
    if (flags.laplacianOfGaussian) {
      const log = sink('laplacianOfGaussian', 0);
      for (let i = 0; i < log.length; i++) log[i] = hxx[i] + hyy[i];
    }
    if (flags.hessianOfGaussianEigenvalues && x1) {
      const hxy = cols(x1, k.g1, core).data;
      const first = sink('hessianOfGaussianEigenvalues', 0);
      const second = sink('hessianOfGaussianEigenvalues', 1);
      symmetricEigenvalues2x2(hxx, hxy, hyy, core.width, 0, core.width, core.height, first, second);
    }
  }
}

function gradientMagnitude(
  gx: Float32Array,
  gy: Float32Array,
  gradRect: Rect,
  core: Rect,
  out: Float32Array,
): void {
  const stride = gradRect.width;
  const offset = (core.y - gradRect.y) * stride + (core.x - gradRect.x);
  for (let y = 0; y < core.height; y++) {
    let i = offset + y * stride;
    let o = y * core.width;
    for (let x = 0; x < core.width; x++, i++, o++) {
      const a = gx[i];
      const b = gy[i];
      out[o] = Math.sqrt(a * a + b * b);
    }
  }
}

/** Outer products of the gradient over gradRect, smoothed at the outer scale down to the core, then eigenvalues. */
function structureTensor(
  gx: Float32Array,
  gy: Float32Array,
  gradRect: Rect,
  outer: GaussianKernel,
  ctx: ScaleContext,
  sink: FeatureSink,
): void {
  const { imageWidth: W, imageHeight: H, core, scratch } = ctx;
  const n = gx.length;
  const txx = scratch.plane(n);
  const txy = scratch.plane(n);
  const tyy = scratch.plane(n);
  for (let i = 0; i < n; i++) {
    const a = gx[i];
    const b = gy[i];
    txx[i] = a * a;
    txy[i] = a * b;
    tyy[i] = b * b;
  }
  const rowsRect: Rect = { x: core.x, y: gradRect.y, width: core.width, height: gradRect.height };
  const smooth = (t: Float32Array): Float32Array => {
    const field: Field = { data: t, rect: gradRect };
    return convolveColumns(convolveRows(field, outer, rowsRect, W, scratch), outer, core, H, scratch).data;
  };
  symmetricEigenvalues2x2(
    smooth(txx),
    smooth(txy),
    smooth(tyy),
    core.width,
    0,
    core.width,
    core.height,
    sink('structureTensorEigenvalues', 0),
    sink('structureTensorEigenvalues', 1),
  );
}
