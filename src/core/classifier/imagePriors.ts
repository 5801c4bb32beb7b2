/**
 * Class priors estimated from the image instead of from the scribbles. Scribble counts say how much a
 * user painted, not how much of the image each class covers (ISBI membranes: half the labels, a fifth of
 * the pixels), and semi-supervised EM only halves that bias, because labeled and unlabeled pixels carry
 * equal total weight. With the class densities held fixed, EM over the priors alone on the unlabeled
 * sample converges to the maximum-likelihood class proportions (Saerens, Latinne & Decaestecker 2002,
 * "Adjusting the outputs of a classifier to new a priori probabilities").
 */
import { gmmParameters, type FittedGmm } from '../gmm/GaussianMixture.js';
import { weightedLogProb, withRelevance } from '../gmm/gmmParameters.js';
import { logSumExp } from '../gmm/linalg.js';
import { boundTails, tailTermBounds } from './tailTerms.js';
import type { ClassifierOptions } from './classifierOptions.js';

/** At most this many prior-only EM steps; they stop once no proportion moves by more than the tolerance. */
export const IMAGE_PRIOR_ITERATIONS = 100;
export const IMAGE_PRIOR_TOLERANCE = 1e-5;
/** No class's prior falls below this, so a class the image seems to lack can still be predicted. */
export const MIN_IMAGE_PRIOR = 1e-3;

/** The tail bound image priors are estimated with: the model's, for diagonal mixtures only. */
export function priorTailBound(o: Pick<ClassifierOptions, 'covariance' | 'tailBound'>): number | null {
  return o.covariance === 'diag' ? (o.tailBound ?? null) : null;
}

/** Each class's share of a joint mixture: the sum of its components' weights. */
export function classWeights(
  weights: readonly number[],
  componentClass: readonly number[],
  nClasses: number,
): number[] {
  const out = new Array<number>(nClasses).fill(0);
  weights.forEach((w, j) => (out[componentClass[j]] += w));
  return out;
}

/**
 * The class proportions of the rows U under the mixture's class densities: with `tailBound` (diagonal
 * mixtures) the tail-bounded densities prediction uses, so that pixels far from every class (dim objects,
 * debris) are shared by the priors as prediction will share them, not handed to the widest class.
 */
export function estimateImagePriors(
  mixture: FittedGmm,
  componentClass: readonly number[],
  nClasses: number,
  U: { Z: Float64Array; n: number },
  relevance: readonly number[] | null,
  tailBound: number | null = null,
): number[] {
  const densities = classLogDensities(mixture, componentClass, nClasses, U, relevance, tailBound);
  return priorsFromClassDensities(densities, U.n, classWeights(mixture.weights, componentClass, nClasses));
}

/**
 * The first half of estimateImagePriors, row by row (n × nClasses): each class's log density of each row
 * of U. Rows do not depend on one another, so row ranges computed apart (on the worker pool) and joined
 * in order give these very numbers.
 */
export function classLogDensities(
  mixture: FittedGmm,
  componentClass: readonly number[],
  nClasses: number,
  U: { Z: Float64Array; n: number },
  relevance: readonly number[] | null,
  tailBound: number | null = null,
): Float64Array {
  const params = withRelevance(gmmParameters(mixture), relevance);
  const k = params.nComponents;
  const logProb = new Float64Array(U.n * k);
  weightedLogProb(U.Z, U.n, params, logProb);
  if (tailBound !== null && mixture.covariance === 'diag') {
    const bounds = tailTermBounds(mixture.covariances, relevance, tailBound, k, params.dim);
    boundTails(logProb, U.Z, U.n, mixture.means, mixture.covariances, relevance, bounds);
  }
  // Class log densities: each class's components, weights renormalized within the class.
  const logClassWeight = classWeights(mixture.weights, componentClass, nClasses).map(Math.log);
  const classLogDensity = new Float64Array(U.n * nClasses);
  const scratch = new Float64Array(k);
  for (let i = 0; i < U.n; i++) {
    for (let c = 0; c < nClasses; c++) {
      let m = 0;
      for (let j = 0; j < k; j++) {
        if (componentClass[j] === c) scratch[m++] = logProb[i * k + j] - logClassWeight[c];
      }
      classLogDensity[i * nClasses + c] = logSumExp(scratch, 0, m);
    }
  }
  return classLogDensity;
}

/**
 * The second half of estimateImagePriors: prior-only EM over n rows' class log densities (n × nClasses,
 * classLogDensities), started from the mixture's class weights.
 */
export function priorsFromClassDensities(
  classLogDensity: Float64Array,
  n: number,
  classWeight: readonly number[],
): number[] {
  const nClasses = classWeight.length;
  if (classLogDensity.length !== n * nClasses) {
    throw new RangeError(
      `class log densities hold ${classLogDensity.length} values, not ${n} rows × ${nClasses} classes`,
    );
  }
  let priors = Array.from(classWeight);
  const row = new Float64Array(nClasses);
  for (let it = 0; it < IMAGE_PRIOR_ITERATIONS; it++) {
    const next = new Float64Array(nClasses);
    const logPriors = priors.map(Math.log);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < nClasses; c++) row[c] = classLogDensity[i * nClasses + c] + logPriors[c];
      const norm = logSumExp(row, 0, nClasses);
      for (let c = 0; c < nClasses; c++) next[c] += Math.exp(row[c] - norm);
    }
    const clamped = Array.from(next, (v) => Math.max(MIN_IMAGE_PRIOR, v / n));
    const sum = clamped.reduce((s, v) => s + v, 0);
    const previous = priors;
    priors = clamped.map((v) => v / sum);
    if (priors.every((v, c) => Math.abs(v - previous[c]) < IMAGE_PRIOR_TOLERANCE)) break;
  }
  return priors;
}

/** The mixture with each class's components rescaled so that the class weights equal `priors`. */
export function withClassPriors(
  mixture: FittedGmm,
  componentClass: readonly number[],
  priors: readonly number[],
): FittedGmm {
  const classWeight = classWeights(mixture.weights, componentClass, priors.length);
  const weights = mixture.weights.map(
    (w, j) => (w / classWeight[componentClass[j]]) * priors[componentClass[j]],
  );
  return { ...mixture, weights };
}
