/**
 * The pixel classifier's options and their defaults: the numbers that matter, in one place, each with why.
 * Units are standardized features (each feature scaled to unit variance over the image or the labeled pixels).
 */
import type { CovarianceType } from '../gmm/gmmParameters.js';

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
  /**
   * Class priors: proportional to the labeled pixel counts, equal, or 'image': the class proportions of
   * the unlabeled sample, estimated by EM with the class densities fixed (imagePriors.ts); 'counts' when
   * there is no unlabeled sample (no unlabeled pixel in a labeled tile).
   */
  readonly priors: 'counts' | 'uniform' | 'image';
  /**
   * Spread that scales each feature: of the labeled pixels, or of the image (the unlabeled sample, or
   * the labeled pixels when there is none). Scribbles are local, so a large-scale feature barely varies
   * over them; scaled by that tiny spread, regCovar would let it dominate every distance.
   */
  readonly standardizeOn: 'labeled' | 'image';
  /** Dimensions kept by the discriminant projection; 'none' models the standardized features directly. */
  readonly projectionDims: number | 'none';
  readonly relevance: RelevanceOptions;
  readonly semiSupervised: SemiSupervisedOptions;
  readonly seed: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly nInit: number;
  /** Labeled pixels per class used for fitting (a seeded random subsample beyond this). */
  readonly maxSamplesPerClass: number;
  /**
   * Diagonal models: at prediction, each feature's density under a component stops falling where it meets
   * one floor shared by all components, the density of the feature's spread over the image at this many
   * standard deviations (predictProbabilities.ts, termBounds), so one feature far in a component's tail
   * cannot outvote all the others; null or absent: Gaussian tails all the way.
   */
  readonly tailBound?: number | null;
}

/**
 * Relevance weights (diagonal models): each model dimension's term in every component's log density is
 * weighted, so a component density is Π_q N(z_q)^w_q. Features that do not separate the scribbled classes
 * stop adding noise to every decision, and the weights' total says how many independent measurements the
 * correlated filter responses are worth, which tempers the overconfident naive-Bayes evidence.
 */
export interface RelevanceOptions {
  /**
   * 'fisher': w_q ∝ (between-class / within-class variance on the labeled pixels)^exponent;
   * 'components': the same between the components of different classes (componentRelevance.ts); 'none': all 1.
   */
  readonly weighting: 'none' | 'fisher' | 'components';
  readonly exponent: number;
  /** Σ_q w_q, whatever the number of feature channels. */
  readonly total: number;
}

/**
 * Defaults chosen on `npm run bench:accuracy` (within-image task, ISBI / HeLa / GOWT1; README, Classifier):
 * diagonal covariances with 8 components per class on features scaled by the image's spread, regCovar
 * 0.03, 5 steps of semi-supervised EM with λ = 1, relevance weights (of the class components) totalling 2, class priors
 * estimated on the image. Each step's effect on mean IoU (ISBI / HeLa / GOWT1), from the session-1
 * defaults' 0.593 / 0.841 / 0.848: image spread + regCovar 0.03 → 0.609 / 0.850 / 0.835; Fisher weights
 * (total = d) → 0.621 / 0.853 / 0.843; total ≈ 2.5 → 0.629 / 0.863 / 0.838 (counts priors); image priors
 * and 8 components → 0.629 / 0.865 / 0.847; relevance from the class mixtures' components instead of the
 * class means → 0.633 / 0.867 / 0.852. Measured worse: BIC-chosen sizes (often 1 component for a
 * multi-modal background), full covariances after a 12-D discriminant projection, λ by cross-validation
 * on held-out strokes (scribbles avoid class borders, where the unlabeled pixels matter), relevance
 * weights inside semi-supervised EM (ISBI −0.03, HeLa +0.004), a relevance total of about 1 (ISBI 0.55).
 */
