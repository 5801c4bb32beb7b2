/**
 * The candidate adaptations of a model to one image, each fitted on rows Z of the image (features
 * standardized as trained) and returning a new AdaptationState; the class proportions are re-estimated
 * by the EM candidates (Saerens, Latinne & Decaestecker 2002); the moment and quartile matches keep them.
 *   priors         class proportions only
 *   standardize    the image's per-feature mean and spread matched to the model's (its mixture moments)
 *   moments        the same at the image's own class proportions, re-estimated under the match
 *   robust         the same with medians and interquartile ranges, which a change of object fraction moves less
 *   affine         a per-feature gain and offset fitted by EM (diagonal feature-space MLLR), from the identity
 *   robust-affine  the same EM started from the robust match, so a strong drift does not start collapsed
 *   map            MAP adaptation of the component means (Reynolds, Quatieri & Dunn 2000)
 */
import type { AdaptationMethod } from './adaptationConstants.js';
import {
  AFFINE_EM_ITERATIONS,
  MAP_EM_ITERATIONS,
  MAP_RELEVANCE,
  MAX_AFFINE_GAIN,
} from './adaptationConstants.js';
import { classShares, eStep, identityState, type AdaptationState, type ModelView } from './adaptedModel.js';

/** Alternations of the class-aware moment match: the shares settle within a few. */
const MOMENT_SHARE_STEPS = 5;
/**
 * Rows whose responsibilities re-estimate the class shares in those alternations (the rows are a random
 * sample, so the first ones are too): 3000 pin a share to about ±0.8 %, and the five E-steps over them
 * cost a quarter of five over the whole fitting half (auto took 0.47 s per ISBI image against 0.63 s to
 * predict it).
 */
const MOMENT_SHARE_ROWS = 3000;
/** Prior-only EM steps after a map is chosen; the shares settle within a few because posteriors are sharp. */
const PRIOR_STEPS = 5;
/** No class's proportion falls below this, so a class the image seems to lack can still be predicted. */
const MIN_PRIOR = 1e-3;

/** The candidates that are maps of the features (the intensity transfer is fitted in fitIntensityTransfer.ts). */
export type FeatureMapMethod = Exclude<AdaptationMethod, 'intensity'>;

export function fitCandidate(
  method: FeatureMapMethod,
  view: ModelView,
  Z: Float64Array,
  n: number,
): AdaptationState {
  const start = identityState(view);
  switch (method) {
    case 'priors':
      return withImagePriors(view, start, Z, n);
    // The matches keep the trained proportions: re-estimating them on an image of the same experiment
    // cost HeLa 0.02 mean IoU (bench:adapt), and a match is judged by how well it alone explains the image.
    case 'standardize':
      return momentMatch(view, Z, n);
    case 'moments':
      return classAwareMomentMatch(view, Z, n);
    case 'robust':
      return quartileMatch(view, Z, n);
    case 'affine':
      return affineEm(view, withImagePriors(view, start, Z, n), Z, n);
    case 'robust-affine':
      return affineEm(view, withImagePriors(view, quartileMatch(view, Z, n), Z, n), Z, n);
    case 'map':
      return mapMeans(view, withImagePriors(view, start, Z, n), Z, n);
  }
}

/** EM over the class proportions alone, the map and means fixed. */
export function withImagePriors(
  view: ModelView,
  state: AdaptationState,
  Z: Float64Array,
  n: number,
): AdaptationState {
  let current = state;
  const resp = new Float64Array(n * view.k);
  for (let it = 0; it < PRIOR_STEPS; it++) {
    eStep(view, current, Z, n, resp);
    current = { ...current, priors: normalizedPriors(classShares(view, resp, n)) };
  }
  return current;
}

export function normalizedPriors(shares: Float64Array): Float64Array {
  const clamped = shares.map((s) => Math.max(MIN_PRIOR, s));
  const sum = clamped.reduce((s, v) => s + v, 0);
  return clamped.map((v) => v / sum);
}

/**
 * Per feature, mean and variance of the model's mixture with class proportions `priors` (by default the
 * trained ones: the training image's spread).
 */
