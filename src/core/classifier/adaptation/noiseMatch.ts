/**
 * Noise matching: an image noisier than the training images is predicted with the model its scribbles
 * would have given on that noise. Pixel noise adds to every feature a variance of its own (large for the
 * fine scales, tiny for the smooth ones), so the class components of a model trained on a clean image are
 * far too narrow along the fine-scale features of a noisy one, and the noise, not the image, decides
 * (HeLa with 14× the training noise: mean IoU 0.73; the forest across images 0.82). The model's
 * components are widened by the variance the extra noise gives each feature — the class densities
 * convolved with the noise, exact for the linear filters — measured on features of synthetic noise, so
 * no filter needs its own formula.
 *
 * Noise is estimated per channel as Immerkær's (1996) Laplacian-difference filter's median absolute
 * response: white noise of sd σ gives responses of sd 6σ (the filter's squares sum to 36), and the median
 * ignores the edges and texture that a mean would count as noise.
 */
import type { PlanarImage } from '../../image.js';
import { SeededRandom } from '../../random.js';
import { selectKth } from '../../selectKth.js';
import type { FittedClassifier } from '../fittedClassifier.js';
import { NOISE_MATCH_MIN_RATIO, NOISE_SAMPLE_LIMIT } from './adaptationConstants.js';
import { isAdaptable } from './adaptedModel.js';

/** The synthetic noise is seeded: the same image gets the same widened model, run after run. */
const NOISE_IMAGE_SEED = 20261128;
/** Grey level of the synthetic image: mid-range of a normalized image (the variances do not depend on it). */
const NOISE_IMAGE_LEVEL = 0.5;

/** White noise of sd σ: the filter's response has sd 6σ; the median of |N(0, 1)| is 0.6745. */
const RESPONSE_PER_NOISE_SD = 6 * 0.6745;

/** A rectangle of a plane (pixels). */
export interface NoiseRegion {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * |N ∗ I| at the interior pixels of `region` (the whole plane if omitted), N = [1 −2 1; −2 4 −2; 1 −2 1];
 * on a grid that keeps at most `limit` of them, so a huge plane costs no more than a megapixel.
 */
export function noiseResponses(
  plane: ArrayLike<number>,
  width: number,
  height: number,
  region: NoiseRegion = { x: 0, y: 0, width, height },
  limit = NOISE_SAMPLE_LIMIT,
): Float32Array {
  const x0 = Math.max(1, region.x);
  const y0 = Math.max(1, region.y);
  // Exclusive bounds: every pixel of the region with a neighbour on each side.
  const x1 = Math.min(width - 1, region.x + region.width);
  const y1 = Math.min(height - 1, region.y + region.height);
  if (x1 <= x0 || y1 <= y0) return new Float32Array(0);
  const step = Math.max(1, Math.ceil(Math.sqrt(((x1 - x0) * (y1 - y0)) / limit)));
  const out = new Float32Array(Math.ceil((x1 - x0) / step) * Math.ceil((y1 - y0) / step));
  let k = 0;
  for (let y = y0; y < y1; y += step) {
    for (let x = x0; x < x1; x += step) {
      const i = y * width + x;
      const up = i - width;
      const down = i + width;
      const v =
        plane[up - 1] -
        2 * plane[up] +
        plane[up + 1] -
        2 * plane[i - 1] +
        4 * plane[i] -
        2 * plane[i + 1] +
        plane[down - 1] -
        2 * plane[down] +
        plane[down + 1];
      out[k++] = Math.abs(v);
    }
  }
  return out.subarray(0, k);
}

/** The noise sd the responses of one channel (of one or several regions) say; 0 when there are none. */
export function noiseSdFromResponses(parts: readonly Float32Array[]): number {
  const total = parts.reduce((s, p) => s + p.length, 0);
  if (total === 0) return 0;
  const all = new Float32Array(total);
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.length;
  }
  return selectKth(all, total >> 1) / RESPONSE_PER_NOISE_SD;
}

