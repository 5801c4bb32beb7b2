/**
 * The shape of a Gaussian mixture's working parameters, on its own so that the hot kernels
 * (simdDiagonalLogDensity.ts) and the code that builds parameters (gmmParameters.ts) can both name it
 * without importing each other.
 */
export type CovarianceType = 'full' | 'diag';

export interface GmmParameters {
  readonly covariance: CovarianceType;
  readonly dim: number;
  readonly nComponents: number;
  /** K mixing weights, summing to 1. */
  readonly weights: Float64Array;
  /** K × d means. */
  readonly means: Float64Array;
  /** K × d × d (full) or K × d (diag) covariances, regularization included. */
  readonly covariances: Float64Array;
  /** K × d × d lower factors (full) or K × d inverse standard deviations (diag). */
  readonly precisionCholesky: Float64Array;
  /** K values of ½ log det Σ⁻¹ (= Σ log Pᵢᵢ). */
  readonly halfLogDetPrecision: Float64Array;
}
