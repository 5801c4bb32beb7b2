/**
 * The filters of one scale on one input channel in 3-D, sharing their passes: pre-smoothing (x, y, z), then
 * four x passes (smoothing, ∂, ∂², the DoG's inner smoothing), seven y passes on those and eleven z passes
 * give smoothing, DoG, the gradient and the six Hessian entries; the structure tensor smooths the six
 * gradient products. ilastik's recipe per filter (vigra's gaussianSmoothing, gaussianGradientMagnitude, …),
 * with every pass computed once.
 *
 * Everything runs on the scale's frame: the core box grown by the scale's reach, clipped to the input. Passes
 * reflect at the frame's faces; where a face is inside the volume the reflected values are wrong, but only
 * within the reach of that face, which the core never sees. Where a face is the volume's, reflection is the
 * true border. So a block's core equals the whole volume's, bit for bit.
 */
import { cachedGaussianKernel, type GaussianKernel } from '../features/gaussianKernels.js';
import { DOG_INNER_RATIO, STRUCTURE_TENSOR_OUTER_RATIO } from '../features/featureConstants.js';
import type { FeatureFlags, ScalePlan } from '../features/scaleFilters.js';
import type { FeatureId } from '../features/selection.js';
import { differenceOfGaussiansFloat64 } from '../features/dogFloat64.js';
import { differenceOfGaussiansSimd, isDogSimdApplicable } from './dogFloat64Simd.js';
import { tensorEigenvaluesInArena, type CoreInFrame } from './symmetricEigenvalues3x3.js';
import { VolumeArena, type ArenaVolume } from './volumeArena.js';
import { convolveX, convolveY, convolveZ } from './volumePasses.js';
import { copyCore, magnitudeOfThree, structureTensor3d, sumOfThree } from './scaleOutputs3d.js';
import { growBox, type Box, type Shape3 } from './volume3d.js';

/** The kernels of one scale along one axis. */
interface AxisKernels {
  readonly presmooth: GaussianKernel | null;
  readonly g0: GaussianKernel;
  readonly g1: GaussianKernel;
  readonly g2: GaussianKernel;
  readonly dogInner: GaussianKernel;
  readonly tensorOuter: GaussianKernel;
  /** How far this axis's passes reach past the voxel they compute. */
  readonly reach: number;
  /** The same without the pre-smoothing: how far the filter stage reaches into the pre-smoothed image. */
  readonly filterReach: number;
  /** Derivatives along this axis are multiplied by it (anisotropy: per finest-axis voxel, not per own voxel). */
  readonly derivativeFactor: number;
}

/** Kernels along z, y, x. */
export type ScaleKernels3d = readonly [AxisKernels, AxisKernels, AxisKernels];

/** `factor` scales every σ along the axis (1 for isotropic data). */
function axisKernels(plan: ScalePlan, factor: number, flags: FeatureFlags): AxisKernels {
  const s = plan.filterSigma * factor;
  const ratio = plan.filterWindowRatio;
  const presmooth =
    plan.presmoothSigma > 0
      ? cachedGaussianKernel(plan.presmoothSigma * factor, 0, plan.presmoothWindowRatio)
      : null;
  const g0 = cachedGaussianKernel(s, 0, ratio);
  const g1 = cachedGaussianKernel(s, 1, ratio);
  const g2 = cachedGaussianKernel(s, 2, ratio);
  const dogInner = cachedGaussianKernel(DOG_INNER_RATIO * s, 0, ratio);
  const tensorOuter = cachedGaussianKernel(STRUCTURE_TENSOR_OUTER_RATIO * s, 0, ratio);
  const filterReach = Math.max(g0.radius, g1.radius, g2.radius, dogInner.radius);
  const stageReach = filterReach + (flags.structureTensorEigenvalues ? tensorOuter.radius : 0);
  const reach = (presmooth?.radius ?? 0) + stageReach;
  return {
    presmooth,
    g0,
    g1,
    g2,
    dogInner,
    tensorOuter,
    reach,
    filterReach: stageReach,
    derivativeFactor: factor,
  };
}

