/**
 * Fits the monotone intensity transfer (intensityTransfer.ts) that makes the trained mixture explain the
 * new image best: maximum likelihood of the sample's features — approximated to first order for each trial
 * transfer (featureRoles.ts), the map's Jacobian included — over the transfer's base and log-slopes, the
 * mixture fixed. Generalized EM: each step takes the responsibilities of the current transfer (E-step) and
 * moves the parameters by a Gauss–Newton step with the outer-product (BHHH) approximation of the curvature,
 * halved until the likelihood rises, so it never falls. The knots are quantiles of the image's own finest
 * smoothing: every segment holds a fixed share of its pixels, whatever the drift.
 */
import { choleskyLower } from '../../gmm/linalg.js';
import {
  INTENSITY_EM_ITERATIONS,
  INTENSITY_EM_TOLERANCE,
  INTENSITY_KNOT_QUANTILES,
  MAX_AFFINE_GAIN,
} from './adaptationConstants.js';
import { classShares, eStep, identityState, type ModelView } from './adaptedModel.js';
import { mixtureQuantiles, normalizedPriors } from './candidates.js';
import type { FeatureRole } from './featureRoles.js';
import {
  approximateFeatures,
  coverage,
  identityTransfer,
  segmentOf,
  type ChannelTransfer,
  type IntensityTransfer,
} from './intensityTransfer.js';

/** What the fit needs of the model: its view and the standardization it was trained with. */
export interface TransferModel {
  readonly view: ModelView;
  readonly mean: readonly number[];
  readonly scale: readonly number[];
}

/** Halvings of a step before the fit stops. */
const MAX_HALVINGS = 4;
const MAX_LOG_SLOPE = Math.log(MAX_AFFINE_GAIN);

/**
 * Mean log density per row of rows X (raw features) under `model` with class proportions `priors` after
 * `transfer`, Jacobian included; writes the responsibilities when given.
 */
export function transferLogLikelihood(
  model: TransferModel,
  roles: readonly FeatureRole[],
  transfer: IntensityTransfer,
  priors: Float64Array,
  X: Float64Array,
  n: number,
  responsibilities?: Float64Array,
): number {
  const { view } = model;
  const Z = new Float64Array(n * view.d);
  const logJacobian = approximateFeatures(transfer, roles, view.relevance, X, n, Z);
  standardizeInPlace(Z, n, model);
  return eStep(view, { ...identityState(view), priors }, Z, n, responsibilities) + logJacobian;
}

interface Knots {
  /** Per input channel: the knots, and the quantile level each one is at. */
  readonly values: number[][];
  readonly levels: number[][];
  /** Per input channel: the finest smoothing feature the knots were taken from. */
  readonly feature: number[];
}

/** The knots of each input channel: quantiles of its finest smoothing in the rows; null if degenerate. */
function transferKnots(roles: readonly FeatureRole[], X: Float64Array, n: number): Knots | null {
  const d = roles.length;
  const channels = 1 + roles.reduce((m, r) => Math.max(m, r.channel), 0);
  const knots: Knots = { values: [], levels: [], feature: [] };
  for (let c = 0; c < channels; c++) {
    const q = roles.findIndex((r) => r.kind === 'smoothing' && r.channel === c);
    if (q < 0) return null;
    const column = new Float64Array(n);
    for (let i = 0; i < n; i++) column[i] = X[i * d + q];
    column.sort();
    const span = column[n - 1] - column[0];
    const chosen: number[] = [];
    const levels: number[] = [];
    for (const p of INTENSITY_KNOT_QUANTILES) {
      const v = column[Math.min(n - 1, Math.round(p * (n - 1)))];
      if (chosen.length === 0 || v - chosen[chosen.length - 1] > 1e-6 * span) {
        chosen.push(v);
        levels.push(p);
      }
    }
    if (chosen.length < 2 || !(span > 0)) return null;
    knots.values.push(chosen);
    knots.levels.push(levels);
    knots.feature.push(q);
  }
  return knots;
}

/**
 * The second start: the image's quantiles at the knots mapped onto the model's (its mixture's marginal
 * along the same smoothing feature, trained proportions) — histogram matching. From the identity alone,
 * EM stays where the unadapted model is when the image has collapsed into one class (every pixel
 * explained by one class's components); from here it starts with both classes in place.
 */
