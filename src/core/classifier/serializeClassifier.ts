/**
 * The fitted classifier as versioned JSON, and back with validation: a model file from another version or
 * a damaged one fails with a message saying what is wrong instead of predicting garbage. Numbers are
 * written with full double precision (JSON does), so a round trip gives identical predictions.
 *
 * Validation bounds every number to what prediction can honour: with these bounds every log density
 * stays finite (squares of at most ~1e100), so a loaded model predicts finite probabilities.
 */
import { choleskyLower } from '../gmm/linalg.js';
import type { FittedClassifier } from './fittedClassifier.js';
import { MAX_TAIL_BOUND, MIN_TAIL_BOUND } from './classifierOptions.js';

export const CLASSIFIER_FORMAT_VERSION = 1;

/**
 * Features a model may read: 56 per channel ('all') × up to ~70 channels. Prediction allocates
 * features² doubles for a model without projection (134 MB at 4096), so the bound also bounds its memory.
 */
export const MAX_MODEL_FEATURES = 4096;
/** Mixture components over all classes: 255 classes × a few components each. */
export const MAX_MODEL_COMPONENTS = 4096;
/**
 * Means in feature units reach float32's range (features of float images), so that is the bound; spreads
 * (standardization scales, variances) are positive, from 1e-30 up to the same range. With these bounds and
 * the coefficient bound below, squared distances stay below ~1e200: finite.
 */
export const MAX_MODEL_MAGNITUDE = 3.4028235e38;
export const MIN_MODEL_SPREAD = 1e-30;
export const MAX_MODEL_SPREAD = 3.4028235e38;
/** Projection entries and relevance weights: trained values are O(1). */
export const MAX_MODEL_COEFFICIENT = 1e6;
/** Mixing weights sum to 1 up to rounding. */
const WEIGHT_SUM_TOLERANCE = 1e-6;

export function serializeClassifier(model: FittedClassifier): string {
  return JSON.stringify(model);
}

export function deserializeClassifier(json: string): FittedClassifier {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (err) {
    throw new Error(`the classifier is not valid JSON (${(err as Error).message})`);
  }
  return validateClassifier(data);
}

