/**
 * The feature bank over a whole image on the worker pool: the image is put in shared memory once, every
 * tile is a 'featureTile' job that reads its core plus halo from it, and writes its core straight into
 * shared output planes, so neither input nor output is copied per tile. The result equals
 * computeFeatures(image, …) exactly (tiles with their halo are exact; see computeFeatures.test.ts).
 * Even a one-tile image goes to the pool: the caller may be the Electron main thread, which must not block.
 */
import { featureHaloPx } from '../../core/features/computeFeatures.js';
import {
  featureChannelCount,
  validateSelection,
  type FeatureConvention,
  type FeatureSelection,
} from '../../core/features/selection.js';
import type { PlanarImage } from '../../core/image.js';
import { tileGrid } from '../../core/tiling.js';
import { sharedArray, toShared } from '../engine/sharedMemory.js';
import type { WorkerPool } from '../engine/WorkerPool.js';

/**
 * Tile edge for feature jobs: the passes of one scale touch ~20 planes of a tile, which at 256² (256 kB each)
 * stay in L2, and small tiles balance the load across threads; the halo is only read, not recomputed, so
 * small tiles cost little extra.
 */
export const FEATURE_TILE_SIZE = 256;

export interface FeatureStackOptions {
  tileSize?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** Computes the selected features of `image` in tiles on `pool`; planes in featureChannelNames order. */
export async function computeFeatureStack(
  pool: WorkerPool,
  image: PlanarImage,
  sel: FeatureSelection,
  convention: FeatureConvention,
  options: FeatureStackOptions = {},
): Promise<Float32Array[]> {
  validateSelection(sel);
  const { width, height } = image;
  const tileSize = options.tileSize ?? FEATURE_TILE_SIZE;
  const channelCount = featureChannelCount(sel, image.channels.length);
  if (channelCount === 0) return [];
  const input = image.channels.map(toShared);
  const output: Float32Array[] = [];
  for (let c = 0; c < channelCount; c++) output.push(sharedArray(Float32Array, width * height));
  const tiles = tileGrid(width, height, tileSize, featureHaloPx(sel, convention));
  let done = 0;
  options.onProgress?.(0, tiles.length);
  await Promise.all(
    tiles.map(async ({ core }) => {
      await pool.run(
        'featureTile',
        {
          planes: input,
          width,
          height,
          core,
          selection: sel,
          convention,
          into: { planes: output, width, x: core.x, y: core.y },
        },
        { signal: options.signal },
      );
      options.onProgress?.(++done, tiles.length);
    }),
  );
  return output;
}