function mixtureMoments(
  view: ModelView,
  priors: Float64Array = view.trainedPriors,
): { mean: Float64Array; sd: Float64Array } {
  const { d, k, means, variances } = view;
  const mean = new Float64Array(d);
  const second = new Float64Array(d);
  for (let j = 0; j < k; j++) {
    const w = view.withinClass[j] * priors[view.componentClass[j]];
    for (let q = 0; q < d; q++) {
      const m = means[j * d + q];
      mean[q] += w * m;
      second[q] += w * (variances[j * d + q] + m * m);
    }
  }
  const sd = mean.map((m, q) => Math.sqrt(Math.max(1e-12, second[q] - m * m)));
  return { mean, sd };
}

function momentMatch(
  view: ModelView,
  Z: Float64Array,
  n: number,
  priors: Float64Array = view.trainedPriors,
): AdaptationState {
  const { d } = view;
  const ref = mixtureMoments(view, priors);
  const state = identityState(view);
  for (let q = 0; q < d; q++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = Z[i * d + q];
      s += v;
      s2 += v * v;
    }
    const m = s / n;
    const sd = Math.sqrt(Math.max(0, s2 / n - m * m));
    const a = sd > 1e-9 ? clampGain(ref.sd[q] / sd) : 1;
    state.gain[q] = a;
    state.offset[q] = ref.mean[q] - a * m;
  }
  return state;
}

/**
 * The moment match against the mixture at the sample's own class proportions, re-estimated under the
 * match (a few alternations from the trained ones): a sample with more or fewer objects than the training
 * image — another experiment's density, or a few windows that happen to miss the objects — is then not
 * mistaken for a drift of the features. The state keeps the trained proportions for prediction.
 */
function classAwareMomentMatch(view: ModelView, Z: Float64Array, n: number): AdaptationState {
  let state = momentMatch(view, Z, n);
  const m = Math.min(n, MOMENT_SHARE_ROWS);
  const shareRows = Z.subarray(0, m * view.d);
  const resp = new Float64Array(m * view.k);
  for (let it = 0; it < MOMENT_SHARE_STEPS; it++) {
    eStep(view, state, shareRows, m, resp);
    state = momentMatch(view, Z, n, normalizedPriors(classShares(view, resp, m)));
  }
  return state;
}

/** Quartiles 25/50/75 % of the mixture's marginal along feature q. */
function mixtureQuartiles(view: ModelView, q: number): [number, number, number] {
  const [a, b, c] = mixtureQuantiles(view, q, [0.25, 0.5, 0.75]);
  return [a, b, c];
}

/** Quantiles of the mixture's marginal (trained proportions) along feature q, by bisection on its CDF. */
export function mixtureQuantiles(view: ModelView, q: number, ps: readonly number[]): number[] {
  const { d, k, means, variances } = view;
  const w = Array.from(
    { length: k },
    (_, j) => view.withinClass[j] * view.trainedPriors[view.componentClass[j]],
  );
  const cdf = (x: number) => {
    let s = 0;
    for (let j = 0; j < k; j++)
      s += w[j] * normalCdf((x - means[j * d + q]) / Math.sqrt(variances[j * d + q]));
    return s;
  };
  let lo = Infinity;
  let hi = -Infinity;
  for (let j = 0; j < k; j++) {
    const sd = Math.sqrt(variances[j * d + q]);
    lo = Math.min(lo, means[j * d + q] - 10 * sd);
    hi = Math.max(hi, means[j * d + q] + 10 * sd);
  }
  const quantile = (p: number) => {
    let a = lo;
    let b = hi;
    for (let it = 0; it < 60; it++) {
      const mid = 0.5 * (a + b);
      if (cdf(mid) < p) a = mid;
      else b = mid;
    }
    return 0.5 * (a + b);
  };
  return ps.map(quantile);
}

function sampleQuartiles(Z: Float64Array, n: number, d: number, q: number): [number, number, number] {
  const column = new Float64Array(n);
  for (let i = 0; i < n; i++) column[i] = Z[i * d + q];
  column.sort();
  const at = (p: number) => {
    const pos = p * (n - 1);
    const i = Math.floor(pos);
    const j = Math.min(n - 1, i + 1);
    return column[i] + (column[j] - column[i]) * (pos - i);
  };
  return [at(0.25), at(0.5), at(0.75)];
}

