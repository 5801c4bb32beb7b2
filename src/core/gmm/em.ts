/**
 * Expectation–maximization for a Gaussian mixture, after scikit-learn's BaseMixture.fit_predict and
 * _gaussian_mixture.py: E-step with log-sum-exp responsibilities, M-step with float64 sums and regCovar
 * on the diagonal, stop when the mean log-likelihood changes by less than tol. Beyond scikit-learn it takes
 * per-sample weights and component groups, which semi-supervised EM needs: a sample of group g shares its
 * responsibility only among components of group g (a labeled pixel keeps its class); group −1 may use any.
 */
import { logSumExp } from './linalg.js';
import { updatePrecision, weightedLogProb, type GmmParameters } from './gmmParameters.js';

export interface EmConstraints {
  /** Per-sample weights (default 1): unlabeled pixels take part with weight λ. */
  readonly sampleWeight?: Float64Array;
  /** Per-sample group; −1 = any component. */
  readonly sampleGroup?: Int32Array;
  /** Per-component group, matched against sampleGroup. */
  readonly componentGroup?: Int32Array;
}

export interface EmSettings {
  readonly regCovar: number;
  readonly maxIter: number;
  readonly tol: number;
}

export interface EmResult {
  /** Weighted mean log-likelihood from the last E-step (scikit-learn's lower_bound_). */
  readonly lowerBound: number;
  readonly nIter: number;
  readonly converged: boolean;
  /** Components re-seeded because they emptied. */
  readonly reseeded: number;
}

/** scikit-learn adds 10·eps to each component's weight so that an empty one does not divide by zero. */
export const WEIGHT_EPS = 10 * 2.220446049250313e-16;

/** log of the responsibility below which a sample is left out of a component's sums (e^−28 ≈ 7e-13). */
export const LOG_RESPONSIBILITY_FLOOR = -28;

/**
 * A component whose total responsibility falls below this fraction of the total sample weight is treated
 * as empty and re-seeded at the worst-explained sample: it would otherwise sit on a handful of points,
 * its covariance reduced to regCovar, wasting a component.
 */
export const EMPTY_COMPONENT_FRACTION = 1e-6;

/**
 * E-step: fills logResp (n × K) with log responsibilities (−∞ where a component is not allowed) and
 * logNorm (n) with each sample's log-likelihood; returns the weighted mean log-likelihood.
 */
export function eStep(
  X: ArrayLike<number>,
  n: number,
  params: GmmParameters,
  constraints: EmConstraints,
  logResp: Float64Array,
  logNorm: Float64Array,
): number {
  const k = params.nComponents;
  weightedLogProb(X, n, params, logResp, constraints);
  const { sampleWeight, sampleGroup, componentGroup } = constraints;
  let total = 0;
  let weightSum = 0;
  for (let i = 0; i < n; i++) {
    const g = sampleGroup ? sampleGroup[i] : -1;
    const row = i * k;
    if (g >= 0 && componentGroup) {
      for (let j = 0; j < k; j++) if (componentGroup[j] !== g) logResp[row + j] = -Infinity;
    }
    const norm = logSumExp(logResp, row, k);
    logNorm[i] = norm;
    for (let j = 0; j < k; j++) logResp[row + j] -= norm;
    const w = sampleWeight ? sampleWeight[i] : 1;
    total += w * norm;
    weightSum += w;
  }
  return total / weightSum;
}

/** M-step: new weights, means and covariances from the responsibilities; empty components are re-seeded. */
export function mStep(
  X: ArrayLike<number>,
  n: number,
  params: GmmParameters,
  constraints: EmConstraints,
  logResp: Float64Array,
  logNorm: Float64Array,
  regCovar: number,
): number {
  const { dim: d, nComponents: k, weights, means } = params;
  const { sampleWeight } = constraints;
  const nk = new Float64Array(k);
  const resp = new Float64Array(n * k);
  let weightSum = 0;
  for (let i = 0; i < n; i++) {
    const w = sampleWeight ? sampleWeight[i] : 1;
    weightSum += w;
    for (let j = 0; j < k; j++) {
      const lr = logResp[i * k + j];
      // Below the floor a sample's share cannot move a sum (relative effect < 1e-12 per sample), and
      // skipping it spares most of the M-step: each sample is mostly explained by one or two components.
      const r = lr < LOG_RESPONSIBILITY_FLOOR ? 0 : w * Math.exp(lr);
      resp[i * k + j] = r;
      nk[j] += r;
    }
  }
  for (let j = 0; j < k; j++) nk[j] += WEIGHT_EPS;
  if (params.covariance === 'diag') diagonalMoments(X, n, params, resp, nk, regCovar);
  else {
    means.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        const r = resp[i * k + j];
        if (r === 0) continue;
        for (let c = 0; c < d; c++) means[j * d + c] += r * X[i * d + c];
      }
    }
    for (let j = 0; j < k; j++) for (let c = 0; c < d; c++) means[j * d + c] /= nk[j];
    accumulateCovariances(X, n, params, resp, nk, regCovar);
  }
  let reseeded = 0;
  for (let j = 0; j < k; j++) {
    if (nk[j] < EMPTY_COMPONENT_FRACTION * weightSum) {
      reseedComponent(X, n, params, constraints, logNorm, j, regCovar);
      nk[j] = weightSum / n;
      reseeded++;
    }
  }
  let nkSum = 0;
  for (let j = 0; j < k; j++) nkSum += nk[j];
  for (let j = 0; j < k; j++) weights[j] = nk[j] / nkSum;
  for (let j = 0; j < k; j++) updatePrecision(params, j);
  return reseeded;
}