function matchedStart(model: TransferModel, knots: Knots, layout: Layout): Float64Array {
  const theta = new Float64Array(layout.size);
  knots.values.forEach((t, c) => {
    const q = knots.feature[c];
    const target = mixtureQuantiles(model.view, q, knots.levels[c]).map(
      (z) => model.mean[q] + model.scale[q] * z,
    );
    const at = layout.start[c];
    theta[at] = target[0];
    const inner = t.slice(1).map((v, s) => Math.log(Math.max(1e-12, target[s + 1] - target[s]) / (v - t[s])));
    inner.forEach((v, s) => (theta[at + 2 + s] = v));
    theta[at + 1] = inner[0];
    theta[at + 1 + t.length] = inner[inner.length - 1];
  });
  return theta;
}

/** Parameters in one vector: per channel its base, then its log-slopes. */
interface Layout {
  readonly start: number[];
  readonly size: number;
}

function layoutOf(knots: number[][]): Layout {
  const start: number[] = [];
  let size = 0;
  for (const k of knots) {
    start.push(size);
    size += 1 + k.length + 1;
  }
  return { start, size };
}

function toTransfer(knots: number[][], layout: Layout, theta: Float64Array): IntensityTransfer {
  return {
    channels: knots.map((k, c): ChannelTransfer => {
      const at = layout.start[c];
      const slopes = Array.from({ length: k.length + 1 }, (_, s) => Math.exp(theta[at + 1 + s]));
      return { knots: k, base: theta[at], slopes };
    }),
  };
}

export interface FittedTransfer {
  readonly transfer: IntensityTransfer;
  /** The image's class proportions under it, re-estimated with it (Saerens et al. 2002). */
  readonly priors: Float64Array;
}

/**
 * The fitted transfer and class proportions for rows X (n × d raw features of the image's sample), from
 * the identity and `priors`; null when the rows do not allow a fit (an input channel of one intensity).
 */
export function fitIntensityTransfer(
  model: TransferModel,
  roles: readonly FeatureRole[],
  priors: Float64Array,
  X: Float64Array,
  n: number,
): FittedTransfer | null {
  const knots = transferKnots(roles, X, n);
  if (!knots) return null;
  const layout = layoutOf(knots.values);
  const identity = new Float64Array(layout.size);
  knots.values.forEach((k, c) => (identity[layout.start[c]] = identityTransfer(k).base));
  const matched = matchedStart(model, knots, layout);
  clampSlopes(matched, knots.values, layout);
  // EM from both starts; the one that explains the rows better wins.
  const fits = [identity, matched].map((start) =>
    emFrom(model, roles, knots.values, layout, start, priors, X, n),
  );
  const best = fits[0].value >= fits[1].value ? fits[0] : fits[1];
  return { transfer: toTransfer(knots.values, layout, best.theta), priors: best.priors };
}

function emFrom(
  model: TransferModel,
  roles: readonly FeatureRole[],
  knots: number[][],
  layout: Layout,
  start: Float64Array,
  priors: Float64Array,
  X: Float64Array,
  n: number,
): { theta: Float64Array; priors: Float64Array; value: number } {
  const { view } = model;
  const theta = Float64Array.from(start);
  const resp = new Float64Array(n * view.k);
  let pi: Float64Array = Float64Array.from(priors);
  let current = -Infinity;
  for (let it = 0; it < INTENSITY_EM_ITERATIONS; it++) {
    // E-step; then the proportions' M-step (closed form), which alone raises the likelihood, and the
    // transfer's (one damped Newton step from the same responsibilities), accepted only if the likelihood
    // with both rises above the last accepted value.
    const value = transferLogLikelihood(model, roles, toTransfer(knots, layout, theta), pi, X, n, resp);
    if (it > 0 && value - current < INTENSITY_EM_TOLERANCE) {
      current = Math.max(current, value);
      break;
    }
    current = value;
    const nextPi = normalizedPriors(classShares(view, resp, n));
    const step = bhhhStep(model, roles, knots, layout, theta, X, n, resp);
    pi = nextPi;
    if (!step) break;
    for (let h = 0, size = 1; h < MAX_HALVINGS; h++, size /= 2) {
      const trial = theta.map((v, p) => v + size * step[p]);
      clampSlopes(trial, knots, layout);
      if (transferLogLikelihood(model, roles, toTransfer(knots, layout, trial), pi, X, n) > current) {
        theta.set(trial);
        break;
      }
    }
  }
  return { theta, priors: pi, value: current };
}