export function scaleKernels3d(
  plan: ScalePlan,
  factors: readonly [number, number, number],
  flags: FeatureFlags,
): ScaleKernels3d {
  return [
    axisKernels(plan, factors[0], flags),
    axisKernels(plan, factors[1], flags),
    axisKernels(plan, factors[2], flags),
  ];
}

/** Where results go: the core-sized volume of `feature`'s channel `k`. */
export type FeatureSink3d = (feature: FeatureId, k: number) => Float32Array;

/** The core grown by the reach along each axis, clipped to the input. */
export function scaleFrame(core: Box, input: Shape3, kernels: ScaleKernels3d): Box {
  const grow = (start: number, size: number, reach: number, n: number): [number, number] => {
    const lo = Math.max(0, start - reach);
    return [lo, Math.min(n, start + size + reach) - lo];
  };
  const [z, depth] = grow(core.z, core.depth, kernels[0].reach, input.depth);
  const [y, height] = grow(core.y, core.height, kernels[1].reach, input.height);
  const [x, width] = grow(core.x, core.width, kernels[2].reach, input.width);
  return { z, y, x, depth, height, width };
}

/** A box (relative to `v`) of an arena volume, copied into a new arena volume. */
function cropInArena(arena: VolumeArena, v: ArenaVolume, box: Box): ArenaVolume {
  const out = arena.take(box.depth, box.height, box.width);
  const heap = arena.heap;
  for (let z = 0; z < box.depth; z++) {
    for (let y = 0; y < box.height; y++) {
      const from = v.at + ((box.z + z) * v.height + box.y + y) * v.width + box.x;
      heap.copyWithin(out.at + (z * box.height + y) * box.width, from, from + box.width);
    }
  }
  return out;
}

function coreInFrame(core: Box, frame: Box): Box {
  return {
    z: core.z - frame.z,
    y: core.y - frame.y,
    x: core.x - frame.x,
    depth: core.depth,
    height: core.height,
    width: core.width,
  };
}

