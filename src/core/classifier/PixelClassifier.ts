/**
 * The pixel classifier, a scikit-learn-like estimator: ClassifierOptions in, FittedClassifier (plain JSON
 * data) out. Features are standardized on the training pixels, projected by a discriminant projection,
 * and each class gets its own Gaussian mixture (size by BIC or fixed); semi-supervised EM may then refine
 * all classes' components jointly with unlabeled pixels. Posteriors come from Bayes' rule in the log domain.
 */
import { SeededRandom } from '../random.js';
import { resolveClassifierOptions, MIN_FEATURE_SCALE, type ClassifierOptions } from './classifierOptions.js';
import { discriminantProjection } from './discriminantProjection.js';
import type { FittedGmm } from './GaussianMixture.js';
import { fitClassMixture } from './fitClassMixture.js';
import { jointMixture, semiSupervisedRefinement } from './semiSupervised.js';
import { toModelSpace, type FeatureTransform } from './featureTransform.js';

export type { ClassifierOptions } from './classifierOptions.js';
export { predictProbabilities, prepareClassifier, type PreparedClassifier } from './predictProbabilities.js';
export {
  serializeClassifier,
  deserializeClassifier,
  CLASSIFIER_FORMAT_VERSION,
} from './serializeClassifier.js';

export interface FittedClassifier {
  readonly format: 'mixel-gmm-classifier';
  readonly version: number;
  /** Label values of the classes (1..K), in output plane order. */
  readonly classes: number[];
  readonly featureCount: number;
  readonly featureNames: string[] | null;
  /** Standardization (x − mean) / scale, then projection, map a feature row into the model space. */
  readonly transform: FeatureTransform;
  /** One mixture over every class's components; weights include the class priors. */
  readonly mixture: FittedGmm;
  /** For each component of the mixture, the index of its class in `classes`. */
  readonly componentClass: number[];
  readonly training: {
    readonly mode: 'supervised' | 'semi-supervised' | 'unsupervised';
    readonly samplesPerClass: number[];
    readonly componentsPerClass: number[];
    /** λ used by semi-supervised EM (0 = not used). */
    readonly lambda: number;
    /** Cross-validated score (mean held-out log posterior of the true class) per λ tried, if any. */
    readonly lambdaScores: { lambda: number; score: number }[];
    readonly options: ClassifierOptions;
  };
}

/**
 * Fits the classifier on labeled feature rows. samples: nSamples × nFeatures, row-major; labels 1..255
 * per row (the distinct values become the classes). unlabeled: optional rows without labels for
 * semi-supervised EM. sampleGroups: optional spatial group per labeled row (e.g. stroke or block id),
 * so that cross-validation holds out whole groups rather than neighbouring pixels.
 */
