/**
 * A discriminant projection of standardized features to r dimensions, chosen to keep what separates the
 * classes (PCA keeps what varies most, which here is mostly shared intensity and scale: REFERENCE.md
 * measured PCA losing up to 0.1 mean IoU). Features are whitened by the pooled within-class covariance;
 * there the directions that matter to a Gaussian classifier are those where (a) the means of class
 * sub-clusters differ (mixture discriminant analysis: k-means within each class, then between-subclass
 * scatter) and (b) a class's variance differs from the pooled one (the quadratic part; SAVE in the
 * sufficient-dimension-reduction literature). The top eigenvectors of the sum of both scatters are kept.
 */
import type { SeededRandom } from '../random.js';
import { kmeansPlusPlus } from '../gmm/kmeansPlusPlus.js';
import { choleskyLower, invertLowerTriangular, symmetricEigen } from '../gmm/linalg.js';

/** Sub-clusters per class for the between-scatter: captures multi-modal classes (bright and dim nuclei). */
const SUBCLUSTERS_PER_CLASS = 4;

/**
 * Ridge on the pooled within-class covariance (standardized units): ilastik's features are highly
 * correlated, so without it whitening would blow up directions that are pure numerical noise.
 */
const WITHIN_COVARIANCE_RIDGE = 1e-2;

/** Samples per class used to estimate the projection: plenty for d ≤ ~100 second moments. */
const MAX_SAMPLES_PER_CLASS = 8000;

/**
 * Returns the r × d projection matrix A (row-major): z = A x for a standardized feature row x.
 * classIndex holds 0..nClasses−1 per row of X (n × d).
 */
export function discriminantProjection(
  X: Float64Array,
  classIndex: Int32Array,
  n: number,
  d: number,
  nClasses: number,
  r: number,
  rng: SeededRandom,
): Float64Array {
  const rows = subsampleByClass(classIndex, n, nClasses, rng);
  const sw = new Float64Array(d * d);
  const classCovs: Float64Array[] = [];
  for (let k = 0; k < nClasses; k++) {
    const cov = covariance(X, rows[k], d);
    classCovs.push(cov);
    for (let i = 0; i < d * d; i++) sw[i] += cov[i] / nClasses;
  }
  for (let c = 0; c < d; c++) sw[c * d + c] += WITHIN_COVARIANCE_RIDGE;
  const l = choleskyLower(sw, d);
  if (!l) throw new Error('the pooled within-class covariance is not positive definite');
  const w = invertLowerTriangular(l, d);

  const scatter = new Float64Array(d * d);
  // (b) variance differences: Σₖ (W Cₖ Wᵀ − C̄)² / K, C̄ the mean of the whitened class covariances.
  const whitenedCovs = classCovs.map((cov) => sandwich(w, cov, d));
  const meanCov = new Float64Array(d * d);
  for (const c of whitenedCovs) for (let i = 0; i < d * d; i++) meanCov[i] += c[i] / nClasses;
  for (const c of whitenedCovs) {
    const delta = c.map((v, i) => v - meanCov[i]);
    addSquare(scatter, delta, d, 1 / nClasses);
  }
  // (a) between sub-cluster means, each class weighted equally.
  const subMeans: { mean: Float64Array; weight: number }[] = [];
  for (let k = 0; k < nClasses; k++) {
    const idx = rows[k];
    const u = new Float64Array(idx.length * d);
    idx.forEach((row, i) => multiplyRow(w, X, row, d, u, i));
    const m = Math.min(SUBCLUSTERS_PER_CLASS, idx.length);
    const labels = kmeansPlusPlus(u, idx.length, d, m, rng);
    for (let s = 0; s < m; s++) {
      const mean = new Float64Array(d);
      let count = 0;
      for (let i = 0; i < idx.length; i++) {
        if (labels[i] !== s) continue;
        count++;
        for (let c = 0; c < d; c++) mean[c] += u[i * d + c];
      }
      if (count === 0) continue;
      for (let c = 0; c < d; c++) mean[c] /= count;
      subMeans.push({ mean, weight: count / idx.length / nClasses });
    }
  }
  const grand = new Float64Array(d);
  for (const { mean, weight } of subMeans) for (let c = 0; c < d; c++) grand[c] += weight * mean[c];
  for (const { mean, weight } of subMeans) {
    for (let a = 0; a < d; a++) {
      const da = mean[a] - grand[a];
      for (let b = 0; b < d; b++) scatter[a * d + b] += weight * da * (mean[b] - grand[b]);
    }
  }
  const { vectors } = symmetricEigen(scatter, d);
  const keep = Math.min(r, d);
  const a = new Float64Array(keep * d);
  for (let k = 0; k < keep; k++) {
    for (let c = 0; c < d; c++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += vectors[k * d + t] * w[t * d + c];
      a[k * d + c] = s;
    }
  }
  return a;
}

function subsampleByClass(
  classIndex: Int32Array,
  n: number,
  nClasses: number,
  rng: SeededRandom,
): number[][] {
  const rows: number[][] = Array.from({ length: nClasses }, () => []);
  for (let i = 0; i < n; i++) rows[classIndex[i]].push(i);
  return rows.map((idx) => {
    for (let i = idx.length - 1; i > 0 && idx.length > MAX_SAMPLES_PER_CLASS; i--) {
      const j = rng.nextInt(i + 1);
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    return idx.slice(0, MAX_SAMPLES_PER_CLASS);
  });
}

function covariance(X: Float64Array, rows: number[], d: number): Float64Array {
  const mean = new Float64Array(d);
  for (const i of rows) for (let c = 0; c < d; c++) mean[c] += X[i * d + c] / rows.length;
  const cov = new Float64Array(d * d);
  const diff = new Float64Array(d);
  for (const i of rows) {
    for (let c = 0; c < d; c++) diff[c] = X[i * d + c] - mean[c];
    for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) cov[a * d + b] += diff[a] * diff[b];
  }
  const norm = Math.max(1, rows.length - 1);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      cov[a * d + b] /= norm;
      cov[b * d + a] = cov[a * d + b];
    }
  }
  return cov;
}

/** W C Wᵀ. */
function sandwich(w: Float64Array, c: Float64Array, d: number): Float64Array {
  const wc = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let k = 0; k < d; k++) {
      const wik = w[i * d + k];
      if (wik === 0) continue;
      for (let j = 0; j < d; j++) wc[i * d + j] += wik * c[k * d + j];
    }
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += wc[i * d + k] * w[j * d + k];
      out[i * d + j] = s;
    }
  return out;
}

/** out += weight · M M (M symmetric). */
function addSquare(out: Float64Array, m: Float64Array, d: number, weight: number): void {
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += m[i * d + k] * m[k * d + j];
      out[i * d + j] += weight * s;
    }
}

function multiplyRow(
  w: Float64Array,
  X: Float64Array,
  row: number,
  d: number,
  out: Float64Array,
  outRow: number,
): void {
  for (let a = 0; a < d; a++) {
    let s = 0;
    for (let c = 0; c <= a; c++) s += w[a * d + c] * X[row * d + c];
    out[outRow * d + a] = s;
  }
}