/** Checks a parsed model (e.g. a project's `model` field); throws an Error naming the first bad field. */
export function validateClassifier(data: unknown): FittedClassifier {
  const m = data as FittedClassifier;
  const fail = (what: string): never => {
    throw new Error(`the classifier is damaged or of another kind: ${what}`);
  };
  if (typeof m !== 'object' || m === null || m.format !== 'mixel-gmm-classifier')
    fail('format is not "mixel-gmm-classifier"');
  if (m.version !== CLASSIFIER_FORMAT_VERSION) {
    fail(
      `version ${String(m.version)} is not supported (this Mixel reads version ${CLASSIFIER_FORMAT_VERSION}); retrain`,
    );
  }
  const d = m.featureCount;
  if (!isCount(d, MAX_MODEL_FEATURES)) fail(`featureCount must be 1..${MAX_MODEL_FEATURES}`);
  if (!isNumbers(m.classes) || m.classes.length < 2 || m.classes.length > 255) fail('classes');
  if (!m.classes.every((v) => Number.isInteger(v) && v >= 1 && v <= 255) || hasDuplicates(m.classes))
    fail('classes must be distinct label values 1..255');
  const t = m.transform;
  if (!t || typeof t !== 'object') fail('transform');
  if (!isNumbers(t.mean, d, -MAX_MODEL_MAGNITUDE, MAX_MODEL_MAGNITUDE)) fail('transform.mean');
  if (!isNumbers(t.scale, d, MIN_MODEL_SPREAD, MAX_MODEL_SPREAD)) fail('transform.scale');
  if (t.projection != null) {
    const p = t.projection;
    if (typeof p !== 'object' || !isCount(p.dims, d)) fail('transform.projection.dims');
    if (!isNumbers(p.matrix, p.dims * d, -MAX_MODEL_COEFFICIENT, MAX_MODEL_COEFFICIENT))
      fail('transform.projection.matrix');
  }
  const r = t.projection ? t.projection.dims : d;
  if (t.relevance != null && !isNumbers(t.relevance, r, 0, MAX_MODEL_COEFFICIENT)) {
    fail('transform.relevance');
  }
  if (
    m.tailBound !== undefined &&
    !(typeof m.tailBound === 'number' && m.tailBound >= MIN_TAIL_BOUND && m.tailBound <= MAX_TAIL_BOUND)
  )
    fail(`tailBound must be ${MIN_TAIL_BOUND}..${MAX_TAIL_BOUND} standard deviations`);
  const noise = (m.training as { noise?: unknown } | undefined)?.noise;
  if (noise !== undefined && !(isNumbers(noise, undefined, 0, MAX_MODEL_SPREAD) && noise.length <= d))
    fail('training.noise must be one noise sd ≥ 0 per channel');
  const g = m.mixture;
  if (!g || typeof g !== 'object' || g.dim !== r) fail('mixture.dim');
  if (g.covariance !== 'full' && g.covariance !== 'diag') fail('mixture.covariance');
  const k = Array.isArray(g.weights) ? g.weights.length : 0;
  if (!isCount(k, MAX_MODEL_COMPONENTS) || !isNumbers(g.weights, k, Number.MIN_VALUE, 1))
    fail('mixture.weights must be in (0, 1]');
  const weightSum = g.weights.reduce((s, w) => s + w, 0);
  if (Math.abs(weightSum - 1) > WEIGHT_SUM_TOLERANCE) fail(`mixture.weights sum to ${weightSum}, not 1`);
  if (!isNumbers(g.means, k * r, -MAX_MODEL_MAGNITUDE, MAX_MODEL_MAGNITUDE)) fail('mixture.means');
  checkCovariances(g.covariance, g.covariances, k, r, fail);
  if (
    !isNumbers(m.componentClass, k) ||
    m.componentClass.some((c) => !Number.isInteger(c) || c < 0 || c >= m.classes.length)
  ) {
    fail('componentClass');
  }
  return m;
}

/** Diagonal: every variance within bounds. Full: symmetric, diagonal within bounds, positive definite. */
function checkCovariances(
  covariance: 'full' | 'diag',
  covariances: unknown,
  k: number,
  r: number,
  fail: (what: string) => never,
): void {
  if (covariance === 'diag') {
    if (!isNumbers(covariances, k * r, MIN_MODEL_SPREAD, MAX_MODEL_SPREAD))
      fail('mixture.covariances must be positive variances');
    return;
  }
  if (!isNumbers(covariances, k * r * r, -MAX_MODEL_SPREAD, MAX_MODEL_SPREAD)) fail('mixture.covariances');
  const values = covariances as number[];
  for (let j = 0; j < k; j++) {
    const cov = Float64Array.from(values.slice(j * r * r, (j + 1) * r * r));
    for (let a = 0; a < r; a++) {
      if (!(cov[a * r + a] >= MIN_MODEL_SPREAD)) fail(`mixture.covariances of component ${j}`);
      for (let b = 0; b < a; b++)
        if (cov[a * r + b] !== cov[b * r + a])
          fail(`mixture.covariances of component ${j} are not symmetric`);
    }
    if (!choleskyLower(cov, r)) fail(`mixture.covariances of component ${j} are not positive definite`);
  }
}

function isCount(value: unknown, max: number): value is number {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= max;
}

function hasDuplicates(values: readonly number[]): boolean {
  return new Set(values).size !== values.length;
}

function isNumbers(value: unknown, length?: number, min = -Infinity, max = Infinity): value is number[] {
  return (
    Array.isArray(value) &&
    (length === undefined || value.length === length) &&
    value.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max)
  );
}
