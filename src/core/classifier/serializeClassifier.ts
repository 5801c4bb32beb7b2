/**
 * The fitted classifier as versioned JSON, and back with validation: a model file from another version or
 * a damaged one fails with a message saying what is wrong instead of predicting garbage. Numbers are
 * written with full double precision (JSON does), so a round trip gives identical predictions.
 */
import type { FittedClassifier } from './PixelClassifier.js';

export const CLASSIFIER_FORMAT_VERSION = 1;

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
  if (!Number.isInteger(d) || d < 1) fail('featureCount');
  if (!isNumbers(m.classes) || m.classes.length < 2) fail('classes');
  const t = m.transform;
  if (!t || !isNumbers(t.mean, d) || !isNumbers(t.scale, d)) fail('transform.mean/scale');
  const r = t.projection ? t.projection.dims : d;
  if (t.projection && !isNumbers(t.projection.matrix, r * d)) fail('transform.projection');
  if (t.relevance != null && (!isNumbers(t.relevance, r) || t.relevance.some((w) => w < 0))) {
    fail('transform.relevance');
  }
  const g = m.mixture;
  const k = g?.weights?.length ?? 0;
  if (!g || g.dim !== r || k < 1 || !isNumbers(g.weights, k) || !isNumbers(g.means, k * r)) fail('mixture');
  if (!isNumbers(g.covariances, k * (g.covariance === 'full' ? r * r : r))) fail('mixture.covariances');
  if (!isNumbers(m.componentClass, k) || m.componentClass.some((c) => c < 0 || c >= m.classes.length)) {
    fail('componentClass');
  }
  return m;
}

function isNumbers(value: unknown, length?: number): value is number[] {
  return (
    Array.isArray(value) &&
    (length === undefined || value.length === length) &&
    value.every((v) => typeof v === 'number' && Number.isFinite(v))
  );
}
