/**
 * The range of intensities the feature bank takes. Features are float32, and the fast (WebAssembly SIMD)
 * filter stages square float32 values: the structure tensor holds products of gradients (≈ value²) and its
 * eigenvalues square the tensor's entries again (≈ value⁴), which overflows float32 (3.4·10³⁸) for values
 * near 4·10⁹ and turns into Infinity, then NaN. Measured on ±M checkerboards, steps and spikes with every
 * feature at every scale, both conventions: finite up to M = 3·10⁹, not finite from 4.8·10⁹.
 *
 * Range-safe computation: every feature is homogeneous in the image (f(s·I) = s·f(I), and s²·f(I) for the
 * structure tensor's eigenvalues), and scaling by a power of two is exact in floating point. So a channel
 * reaching beyond SIMD_SAFE_MAGNITUDE is scaled down by 2^-e, its features computed, and scaled back by 2^e
 * (2^2e): the same numbers, without the overflow in between. Only the results themselves must fit float32,
 * which bounds the input at MAX_FEATURE_INPUT_MAGNITUDE.
 */
import type { PlanarImage } from '../image.js';
import type { FeatureId } from './selection.js';

/** Largest |value| the filter stages take as they are: 2²⁸ ≈ 2.7·10⁸, a factor 15 below the first overflow. */
export const SIMD_SAFE_MAGNITUDE = 2 ** 28;

/**
 * Largest |value| features are computed from: 2⁶⁰ ≈ 1.15·10¹⁸. Structure tensor eigenvalues reach about
 * value² (measured ≤ 1.0·M²), 1.3·10³⁶ here, 250 times below float32's limit; beyond, they would be infinite.
 * Larger values are refused, never clipped.
 */
export const MAX_FEATURE_INPUT_MAGNITUDE = 2 ** 60;

/** How each feature scales with the image: degree 2 for products of gradients, 1 for the linear filters. */
export const FEATURE_DEGREE: Readonly<Record<FeatureId, 1 | 2>> = {
  gaussianSmoothing: 1,
  laplacianOfGaussian: 1,
  gaussianGradientMagnitude: 1,
  differenceOfGaussians: 1,
  structureTensorEigenvalues: 2,
  hessianOfGaussianEigenvalues: 1,
};

/**
 * The channel as the filter stages may take it: itself, or a copy scaled by 2^-exponent when its largest
 * |value| exceeds SIMD_SAFE_MAGNITUDE. Features of the copy times 2^(exponent·degree) are those of the channel.
 */
export function rangeSafeChannel(plane: Float32Array): { data: Float32Array; exponent: number } {
  let maxAbs = 0;
  for (let i = 0; i < plane.length; i++) {
    const a = Math.abs(plane[i]);
    if (a > maxAbs) maxAbs = a;
  }
  if (!(maxAbs > SIMD_SAFE_MAGNITUDE) || !Number.isFinite(maxAbs)) return { data: plane, exponent: 0 };
  const exponent = Math.ceil(Math.log2(maxAbs / SIMD_SAFE_MAGNITUDE));
  const scale = 2 ** -exponent;
  const data = new Float32Array(plane.length);
  for (let i = 0; i < plane.length; i++) data[i] = plane[i] * scale;
  return { data, exponent };
}

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
