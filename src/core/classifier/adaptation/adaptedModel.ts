/**
 * An adaptation in working form and its one hot loop. Every adaptation is a per-feature affine map of
 * the standardized features (z' = a·z + b), new class proportions and, for MAP adaptation, new component
 * means; the covariances and relevance weights stay as trained. Such a state is again a FittedClassifier
 * (the map folds into the standardization), so prediction needs no new code and stays exactly as fast.
 * Only diagonal models without a projection can be adapted (the defaults).
 */
import type { FittedClassifier } from '../fittedClassifier.js';
import { classWeights } from '../imagePriors.js';
import type { GmmParameters } from '../../gmm/gmmTypes.js';
import { simdDiagonalKernel } from '../../gmm/simdDiagonalLogDensity.js';

export interface AdaptationState {
  /** Per feature: gain a and offset b of z' = a·z + b, z the feature standardized as trained. */
  readonly gain: Float64Array;
  readonly offset: Float64Array;
  /** K × d component means in the adapted space. */
  readonly means: Float64Array;
  /** Class proportions. */
  readonly priors: Float64Array;
}

/** The model's pieces the adaptation needs, as flat arrays. */
export interface ModelView {
  readonly d: number;
  readonly k: number;
  readonly nClasses: number;
  readonly componentClass: Int32Array;
  /** Within-class weight of each component (sums to 1 over a class's components). */
  readonly withinClass: Float64Array;
  readonly trainedPriors: Float64Array;
  readonly means: Float64Array;
  /** K × d variances and their inverses. */
  readonly variances: Float64Array;
  readonly precision: Float64Array;
  /** Per feature, the weight of its term in every log density (relevance; 1 without). */
  readonly relevance: Float64Array;
  /** Per component: Σ_q w_q · ½ log(1 / v_jq). */
  readonly halfLogDet: Float64Array;
}

/** Whether the model can be adapted: diagonal covariances and no projection. */
export function isAdaptable(model: FittedClassifier): boolean {
  return model.mixture.covariance === 'diag' && model.transform.projection === null;
}

export function modelView(model: FittedClassifier): ModelView {
  const { mixture } = model;
  const d = model.featureCount;
  const k = mixture.weights.length;
  const nClasses = model.classes.length;
  const componentClass = Int32Array.from(model.componentClass);
  const classWeight = classWeights(mixture.weights, model.componentClass, nClasses);
  const withinClass = Float64Array.from(mixture.weights, (w, j) => w / classWeight[componentClass[j]]);
  const relevance = Float64Array.from(model.transform.relevance ?? new Array<number>(d).fill(1));
  const variances = Float64Array.from(mixture.covariances, (v) => Math.max(v, 1e-12));
  const precision = variances.map((v) => 1 / v);
  const halfLogDet = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    for (let q = 0; q < d; q++) halfLogDet[j] += 0.5 * relevance[q] * Math.log(precision[j * d + q]);
  }
  return {
    d,
    k,
    nClasses,
    componentClass,
    withinClass,
    trainedPriors: Float64Array.from(classWeight),
    means: Float64Array.from(mixture.means),
    variances,
    precision,
    relevance,
    halfLogDet,
  };
}

/** The unadapted state: identity map, trained means and priors. */
export function identityState(view: ModelView): AdaptationState {
  return {
    gain: new Float64Array(view.d).fill(1),
    offset: new Float64Array(view.d),
    means: Float64Array.from(view.means),
    priors: Float64Array.from(view.trainedPriors),
  };
}

/** Rows X (n × d raw features) standardized by the trained transform. */
export function standardizeRows(model: FittedClassifier, X: Float64Array, n: number): Float64Array {
  const d = model.featureCount;
  const { mean, scale } = model.transform;
  const Z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let q = 0; q < d; q++) Z[i * d + q] = (X[i * d + q] - mean[q]) / scale[q];
  return Z;
}

/**
 * E-step over rows Z (standardized as trained) under `state`: writes responsibilities (n × K) when
 * given and returns the mean log density per row, the map's Jacobian included (so states with
 * different maps compare fairly). The squared distances come from the SIMD kernel of prediction and EM
 * (simdDiagonalLogDensity.ts: per component Σ ((z − μ)·√(w p))², two rows per instruction), which made
 * the whole adaptation fit twice as fast (the E-steps were half of it); the JavaScript loop where
 * WebAssembly SIMD is missing. The map is folded into the components, (a z + b − μ)·s = (z − (μ − b)/a)·a s,
 * so the rows are read as they are.
 */
