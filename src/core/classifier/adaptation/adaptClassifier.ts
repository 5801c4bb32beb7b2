/**
 * Per-image adaptation of a trained classifier: given a sample of the image's feature rows, fit the
 * candidate adaptations on one half, score them on the other (held-out mean log density, the map's
 * Jacobian included), check the guards, and choose. 'auto' adapts only when a candidate explains the
 * held-out pixels better than the unadapted model by MIN_ADAPTATION_GAIN nats per pixel — where nothing
 * drifted no candidate does, and the image is predicted as before. The trained model is never changed:
 * the result is a new FittedClassifier (or the same object when nothing is adapted).
 */
import type { FittedClassifier } from '../fittedClassifier.js';
import {
  AUTO_METHODS,
  MIN_ADAPTATION_GAIN,
  MIN_ADAPTATION_PIXELS,
  type AdaptationChoice,
  type AdaptationMethod,
} from './adaptationConstants.js';
import {
  classShares,
  eStep,
  identityState,
  isAdaptable,
  modelView,
  standardizeRows,
  toClassifier,
  type AdaptationState,
} from './adaptedModel.js';
import { fitCandidate } from './candidates.js';
import { guardViolation } from './guards.js';

export interface CandidateReport {
  readonly method: AdaptationMethod;
  /** Held-out mean log density per pixel minus the unadapted model's (nats). */
  readonly gain: number;
  /** Class shares of the sample under the candidate. */
  readonly shares: number[];
  /** Why the guards refused it, or null. */
  readonly refused: string | null;
}

export interface AdaptationResult {
  /** The model to predict the image with: the trained one itself when nothing is adapted. */
  readonly model: FittedClassifier;
  /** What was applied: 'none' or a method. */
  readonly applied: 'none' | AdaptationMethod;
  /** One line saying why. */
  readonly reason: string;
  /** Class shares of the sample under the unadapted model. */
  readonly unadaptedShares: number[];
  readonly candidates: CandidateReport[];
}

/**
 * Adapts `model` to the image whose feature rows (n × featureCount, raw as the features come) are given.
 * The rows should be a random sample of the image's pixels (pixel order would bias the held-out half).
 */
export function adaptClassifier(
  model: FittedClassifier,
  rows: Float64Array,
  n: number,
  choice: AdaptationChoice,
  classNames: readonly string[] = model.classes.map((v) => `class ${v}`),
): AdaptationResult {
  const unchanged = (reason: string): AdaptationResult => ({
    model,
    applied: 'none',
    reason,
    unadaptedShares: [],
    candidates: [],
  });
  if (choice === 'off') return unchanged('adaptation is off');
  if (!isAdaptable(model)) {
    return unchanged('the model has full covariances or a projection, which are not adapted');
  }
  if (rows.length < n * model.featureCount) {
    throw new RangeError(`adaptation: ${rows.length} values for ${n} rows of ${model.featureCount} features`);
  }
  if (n < MIN_ADAPTATION_PIXELS) return unchanged(`only ${n} pixels to adapt on`);
  const view = modelView(model);
  const Z = standardizeRows(model, rows, n);
  const { fit, held } = splitRows(Z, n, view.d);
  const resp = new Float64Array(held.n * view.k);
  const score = (state: AdaptationState) => {
    const value = eStep(view, state, held.Z, held.n, resp);
    return { value, shares: classShares(view, resp, held.n) };
  };
  const base = score(identityState(view));
  const unadaptedShares = base.shares;
  const methods = choice === 'auto' ? AUTO_METHODS : [choice];
  const candidates: CandidateReport[] = [];
  const states = new Map<AdaptationMethod, AdaptationState>();
  for (const method of methods) {
    const state = fitCandidate(method, view, fit.Z, fit.n);
    const { value, shares } = score(state);
    const refused = guardViolation(view, state, unadaptedShares, shares, classNames);
    states.set(method, state);
    candidates.push({ method, gain: value - base.value, shares: Array.from(shares), refused });
  }
  const report = { unadaptedShares: Array.from(unadaptedShares), candidates };
  const usable = candidates.filter((c) => c.refused === null && Number.isFinite(c.gain));
  let chosen: CandidateReport | undefined;
  let reason: string;
  if (choice !== 'auto') {
    chosen = usable[0];
    reason = chosen ? `${choice} as asked` : `${choice} refused: ${candidates[0].refused ?? 'not finite'}`;
  } else {
    const best = usable.reduce<CandidateReport | undefined>(
      (b, c) => (!b || c.gain > b.gain ? c : b),
      undefined,
    );
    if (best && best.gain >= MIN_ADAPTATION_GAIN) {
      chosen = best;
      reason = `${best.method}: held-out log density +${best.gain.toFixed(2)} nats per pixel`;
    } else {
      reason = `no drift beyond chance (best gain ${best ? best.gain.toFixed(2) : 'none'} < ${MIN_ADAPTATION_GAIN})`;
    }
  }
  if (!chosen) return { ...unchanged(reason), ...report };
  const state = states.get(chosen.method) as AdaptationState;
  return { model: toClassifier(model, view, state), applied: chosen.method, reason, ...report };
}

/** Even rows fit, odd rows score: the sample is random, so both halves are samples of the image. */
function splitRows(
  Z: Float64Array,
  n: number,
  d: number,
): { fit: { Z: Float64Array; n: number }; held: { Z: Float64Array; n: number } } {
  const nFit = Math.ceil(n / 2);
  const nHeld = n - nFit;
  const fitZ = new Float64Array(nFit * d);
  const heldZ = new Float64Array(nHeld * d);
  for (let i = 0; i < n; i++) {
    const target = i % 2 === 0 ? fitZ : heldZ;
    target.set(Z.subarray(i * d, (i + 1) * d), (i >> 1) * d);
  }
  return { fit: { Z: fitZ, n: nFit }, held: { Z: heldZ, n: nHeld } };
}