function clampSlopes(theta: Float64Array, knots: number[][], layout: Layout): void {
  knots.forEach((k, c) => {
    for (let s = 0; s <= k.length; s++) {
      const p = layout.start[c] + 1 + s;
      theta[p] = Math.min(MAX_LOG_SLOPE, Math.max(-MAX_LOG_SLOPE, theta[p]));
    }
  });
}

/**
 * One Gauss–Newton step: per row the gradient g of its log density (plus log Jacobian) by the parameters,
 * then (Σ g gᵀ + ridge)⁻¹ Σ g. `resp` holds the responsibilities of `theta`'s transfer.
 */
function bhhhStep(
  model: TransferModel,
  roles: readonly FeatureRole[],
  knots: number[][],
  layout: Layout,
  theta: Float64Array,
  X: Float64Array,
  n: number,
  resp: Float64Array,
): Float64Array | null {
  const { view } = model;
  const { d, k, means, precision, relevance } = view;
  const transfer = toTransfer(knots, layout, theta);
  const F = new Float64Array(n * d);
  approximateFeatures(transfer, roles, relevance, X, n, F);
  const Z = Float64Array.from(F);
  standardizeInPlace(Z, n, model);
  const P = layout.size;
  const sum = new Float64Array(P);
  const outer = new Float64Array(P * P);
  const g = new Float64Array(P);
  for (let i = 0; i < n; i++) {
    g.fill(0);
    const row = i * d;
    for (let q = 0; q < d; q++) {
      // d log p / d z_q = −w_q Σ_j γ_j p_jq (z_q − μ_jq), and dz/dF = 1 / scale_q.
      const z = Z[row + q];
      let r = 0;
      for (let j = 0; j < k; j++) {
        const gamma = resp[i * k + j];
        if (gamma < 1e-10) continue;
        r -= gamma * precision[j * d + q] * (z - means[j * d + q]);
      }
      const dF = (relevance[q] * r) / model.scale[q];
      const role = roles[q];
      const c = role.channel;
      const at = layout.start[c];
      const t = transfer.channels[c];
      const refSegment = segmentOf(t.knots, X[row + role.reference]);
      if (role.kind === 'smoothing') {
        const x = X[row + q];
        g[at] += dF;
        for (let s = 0; s < t.slopes.length; s++) {
          const cov = coverage(t.knots, s, x);
          if (cov !== 0) g[at + 1 + s] += dF * t.slopes[s] * cov;
        }
        g[at + 1 + refSegment] += relevance[q];
      } else {
        const power = role.kind === 'tensor' ? 2 : 1;
        g[at + 1 + refSegment] += power * (dF * F[row + q] + relevance[q]);
      }
    }
    for (let a = 0; a < P; a++) {
      sum[a] += g[a];
      if (g[a] === 0) continue;
      for (let b = 0; b < P; b++) outer[a * P + b] += g[a] * g[b];
    }
  }
  let trace = 0;
  for (let a = 0; a < P; a++) trace += outer[a * P + a];
  const ridge = 1e-6 * (trace / P) + 1e-12;
  for (let a = 0; a < P; a++) outer[a * P + a] += ridge;
  const L = choleskyLower(outer, P);
  if (!L) return null;
  // Solve L Lᵀ x = sum.
  const y = new Float64Array(P);
  for (let a = 0; a < P; a++) {
    let s = sum[a];
    for (let b = 0; b < a; b++) s -= L[a * P + b] * y[b];
    y[a] = s / L[a * P + a];
  }
  const x = new Float64Array(P);
  for (let a = P - 1; a >= 0; a--) {
    let s = y[a];
    for (let b = a + 1; b < P; b++) s -= L[b * P + a] * x[b];
    x[a] = s / L[a * P + a];
  }
  return x;
}

function standardizeInPlace(Z: Float64Array, n: number, model: TransferModel): void {
  const d = model.view.d;
  for (let i = 0; i < n; i++) {
    for (let q = 0; q < d; q++) Z[i * d + q] = (Z[i * d + q] - model.mean[q]) / model.scale[q];
  }
}
