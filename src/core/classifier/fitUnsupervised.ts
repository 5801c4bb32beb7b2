/**
 * Unsupervised mode: K clusters of an image with no scribbles at all. Features are standardized over a
 * sample of pixels and reduced by PCA (without labels there is no discriminant direction to keep; the
 * directions of largest variance are what clustering would follow anyway, and 49-D full covariances
 * would cost ~16× more per pixel), then one Gaussian mixture with K components is fitted; each
 * component is a class, so the probability maps are the responsibilities. Clusters are numbered by
 * increasing mean of the first feature (smoothed intensity in ilastik's order): class 1 is the darkest.
 */
import { resolveClassifierOptions, MIN_FEATURE_SCALE, type ClassifierOptions } from './classifierOptions.js';
import { toModelSpace, type FeatureTransform } from './featureTransform.js';
import { fitGaussianMixture, type FittedGmm } from '../gmm/GaussianMixture.js';
import { symmetricEigen } from '../gmm/linalg.js';
import type { FittedClassifier } from './fittedClassifier.js';

/** Principal components kept: the same model-space size as the supervised projection. */
const UNSUPERVISED_DIMS = 12;

export function fitUnsupervised(
  samples: Float32Array,
  nFeatures: number,
  clusters: number,
  options: Partial<ClassifierOptions> = {},
): FittedClassifier {
  const o = resolveClassifierOptions(options);
  const d = nFeatures;
  const n = Math.floor(samples.length / d);
  if (!(Number.isInteger(clusters) && clusters >= 2 && clusters <= 255)) {
    throw new RangeError(`the number of clusters must be a whole number from 2 to 255 (got ${clusters})`);
  }
  if (n < clusters)
    throw new RangeError(`need at least ${clusters} pixels to find ${clusters} clusters (got ${n})`);
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) mean[c] += samples[i * d + c] / n;
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) scale[c] += (samples[i * d + c] - mean[c]) ** 2 / n;
  for (let c = 0; c < d; c++) scale[c] = Math.sqrt(scale[c]) > MIN_FEATURE_SCALE ? Math.sqrt(scale[c]) : 1;
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < d; c++) X[i * d + c] = (samples[i * d + c] - mean[c]) / scale[c];

  const r = Math.min(UNSUPERVISED_DIMS, d);
  let transform: FeatureTransform = { mean, scale, projection: null };
  if (r < d) transform = { mean, scale, projection: { dims: r, matrix: principalAxes(X, n, d, r) } };
  const Z = toModelSpace(transform, X, n, d, true);
  const fitted = fitGaussianMixture(Z, n, r, {
    nComponents: clusters,
    covariance: o.covariance,
    regCovar: o.regCovar,
    maxIter: o.maxIter,
    tol: o.tol,
    nInit: Math.max(o.nInit, 2),
    seed: o.seed,
  });
  const order = orderByFirstFeature(fitted, transform, d);
  const mixture = reorder(fitted, order);
  return {
    format: 'mixel-gmm-classifier',
    version: 1,
    classes: Array.from({ length: clusters }, (_, k) => k + 1),
    featureCount: d,
    featureNames: null,
    transform,
    mixture,
    componentClass: Array.from({ length: clusters }, (_, k) => k),
    training: {
      mode: 'unsupervised',
      samplesPerClass: [],
      componentsPerClass: new Array(clusters).fill(1),
      lambda: 0,
      lambdaScores: [],
      options: o,
    },
  };
}

/** The r leading eigenvectors of the covariance of X (rows of the returned r × d matrix). */
function principalAxes(X: Float64Array, n: number, d: number, r: number): number[] {
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const xa = X[i * d + a];
      for (let b = 0; b <= a; b++) cov[a * d + b] += xa * X[i * d + b];
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) cov[b * d + a] = cov[a * d + b] /= n;
  return Array.from(symmetricEigen(cov, d).vectors.subarray(0, r * d));
}

/** Component order by the (unstandardized) mean of feature 0, recovered through the projection. */
function orderByFirstFeature(g: FittedGmm, t: FeatureTransform, d: number): number[] {
  const r = g.dim;
  const key = (j: number): number => {
    if (!t.projection) return g.means[j * r];
    // Axes are orthonormal, so the back-projection of a mean onto feature 0 is Σ_q A[q][0]·μ_q.
    let s = 0;
    for (let q = 0; q < r; q++) s += t.projection.matrix[q * d] * g.means[j * r + q];
    return s;
  };
  return g.weights.map((_, j) => j).sort((a, b) => key(a) - key(b));
}

function reorder(g: FittedGmm, order: number[]): FittedGmm {
  const r = g.dim;
  const size = g.covariance === 'full' ? r * r : r;
  return {
    ...g,
    weights: order.map((j) => g.weights[j]),
    means: order.flatMap((j) => g.means.slice(j * r, (j + 1) * r)),
    covariances: order.flatMap((j) => g.covariances.slice(j * size, (j + 1) * size)),
  };
}
