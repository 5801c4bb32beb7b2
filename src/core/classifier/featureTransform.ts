/** The map from raw feature rows to the model space: standardize, then (optionally) project. */
export interface FeatureTransform {
  /** Per-feature mean and scale over the training pixels: x' = (x − mean) / scale. */
  readonly mean: number[];
  readonly scale: number[];
  /** r × d row-major projection applied after standardization, or null to model the d features directly. */
  readonly projection: { readonly dims: number; readonly matrix: number[] } | null;
  /**
   * Diagonal models: per model dimension, the weight of its term in each component's log density
   * (a relevance-weighted naive Bayes inside every component); absent or null = all 1.
   */
  readonly relevance?: number[] | null;
}

/**
 * Rows X (n × d) to the model space (n × r). If `isStandardized`, X is already standardized and only
 * the projection is applied (X itself is returned when there is none).
 */
export function toModelSpace(
  transform: FeatureTransform,
  X: Float64Array,
  n: number,
  d: number,
  isStandardized: boolean,
): Float64Array {
  const { mean, scale, projection } = transform;
  let S = X;
  if (!isStandardized) {
    S = new Float64Array(n * d);
    for (let i = 0; i < n; i++)
      for (let c = 0; c < d; c++) S[i * d + c] = (X[i * d + c] - mean[c]) / scale[c];
  }
  if (!projection) return S;
  const r = projection.dims;
  const a = projection.matrix;
  const Z = new Float64Array(n * r);
  for (let i = 0; i < n; i++) {
    for (let q = 0; q < r; q++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += a[q * d + c] * S[i * d + c];
      Z[i * r + q] = s;
    }
  }
  return Z;
}