export function eStep(
  view: ModelView,
  state: AdaptationState,
  Z: Float64Array,
  n: number,
  responsibilities?: Float64Array,
): number {
  const { d, k, componentClass, withinClass, halfLogDet } = view;
  const { gain, priors } = state;
  const constant = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    constant[j] = Math.log(withinClass[j] * priors[componentClass[j]]) + halfLogDet[j];
  }
  let jacobian = 0;
  for (let q = 0; q < d; q++) jacobian += view.relevance[q] * Math.log(gain[q]);
  const distances = squaredDistances(view, state);
  const squared = new Float64Array(Math.min(n, E_STEP_CHUNK) * k);
  const logDensity = new Float64Array(k);
  let total = 0;
  for (let start = 0; start < n; start += E_STEP_CHUNK) {
    const m = Math.min(E_STEP_CHUNK, n - start);
    distances(Z.subarray(start * d, (start + m) * d), m, squared);
    for (let i = 0; i < m; i++) {
      let max = -Infinity;
      for (let j = 0; j < k; j++) {
        const s = constant[j] - 0.5 * squared[i * k + j];
        logDensity[j] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let j = 0; j < k; j++) {
        const e = logDensity[j] - max > -80 ? Math.exp(logDensity[j] - max) : 0;
        logDensity[j] = e;
        sum += e;
      }
      total += max + Math.log(sum);
      if (responsibilities) {
        const inv = 1 / sum;
        const row = (start + i) * k;
        for (let j = 0; j < k; j++) responsibilities[row + j] = logDensity[j] * inv;
      }
    }
  }
  return total / n + jacobian;
}

/** Rows measured at a time: the chunk's distances stay in cache. */
const E_STEP_CHUNK = 1024;

/**
 * Writes per row and component Σ_q w_q p_jq (a_q z_q + b_q − μ_jq)² for m rows (m × d, standardized as
 * trained) into out (m × K).
 */
type SquaredDistances = (rows: Float64Array, m: number, out: Float64Array) => void;

/**
 * The distances of `state`'s components: the SIMD kernel's where WebAssembly SIMD is at hand (its memory
 * can grow), else the same arithmetic in JavaScript — ((z − μ)·√(w p))², feature after feature — so both
 * give the same sums bit for bit.
 */
function squaredDistances(view: ModelView, state: AdaptationState): SquaredDistances {
  const { d, k } = view;
  const { gain, offset } = state;
  const precisionCholesky = new Float64Array(k * d);
  const means = new Float64Array(k * d);
  for (let j = 0; j < k; j++) {
    for (let q = 0; q < d; q++) {
      const t = j * d + q;
      precisionCholesky[t] = gain[q] * Math.sqrt(view.relevance[q] * view.precision[t]);
      means[t] = (state.means[t] - offset[q]) / gain[q];
    }
  }
  const javascript: SquaredDistances = (rows, m, out) => {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let q = 0; q < d; q++) {
          const y = (rows[i * d + q] - means[j * d + q]) * precisionCholesky[j * d + q];
          s += y * y;
        }
        out[i * k + j] = s;
      }
    }
  };
  const kernel = simdDiagonalKernel();
  if (!kernel) return javascript;
  const params: GmmParameters = {
    covariance: 'diag',
    dim: d,
    nComponents: k,
    weights: new Float64Array(k).fill(1 / k),
    means,
    covariances: view.variances,
    precisionCholesky,
    halfLogDetPrecision: view.halfLogDet,
  };
  return (rows, m, out) => {
    if (!kernel.rowSquaredDistances(params, rows, m, out)) javascript(rows, m, out);
  };
}

/** Class shares (mean posterior) from responsibilities. */
export function classShares(view: ModelView, responsibilities: Float64Array, n: number): Float64Array {
  const shares = new Float64Array(view.nClasses);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < view.k; j++) shares[view.componentClass[j]] += responsibilities[i * view.k + j];
  return shares.map((s) => s / n);
}

/**
 * The adapted classifier: the map folded into the standardization — (x − mean')/scale' = a·z + b with
 * scale' = scale / a and mean' = mean − scale·b / a — and the weights and means of the state. The model
 * passed in is not changed.
 */
export function toClassifier(
  model: FittedClassifier,
  view: ModelView,
  state: AdaptationState,
): FittedClassifier {
  const { mean, scale } = model.transform;
  const newScale = scale.map((s, q) => s / state.gain[q]);
  const newMean = mean.map((m, q) => m - (scale[q] * state.offset[q]) / state.gain[q]);
  const weights = Array.from(view.withinClass, (w, j) => w * state.priors[view.componentClass[j]]);
  return {
    ...model,
    transform: { ...model.transform, mean: newMean, scale: newScale },
    mixture: { ...model.mixture, weights, means: Array.from(state.means) },
  };
}
