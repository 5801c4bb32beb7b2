/**
 * ilastik's feature bank on volumes (OpPixelFeaturesPresmoothed in 3-D): the six features at the selected
 * scales, per input channel, in the channel order of featureLayout3d.ts. Scales marked "compute in 2D" run
 * the 2-D bank plane by plane. Runs anywhere (worker, test); large stacks are computed block by block: a
 * block cropped with featureHalo3d of context computes its core exactly as the whole volume would.
 */
import { computeFeatures } from '../features/computeFeatures.js';
import { featureHaloPx } from '../features/computeFeatures.js';
import { FEATURE_DEGREE, rangeSafeChannel } from '../features/featureInputRange.js';
import { channelFeatureOffset, checkFeatureOffsets, subtractOffset } from '../features/featureOffset.js';
import { scalePlan, type FeatureFlags } from '../features/scaleFilters.js';
import {
  FEATURE_IDS,
  type FeatureConvention,
  type FeatureId,
  type FeatureSelection,
} from '../features/selection.js';
import {
  cellChannelCount3d,
  isScaleIn2d,
  unfitScales3d,
  validateLayout3d,
  type Features3dLayout,
} from './featureLayout3d.js';
import { computeScaleFeatures3d, scaleArenaFloats, scaleFrame, scaleKernels3d } from './scaleFeatures3d.js';
import { threadArena } from './volumeArena.js';
import { boxVoxels, wholeBox, type Box, type Shape3, type Volume } from './volume3d.js';

export interface Features3dOptions extends Features3dLayout {
  /** Default 'ilastik' (pre-smoothing per scale, as ilastik computes). */
  readonly convention?: FeatureConvention;
  /** The box to compute (default: the whole input); voxels outside it serve as context. */
  readonly region?: Box;
  /**
   * Per input channel, the offset subtracted before filtering and added back to smoothing (featureOffset.ts).
   * Blocks of one volume must share the volume's: pass featureOffsets(volume.channels) to each.
   */
  readonly offsets?: readonly number[];
  /** The whole volume's shape, for refusing scales that do not fit it (default: the input's). */
  readonly volumeShape?: Shape3;
}

function flagsAt(sel: FeatureSelection, scaleIndex: number): FeatureFlags {
  const flags = {} as Record<FeatureId, boolean>;
  FEATURE_IDS.forEach((id, row) => (flags[id] = sel.enabled[row][scaleIndex]));
  return flags;
}

const hasAny = (f: FeatureFlags): boolean => FEATURE_IDS.some((id) => f[id]);

/** The selection restricted to one scale (for the 2-D bank). */
function singleScale(sel: FeatureSelection, si: number): FeatureSelection {
  return { scales: [sel.scales[si]], enabled: sel.enabled.map((row) => [row[si]]) };
}

/** Context (z, y, x voxels) a block needs on each side so that its core equals the whole volume's result. */
export function featureHalo3d(
  sel: FeatureSelection,
  options: Features3dOptions = {},
): [number, number, number] {
  validateLayout3d(sel, options);
  const convention = options.convention ?? 'ilastik';
  const halo: [number, number, number] = [0, 0, 0];
  sel.scales.forEach((scale, si) => {
    const flags = flagsAt(sel, si);
    if (!hasAny(flags)) return;
    if (isScaleIn2d(options, si)) {
      const h = featureHaloPx(singleScale(sel, si), convention);
      halo[1] = Math.max(halo[1], h);
      halo[2] = Math.max(halo[2], h);
      return;
    }
    const kernels = scaleKernels3d(scalePlan(scale, convention), options.anisotropy ?? [1, 1, 1], flags);
    kernels.forEach((k, a) => (halo[a] = Math.max(halo[a], k.reach)));
  });
  return halo;
}

/**
 * Bytes of working memory computeFeatures3d takes for `region` of an `input`-shaped volume (an upper
 * estimate: the largest scale's arena, see scaleArenaFloats), besides its input and its output channels.
 */
export function featureWorkBytes3d(
  input: Shape3,
  region: Box,
  sel: FeatureSelection,
  options: Features3dOptions = {},
): number {
  validateLayout3d(sel, options);
  const convention = options.convention ?? 'ilastik';
  let floats = 0;
  sel.scales.forEach((scale, si) => {
    const flags = flagsAt(sel, si);
    if (!hasAny(flags)) return;
    if (isScaleIn2d(options, si)) {
      // The 2-D bank's arena on one plane (scaleFilters.ts reserves twelve plane-sized volumes).
      floats = Math.max(floats, 12 * input.height * input.width);
      return;
    }
    const kernels = scaleKernels3d(scalePlan(scale, convention), options.anisotropy ?? [1, 1, 1], flags);
    floats = Math.max(floats, scaleArenaFloats(region, input, kernels));
  });
  return 4 * floats;
}

function checkInput(volume: Volume, core: Box): void {
  const { depth: D, height: H, width: W } = volume;
  if (![D, H, W].every((n) => Number.isInteger(n) && n > 0)) {
    throw new RangeError(`volume size ${D}×${H}×${W} (depth × height × width) must be positive integers`);
  }
  for (const ch of volume.channels) {
    if (ch.length !== D * H * W) {
      throw new RangeError(`volume channel has ${ch.length} values, expected ${D}×${H}×${W}`);
    }
  }
  const inside = (start: number, size: number, n: number): boolean =>
    Number.isInteger(start) && Number.isInteger(size) && size > 0 && start >= 0 && start + size <= n;
  if (!inside(core.z, core.depth, D) || !inside(core.y, core.height, H) || !inside(core.x, core.width, W)) {
    throw new RangeError(
      `feature region ${core.depth}×${core.height}×${core.width}+${core.z}+${core.y}+${core.x} is empty or outside the ${D}×${H}×${W} volume`,
    );
  }
}