export const DEFAULT_CLASSIFIER_OPTIONS: ClassifierOptions = {
  components: 8,
  // Bound for components 'auto' (BIC).
  maxComponents: 8,
  covariance: 'diag',
  // A variance floor of 3 % of each feature's spread over the image; 0.01–0.05 are within ±0.005 mIoU.
  regCovar: 0.03,
  priors: 'image',
  standardizeOn: 'image',
  // Used with full covariances: 49–100 channels cost d²/2 per pixel and component; a discriminant
  // projection to 12 dimensions keeps the class-separating directions (unlike PCA) at ~1/16 the cost.
  // Diagonal models on the standardized features need no projection (2d per pixel and component).
  projectionDims: 'none',
  // Mean IoU (ISBI / HeLa / GOWT1) by total: 1.5 → 0.628 / 0.863 / 0.845, 2 → 0.629 / 0.865 / 0.847,
  // 2.5 → 0.628 / 0.864 / 0.848, 3 → 0.627 / 0.862 / 0.849; ~1 collapses ISBI (0.55). Exponent ½: within 0.005.
  // 'components' over 'fisher' (same total): 0.629 / 0.865 / 0.847 → 0.633 / 0.867 / 0.852; GOWT1 t21, whose
  // nuclei are dim and bright, 0.687 → 0.697 (componentRelevance.ts says why).
  relevance: { weighting: 'components', exponent: 1, total: 2 },
  semiSupervised: { enabled: true, lambda: 1, sampleCount: 30000, iterations: 5 },
  seed: 0,
  // Per-class fits on scribbles: 30 and 100 iterations give the same mean IoU within 0.001, and 30 bound
  // the training time.
  maxIter: 30,
  tol: 1e-3,
  nInit: 1,
  maxSamplesPerClass: 20000,
  // Within one image (bench:accuracy, percentile-sqrt) GOWT1 0.857 → 0.880 (t21, whose background was
  // scribbled only far from its nuclei, 0.718 → 0.839), HeLa 0.883 → 0.885, ISBI 0.635 → 0.635; across
  // images unadapted (bench:transfer as is) GOWT1 0.847 → 0.868, HeLa 0.883 → 0.889, ISBI 0.615 → 0.618.
  // As a cap in each component's own σ (a first version): 3 cost HeLa's t13 0.17, 5–6 gave back half of
  // GOWT1's gain.
  tailBound: 4,
};

/** The tail bound a model file may carry: a bound below 1 σ would cut into every component's core. */
export const MIN_TAIL_BOUND = 1;
export const MAX_TAIL_BOUND = 1000;

/** Whether training needs a sample of unlabeled pixels: for semi-supervised EM, image spread or image priors. */
export function usesUnlabeled(o: Partial<ClassifierOptions>): boolean {
  const r = { ...DEFAULT_CLASSIFIER_OPTIONS, ...o };
  return r.semiSupervised.enabled !== false || r.standardizeOn === 'image' || r.priors === 'image';
}

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
    relevance: { ...DEFAULT_CLASSIFIER_OPTIONS.relevance, ...options.relevance },
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
  if (!(o.relevance.exponent >= 0 && o.relevance.total > 0)) {
    throw new RangeError(
      `relevance needs exponent ≥ 0 and total > 0 (got ${o.relevance.exponent}, ${o.relevance.total})`,
    );
  }
  if (o.tailBound != null && !(o.tailBound >= MIN_TAIL_BOUND && o.tailBound <= MAX_TAIL_BOUND))
    throw new RangeError(
      `tailBound must be null or ${MIN_TAIL_BOUND}..${MAX_TAIL_BOUND} standard deviations (got ${o.tailBound})`,
    );
  const lambda = o.semiSupervised.lambda;
  if (lambda !== 'auto' && !(lambda >= 0))
    throw new RangeError(`semiSupervised.lambda must be 'auto' or ≥ 0 (got ${lambda})`);
  return o;
}
