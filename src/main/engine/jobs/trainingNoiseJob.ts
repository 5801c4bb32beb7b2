/**
 * Job 'trainingNoise': the noise a model is trained at (noiseMatch.ts), pooled over its training images.
 * Queued after the feature tiles of training, it runs on the first thread to finish its tiles, while the
 * other finishes its last one.
 */
import type { PlanarImage } from '../../../core/image.js';
import { planeNoiseSd, pooledNoiseSd } from '../../../core/classifier/adaptation/noiseMatch.js';

export interface TrainingNoiseInput {
  readonly images: readonly PlanarImage[];
}

export function trainingNoiseJob(input: TrainingNoiseInput): { noise: number[] } {
  const perImage = input.images.map((image) => planeNoiseSd(image.channels, image.width, image.height));
  return { noise: pooledNoiseSd(perImage) };
}
