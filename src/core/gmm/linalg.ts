/**
 * Small dense linear-algebra helpers for the Gaussian mixture, on row-major Float64Arrays (d × d).
 * Each is a separate, tested function, as in scikit-learn's _gaussian_mixture.py; dimensions here are
 * small (≤ ~100), so plain loops beat any clever blocking.
 */

/** log(Σ exp(values[offset + i·stride])) for i < count, stable for large or −∞ entries. */
export function logSumExp(values: ArrayLike<number>, offset = 0, count = values.length, stride = 1): number {
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    const v = values[offset + i * stride];
    if (v > max) max = v;
  }
  if (max === -Infinity) return -Infinity;
  if (max === Infinity) return Infinity;
  let sum = 0;
  for (let i = 0; i < count; i++) sum += Math.exp(values[offset + i * stride] - max);
  return max + Math.log(sum);
}

/**
 * Lower Cholesky factor L of a symmetric positive-definite d × d matrix (A = L Lᵀ), or null when A is
 * not numerically positive definite (a pivot ≤ 0 or not finite), so callers can regularize and retry.
 */
export function choleskyLower(a: Float64Array, d: number): Float64Array | null {
  const l = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    let diag = a[j * d + j];
    for (let k = 0; k < j; k++) diag -= l[j * d + k] * l[j * d + k];
    if (!(diag > 0) || !Number.isFinite(diag)) return null;
    const ljj = Math.sqrt(diag);
    l[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let s = a[i * d + j];
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
      l[i * d + j] = s / ljj;
    }
  }
  return l;
}

/** log det(A) from its lower Cholesky factor: 2 Σ log Lᵢᵢ. */
export function logDetFromCholesky(l: Float64Array, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += Math.log(l[i * d + i]);
  return 2 * s;
}

/** Inverse of a lower-triangular matrix (itself lower triangular), by forward substitution. */
export function invertLowerTriangular(l: Float64Array, d: number): Float64Array {
  const inv = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    inv[j * d + j] = 1 / l[j * d + j];
    for (let i = j + 1; i < d; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s += l[i * d + k] * inv[k * d + j];
      inv[i * d + j] = -s / l[i * d + i];
    }
  }
  return inv;
}

/**
 * Eigen-decomposition of a symmetric d × d matrix by cyclic Jacobi rotations: returns eigenvalues in
 * descending order and the matching eigenvectors as rows of `vectors` (row k = k-th eigenvector).
 * Jacobi is slow for large d but exact to rounding and tiny in code; d ≤ ~100 here.
 */
export function symmetricEigen(a: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        const x = m[i * d + j] * m[i * d + j];
        total += x;
        if (i !== j) off += x;
      }
    }
    if (off <= 1e-24 * total || off === 0) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = m[p * d + q];
        if (apq === 0) continue;
        const theta = (m[q * d + q] - m[p * d + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const mkp = m[k * d + p];
          const mkq = m[k * d + q];
          m[k * d + p] = c * mkp - s * mkq;
          m[k * d + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < d; k++) {
          const mpk = m[p * d + k];
          const mqk = m[q * d + k];
          m[p * d + k] = c * mpk - s * mqk;
          m[q * d + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p];
          const vkq = v[k * d + q];
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => m[j * d + j] - m[i * d + i]);
  const values = new Float64Array(d);
  const vectors = new Float64Array(d * d);
  order.forEach((col, k) => {
    values[k] = m[col * d + col];
    for (let i = 0; i < d; i++) vectors[k * d + i] = v[i * d + col];
  });
  return { values, vectors };
}