/** Computes the enabled features of one scale of `channel` (the input, `input`-shaped) for `core`. */
export function computeScaleFeatures3d(
  arena: VolumeArena,
  channel: Float32Array,
  input: Shape3,
  core: Box,
  kernels: ScaleKernels3d,
  flags: FeatureFlags,
  sink: FeatureSink3d,
): void {
  let frame = scaleFrame(core, input, kernels);
  let { depth: D, height: H, width: W } = frame;
  arena.resetVolumes();
  const take = (): ArenaVolume => arena.take(D, H, W);
  const pad = arena.take(1, 1, W + 2 * Math.max(...kernels.map((k) => k.presmooth?.radius ?? 0), 64));

  // The frame, copied out of the input.
  let source = take();
  const heap = arena.heap;
  for (let z = 0; z < D; z++) {
    for (let y = 0; y < H; y++) {
      const from = ((frame.z + z) * input.height + frame.y + y) * input.width + frame.x;
      heap.set(channel.subarray(from, from + W), source.at + (z * H + y) * W);
    }
  }
  const [kz, ky, kx] = kernels;
  const x = (src: ArenaVolume, k: GaussianKernel): ArenaVolume => {
    const out = take();
    convolveX(arena, src, out, k, pad);
    return out;
  };
  const y = (src: ArenaVolume, k: GaussianKernel): ArenaVolume => {
    const out = take();
    convolveY(arena, src, out, k);
    return out;
  };
  const z = (src: ArenaVolume, k: GaussianKernel): ArenaVolume => {
    const out = take();
    convolveZ(arena, src, out, k);
    return out;
  };
  if (kx.presmooth && ky.presmooth && kz.presmooth) {
    // The filters reach less far than the pre-smoothing: they go on in the smaller filter frame (as ilastik's
    // two frames), whose faces inside the volume are again beyond what the core sees. Each pre-smoothing
    // pass is cropped to the filter frame along its own axis right after it — later passes never reflect
    // along that axis — so the y and z passes (the long kernels) only compute what is needed.
    const ff = filterFrame(core, input, kernels);
    const a = x(source, kx.presmooth);
    arena.give(source);
    const ax = cropInArena(arena, a, { z: 0, y: 0, x: ff.x - frame.x, depth: D, height: H, width: ff.width });
    arena.give(a);
    const b = arena.take(ax.depth, ax.height, ax.width);
    convolveY(arena, ax, b, ky.presmooth);
    arena.give(ax);
    const by = cropInArena(arena, b, {
      z: 0,
      y: ff.y - frame.y,
      x: 0,
      depth: D,
      height: ff.height,
      width: ff.width,
    });
    arena.give(b);
    const c = arena.take(by.depth, by.height, by.width);
    convolveZ(arena, by, c, kz.presmooth);
    arena.give(by);
    source = cropInArena(arena, c, {
      z: ff.z - frame.z,
      y: 0,
      x: 0,
      depth: ff.depth,
      height: ff.height,
      width: ff.width,
    });
    arena.give(c);
    frame = ff;
    ({ depth: D, height: H, width: W } = frame);
  }

  const needsGradient = flags.gaussianGradientMagnitude || flags.structureTensorEigenvalues;
  const needsHessian = flags.laplacianOfGaussian || flags.hessianOfGaussianEigenvalues;
  const hog = flags.hessianOfGaussianEigenvalues;
  const box: CoreInFrame = { frameHeight: H, frameWidth: W, ...coreInFrame(core, frame) };

  // The DoG first, while the pre-smoothed frame is the only live volume: its float64 volumes are the
  // scale's largest.
  if (flags.differenceOfGaussians) {
    // In float64 from the pre-smoothed frame (dogFloat64.ts): a large-scale DoG is a tiny difference.
    const outer = [kz.g0, ky.g0, kx.g0] as const;
    const inner = [kz.dogInner, ky.dogInner, kx.dogInner] as const;
    const out = sink('differenceOfGaussians', 0);
    if (isDogSimdApplicable(arena, [...outer, ...inner])) {
      differenceOfGaussiansSimd(arena, source, outer, inner, box, out);
    } else {
      // Its float64 volumes in the arena too (three, each two floats a voxel), not in garbage.
      const doubles = [0, 1, 2].map(() => arena.take(D, H, 2 * W));
      const [s0, s1, s2] = doubles.map((v) => arena.heap64.subarray(v.at / 2, v.at / 2 + D * H * W));
      differenceOfGaussiansFloat64(arena.view(source), frame, outer, inner, coreInFrame(core, frame), out, [
        s0,
        s1,
        s2,
      ]);
      arena.give(...doubles);
    }
  }

  const x0 = x(source, kx.g0);
  const x1 = needsGradient || hog ? x(source, kx.g1) : null;
  const x2 = needsHessian ? x(source, kx.g2) : null;
  arena.give(source);

  const y00 = y(x0, ky.g0);
  const y01 = needsGradient || hog ? y(x0, ky.g1) : null;
  const y02 = needsHessian ? y(x0, ky.g2) : null;
  arena.give(x0);
  const y10 = x1 && (needsGradient || hog) ? y(x1, ky.g0) : null;
  const y11 = x1 && hog ? y(x1, ky.g1) : null;
  arena.give(x1);
  const y20 = x2 ? y(x2, ky.g0) : null;
  arena.give(x2);

  // Each group of z passes is consumed before the next: smoothing, the Hessian (freeing the y volumes only
  // it needs), then the gradient (freeing the rest). Anisotropy: derivatives per finest-axis voxel (exact
  // no-ops for isotropic data, skipped).
  const [fz, fy, fx] = kernels.map((k) => k.derivativeFactor);
  const zScaled = (src: ArenaVolume, k: GaussianKernel, f: number): ArenaVolume => {
    const out = z(src, k);
    if (f !== 1) {
      const a = arena.view(out);
      for (let i = 0; i < a.length; i++) a[i] *= f;
    }
    return out;
  };
  if (flags.gaussianSmoothing) {
    const gs = z(y00, kz.g0);
    copyCore(arena, gs, box, sink('gaussianSmoothing', 0));
    arena.give(gs);
  }
  if (needsHessian && y02 && y20) {
    const hxx = zScaled(y20, kz.g0, fx * fx);
    arena.give(y20);
    const hyy = zScaled(y02, kz.g0, fy * fy);
    arena.give(y02);
    const hzz = zScaled(y00, kz.g2, fz * fz);
    if (flags.laplacianOfGaussian) sumOfThree(arena, [hxx, hyy, hzz], box, sink('laplacianOfGaussian', 0));
    if (hog && y11 && y10 && y01) {
      const hxy = zScaled(y11, kz.g0, fx * fy);
      const hxz = zScaled(y10, kz.g1, fx * fz);
      const hyz = zScaled(y01, kz.g1, fy * fz);
      tensorEigenvaluesInArena(
        arena,
        [hxx, hxy, hxz, hyy, hyz, hzz],
        box,
        sink('hessianOfGaussianEigenvalues', 0),
        sink('hessianOfGaussianEigenvalues', 1),
        sink('hessianOfGaussianEigenvalues', 2),
      );
      arena.give(hxy, hxz, hyz);
    }
    arena.give(hxx, hyy, hzz);
  }
  arena.give(y11);
  if (!(needsGradient && y10 && y01)) {
    arena.give(y00, y01, y10);
    return;
  }
  const gz = zScaled(y00, kz.g1, fz);
  arena.give(y00);
  const gy = zScaled(y01, kz.g0, fy);
  arena.give(y01);
  const gx = zScaled(y10, kz.g0, fx);
  arena.give(y10);
  if (flags.gaussianGradientMagnitude) {
    magnitudeOfThree(arena, [gx, gy, gz], box, sink('gaussianGradientMagnitude', 0));
  }
  if (!flags.structureTensorEigenvalues) {
    arena.give(gx, gy, gz);
    return;
  }
  const tensor = structureTensor3d(
    arena,
    [gx, gy, gz],
    [kz.tensorOuter, ky.tensorOuter, kx.tensorOuter],
    pad,
  );
  tensorEigenvaluesInArena(
    arena,
    tensor,
    box,
    sink('structureTensorEigenvalues', 0),
    sink('structureTensorEigenvalues', 1),
    sink('structureTensorEigenvalues', 2),
  );
  arena.give(...tensor);
}

