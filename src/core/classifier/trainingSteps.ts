/**
 * fitPixelClassifier in separate, pure steps, so the per-class mixtures can be fitted in parallel (one
 * worker job per class) and still give exactly the sequential result:
 *   prepareTraining  → standardize, project, draw the unlabeled subsample (all the shared random draws)
 *   fitClassMixture  → one class's mixture (seeded by o.seed + k, independent of the other classes)
 *   finishTraining   → joint mixture, semi-supervised refinement, the fitted model.
 * Every value passed between steps is structured-cloneable (typed arrays, plain objects).
 */
import { SeededRandom } from '../random.js';
import {
  resolveClassifierOptions,
  MIN_FEATURE_SCALE,
  type ClassifierOptions,
  type RelevanceOptions,
  usesUnlabeled,
} from './classifierOptions.js';
import { discriminantProjection } from './discriminantProjection.js';
import { componentRelevance } from './componentRelevance.js';
import type { FittedGmm, GmmInit } from '../gmm/GaussianMixture.js';
import {
  classLogDensities,
  classWeights,
  priorsFromClassDensities,
  priorTailBound,
  withClassPriors,
} from './imagePriors.js';
import { jointMixture, semiSupervisedRefinement } from './semiSupervised.js';
import { toModelSpace, type FeatureTransform } from './featureTransform.js';
import type { FittedClassifier } from './fittedClassifier.js';

/** Everything the class fits and the finishing step need, computed once from the raw training rows. */
export interface PreparedTraining {
  readonly options: ClassifierOptions;
  readonly classes: number[];
  readonly featureCount: number;
  readonly transform: FeatureTransform;
  /** Labeled rows in model space, n × dims, row-major. */
  readonly Z: Float64Array;
  /** Index into `classes` per row of Z. */
  readonly classIndex: Int32Array;
  readonly n: number;
  /** Model-space dimension (projection dims, or featureCount without projection). */
  readonly dims: number;
  /** Spatial group per row of Z, for cross-validation of λ (null = none given). */
  readonly groups: Int32Array | null;
  /** Labeled rows per class (after the per-class cap). */
  readonly counts: number[];
  /** Unlabeled subsample in model space for semi-supervised EM; null when it does not run. */
  readonly unlabeled: { Z: Float64Array; n: number } | null;
}

/**
 * The arguments of fitClassMixture for class k: only that class's rows (in their order), so a worker
 * receives a K-th of the data; fitClassMixture picks exactly these rows from the full set too.
 */
export function classMixtureInput(prepared: PreparedTraining, k: number): ClassMixtureInput {
  const { Z, classIndex, n, dims: r, options } = prepared;
  const count = prepared.counts[k];
  const rows = new Float64Array(count * r);
  let j = 0;
  for (let i = 0; i < n; i++) {
    if (classIndex[i] === k) rows.set(Z.subarray(i * r, (i + 1) * r), r * j++);
  }
  return {
    Z: rows,
    classIndex: new Int32Array(count).fill(k),
    n: count,
    r,
    k,
    o: options,
    components: options.components,
  };
}

/** fitClassMixture's arguments as one structured-cloneable object (the input of a worker job). */
export interface ClassMixtureInput {
  readonly Z: Float64Array;
  readonly classIndex: Int32Array;
  readonly n: number;
  readonly r: number;
  readonly k: number;
  readonly o: ClassifierOptions;
  readonly components: 'auto' | number;
  /** Where this class's EM starts instead of k-means++ (a warm start, warmStart.ts). */
  readonly init?: GmmInit;
}

/**
 * Checks the training rows and computes the model space. The seeded random draws happen here, in the
 * same order as ever (class subsample, projection, unlabeled subsample): the class fits draw nothing from
 * this generator, so drawing the unlabeled subsample before them changes no number.
 */
export function prepareTraining(
  samples: Float32Array,
  labels: Uint8Array,
  nFeatures: number,
  options: Partial<ClassifierOptions> = {},
  unlabeled?: Float32Array,
  sampleGroups?: Int32Array,
): PreparedTraining {
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

  const useImageSpread = o.standardizeOn === 'image' && unlabeled && unlabeled.length >= d;
  const { mean, scale } = useImageSpread
    ? standardization(unlabeled, allRows(unlabeled.length / d), d)
    : standardization(samples, rows, d);
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
  const dims = transform.projection ? transform.projection.dims : d;
  const counts = classes.map((_, k) => classIndex.reduce((s, c) => s + (c === k ? 1 : 0), 0));
  const U =
    usesUnlabeled(o) && unlabeled && unlabeled.length >= d
      ? unlabeledInModelSpace(transform, unlabeled, d, o.semiSupervised.sampleCount, rng)
      : null;
  return {
    options: o,
    classes,
    featureCount: d,
    transform,
    Z,
    classIndex,
    n,
    dims,
    groups,
    counts,
    unlabeled: U,
  };
}

/** The per-class mixtures joined into one, weights scaled by the class priors (of counts or uniform). */
export function jointStart(
  prepared: PreparedTraining,
  classMixtures: FittedGmm[],
): { mixture: FittedGmm; componentClass: number[]; priors: number[] } {
  const { options: o, classes, n, counts } = prepared;
  if (classMixtures.length !== classes.length) {
    throw new RangeError(`expected ${classes.length} class mixtures, got ${classMixtures.length}`);
  }
  const priors = counts.map((c) => (o.priors === 'uniform' ? 1 / classes.length : c / n));
  return { ...jointMixture(classMixtures, priors), priors };
}

