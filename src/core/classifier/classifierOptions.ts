/**
 * The pixel classifier's options and their defaults: the numbers that matter, in one place, each with why.
 * Units are standardized features (each feature scaled to unit variance over the training pixels).
 */
import type { CovarianceType } from './gmmParameters.js';

export interface SemiSupervisedOptions {
  /** 'auto': used only when cross-validation over held-out labeled pixels says it helps. */
  readonly enabled: boolean | 'auto';
  /** Total weight of the unlabeled pixels relative to the labeled ones; 'auto' picks it by cross-validation. */
  readonly lambda: number | 'auto';
  /** How many unlabeled pixels (a random subsample) take part. */
  readonly sampleCount: number;
  /**
   * EM iterations of the joint refinement. Few on purpose: run to convergence, the unlabeled pixels
   * slowly pull components away from what the labels meant; a few steps adapt them to the image.
   */
  readonly iterations?: number;
}

export interface ClassifierOptions {
  /** Components per class: 'auto' chooses by BIC from 1 to maxComponents. */
  readonly components: 'auto' | number;
  readonly maxComponents: number;
  readonly covariance: CovarianceType;
  /** Added to covariance diagonals, in the projected, standardized units. */
  readonly regCovar: number;
  /** Class priors: proportional to the labeled pixel counts, or equal. */
  readonly priors: 'counts' | 'uniform';
  /** Dimensions kept by the discriminant projection; 'none' models the standardized features directly. */
  readonly projectionDims: number | 'none';
  readonly semiSupervised: SemiSupervisedOptions;
  readonly seed: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly nInit: number;
  /**
   * 'fisher': after fitting, each model dimension's log-density term is weighted by its class separation
   * on the labeled pixels (Fisher ratio ^ FISHER_RELEVANCE_EXPONENT, mean 1), so features that do not
   * separate the scribbled classes stop adding noise to every decision. Diagonal models only.
   */
  readonly featureWeighting: 'none' | 'fisher';
  /** Spread that scales each feature: of the labeled pixels, or of the image (the unlabeled sample). */
  readonly standardizeOn: 'labeled' | 'image';
  /** Labeled pixels per class used for fitting (a seeded random subsample beyond this). */
  readonly maxSamplesPerClass: number;
}

/**
 * Defaults chosen on `npm run bench:accuracy` (within-image task, ISBI / HeLa / GOWT1; README, Classifier):
 * diagonal covariances on the standardized features with 5 components per class, regCovar 0.01, then
 * 5 steps of semi-supervised EM with λ = 1 (+0.02 to +0.04 mIoU on GOWT1 and HeLa). Measured alternatives: BIC-chosen sizes (often 1 component for a
 * multi-modal background: −0.05 mIoU on HeLa), full covariances after a 12-D discriminant projection
 * (−0.01 to −0.05, and slower), λ by cross-validation on held-out strokes
 * (picks λ = 0 where λ = 1 helps: scribbles avoid class borders, where the unlabeled pixels matter).
 */
export const DEFAULT_CLASSIFIER_OPTIONS: ClassifierOptions = {
  components: 5,
  // Bound for components 'auto' (BIC).
  maxComponents: 5,
  covariance: 'diag',
  // Measured with diagonal models: 0.1 (the reference's best for full ones) −0.02 to −0.06 mIoU,
  // 0.003 −0.01; 0.01 best on every set (a variance floor of 1 % of each feature's spread).
  regCovar: 0.01,
  priors: 'counts',
  // Used with full covariances: 49–100 channels cost d²/2 per pixel and component; a discriminant
  // projection to 12 dimensions keeps the class-separating directions (unlike PCA) at ~1/16 the cost.
  // Diagonal models on the standardized features need no projection (2d per pixel and component).
  projectionDims: 'none',
  semiSupervised: { enabled: true, lambda: 1, sampleCount: 30000, iterations: 5 },
  seed: 0,
  maxIter: 100,
  tol: 1e-3,
  nInit: 1,
  maxSamplesPerClass: 20000,
  standardizeOn: 'labeled',
  featureWeighting: 'none',
};

/** Relevance = Fisher ratio ^ this: 1 trusts the ratio fully; ½ measured best (square root damps outliers). */
export const FISHER_RELEVANCE_EXPONENT = 0.5;

/** With covariance 'full' and no projectionDims given, this projection is used. */
export const FULL_COVARIANCE_PROJECTION_DIMS = 12;

/** λ values tried by cross-validation when lambda is 'auto' (0 = supervised only). */
export const LAMBDA_CANDIDATES = [0, 0.25, 1];

/** Folds for choosing λ; more folds cost more fits, fewer make the choice noisier. */
export const CROSS_VALIDATION_FOLDS = 3;

/** Features with less spread than this over the training pixels are left unscaled (constant features). */
export const MIN_FEATURE_SCALE = 1e-6;

export function resolveClassifierOptions(options: Partial<ClassifierOptions> = {}): ClassifierOptions {
  const o: ClassifierOptions = {
    ...DEFAULT_CLASSIFIER_OPTIONS,
    ...(options.covariance === 'full' && options.projectionDims === undefined
      ? { projectionDims: FULL_COVARIANCE_PROJECTION_DIMS }
      : {}),
    ...options,
    semiSupervised: { ...DEFAULT_CLASSIFIER_OPTIONS.semiSupervised, ...options.semiSupervised },
  };
  if (o.components !== 'auto' && !(Number.isInteger(o.components) && o.components >= 1)) {
    throw new RangeError(`components must be 'auto' or a whole number ≥ 1 (got ${o.components})`);
  }
  if (!(Number.isInteger(o.maxComponents) && o.maxComponents >= 1)) {
    throw new RangeError(`maxComponents must be a whole number ≥ 1 (got ${o.maxComponents})`);
  }
  if (!(o.regCovar >= 0)) throw new RangeError(`regCovar must be ≥ 0 (got ${o.regCovar})`);
  if (o.projectionDims !== 'none' && !(Number.isInteger(o.projectionDims) && o.projectionDims >= 1)) {
    throw new RangeError(`projectionDims must be 'none' or a whole number ≥ 1 (got ${o.projectionDims})`);
  }
  const lambda = o.semiSupervised.lambda;
  if (lambda !== 'auto' && !(lambda >= 0))
    throw new RangeError(`semiSupervised.lambda must be 'auto' or ≥ 0 (got ${lambda})`);
  return o;
}