/**
 * Filter-frame volumes a scale holds at once at most after pre-smoothing: nine (the Hessian's six with the
 * three y volumes the gradient still needs, or the gradient with the six tensor products; the DoG: the frame
 * and three float64 volumes, seven), plus three for the slots the DoG's double-width volumes leave, which
 * later hold one volume each (the arena's free list does not split slots). Measured peaks stay under it
 * (test/volume/features3dMemory.test.ts).
 */
export const SCALE_FILTER_VOLUMES_PEAK = 12;

/** The core grown by the filter stage's reach, clipped to the input: where filters run after pre-smoothing. */
function filterFrame(core: Box, input: Shape3, kernels: ScaleKernels3d): Box {
  const [kz, ky, kx] = kernels;
  return growBox(core, [kz.filterReach, ky.filterReach, kx.filterReach], input);
}

/**
 * Arena floats one scale takes at most: the pre-smoothing's two frame volumes (or the frame copy), then
 * SCALE_FILTER_VOLUMES_PEAK filter-frame volumes, counted apart although the filter stage reuses the
 * pre-smoothing's slots — an upper estimate, for reserving memory and planning blocks (the arena grows
 * past it if ever needed).
 */
export function scaleArenaFloats(core: Box, input: Shape3, kernels: ScaleKernels3d): number {
  const frame = scaleFrame(core, input, kernels);
  const presmoothed = kernels.every((k) => k.presmooth);
  const filter = presmoothed ? filterFrame(core, input, kernels) : frame;
  const footprint = (b: Box): number => VolumeArena.footprint(b.depth * b.height * b.width);
  const padAndRows = 4 * VolumeArena.footprint(frame.width + 2 * 600);
  return (
    padAndRows + (presmoothed ? 2 : 1) * footprint(frame) + SCALE_FILTER_VOLUMES_PEAK * footprint(filter)
  );
}