/**
 * λ when the semi-supervised refinement runs as plain block EM (diagonal mixture, fixed λ > 0, no
 * cross-validation), which fitClassifierOnPool then spreads over the pool; otherwise null.
 */
export function blockRefinementLambda(prepared: PreparedTraining): number | null {
  const { options: o, unlabeled } = prepared;
  const semi = o.semiSupervised;
  const isPlain = semi.enabled === true && typeof semi.lambda === 'number' && semi.lambda > 0;
  return unlabeled && isPlain && o.covariance === 'diag' ? (semi.lambda as number) : null;
}

/**
 * Joins the per-class mixtures (in class order), refines them with the unlabeled rows if asked, and
 * estimates the image priors. `refined`: the refinement already run elsewhere (fitClassifierOnPool),
 * for a prepared training whose blockRefinementLambda is not null. `priorDensities`: the image priors'
 * class log densities of the unlabeled rows, computed elsewhere (imagePriorSteps.ts).
 */
export function finishTraining(
  prepared: PreparedTraining,
  classMixtures: FittedGmm[],
  refined?: FittedGmm,
  priorDensities?: Float64Array,
): FittedClassifier {
  const { options: o, classes, Z, classIndex, n, dims, groups, counts, transform } = prepared;
  const joint = jointStart(prepared, classMixtures);
  const { componentClass, priors } = joint;
  const componentsPerClass = classMixtures.map((m) => m.weights.length);
  let mixture = joint.mixture;

  const relevance = relevanceWeights(prepared, classMixtures);
  let lambda = 0;
  let lambdaScores: { lambda: number; score: number }[] = [];
  if (refined) {
    const fixed = blockRefinementLambda(prepared);
    if (fixed === null) throw new RangeError('this training has no plain semi-supervised refinement');
    lambda = fixed;
    mixture = refined;
  } else if (prepared.unlabeled && o.semiSupervised.enabled !== false) {
    const result = semiSupervisedRefinement(
      Z,
      classIndex,
      n,
      dims,
      prepared.unlabeled,
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
  if (o.priors === 'image' && prepared.unlabeled) {
    const U = prepared.unlabeled;
    const densities =
      priorDensities ??
      classLogDensities(mixture, componentClass, classes.length, U, relevance, priorTailBound(o));
    const classWeight = classWeights(mixture.weights, componentClass, classes.length);
    mixture = withClassPriors(mixture, componentClass, priorsFromClassDensities(densities, U.n, classWeight));
  }
  return {
    format: 'mixel-gmm-classifier',
    version: 1,
    classes,
    featureCount: prepared.featureCount,
    featureNames: null,
    transform: relevance ? { ...transform, relevance } : transform,
    mixture,
    componentClass,
    ...(o.covariance === 'diag' && o.tailBound != null ? { tailBound: o.tailBound } : {}),
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

/** The relevance weights the options ask for; null without weighting or for full covariances. */
export function relevanceWeights(prepared: PreparedTraining, classMixtures: FittedGmm[]): number[] | null {
  const { options: o, classes, Z, classIndex, n, dims, counts } = prepared;
  if (o.covariance !== 'diag') return null;
  switch (o.relevance.weighting) {
    case 'none':
      return null;
    case 'fisher':
      return fisherRelevance(Z, classIndex, n, dims, classes.length, o.regCovar, o.relevance);
    case 'components':
      return componentRelevance(classMixtures, counts, dims, o.relevance);
  }
}

/**
 * Per model dimension: between-class variance of the class means over the mean within-class variance
 * (+ regCovar, so a constant feature gets weight 0, not 0/0), to the power `exponent`,
 * scaled to sum to `total`. Classes count equally, whatever their pixel counts.
 */
function fisherRelevance(
  Z: Float64Array,
  classIndex: Int32Array,
  n: number,
  r: number,
  nClasses: number,
  regCovar: number,
  { exponent, total }: RelevanceOptions,
): number[] {
  const count = new Float64Array(nClasses);
  const sum = new Float64Array(nClasses * r);
  const sumSq = new Float64Array(nClasses * r);
  for (let i = 0; i < n; i++) {
    const k = classIndex[i];
    count[k]++;
    for (let q = 0; q < r; q++) {
      const v = Z[i * r + q];
      sum[k * r + q] += v;
      sumSq[k * r + q] += v * v;
    }
  }
  const ratio = new Float64Array(r);
  for (let q = 0; q < r; q++) {
    let grand = 0;
    let within = 0;
    const means: number[] = [];
    for (let k = 0; k < nClasses; k++) {
      const m = sum[k * r + q] / count[k];
      means.push(m);
      grand += m / nClasses;
      within += Math.max(0, sumSq[k * r + q] / count[k] - m * m) / nClasses;
    }
    const between = means.reduce((s, m) => s + (m - grand) ** 2, 0) / nClasses;
    ratio[q] = (between / (within + regCovar)) ** exponent;
  }
  const ratioSum = ratio.reduce((s, v) => s + v, 0);
  return Array.from(ratio, (v) => (ratioSum > 0 ? (v / ratioSum) * total : total / r));
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

function allRows(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
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