/**
 * Diagonal models in one pass over the samples, as scikit-learn's _estimate_gaussian_covariances_diag:
 * σ² = E[x²] − μ² (+ regCovar) from the weighted sums of x and x². On standardized features the
 * cancellation costs ~1e-15 relative, far below regCovar, and the second pass over n × K × d is saved.
 */
function diagonalMoments(
  X: ArrayLike<number>,
  n: number,
  params: GmmParameters,
  resp: Float64Array,
  nk: Float64Array,
  regCovar: number,
): void {
  const { dim: d, nComponents: k, means, covariances } = params;
  means.fill(0);
  covariances.fill(0);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < k; j++) {
      const r = resp[i * k + j];
      if (r === 0) continue;
      const base = j * d;
      for (let c = 0; c < d; c++) {
        const x = X[row + c];
        const rx = r * x;
        means[base + c] += rx;
        covariances[base + c] += rx * x;
      }
    }
  }
  for (let j = 0; j < k; j++) {
    for (let c = 0; c < d; c++) {
      const mean = means[j * d + c] / nk[j];
      means[j * d + c] = mean;
      covariances[j * d + c] = Math.max(0, covariances[j * d + c] / nk[j] - mean * mean) + regCovar;
    }
  }
}

/** Full covariances from the responsibilities, around the new means (two passes, for stability). */
function accumulateCovariances(
  X: ArrayLike<number>,
  n: number,
  params: GmmParameters,
  resp: Float64Array,
  nk: Float64Array,
  regCovar: number,
): void {
  const { dim: d, nComponents: k, means, covariances } = params;
  covariances.fill(0);
  const diff = new Float64Array(d);
  const size = d * d;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const r = resp[i * k + j];
      if (r === 0) continue;
      for (let c = 0; c < d; c++) diff[c] = X[i * d + c] - means[j * d + c];
      const base = j * size;
      for (let a = 0; a < d; a++) {
        const ra = r * diff[a];
        const row = base + a * d;
        for (let b = 0; b <= a; b++) covariances[row + b] += ra * diff[b];
      }
    }
  }
  for (let j = 0; j < k; j++) {
    const base = j * size;
    for (let a = 0; a < d; a++) {
      for (let b = 0; b <= a; b++) {
        const v = covariances[base + a * d + b] / nk[j];
        covariances[base + a * d + b] = v;
        covariances[base + b * d + a] = v;
      }
      covariances[base + a * d + a] += regCovar;
    }
  }
}

/** Moves an empty component onto the worst-explained sample it may serve, with the data's spread as covariance. */
function reseedComponent(
  X: ArrayLike<number>,
  n: number,
  params: GmmParameters,
  constraints: EmConstraints,
  logNorm: Float64Array,
  j: number,
  regCovar: number,
): void {
  const { dim: d, means, covariances } = params;
  const group = constraints.componentGroup ? constraints.componentGroup[j] : -1;
  let worst = -1;
  let worstValue = Infinity;
  const variance = new Float64Array(d);
  const mean = new Float64Array(d);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const g = constraints.sampleGroup ? constraints.sampleGroup[i] : -1;
    if (group >= 0 && g >= 0 && g !== group) continue;
    count++;
    for (let c = 0; c < d; c++) {
      const x = X[i * d + c];
      const delta = x - mean[c];
      mean[c] += delta / count;
      variance[c] += delta * (x - mean[c]);
    }
    if (logNorm[i] < worstValue) {
      worstValue = logNorm[i];
      worst = i;
    }
  }
  if (worst < 0) return;
  for (let c = 0; c < d; c++) means[j * d + c] = X[worst * d + c];
  const spread = (c: number): number => variance[c] / Math.max(1, count) + regCovar;
  if (params.covariance === 'diag') {
    for (let c = 0; c < d; c++) covariances[j * d + c] = spread(c);
  } else {
    const base = j * d * d;
    covariances.fill(0, base, base + d * d);
    for (let c = 0; c < d; c++) covariances[base + c * d + c] = spread(c);
  }
}

/** The EM loop: iterate E and M steps until the mean log-likelihood changes by less than tol. */
export function runEm(
  X: ArrayLike<number>,
  n: number,
  params: GmmParameters,
  constraints: EmConstraints,
  settings: EmSettings,
): EmResult {
  const k = params.nComponents;
  const logResp = new Float64Array(n * k);
  const logNorm = new Float64Array(n);
  let lowerBound = -Infinity;
  let converged = false;
  let nIter = 0;
  let reseeded = 0;
  for (nIter = 1; nIter <= settings.maxIter; nIter++) {
    const previous = lowerBound;
    lowerBound = eStep(X, n, params, constraints, logResp, logNorm);
    const moved = mStep(X, n, params, constraints, logResp, logNorm, settings.regCovar);
    reseeded += moved;
    if (moved === 0 && Math.abs(lowerBound - previous) < settings.tol) {
      converged = true;
      break;
    }
  }
  return { lowerBound, nIter: Math.min(nIter, settings.maxIter), converged, reseeded };
}