/**
 * Computes the selected features of `volume` for `options.region` (default: all of it). Returns one
 * region-sized Float32Array per output channel (featureChannelNames3d order), z-major.
 */
export function computeFeatures3d(
  volume: Volume,
  sel: FeatureSelection,
  options: Features3dOptions = {},
): Float32Array[] {
  validateLayout3d(sel, options);
  const core = options.region ?? wholeBox(volume);
  checkInput(volume, core);
  const unfit = unfitScales3d(options.volumeShape ?? volume, sel, options);
  if (unfit.length > 0) {
    const u = unfit[0];
    throw new RangeError(
      `scale ${u.scale} does not fit the volume: it needs ${u.needed} voxels along ${u.axis} (⌈3.5·σ⌉ + 1), the volume has ${u.length}; deselect it${u.axis === 'z' ? ' or compute it in 2D' : ''}`,
    );
  }
  const inputCount = volume.channels.length;
  const offsets = options.offsets ?? volume.channels.map(channelFeatureOffset);
  checkFeatureOffsets(offsets, inputCount);
  const convention = options.convention ?? 'ilastik';
  const factors = options.anisotropy ?? [1, 1, 1];

  const coreVoxels = boxVoxels(core);
  const firstPlane: number[][] = FEATURE_IDS.map(() => []);
  let planeCount = 0;
  FEATURE_IDS.forEach((id, row) =>
    sel.scales.forEach((_, si) => {
      firstPlane[row][si] = planeCount;
      if (sel.enabled[row][si]) planeCount += cellChannelCount3d(id, isScaleIn2d(options, si)) * inputCount;
    }),
  );
  const planes: Float32Array[] = [];
  for (let i = 0; i < planeCount; i++) planes.push(new Float32Array(coreVoxels));
  const plane = (id: FeatureId, si: number, c: number, k: number): Float32Array => {
    const row = FEATURE_IDS.indexOf(id);
    return planes[firstPlane[row][si] + c * cellChannelCount3d(id, isScaleIn2d(options, si)) + k];
  };

  // Offset-free, range-safe inputs (see featureOffset.ts and featureInputRange.ts).
  const inputs = volume.channels.map((ch, c) => rangeSafeChannel(subtractOffset(ch, offsets[c])));
  sel.scales.forEach((scale, si) => {
    const flags = flagsAt(sel, si);
    if (!hasAny(flags)) return;
    if (isScaleIn2d(options, si)) {
      computeScaleIn2d(volume, core, sel, si, convention, offsets, (id, c, k) => plane(id, si, c, k));
      return;
    }
    const kernels = scaleKernels3d(scalePlan(scale, convention), factors, flags);
    const arena = threadArena();
    if (!arena.reserveFloats(scaleArenaFloats(core, volume, kernels))) {
      const frame = scaleFrame(core, volume, kernels);
      throw new RangeError(
        `3-D features: a ${frame.depth}×${frame.height}×${frame.width} block does not fit in memory; use smaller blocks`,
      );
    }
    inputs.forEach(({ data }, c) =>
      computeScaleFeatures3d(arena, data, volume, core, kernels, flags, (id, k) => plane(id, si, c, k)),
    );
  });

  // Undo the range-safe scaling, then put the offset back where it belongs: smoothing.
  inputs.forEach(({ exponent }, c) => {
    sel.scales.forEach((_, si) => {
      if (isScaleIn2d(options, si)) return; // the 2-D bank did both itself
      FEATURE_IDS.forEach((id, row) => {
        if (!sel.enabled[row][si]) return;
        const factor = 2 ** (exponent * FEATURE_DEGREE[id]);
        const add = id === 'gaussianSmoothing' ? offsets[c] : 0;
        if (factor === 1 && add === 0) return;
        for (let k = 0; k < cellChannelCount3d(id, false); k++) {
          const p = plane(id, si, c, k);
          for (let i = 0; i < p.length; i++) p[i] = p[i] * factor + add;
        }
      });
    });
  });
  return planes;
}

/** One scale "in 2D": the 2-D bank on each plane of the core, with the volume's offsets. */
function computeScaleIn2d(
  volume: Volume,
  core: Box,
  sel: FeatureSelection,
  si: number,
  convention: FeatureConvention,
  offsets: readonly number[],
  target: (id: FeatureId, c: number, k: number) => Float32Array,
): void {
  const one = singleScale(sel, si);
  const { height: H, width: W } = volume;
  const planeSize = core.height * core.width;
  const region = { x: core.x, y: core.y, width: core.width, height: core.height };
  for (let z = 0; z < core.depth; z++) {
    const at = (core.z + z) * H * W;
    const image = { width: W, height: H, channels: volume.channels.map((ch) => ch.subarray(at, at + H * W)) };
    const out = computeFeatures(image, one, convention, region, { offsets });
    let i = 0;
    FEATURE_IDS.forEach((id, row) => {
      if (!one.enabled[row][0]) return;
      for (let c = 0; c < volume.channels.length; c++) {
        for (let k = 0; k < cellChannelCount3d(id, true); k++) target(id, c, k).set(out[i++], z * planeSize);
      }
    });
  }
}
