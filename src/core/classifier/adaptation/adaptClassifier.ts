/**
 * Per-image adaptation of a trained classifier: given a sample of the image's feature rows, fit the
 * candidate adaptations on one half, score them on the other (held-out mean log density, the map's
 * Jacobian included), check the guards, and choose. 'auto' adapts only when a candidate explains the
 * held-out pixels better than the unadapted model by its AUTO_CANDIDATES gain, without growing a class
 * beyond its share cap — where nothing drifted none does, and the image is predicted as before. The
 * trained model is never changed: the result is a new FittedClassifier (or the same object when nothing
 * is adapted), and for the intensity transfer the transfer to apply to the image before its features are
 * computed.
 */
import type { FittedClassifier } from '../fittedClassifier.js';
import {
  AUTO_CANDIDATES,
  INTENSITY_FIT_PIXELS,
  MIN_ADAPTATION_GAIN,
  MIN_ADAPTATION_PIXELS,
  SMALL_DRIFT_SUBSTITUTE,
  type AdaptationChoice,
  type AdaptationMethod,
  type AutoCandidate,
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
  type ModelView,
} from './adaptedModel.js';
import { fitCandidate, withImagePriors } from './candidates.js';
import type { FeatureRole } from './featureRoles.js';
import { fitIntensityTransfer, transferLogLikelihood } from './fitIntensityTransfer.js';
import { guardViolation, swappedClasses } from './guards.js';
import type { IntensityTransfer } from './intensityTransfer.js';

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
  /** The intensity transfer to apply to the (normalized) image before its features; null: none. */
  readonly intensity: IntensityTransfer | null;
  /** One line saying why. */
  readonly reason: string;
  /** Class shares of the sample under the unadapted model. */
  readonly unadaptedShares: number[];
  readonly candidates: CandidateReport[];
}

/** One fitted candidate: its adapted state (map, means, priors) and, for 'intensity', the transfer. */
interface Fitted {
  readonly state: AdaptationState;
  readonly intensity: IntensityTransfer | null;
}

/**
 * Adapts `model` to the image whose feature rows (n × featureCount, raw as the features come) are given.
 * The rows should be a random sample of the image's pixels (pixel order would bias the held-out half).
 * `roles` (featureRoles.ts) say how each feature follows the image's intensity; without them the
 * intensity transfer is not a candidate.
 */
