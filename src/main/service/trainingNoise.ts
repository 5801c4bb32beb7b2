/**
 * The pixel noise of the window's training images (core/classifier/adaptation/noiseMatch.ts), recorded in
 * the model Save writes and the model the window adapts to each unlabeled image, as `mixel train` records
 * it: per channel, over the pixels the features read, pooled over the images that hold labels.
 */
import { isAdaptable } from '../../core/classifier/adaptation/adaptedModel.js';
import { planeNoiseSd, pooledNoiseSd } from '../../core/classifier/adaptation/noiseMatch.js';
import type { FittedClassifier } from '../../core/classifier/PixelClassifier.js';
import type { PlanarImage } from '../../core/image.js';
import { hasAnyLabel } from './planeLabels.js';
import type { OpenImage } from './projectImage.js';

/** Per pixel buffer (a new one when the normalization changes), so each image is measured once. */
const measured = new WeakMap<PlanarImage, number[]>();

/** The noise sd of each channel of the pixels the image's features read (plane 0). */
export function featurePixelsNoise(image: OpenImage): number[] {
  const pixels = image.normalized?.pixels ?? image.pixels;
  let noise = measured.get(pixels);
  if (!noise) {
    noise = planeNoiseSd(pixels.channels, pixels.width, pixels.height);
    measured.set(pixels, noise);
  }
  return noise;
}

/** `model` with the noise of the labeled images among `images` recorded; itself when none holds labels. */
export function withTrainingNoise(model: FittedClassifier, images: Iterable<OpenImage>): FittedClassifier {
  if (!isAdaptable(model)) return model;
  const noise = [...images].filter(hasAnyLabel).map(featurePixelsNoise);
  if (noise.length === 0 || noise.some((n) => n.length !== noise[0].length)) return model;
  return { ...model, training: { ...model.training, noise: pooledNoiseSd(noise) } };
}
