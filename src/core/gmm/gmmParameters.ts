/**
 * The parameters of a Gaussian mixture in working form (flat Float64Arrays), and the one hot loop that
 * evaluates weighted log densities. Precisions are kept as Cholesky factors, as in scikit-learn:
 * for full covariances `precisionCholesky` holds P = L⁻¹ (lower triangular, Σ = L Lᵀ), so the squared
 * Mahalanobis distance is ‖P (x − μ)‖² and log det Σ⁻¹ = 2 Σ log Pᵢᵢ; for diagonal ones it holds 1/σ.
 */
import { choleskyLower, invertLowerTriangular } from './linalg.js';
import type { CovarianceType, GmmParameters } from './gmmTypes.js';
import { simdDiagonalKernel } from './simdDiagonalLogDensity.js';

export type { CovarianceType, GmmParameters } from './gmmTypes.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** Each failed Cholesky multiplies the extra diagonal jitter by this, so a nearly singular covariance still yields a valid factor. */
const JITTER_GROWTH = 10;

export function covarianceSize(covariance: CovarianceType, d: number): number {
  return covariance === 'full' ? d * d : d;
}

/** Builds parameters from weights, means and covariances, computing the precision factors. */
export function makeGmmParameters(
  covariance: CovarianceType,
  dim: number,
  weights: ArrayLike<number>,
  means: ArrayLike<number>,
  covariances: ArrayLike<number>,
): GmmParameters {
  const k = weights.length;
  const params: GmmParameters = {
    covariance,
    dim,
    nComponents: k,
    weights: Float64Array.from(weights),
    means: Float64Array.from(means),
    covariances: Float64Array.from(covariances),
    precisionCholesky: new Float64Array(k * covarianceSize(covariance, dim)),
    halfLogDetPrecision: new Float64Array(k),
  };
  for (let j = 0; j < k; j++) updatePrecision(params, j);
  return params;
}

/**
 * Recomputes component j's precision factor from its covariance. A covariance that is not numerically
 * positive definite gets growing diagonal jitter (written back, so the stored covariance is the one used)
 * instead of producing NaN.
 */
export function updatePrecision(params: GmmParameters, j: number): void {
  const d = params.dim;
  if (params.covariance === 'diag') {
    let half = 0;
    for (let c = 0; c < d; c++) {
      let v = params.covariances[j * d + c];
      if (!(v > 1e-300) || !Number.isFinite(v)) v = params.covariances[j * d + c] = 1e-12;
      const p = 1 / Math.sqrt(v);
      params.precisionCholesky[j * d + c] = p;
      half += Math.log(p);
    }
    params.halfLogDetPrecision[j] = half;
    return;
  }
  const size = d * d;
  const cov = params.covariances.subarray(j * size, (j + 1) * size);
  let l = choleskyLower(cov, d);
  let jitter = 0;
  for (let c = 0; c < d; c++) jitter = Math.max(jitter, Math.abs(cov[c * d + c]));
  jitter = Math.max(jitter * 1e-10, 1e-12);
  while (!l) {
    if (!cov.every(Number.isFinite)) resetToIdentity(cov, d);
    for (let c = 0; c < d; c++) cov[c * d + c] += jitter;
    jitter *= JITTER_GROWTH;
    l = choleskyLower(cov, d);
  }
  const p = invertLowerTriangular(l, d);
  params.precisionCholesky.set(p, j * size);
  let half = 0;
  for (let c = 0; c < d; c++) half += Math.log(p[c * d + c]);
  params.halfLogDetPrecision[j] = half;
}

function resetToIdentity(cov: Float64Array, d: number): void {
  cov.fill(0);
  for (let c = 0; c < d; c++) cov[c * d + c] = 1;
}

/**
 * out[i·K + j] = log wⱼ + log N(xᵢ; μⱼ, Σⱼ) for the n rows of X (n × d, row-major). The per-pixel cost is
 * d²/2 per component for full covariances and 2d for diagonal ones: this is the loop prediction time is made of.
 */