export function adaptClassifier(
  model: FittedClassifier,
  rows: Float64Array,
  n: number,
  choice: AdaptationChoice,
  classNames: readonly string[] = model.classes.map((v) => `class ${v}`),
  roles: readonly FeatureRole[] | null = null,
): AdaptationResult {
  const unchanged = (reason: string): AdaptationResult => ({
    model,
    applied: 'none',
    intensity: null,
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
  if (choice === 'intensity' && (!roles || roles.length !== model.featureCount)) {
    return unchanged('intensity refused: the features of this model cannot follow an intensity transfer');
  }
  const view = modelView(model);
  const { fit, held } = splitRows(rows, n, view.d);
  const fitZ = standardizeRows(model, fit.rows, fit.n);
  const heldZ = standardizeRows(model, held.rows, held.n);
  const baseResp = new Float64Array(held.n * view.k);
  const baseValue = eStep(view, identityState(view), heldZ, held.n, baseResp);
  const unadaptedShares = classShares(view, baseResp, held.n);
  const resp = new Float64Array(held.n * view.k);
  const methods = choice === 'auto' ? autoMethods(roles, view) : [choice];
  const candidates: CandidateReport[] = [];
  const fitted = new Map<AdaptationMethod, Fitted>();
  for (const method of methods) {
    let value: number;
    let candidate: Fitted;
    let reference = baseValue;
    if (method === 'intensity') {
      // The transfer comes with the image's class proportions, so it is judged against those alone.
      const priorsOnly = withImagePriors(view, identityState(view), fitZ, fit.n);
      reference = eStep(view, priorsOnly, heldZ, held.n);
      const m = Math.min(fit.n, INTENSITY_FIT_PIXELS);
      const transferModel = { view, mean: model.transform.mean, scale: model.transform.scale };
      const result = fitIntensityTransfer(
        transferModel,
        roles as readonly FeatureRole[],
        priorsOnly.priors,
        fit.rows.subarray(0, m * view.d),
        m,
      );
      if (!result) continue;
      candidate = { state: { ...identityState(view), priors: result.priors }, intensity: result.transfer };
      value = transferLogLikelihood(
        transferModel,
        roles as readonly FeatureRole[],
        result.transfer,
        result.priors,
        held.rows,
        held.n,
        resp,
      );
    } else {
      candidate = { state: fitCandidate(method, view, fitZ, fit.n), intensity: null };
      value = eStep(view, candidate.state, heldZ, held.n, resp);
    }
    const shares = classShares(view, resp, held.n);
    const refused =
      guardViolation(view, candidate.state, unadaptedShares, shares, classNames) ??
      swappedClasses(view, baseResp, resp, held.n, classNames);
    fitted.set(method, candidate);
    candidates.push({ method, gain: value - reference, shares: Array.from(shares), refused });
  }
  const report = { unadaptedShares: Array.from(unadaptedShares), candidates };
  const usable = candidates.filter((c) => c.refused === null && Number.isFinite(c.gain));
  let chosen: CandidateReport | undefined;
  let reason: string;
  if (choice !== 'auto') {
    chosen = usable[0];
    reason = chosen ? `${choice} as asked` : `${choice} refused: ${candidates[0]?.refused ?? 'not finite'}`;
  } else {
    const best = autoChoice(candidates, unadaptedShares);
    if (best) {
      chosen = best;
      reason = `${best.method}: held-out log density +${best.gain.toFixed(2)} nats per pixel`;
    } else {
      const top = highestGain(usable);
      const tried = top ? `${top.method} ${top.gain.toFixed(2)} nats` : 'none usable';
      reason = `no drift beyond chance (best ${tried}: under its threshold, or it would grow a class)`;
    }
  }
  if (!chosen) return { ...unchanged(reason), ...report };
  const { state, intensity } = fitted.get(chosen.method) as Fitted;
  return {
    model: toClassifier(model, view, state),
    applied: chosen.method,
    intensity,
    reason,
    ...report,
  };
}

/** What 'auto' tries: AUTO_CANDIDATES, without the intensity transfer where the features cannot follow one. */
function autoMethods(roles: readonly FeatureRole[] | null, view: ModelView): readonly AdaptationMethod[] {
  const usable = roles !== null && roles.length === view.d;
  return AUTO_CANDIDATES.map((c) => c.method).filter((m) => m !== 'intensity' || usable);
}

function highestGain(reports: readonly CandidateReport[]): CandidateReport | undefined {
  return reports.reduce<CandidateReport | undefined>((b, c) => (!b || c.gain > b.gain ? c : b), undefined);
}

/**
 * What 'auto' chooses among the candidates' reports: the usable one (not refused by the guards, finite
 * gain) of highest gain that meets its AUTO_CANDIDATES rule, or on a small drift the plain match in place
 * of the class-aware one (SMALL_DRIFT_SUBSTITUTE); undefined when none qualifies (no adaptation).
 */
export function autoChoice(
  candidates: readonly CandidateReport[],
  unadaptedShares: ArrayLike<number>,
): CandidateReport | undefined {
  const usable = candidates.filter((c) => c.refused === null && Number.isFinite(c.gain));
  const best = highestGain(usable.filter((c) => qualifies(c, ruleOf(c.method), unadaptedShares)));
  if (!best || best.method !== SMALL_DRIFT_SUBSTITUTE.of || best.gain >= MIN_ADAPTATION_GAIN) return best;
  const substitute = usable.find((c) => c.method === SMALL_DRIFT_SUBSTITUTE.instead);
  return substitute && qualifies(substitute, ruleOf(best.method), unadaptedShares) ? substitute : best;
}

function ruleOf(method: AdaptationMethod): AutoCandidate | undefined {
  return AUTO_CANDIDATES.find((c) => c.method === method);
}

/** Whether a report meets a rule: its gain reaches the rule's, no class grows past the rule's cap. */
function qualifies(
  report: CandidateReport,
  rule: AutoCandidate | undefined,
  unadaptedShares: ArrayLike<number>,
): boolean {
  if (!rule || report.gain < rule.minGain) return false;
  if (rule.maxShareGrowth === Infinity) return true;
  return report.shares.every((share, c) => share <= rule.maxShareGrowth * unadaptedShares[c]);
}

interface Rows {
  readonly rows: Float64Array;
  readonly n: number;
}

/** Even rows fit, odd rows score: the sample is random, so both halves are samples of the image. */
function splitRows(X: Float64Array, n: number, d: number): { fit: Rows; held: Rows } {
  const nFit = Math.ceil(n / 2);
  const nHeld = n - nFit;
  const fit = new Float64Array(nFit * d);
  const held = new Float64Array(nHeld * d);
  for (let i = 0; i < n; i++) {
    const target = i % 2 === 0 ? fit : held;
    target.set(X.subarray(i * d, (i + 1) * d), (i >> 1) * d);
  }
  return { fit: { rows: fit, n: nFit }, held: { rows: held, n: nHeld } };
}
