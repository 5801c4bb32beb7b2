/**
 * Predicts a whole image tile by tile in the worker pool: each worker computes its tile's features and
 * probabilities (classifyTile), the results are pasted into full-size planes, then the Simple Segmentation
 * and Uncertainty are derived. For images too large to hold, callers stream tiles with classifyTile directly.
 */
import { simpleSegmentation, uncertainty } from '../../core/classifier/outputs.js';
import { serializeClassifier, type FittedClassifier } from '../../core/classifier/PixelClassifier.js';
import type { PlanarImage } from '../../core/image.js';
import { DEFAULT_TILE_SIZE, tileGrid } from '../../core/tiling.js';
import type { WorkerPool } from '../engine/WorkerPool.js';
import { featureHaloPx } from '../../core/features/computeFeatures.js';
import { featureOffsets } from '../../core/features/featureOffset.js';
import {
  featureChannelCount,
  type FeatureConvention,
  type FeatureSelection,
} from '../../core/features/selection.js';
import { cropTile, pastePlane } from './tileCrops.js';

export interface PredictImageOptions {
  tileSize?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface ImagePrediction {
  /** One plane per class, in model.classes order. */
  readonly probabilities: Float32Array[];
  /** Class value (1..K) per pixel. */
  readonly segmentation: Uint8Array;
  /** 1 − (p_first − p_second) per pixel. */
  readonly uncertainty: Float32Array;
}

export async function predictImage(
  pool: WorkerPool,
  image: PlanarImage,
  model: FittedClassifier,
  selection: FeatureSelection,
  convention: FeatureConvention,
  options: PredictImageOptions = {},
): Promise<ImagePrediction> {
  const expected = featureChannelCount(selection, image.channels.length);
  if (expected !== model.featureCount) {
    throw new RangeError(
      `the classifier was trained on ${model.featureCount} feature channels but this image and feature selection give ${expected}`,
    );
  }
  const { width, height } = image;
  const tiles = tileGrid(
    width,
    height,
    options.tileSize ?? DEFAULT_TILE_SIZE,
    featureHaloPx(selection, convention),
  );
  const modelKey = modelKeyOf(model);
  // One offset per image channel, shared by its tiles (featureOffset.ts).
  const offsets = featureOffsets(image.channels);
  const probabilities = model.classes.map(() => new Float32Array(width * height));
  let done = 0;
  await Promise.all(
    tiles.map(async (tile) => {
      const crop = cropTile(image, tile);
      const result = await pool.run(
        'classifyTile',
        { ...crop, selection, convention, model, modelKey, offsets },
        { signal: options.signal, transfer: crop.planes.map((p) => p.buffer as ArrayBuffer) },
      );
      result.probabilities.forEach((plane, k) => pastePlane(probabilities[k], width, tile.core, plane));
      options.onProgress?.(++done, tiles.length);
    }),
  );
  return {
    probabilities,
    segmentation: simpleSegmentation(probabilities, model.classes),
    uncertainty: uncertainty(probabilities),
  };
}

/** A short FNV-1a hash of the model's JSON: equal models share a key, so workers prepare each model once. */
export function modelKeyOf(model: FittedClassifier): string {
  const json = serializeClassifier(model);
  let h = 0x811c9dc5;
  for (let i = 0; i < json.length; i++) h = Math.imul(h ^ json.charCodeAt(i), 0x01000193);
  return `${(h >>> 0).toString(16)}-${json.length}`;
}
