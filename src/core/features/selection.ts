/**
 * The feature selection matrix (features × scales, as in ilastik's feature dialog), its presets, and the
 * names and order of the channels it produces.
 *
 * Channel order (the order of computeFeatures' planes, of `mixel features` pages, and of the classifier's
 * columns): feature-major in FEATURE_IDS order (the matrix rows), then scale (the columns, in the order of
 * `scales`), then input channel, then the feature's own channels (e.g. the two eigenvalues, largest first).
 * This is ilastik's order; with one input channel it reduces to feature, scale, feature channel.
 */
import { DEFAULT_SCALES, MIN_DERIVATIVE_SCALE_IN_DIALOG } from './featureConstants.js';

export { DEFAULT_SCALES };

export type FeatureId =
  | 'gaussianSmoothing'
  | 'laplacianOfGaussian'
  | 'gaussianGradientMagnitude'
  | 'differenceOfGaussians'
  | 'structureTensorEigenvalues'
  | 'hessianOfGaussianEigenvalues';

/** The matrix rows, in ilastik's order. */
export const FEATURE_IDS: readonly FeatureId[] = [
  'gaussianSmoothing',
  'laplacianOfGaussian',
  'gaussianGradientMagnitude',
  'differenceOfGaussians',
  'structureTensorEigenvalues',
  'hessianOfGaussianEigenvalues',
];

/** ilastik's display names, used in channel names. */
export const FEATURE_NAMES: Readonly<Record<FeatureId, string>> = {
  gaussianSmoothing: 'Gaussian Smoothing',
  laplacianOfGaussian: 'Laplacian of Gaussian',
  gaussianGradientMagnitude: 'Gaussian Gradient Magnitude',
  differenceOfGaussians: 'Difference of Gaussians',
  structureTensorEigenvalues: 'Structure Tensor Eigenvalues',
  hessianOfGaussianEigenvalues: 'Hessian of Gaussian Eigenvalues',
};

/** Output channels per input channel (2-D): the tensors give two eigenvalues each. */
export const FEATURE_CHANNEL_COUNTS: Readonly<Record<FeatureId, number>> = {
  gaussianSmoothing: 1,
  laplacianOfGaussian: 1,
  gaussianGradientMagnitude: 1,
  differenceOfGaussians: 1,
  structureTensorEigenvalues: 2,
  hessianOfGaussianEigenvalues: 2,
};

/**
 * ilastik's two conventions for what "feature X at scale s" means:
 * - `ilastik`: what ilastik computes (pre-smoothing per scale, then the filters at min(s, 1); see
 *   featureConstants.ts).
 * - `direct`: the textbook filter at σ = s on the raw image, with vigra's default window.
 */
export type FeatureConvention = 'ilastik' | 'direct';

export const FEATURE_CONVENTIONS: readonly FeatureConvention[] = ['ilastik', 'direct'];

export interface FeatureSelection {
  /** σ in pixels per matrix column. */
  readonly scales: readonly number[];
  /** enabled[row][scaleIndex], rows in FEATURE_IDS order. */
  readonly enabled: readonly (readonly boolean[])[];
}

export type FeaturePresetName = 'default' | 'all';

export const FEATURE_PRESETS: readonly FeaturePresetName[] = ['default', 'all'];

/**
 * `default`: every cell ilastik's dialog lets you tick (scale 0.3 for smoothing only): 37 features, 49
 * channels per input channel. `all`: the full 6 × 7 matrix, 56 channels.
 */
export function presetSelection(name: FeaturePresetName): FeatureSelection {
  if (name !== 'default' && name !== 'all') throw new RangeError(`unknown feature preset "${String(name)}"`);
  const enabled = FEATURE_IDS.map((id) =>
    DEFAULT_SCALES.map(
      (s) => name === 'all' || id === 'gaussianSmoothing' || s >= MIN_DERIVATIVE_SCALE_IN_DIALOG,
    ),
  );
  return { scales: [...DEFAULT_SCALES], enabled };
}

/** Throws a RangeError naming the problem if the matrix is malformed or a scale is not a positive number. */
export function validateSelection(sel: FeatureSelection): void {
  if (sel.enabled.length !== FEATURE_IDS.length) {
    throw new RangeError(
      `the selection needs ${FEATURE_IDS.length} rows (one per feature), got ${sel.enabled.length}`,
    );
  }
  for (const s of sel.scales) {
    if (!(Number.isFinite(s) && s > 0))
      throw new RangeError(`feature scales must be positive numbers, got ${s}`);
  }
  sel.enabled.forEach((row, r) => {
    if (row.length !== sel.scales.length) {
      throw new RangeError(
        `row ${FEATURE_IDS[r]} of the selection has ${row.length} cells for ${sel.scales.length} scales`,
      );
    }
  });
}

export interface SelectedFeature {
  readonly feature: FeatureId;
  readonly scaleIndex: number;
  readonly scale: number;
}

/** The enabled (feature, scale) cells in channel order. */
export function selectedFeatures(sel: FeatureSelection): SelectedFeature[] {
  const out: SelectedFeature[] = [];
  FEATURE_IDS.forEach((feature, row) => {
    sel.scales.forEach((scale, scaleIndex) => {
      if (sel.enabled[row][scaleIndex]) out.push({ feature, scaleIndex, scale });
    });
  });
  return out;
}

export function featureChannelCount(sel: FeatureSelection, inputChannelCount: number): number {
  let n = 0;
  for (const f of selectedFeatures(sel)) n += FEATURE_CHANNEL_COUNTS[f.feature];
  return n * inputChannelCount;
}

/** ilastik writes σ with at least one decimal: 1 → "1.0", 0.3 → "0.3". */
export function formatScale(scale: number): string {
  return Number.isInteger(scale) ? scale.toFixed(1) : String(scale);
}

/**
 * One name per output channel, in channel order: `Gaussian Smoothing (σ=0.3)`,
 * `Hessian of Gaussian Eigenvalues (σ=1.6) [0]` (the feature's own channel, for two-channel features), and
 * with several input channels ` channel 1` after the scale: `Difference of Gaussians (σ=5.0) channel 1`.
 */
export function featureChannelNames(sel: FeatureSelection, inputChannelCount: number): string[] {
  const names: string[] = [];
  for (const { feature, scale } of selectedFeatures(sel)) {
    const count = FEATURE_CHANNEL_COUNTS[feature];
    for (let c = 0; c < inputChannelCount; c++) {
      const input = inputChannelCount > 1 ? ` channel ${c}` : '';
      for (let k = 0; k < count; k++) {
        names.push(
          `${FEATURE_NAMES[feature]} (σ=${formatScale(scale)})${input}${count > 1 ? ` [${k}]` : ''}`,
        );
      }
    }
  }
  return names;
}
