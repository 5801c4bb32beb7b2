/**
 * src/core/gmm — the Gaussian-mixture mathematics, and this is its front door. The folder holds what a
 * mixture is and how it is fitted, for any rows of numbers: parameters (gmmTypes, gmmParameters), EM
 * (em, blockEm), k-means++ starts, linear algebra, the WebAssembly SIMD kernels, and this estimator.
 * The rule: gmm knows nothing of pixels, classes' meaning, options or projects; src/core/classifier builds
 * the pixel classifier on it and imports from here, never the other way, and neither folder has an import
 * circle (test/classifier/importDirection.test.ts fails otherwise). Something both sides need goes here
 * only if it is mixture mathematics; a shape the kernels must accept is described here structurally
 * (StandardizedDiagonalMixture) rather than imported from the classifier.
 *
 * A Gaussian mixture estimator in scikit-learn's shape: GmmOptions in, FittedGmm (plain JSON data) out.
 * fitGaussianMixture validates, initialises (k-means++ with a seed, or given parameters), runs EM, keeps
 * the best of nInit starts by lower bound. Model size by BIC: selectBySize.
 */
import { SeededRandom } from '../random.js';
import { eStep, mStep, runEm, type EmConstraints } from './em.js';
import {
  covarianceSize,
  freeParameterCount,
  makeGmmParameters,
  weightedLogProb,
  type CovarianceType,
  type GmmParameters,
} from './gmmParameters.js';
import { kmeansPlusPlus } from './kmeansPlusPlus.js';
import { logSumExp } from './linalg.js';

export interface GmmInit {
  readonly weights: ArrayLike<number>;
  /** K × d, row-major. */
  readonly means: ArrayLike<number>;
  /** K × d × d (full) or K × d (diag). */
  readonly covariances: ArrayLike<number>;
}

export interface GmmOptions {
  nComponents: number;
  covariance: CovarianceType;
  /** Added to covariance diagonals (in the units of the data). */
  regCovar: number;
  maxIter: number;
  /** Stop when the mean log-likelihood changes by less than this. */
  tol: number;
  /** Starts from different k-means++ seeds; the best lower bound wins. */
  nInit: number;
  seed: number;
  /** Start from these parameters instead of k-means++ (one start). */
  init?: GmmInit;
}

export const DEFAULT_GMM_OPTIONS: GmmOptions = {
  nComponents: 1,
  covariance: 'full',
  regCovar: 1e-6,
  maxIter: 100,
  tol: 1e-3,
  nInit: 1,
  seed: 0,
};

/** A fitted mixture as plain JSON-serializable data. */
export interface FittedGmm {
  readonly covariance: CovarianceType;
  readonly dim: number;
  readonly weights: number[];
  /** K × d, row-major. */
  readonly means: number[];
  /** K × d × d (full) or K × d (diag), regularization included. */
  readonly covariances: number[];
  /** Weighted mean log-likelihood of the training data under these parameters. */
  readonly meanLogLikelihood: number;
  readonly nIter: number;
  readonly converged: boolean;
}

export function fitGaussianMixture(
  X: Float64Array,
  n: number,
  d: number,
  options: Partial<GmmOptions> = {},
  constraints: EmConstraints = {},
): FittedGmm {
  const o: GmmOptions = { ...DEFAULT_GMM_OPTIONS, ...options };
  if (X.length !== n * d) throw new RangeError(`samples hold ${X.length} values, expected ${n} × ${d}`);
  if (!(o.nComponents >= 1) || !Number.isInteger(o.nComponents)) {
    throw new RangeError(`nComponents must be a whole number ≥ 1 (got ${o.nComponents})`);
  }
  if (n < o.nComponents) {
    throw new RangeError(
      `need at least as many samples as components (${n} samples, ${o.nComponents} components)`,
    );
  }
  if (!(o.regCovar >= 0)) throw new RangeError(`regCovar must be ≥ 0 (got ${o.regCovar})`);
  for (let i = 0; i < X.length; i++) {
    if (!Number.isFinite(X[i]))
      throw new RangeError(`sample ${Math.floor(i / d)} holds a value that is not finite`);
  }
  const rng = new SeededRandom(o.seed);
  const starts = o.init ? 1 : Math.max(1, o.nInit);
  let best: { params: GmmParameters; lowerBound: number; nIter: number; converged: boolean } | null = null;
  for (let s = 0; s < starts; s++) {
    const params = o.init
      ? makeGmmParameters(o.covariance, d, o.init.weights, o.init.means, o.init.covariances)
      : initializeFromKmeans(X, n, d, o, constraints, rng);
    const result = runEm(X, n, params, constraints, o);
    if (!best || result.lowerBound > best.lowerBound) best = { params, ...result };
  }
  const { params, nIter, converged } = best!;
  const logResp = new Float64Array(n * params.nComponents);
  const logNorm = new Float64Array(n);
  const meanLogLikelihood = eStep(X, n, params, constraints, logResp, logNorm);
  return toFittedGmm(params, meanLogLikelihood, nIter, converged);
}

