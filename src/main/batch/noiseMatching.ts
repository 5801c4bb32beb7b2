/**
 * Noise matching for a 2-D plane (core/classifier/adaptation/noiseMatch.ts), before the adaptation's
 * choice: given the plane's noise per channel (measured on the adaptation's sample windows, from the
 * pixels read for their features: the same pixels in the windows' and the features-once path, so the
 * same result), when it is noisier than the training images, each feature's variance under the extra
 * noise from the features of a synthetic noise image (on the pool, as prediction computes features)
 * and the model widened by it.
 */
import { createHash } from 'node:crypto';
import { NOISE_FEATURE_WINDOW } from '../../core/classifier/adaptation/adaptationConstants.js';
import {
  excessNoise,
  isNoiseMatchable,
  noiseMatchedModel,
  planeVariances,
  syntheticNoiseImage,
} from '../../core/classifier/adaptation/noiseMatch.js';
import type { FeatureConvention, FeatureSelection } from '../../core/features/selection.js';
import type { FittedClassifier } from '../../core/classifier/PixelClassifier.js';
import type { WorkerPool } from '../engine/WorkerPool.js';

export interface NoiseMatchRequest {
  readonly model: FittedClassifier;
  readonly modelKey: string;
  readonly pool: WorkerPool;
  readonly signal?: AbortSignal;
  readonly selection: FeatureSelection;
  readonly convention: FeatureConvention;
  readonly haloPx: number;
}

/** The request with its model widened to the plane's extra noise, and one line saying so (null: not). */
export async function matchPlaneNoise<T extends NoiseMatchRequest>(
  request: T,
  imageNoise: readonly number[],
): Promise<{ request: T; note: string | null }> {
  const { model } = request;
  if (!isNoiseMatchable(model)) return { request, note: null };
  const trained = model.training.noise!;
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