function quartileMatch(view: ModelView, Z: Float64Array, n: number): AdaptationState {
  const { d } = view;
  const state = identityState(view);
  for (let q = 0; q < d; q++) {
    const [r1, r2, r3] = mixtureQuartiles(view, q);
    const [s1, s2, s3] = sampleQuartiles(Z, n, d, q);
    const a = s3 - s1 > 1e-9 && r3 - r1 > 1e-9 ? clampGain((r3 - r1) / (s3 - s1)) : 1;
    state.gain[q] = a;
    state.offset[q] = r2 - a * s2;
  }
  return state;
}

function clampGain(a: number): number {
  return Math.min(MAX_AFFINE_GAIN, Math.max(1 / MAX_AFFINE_GAIN, a));
}

/**
 * EM for z' = a·z + b per feature with the mixture fixed: with responsibilities γ and precisions p of
 * the components, maximizing Σγ·(−½ p (a z + b − μ)²) + n log a gives b = (T0 − a S1)/S0 and the positive
 * root of (S2 − S1²/S0) a² − (T1 − T0 S1/S0) a − n = 0 (S_m = Σγ p z^m, T_m = Σγ p μ z^m). The relevance
 * weight of a feature multiplies both terms, so it drops out. The gain stays positive: no feature flips.
 */
function affineEm(view: ModelView, start: AdaptationState, Z: Float64Array, n: number): AdaptationState {
  const { d, k, means, precision } = view;
  let state = start;
  const resp = new Float64Array(n * k);
  for (let it = 0; it < AFFINE_EM_ITERATIONS; it++) {
    eStep(view, state, Z, n, resp);
    const S0 = new Float64Array(d);
    const S1 = new Float64Array(d);
    const S2 = new Float64Array(d);
    const T0 = new Float64Array(d);
    const T1 = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        const g = resp[i * k + j];
        if (g < 1e-8) continue;
        const base = j * d;
        for (let q = 0; q < d; q++) {
          const gp = g * precision[base + q];
          const z = Z[i * d + q];
          const gpz = gp * z;
          S0[q] += gp;
          S1[q] += gpz;
          S2[q] += gpz * z;
          T0[q] += gp * means[base + q];
          T1[q] += gpz * means[base + q];
        }
      }
    }
    const gain = new Float64Array(d);
    const offset = new Float64Array(d);
    for (let q = 0; q < d; q++) {
      const alpha = S2[q] - (S1[q] * S1[q]) / S0[q];
      const beta = T1[q] - (T0[q] * S1[q]) / S0[q];
      const a = alpha > 1e-12 ? clampGain((beta + Math.sqrt(beta * beta + 4 * alpha * n)) / (2 * alpha)) : 1;
      gain[q] = a;
      offset[q] = (T0[q] - a * S1[q]) / S0[q];
    }
    state = { ...state, gain, offset, priors: normalizedPriors(classShares(view, resp, n)) };
  }
  return state;
}

/** MAP re-estimation of the means in the adapted space; weights follow the class shares. */
function mapMeans(view: ModelView, start: AdaptationState, Z: Float64Array, n: number): AdaptationState {
  const { d, k } = view;
  let state = start;
  const resp = new Float64Array(n * k);
  for (let it = 0; it < MAP_EM_ITERATIONS; it++) {
    eStep(view, state, Z, n, resp);
    const count = new Float64Array(k);
    const sum = new Float64Array(k * d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        const g = resp[i * k + j];
        if (g < 1e-8) continue;
        count[j] += g;
        for (let q = 0; q < d; q++) sum[j * d + q] += g * (state.gain[q] * Z[i * d + q] + state.offset[q]);
      }
    }
    const means = new Float64Array(k * d);
    for (let j = 0; j < k; j++) {
      for (let q = 0; q < d; q++) {
        means[j * d + q] =
          (sum[j * d + q] + MAP_RELEVANCE * view.means[j * d + q]) / (count[j] + MAP_RELEVANCE);
      }
    }
    state = { ...state, means, priors: normalizedPriors(classShares(view, resp, n)) };
  }
  return state;
}

/** Φ(x) through erfc (Abramowitz & Stegun 7.1.26, error < 1.5e-7): ample for quartiles. */
function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x / Math.SQRT2));
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erfc = poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}