export function fitPixelClassifier(
  samples: Float32Array,
  labels: Uint8Array,
  nFeatures: number,
  options: Partial<ClassifierOptions> = {},
  unlabeled?: Float32Array,
  sampleGroups?: Int32Array,
): FittedClassifier {
  const o = resolveClassifierOptions(options);
  const d = nFeatures;
  if (!(Number.isInteger(d) && d >= 1))
    throw new RangeError(`nFeatures must be a whole number ≥ 1 (got ${d})`);
  if (samples.length !== labels.length * d) {
    throw new RangeError(
      `samples hold ${samples.length} values, expected ${labels.length} labels × ${d} features`,
    );
  }
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  if (classes[0] === 0) throw new RangeError('label 0 means unlabeled; pass only labeled pixels');
  if (classes.length < 2) {
    throw new RangeError(
      `need labels of at least two classes to train (got only class ${classes[0] ?? 'none'})`,
    );
  }
  const rng = new SeededRandom(o.seed);
  const rows = balancedRows(labels, classes, o.maxSamplesPerClass, rng);
  const n = rows.length;
  const classIndex = Int32Array.from(rows, (i) => classes.indexOf(labels[i]));
  const groups = sampleGroups ? Int32Array.from(rows, (i) => sampleGroups[i]) : null;

  const { mean, scale } = standardization(samples, rows, d);
  const standardized = new Float64Array(n * d);
  rows.forEach((row, i) => {
    for (let c = 0; c < d; c++) standardized[i * d + c] = (samples[row * d + c] - mean[c]) / scale[c];
  });
  let transform: FeatureTransform = { mean, scale, projection: null };
  if (o.projectionDims !== 'none' && o.projectionDims < d) {
    const matrix = discriminantProjection(
      standardized,
      classIndex,
      n,
      d,
      classes.length,
      o.projectionDims,
      rng,
    );
    transform = { mean, scale, projection: { dims: o.projectionDims, matrix: Array.from(matrix) } };
  }
  const Z = toModelSpace(transform, standardized, n, d, true);
  const r = transform.projection ? transform.projection.dims : d;

  const counts = classes.map((_, k) => classIndex.reduce((s, c) => s + (c === k ? 1 : 0), 0));
  const classMixtures = classes.map((_, k) => fitClassMixture(Z, classIndex, n, r, k, o, o.components));
  const componentsPerClass = classMixtures.map((m) => m.weights.length);
  const priors = counts.map((c) => (o.priors === 'uniform' ? 1 / classes.length : c / n));
  const joint = jointMixture(classMixtures, priors);
  const componentClass = joint.componentClass;
  let mixture = joint.mixture;

  let lambda = 0;
  let lambdaScores: { lambda: number; score: number }[] = [];
  const semi = o.semiSupervised;
  if (semi.enabled !== false && unlabeled && unlabeled.length >= d) {
    const U = unlabeledInModelSpace(transform, unlabeled, d, semi.sampleCount, rng);
    const result = semiSupervisedRefinement(
      Z,
      classIndex,
      n,
      r,
      U,
      groups,
      mixture,
      componentClass,
      componentsPerClass,
      priors,
      o,
    );
    ({ lambda, lambdaScores } = result);
    if (lambda > 0) mixture = result.mixture;
  }
  return {
    format: 'mixel-gmm-classifier',
    version: 1,
    classes,
    featureCount: d,
    featureNames: null,
    transform,
    mixture,
    componentClass,
    training: {
      mode: lambda > 0 ? 'semi-supervised' : 'supervised',
      samplesPerClass: counts,
      componentsPerClass,
      lambda,
      lambdaScores,
      options: o,
    },
  };
}

/** Row indices of the labeled samples, at most maxPerClass per class (seeded random subsample). */
function balancedRows(
  labels: Uint8Array,
  classes: number[],
  maxPerClass: number,
  rng: SeededRandom,
): number[] {
  const byClass = classes.map(() => [] as number[]);
  for (let i = 0; i < labels.length; i++) byClass[classes.indexOf(labels[i])].push(i);
  const out: number[] = [];
  for (const idx of byClass) {
    if (idx.length > maxPerClass) {
      for (let i = 0; i < maxPerClass; i++) {
        const j = i + rng.nextInt(idx.length - i);
        [idx[i], idx[j]] = [idx[j], idx[i]];
      }
      idx.length = maxPerClass;
      idx.sort((a, b) => a - b);
    }
    out.push(...idx);
  }
  return out;
}

function standardization(
  samples: Float32Array,
  rows: number[],
  d: number,
): { mean: number[]; scale: number[] } {
  const mean = new Float64Array(d);
  const m2 = new Float64Array(d);
  rows.forEach((row, i) => {
    for (let c = 0; c < d; c++) {
      const x = samples[row * d + c];
      if (!Number.isFinite(x)) throw new RangeError(`feature ${c} of sample ${row} is not finite`);
      const delta = x - mean[c];
      mean[c] += delta / (i + 1);
      m2[c] += delta * (x - mean[c]);
    }
  });
  const scale = Array.from(m2, (v) => {
    const sd = Math.sqrt(v / rows.length);
    return sd > MIN_FEATURE_SCALE ? sd : 1;
  });
  return { mean: Array.from(mean), scale };
}

function unlabeledInModelSpace(
  transform: FeatureTransform,
  unlabeled: Float32Array,
  d: number,
  count: number,
  rng: SeededRandom,
): { Z: Float64Array; n: number } {
  const total = Math.floor(unlabeled.length / d);
  const n = Math.min(total, count);
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = n === total ? i : rng.nextInt(total);
    for (let c = 0; c < d; c++)
      X[i * d + c] = (unlabeled[row * d + c] - transform.mean[c]) / transform.scale[c];
  }
  return { Z: toModelSpace(transform, X, n, d, true), n };
}