export function weightedLogProb(
  X: ArrayLike<number>,
  n: number,
  params: GmmParameters,
  out: Float64Array,
  groups?: { readonly sampleGroup?: Int32Array; readonly componentGroup?: Int32Array },
): void {
  // Diagonal models: a sample of group g ≥ 0 gets −∞ for components of other groups without computing
  // them (semi-supervised EM: a labeled pixel's other classes), which the caller would mask anyway.
  const sampleGroup = groups?.componentGroup ? groups.sampleGroup : undefined;
  const componentGroup = groups?.componentGroup;
  const { dim: d, nComponents: k, means, precisionCholesky: pc } = params;
  const constant = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    constant[j] = Math.log(params.weights[j]) - 0.5 * d * LOG_2PI + params.halfLogDetPrecision[j];
  }
  const diff = new Float64Array(d);
  if (params.covariance === 'diag') {
    // The same sums in WebAssembly SIMD where available (bit for bit: same operations, same order).
    if (simdDiagonalKernel()?.rowSquaredDistances(params, X, n, out)) {
      for (let i = 0; i < n; i++) {
        const g = sampleGroup ? sampleGroup[i] : -1;
        for (let j = 0; j < k; j++) {
          const t = i * k + j;
          out[t] = g >= 0 && componentGroup![j] !== g ? -Infinity : constant[j] - 0.5 * out[t];
        }
      }
      return;
    }
    for (let i = 0; i < n; i++) {
      const row = i * d;
      const g = sampleGroup ? sampleGroup[i] : -1;
      for (let j = 0; j < k; j++) {
        if (g >= 0 && componentGroup![j] !== g) {
          out[i * k + j] = -Infinity;
          continue;
        }
        let m = 0;
        const base = j * d;
        for (let c = 0; c < d; c++) {
          const y = (X[row + c] - means[base + c]) * pc[base + c];
          m += y * y;
        }
        out[i * k + j] = constant[j] - 0.5 * m;
      }
    }
    return;
  }
  const size = d * d;
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < k; j++) {
      const mb = j * d;
      for (let c = 0; c < d; c++) diff[c] = X[row + c] - means[mb + c];
      const pb = j * size;
      let m = 0;
      for (let r = 0; r < d; r++) {
        const pr = pb + r * d;
        let y = 0;
        for (let c = 0; c <= r; c++) y += pc[pr + c] * diff[c];
        m += y * y;
      }
      out[i * k + j] = constant[j] - 0.5 * m;
    }
  }
}

/** Number of free parameters, for BIC: weights (K − 1), means K·d, covariances K·d(d+1)/2 or K·d. */
export function freeParameterCount(covariance: CovarianceType, d: number, k: number): number {
  const perCov = covariance === 'full' ? (d * (d + 1)) / 2 : d;
  return k - 1 + k * d + k * perCov;
}

/**
 * Folds relevance weights w into a diagonal model: component log densities become
 * Σ_q w_q log N(z_q | μ_q, σ_q²) (up to a constant shared by all components), i.e. precision factors
 * √w_q / σ_q and ½ log det Σ⁻¹ = Σ_q w_q log(1/σ_q). Prediction kernels (JavaScript and SIMD) and
 * the image-prior estimate read these.
 */
export function withRelevance(params: GmmParameters, relevance: readonly number[] | null): GmmParameters {
  if (!relevance) return params;
  if (params.covariance !== 'diag') {
    throw new RangeError('feature relevance weights apply to diagonal models only');
  }
  const r = params.dim;
  const precisionCholesky = new Float64Array(params.precisionCholesky.length);
  const halfLogDetPrecision = new Float64Array(params.nComponents);
  for (let j = 0; j < params.nComponents; j++) {
    for (let q = 0; q < r; q++) {
      const p = params.precisionCholesky[j * r + q];
      precisionCholesky[j * r + q] = Math.sqrt(relevance[q]) * p;
      halfLogDetPrecision[j] += relevance[q] * Math.log(p);
    }
  }
  return { ...params, precisionCholesky, halfLogDetPrecision };
}
