/**
 * Noise matching for a 2-D plane (core/classifier/adaptation/noiseMatch.ts), before the adaptation's
 * choice: the plane's noise per channel from the adaptation's sample windows (the same pixels in
 * `mixel predict`, the batch export and the features-once path, so the same result), and when it is
 * noisier than the training images, each feature's variance under the extra noise from the features of
 * a synthetic noise image (on the pool, as prediction computes features) and the model widened by it.
 */
import { createHash } from 'node:crypto';
import {
  ADAPTATION_WINDOW_COUNT,
  ADAPTATION_WINDOW_SIZE,
  NOISE_FEATURE_WINDOW,
} from '../../core/classifier/adaptation/adaptationConstants.js';
import {
  excessNoise,
  isNoiseMatchable,
  noiseMatchedModel,
  noiseResponses,
  noiseSdFromResponses,
  planeVariances,
  syntheticNoiseImage,
} from '../../core/classifier/adaptation/noiseMatch.js';
import { sampleWindows } from '../../core/classifier/adaptation/samplePixels.js';
import type { FeatureConvention, FeatureSelection } from '../../core/features/selection.js';
import type { PlanarImage } from '../../core/image.js';
import type { ImageSource } from '../../core/imageSource.js';
import { growRect } from '../../core/tiling.js';
import type { FittedClassifier } from '../../core/classifier/PixelClassifier.js';
import type { WorkerPool } from '../engine/WorkerPool.js';

export interface NoiseMatchRequest {
  /** The same normalization prediction applies. */
  readonly normalize: (image: PlanarImage) => PlanarImage;
  readonly model: FittedClassifier;
  readonly modelKey: string;
  readonly pool: WorkerPool;
  readonly signal?: AbortSignal;
  readonly source: ImageSource;
  readonly plane: number;
  readonly selection: FeatureSelection;
  readonly convention: FeatureConvention;
  readonly haloPx: number;
}

/** The request with its model widened to the plane's extra noise, and one line saying so (null: not). */
export async function matchPlaneNoise<T extends NoiseMatchRequest>(
  request: T,
): Promise<{ request: T; note: string | null }> {
  const { model } = request;
  if (!isNoiseMatchable(model)) return { request, note: null };
  const trained = model.training.noise!;
  const imageNoise = await windowNoise(request);
  const excess = excessNoise(trained, imageNoise);
  if (!excess) return { request, note: null };
  const variances = await noiseFeatureVariances(request, excess);
  const matched = noiseMatchedModel(model, variances);
  const modelKey = `${request.modelKey}:noise-${createHash('sha256').update(JSON.stringify(excess)).digest('hex').slice(0, 12)}`;
  const sd = (v: readonly number[]) => v.map((s) => s.toFixed(4)).join('/');
  return {
    request: { ...request, model: matched, modelKey },
    note: `noise sd ${sd(imageNoise)} against ${sd(trained)} trained: model widened to it; `,
  };
}

/** Each channel's noise sd over the cores of the adaptation's sample windows, normalized as predicted. */
async function windowNoise(request: NoiseMatchRequest): Promise<number[]> {
  const { source, plane, haloPx } = request;
  const { width, height, channels } = source.info;
  const windows = sampleWindows(width, height, ADAPTATION_WINDOW_COUNT, ADAPTATION_WINDOW_SIZE, haloPx);
  const parts: Float32Array[][] = Array.from({ length: channels }, () => []);
  for (const core of windows) {
    // One pixel around the core: the filter's footprint.
    const outer = growRect(core, 1, width, height);
    const image = request.normalize(await source.readRegion(outer, plane));
    const region = { x: core.x - outer.x, y: core.y - outer.y, width: core.width, height: core.height };
    image.channels.forEach((c, ch) => parts[ch].push(noiseResponses(c, outer.width, outer.height, region)));
  }
  return parts.map((p) => noiseSdFromResponses(p));
}

/** Per feature, its variance on a synthetic image of the given noise sd per channel (0: flat). */
async function noiseFeatureVariances(request: NoiseMatchRequest, sd: readonly number[]): Promise<number[]> {
  const { haloPx, selection, convention, pool } = request;
  const side = NOISE_FEATURE_WINDOW + 2 * haloPx;
  const noiseImage = syntheticNoiseImage(sd, side);
  const result = await pool.run(
    'featureTile',
    {
      planes: noiseImage.channels as Float32Array[],
      width: side,
      height: side,
      core: { x: haloPx, y: haloPx, width: NOISE_FEATURE_WINDOW, height: NOISE_FEATURE_WINDOW },
      selection,
      convention,
    },
    {
      transfer: noiseImage.channels.map((p) => (p as Float32Array).buffer as ArrayBuffer),
      signal: request.signal,
    },
  );
  return planeVariances(result.planes);
}
