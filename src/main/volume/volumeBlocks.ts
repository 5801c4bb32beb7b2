/**
 * How a volume (one t frame of a stack) is cut into blocks: z slabs, each cut into y bands of x tiles.
 * Every block's core is computed from its core grown by the feature halo, so blocks stitch into exactly
 * the whole volume's result (computeFeatures3d's region option). The core size is chosen per volume to
 * waste the least work on halos within a worker's memory.
 */
import { boxVoxels, growBox, type Box, type Shape3 } from '../../core/features3d/volume3d.js';
import {
  BLOCK_CORE_DEPTHS,
  BLOCK_CORE_SIDES,
  VOLUME_BANDS_IN_FLIGHT,
  VOLUME_MAIN_BYTES,
  VOLUME_WORKER_BYTES,
} from './volumeConstants.js';

/** A block core's depth (z planes) and in-plane side (y and x). */
export interface BlockCore {
  readonly depth: number;
  readonly side: number;
}

export interface VolumeBlock {
  /** The voxels the block is responsible for, in frame coordinates. */
  readonly core: Box;
  /** The core grown by the halo, clipped to the frame: what is read. */
  readonly outer: Box;
}

/** A row of blocks sharing their z and y range: the unit results are written in. */
export interface VolumeBand {
  readonly z: number;
  readonly depth: number;
  readonly y: number;
  readonly height: number;
  readonly blocks: readonly VolumeBlock[];
}

export interface BlockCosts {
  /** Output channels of the feature bank. */
  readonly featureCount: number;
  /** Input channels of the image. */
  readonly channels: number;
  /** Per-voxel result channels kept beside the features (class probabilities). */
  readonly resultCount: number;
  /** The feature bank's working memory for a block's core (relative to its outer box), in bytes. */
  readonly workBytes: (outer: Shape3, core: Box) => number;
}

/** Bytes a worker holds for one block: the bank's working memory, the input and the core's features. */
export function blockBytes(outer: Box, core: Box, costs: BlockCosts): number {
  return (
    costs.workBytes(outer, relativeBox(core, outer)) +
    4 * (boxVoxels(outer) * costs.channels + boxVoxels(core) * (costs.featureCount + costs.resultCount))
  );
}

/** Bytes the main thread holds for a volume's bands of results: VOLUME_BANDS_IN_FLIGHT bands at once. */
export function bandBytes(shape: Shape3, core: BlockCore, costs: BlockCosts): number {
  const band = Math.min(core.depth, shape.depth) * Math.min(core.side, shape.height) * shape.width;
  return 4 * VOLUME_BANDS_IN_FLIGHT * costs.resultCount * band;
}

/**
 * The block core with the least halo work (outer voxels per core voxel) whose block fits `budget` bytes
 * in a worker and whose bands fit `mainBudget` in the main thread; the smallest candidate when none fits
 * (memory then exceeds the budget by at most that block).
 */
export function chooseBlockCore(
  shape: Shape3,
  halo: readonly [number, number, number],
  costs: BlockCosts,
  budget = VOLUME_WORKER_BYTES,
  mainBudget = VOLUME_MAIN_BYTES,
): BlockCore {
  let best: { core: BlockCore; ratio: number; voxels: number } | null = null;
  for (const d of BLOCK_CORE_DEPTHS) {
    for (const s of BLOCK_CORE_SIDES) {
      // A block in the middle of the volume: halos on every side the volume allows.
      const core = centeredBox(
        shape,
        Math.min(d, shape.depth),
        Math.min(s, shape.height),
        Math.min(s, shape.width),
      );
      const outer = growBox(core, halo, shape);
      if (blockBytes(outer, core, costs) > budget) continue;
      if (bandBytes(shape, { depth: d, side: s }, costs) > mainBudget) continue;
      const voxels = boxVoxels(core);
      const ratio = boxVoxels(outer) / voxels;
      if (
        !best ||
        ratio < best.ratio - 1e-9 ||
        (Math.abs(ratio - best.ratio) <= 1e-9 && voxels > best.voxels)
      ) {
        best = { core: { depth: d, side: s }, ratio, voxels };
      }
    }
  }
  return best?.core ?? { depth: BLOCK_CORE_DEPTHS[0], side: BLOCK_CORE_SIDES[0] };
}

function centeredBox(shape: Shape3, depth: number, height: number, width: number): Box {
  const start = (n: number, size: number) => Math.floor((n - size) / 2);
  return {
    z: start(shape.depth, depth),
    y: start(shape.height, height),
    x: start(shape.width, width),
    depth,
    height,
    width,
  };
}

/** The bands of a volume, slab after slab, top to bottom, each with its blocks left to right. */
export function volumeBands(
  shape: Shape3,
  core: BlockCore,
  halo: readonly [number, number, number],
): VolumeBand[] {
  const bands: VolumeBand[] = [];
  for (let z = 0; z < shape.depth; z += core.depth) {
    const depth = Math.min(core.depth, shape.depth - z);
    for (let y = 0; y < shape.height; y += core.side) {
      const height = Math.min(core.side, shape.height - y);
      const blocks: VolumeBlock[] = [];
      for (let x = 0; x < shape.width; x += core.side) {
        const width = Math.min(core.side, shape.width - x);
        const box = { z, y, x, depth, height, width };
        blocks.push({ core: box, outer: growBox(box, halo, shape) });
      }
      bands.push({ z, depth, y, height, blocks });
    }
  }
  return bands;
}

/** `box` relative to `frame` (both in the same coordinates). */
export function relativeBox(box: Box, frame: Box): Box {
  return { ...box, z: box.z - frame.z, y: box.y - frame.y, x: box.x - frame.x };
}
