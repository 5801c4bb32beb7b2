/**
 * The range of intensities the feature bank can take. Features are float32 and the fast (WebAssembly SIMD)
 * filter stages square float32 values: the structure tensor holds products of gradients (≈ value²) and its
 * eigenvalues square the tensor's entries again (≈ value⁴), which overflows float32 (3.4·10³⁸) for values
 * near 4·10⁹ and turns into Infinity, then NaN. Measured on ±M checkerboards, steps and spikes with every
 * feature at every scale, both conventions: finite up to M = 3·10⁹, not finite from 4.8·10⁹.
 */
import type { PlanarImage } from '../image.js';

/**
 * Largest |value| the features are computed from: 2²⁸ ≈ 2.7·10⁸, a factor 15 below the first overflow, and
 * far above 16-bit data (65535) or percentile-normalized data (≈ 0..1). Larger values are refused, not clipped.
 */
export const MAX_FEATURE_INPUT_MAGNITUDE = 2 ** 28;

/** The first sample a feature bank cannot take: not finite, or beyond ±MAX_FEATURE_INPUT_MAGNITUDE. */
export interface UnsafeSample {
  readonly channel: number;
  /** Row-major index in the channel's plane. */
  readonly index: number;
  readonly value: number;
  readonly kind: 'nonFinite' | 'tooLarge';
}

/** The first non-finite sample of `image`, else its first sample beyond the bound, else null. */
export function findUnsafeFeatureInput(image: PlanarImage): UnsafeSample | null {
  let tooLarge: UnsafeSample | null = null;
  for (let c = 0; c < image.channels.length; c++) {
    const plane = image.channels[c];
    for (let i = 0; i < plane.length; i++) {
      const v = plane[i];
      // NaN and ±Infinity fail v − v === 0; both comparisons are false for NaN, so test that first.
      if (v - v !== 0) return { channel: c, index: i, value: v, kind: 'nonFinite' };
      if (tooLarge === null && (v > MAX_FEATURE_INPUT_MAGNITUDE || v < -MAX_FEATURE_INPUT_MAGNITUDE))
        tooLarge = { channel: c, index: i, value: v, kind: 'tooLarge' };
    }
  }
  return tooLarge;
}
