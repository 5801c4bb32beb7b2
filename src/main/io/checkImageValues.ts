/**
 * The checks every command runs on pixels before features are computed from them, so that NaN, ±Infinity
 * or values too large for float32 features end the run with one line naming the file and the first bad
 * pixel, instead of NaN outputs or a worker's stack trace.
 */
import { findNonFinite } from '../../core/imageSource.js';
import type { PlanarImage } from '../../core/image.js';
import {
  MAX_FEATURE_INPUT_MAGNITUDE,
  findUnsafeFeatureInput,
} from '../../core/features/featureInputRange.js';
import { ImageReadError } from './ImageReadError.js';

/** Where a band or region sits in its file, so messages give the pixel's position in the file. */
export interface RegionOrigin {
  readonly x?: number;
  readonly y?: number;
}

/** Refuses NaN and ±Infinity (they poison percentiles, feature sums and EM alike). */
export function assertFiniteSamples(name: string, image: PlanarImage, origin: RegionOrigin = {}): void {
  const bad = findNonFinite(image);
  if (bad) throw nonFiniteError(name, image, bad.index, bad.channel, origin);
}

/**
 * Refuses what the feature bank cannot take: non-finite values and |value| above MAX_FEATURE_INPUT_MAGNITUDE
 * (as the features will see it, i.e. after normalization). `remedy` ends the message with what to do.
 */
export function assertFeatureInput(
  name: string,
  image: PlanarImage,
  remedy: string,
  origin: RegionOrigin = {},
): void {
  const bad = findUnsafeFeatureInput(image);
  if (!bad) return;
  if (bad.kind === 'nonFinite') throw nonFiniteError(name, image, bad.index, bad.channel, origin);
  throw new ImageReadError(
    name,
    `value ${bad.value.toPrecision(3)} ${at(image, bad.index, bad.channel, origin)} is beyond ±${MAX_FEATURE_INPUT_MAGNITUDE.toPrecision(3)}, ` +
      `the largest magnitude Mixel computes float32 features from (they would overflow to NaN); ${remedy}`,
  );
}

function nonFiniteError(
  name: string,
  image: PlanarImage,
  index: number,
  channel: number,
  origin: RegionOrigin,
): ImageReadError {
  return new ImageReadError(
    name,
    `contains NaN or infinite values (first ${at(image, index, channel, origin)}); fix or mask them first`,
  );
}

function at(image: PlanarImage, index: number, channel: number, origin: RegionOrigin): string {
  const x = (origin.x ?? 0) + (index % image.width);
  const y = (origin.y ?? 0) + Math.floor(index / image.width);
  return `at x=${x}, y=${y}, channel ${channel}`;
}