/** Each channel's noise sd over the given regions of an in-memory image. */
export function regionsNoiseSd(image: PlanarImage, regions: readonly NoiseRegion[]): number[] {
  return image.channels.map((c) =>
    noiseSdFromResponses(regions.map((r) => noiseResponses(c, image.width, image.height, r))),
  );
}

/** Each channel's noise sd over a whole plane. */
export function planeNoiseSd(
  channels: readonly ArrayLike<number>[],
  width: number,
  height: number,
): number[] {
  return channels.map((c) => noiseSdFromResponses([noiseResponses(c, width, height)]));
}

/** The noise of several training images per channel: the root of their mean noise variance. */
export function pooledNoiseSd(perImage: readonly (readonly number[])[]): number[] {
  const channels = perImage[0]?.length ?? 0;
  return Array.from({ length: channels }, (_, c) =>
    Math.sqrt(perImage.reduce((s, sd) => s + sd[c] * sd[c], 0) / perImage.length),
  );
}

/**
 * Per channel, the sd of the noise the image has beyond the training images', √(σ²_image − σ²_trained),
 * where the image is at least NOISE_MATCH_MIN_RATIO times noisier; null when no channel is.
 */
export function excessNoise(trained: readonly number[], image: readonly number[]): number[] | null {
  if (trained.length !== image.length) return null;
  const excess = image.map((s, c) =>
    s > trained[c] * NOISE_MATCH_MIN_RATIO ? Math.sqrt(s * s - trained[c] * trained[c]) : 0,
  );
  return excess.some((e) => e > 0) ? excess : null;
}

/** Whether noise matching applies to a model: diagonal components on its own features, noise recorded. */
export function isNoiseMatchable(model: FittedClassifier): boolean {
  return isAdaptable(model) && Array.isArray(model.training.noise) && model.training.noise.length > 0;
}

/**
 * `model` with every component's variance along feature q widened by `featureVariance[q]` (raw feature
 * units: the variance the image's extra noise gives that feature). A new model; `model` is not changed.
 */
export function noiseMatchedModel(
  model: FittedClassifier,
  featureVariance: readonly number[],
): FittedClassifier {
  const r = model.mixture.dim;
  if (!isNoiseMatchable(model) || featureVariance.length !== r) {
    throw new RangeError(`noise matching needs a diagonal model on its ${r} features`);
  }
  const { scale } = model.transform;
  const covariances = model.mixture.covariances.slice();
  for (let j = 0; j < model.mixture.weights.length; j++) {
    for (let q = 0; q < r; q++) {
      const v = featureVariance[q];
      if (Number.isFinite(v) && v > 0) covariances[j * r + q] += v / (scale[q] * scale[q]);
    }
  }
  return { ...model, mixture: { ...model.mixture, covariances } };
}

/** A side × side image of white noise of sd `sd[c]` in channel c (0: flat), whose features' variances widen a model. */
export function syntheticNoiseImage(sd: readonly number[], side: number): PlanarImage {
  const random = new SeededRandom(NOISE_IMAGE_SEED);
  return {
    width: side,
    height: side,
    channels: sd.map((s) => {
      const plane = new Float32Array(side * side);
      for (let i = 0; i < plane.length; i++) plane[i] = NOISE_IMAGE_LEVEL + s * random.nextNormal();
      return plane;
    }),
  };
}

/** Per feature plane, its variance over the pixels (the features of a synthetic noise image). */
export function planeVariances(planes: readonly Float32Array[]): number[] {
  return planes.map((p) => {
    let sum = 0;
    let sum2 = 0;
    for (let i = 0; i < p.length; i++) {
      sum += p[i];
      sum2 += p[i] * p[i];
    }
    const mean = sum / Math.max(1, p.length);
    return Math.max(0, sum2 / Math.max(1, p.length) - mean * mean);
  });
}