/** k-means++ partition → one-hot responsibilities → one M-step gives the starting parameters. */
function initializeFromKmeans(
  X: Float64Array,
  n: number,
  d: number,
  o: GmmOptions,
  constraints: EmConstraints,
  rng: SeededRandom,
): GmmParameters {
  const k = o.nComponents;
  const labels = kmeansPlusPlus(X, n, d, k, rng);
  const params = makeGmmParameters(
    o.covariance,
    d,
    new Float64Array(k).fill(1 / k),
    new Float64Array(k * d),
    identityCovariances(o.covariance, d, k),
  );
  const logResp = new Float64Array(n * k).fill(-Infinity);
  for (let i = 0; i < n; i++) logResp[i * k + labels[i]] = 0;
  mStep(X, n, params, { sampleWeight: constraints.sampleWeight }, logResp, new Float64Array(n), o.regCovar);
  return params;
}

export function identityCovariances(covariance: CovarianceType, d: number, k: number): Float64Array {
  const size = covarianceSize(covariance, d);
  const out = new Float64Array(k * size);
  for (let j = 0; j < k; j++)
    for (let c = 0; c < d; c++) out[j * size + (covariance === 'full' ? c * d + c : c)] = 1;
  return out;
}

export function toFittedGmm(
  params: GmmParameters,
  meanLogLikelihood: number,
  nIter: number,
  converged: boolean,
): FittedGmm {
  return {
    covariance: params.covariance,
    dim: params.dim,
    weights: Array.from(params.weights),
    means: Array.from(params.means),
    covariances: Array.from(params.covariances),
    meanLogLikelihood,
    nIter,
    converged,
  };
}

export function gmmParameters(model: FittedGmm): GmmParameters {
  return makeGmmParameters(model.covariance, model.dim, model.weights, model.means, model.covariances);
}

/** log p(x) per row of X (scikit-learn's score_samples). */
export function scoreSamples(
  model: FittedGmm | GmmParameters,
  X: ArrayLike<number>,
  n: number,
): Float64Array {
  const params = 'nComponents' in model ? model : gmmParameters(model);
  const k = params.nComponents;
  const logProb = new Float64Array(n * k);
  weightedLogProb(X, n, params, logProb);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = logSumExp(logProb, i * k, k);
  return out;
}

/** Bayesian information criterion on X: −2 n · mean log-likelihood + (free parameters) · ln n; lower is better. */
export function bic(model: FittedGmm, X: ArrayLike<number>, n: number): number {
  const scores = scoreSamples(model, X, n);
  let total = 0;
  for (let i = 0; i < n; i++) total += scores[i];
  return -2 * total + freeParameterCount(model.covariance, model.dim, model.weights.length) * Math.log(n);
}

/** Fits 1..maxComponents components (bounded by n) and keeps the size with the lowest BIC. */
export function fitBestBySize(
  X: Float64Array,
  n: number,
  d: number,
  maxComponents: number,
  options: Partial<GmmOptions> = {},
): { model: FittedGmm; bicBySize: number[] } {
  let best: FittedGmm | null = null;
  let bestBic = Infinity;
  const bicBySize: number[] = [];
  for (let k = 1; k <= Math.min(maxComponents, n); k++) {
    const model = fitGaussianMixture(X, n, d, { ...options, nComponents: k, init: undefined });
    const value = bic(model, X, n);
    bicBySize.push(value);
    if (value < bestBic) {
      bestBic = value;
      best = model;
    }
  }
  return { model: best!, bicBySize };
}
