/**
 * A monotone intensity transfer per input channel: piecewise linear through knots (quantiles of the new
 * image's intensities), a positive slope per segment and linear beyond the end knots. It undoes what a
 * per-feature affine map cannot — a gamma or any other monotone bend of the intensities, which moves every
 * feature non-linearly — and it acts on the image, so prediction computes the features of T(image)
 * exactly; the model is not changed. Fitting (fitIntensityTransfer.ts) uses the first-order approximation
 * of featureRoles.ts on the sample's features instead.
 */
import type { PlanarImage } from '../../image.js';
import type { FeatureRole } from './featureRoles.js';

export interface ChannelTransfer {
  /** Ascending knots t_0 < … < t_m, in the intensities the features are computed from. */
  readonly knots: number[];
  /** m + 2 slopes: below t_0, the m segments, above t_m; all positive. */
  readonly slopes: number[];
  /** T(t_0). */
  readonly base: number;
}

export interface IntensityTransfer {
  readonly channels: ChannelTransfer[];
}

/** The segment u falls in: 0 below t_0, 1..m between knots, m + 1 above t_m. */
export function segmentOf(knots: readonly number[], u: number): number {
  if (!(u >= knots[0])) return 0;
  const m = knots.length - 1;
  if (u >= knots[m]) return m + 1;
  let lo = 0;
  let hi = m;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (u >= knots[mid]) lo = mid;
    else hi = mid;
  }
  return lo + 1;
}

/**
 * How far u runs along segment s (the derivative of T(u) by that segment's slope): T(u) = base +
 * Σ_s slope_s · coverage(s, u). Negative below t_0.
 */
export function coverage(knots: readonly number[], s: number, u: number): number {
  const m = knots.length - 1;
  if (s === 0) return Math.min(0, u - knots[0]);
  if (s === m + 1) return Math.max(0, u - knots[m]);
  return Math.min(knots[s] - knots[s - 1], Math.max(0, u - knots[s - 1]));
}

export function transferValue(t: ChannelTransfer, u: number): number {
  let v = t.base;
  for (let s = 0; s < t.slopes.length; s++) v += t.slopes[s] * coverage(t.knots, s, u);
  return v;
}

/** T'(u), the slope of u's segment. */
export function transferSlope(t: ChannelTransfer, u: number): number {
  return t.slopes[segmentOf(t.knots, u)];
}

/** The identity on the given knots: T(u) = u. */
export function identityTransfer(knots: number[]): ChannelTransfer {
  return { knots, slopes: new Array<number>(knots.length + 1).fill(1), base: knots[0] };
}

export function isIdentity(transfer: IntensityTransfer): boolean {
  return transfer.channels.every((t) => t.base === t.knots[0] && t.slopes.every((s) => s === 1));
}

/** The image with each channel passed through its transfer (a new image; the input is not changed). */
export function applyIntensityTransfer(image: PlanarImage, transfer: IntensityTransfer): PlanarImage {
  if (transfer.channels.length !== image.channels.length) {
    throw new RangeError(
      `intensity transfer has ${transfer.channels.length} channels but the image has ${image.channels.length}`,
    );
  }
  const channels = image.channels.map((plane, c) => {
    const t = transfer.channels[c];
    const out = new Float32Array(plane.length);
    for (let i = 0; i < plane.length; i++) out[i] = transferValue(t, plane[i]);
    return out;
  });
  return { ...image, channels };
}

/**
 * Rows X (n × d features of the untransformed image) as the features of T(image) would be to first order,
 * written into `out`; returns the mean over rows of the log Jacobian of that map of feature space
 * (weighted per feature by `relevance`, as the model's log density is), so likelihoods of different
 * transfers compare fairly. The map is triangular (a smoothing value depends on itself only, a derivative
 * feature on itself and its reference smoothing), so its Jacobian is the product of the diagonal.
 */
export function approximateFeatures(
  transfer: IntensityTransfer,
  roles: readonly FeatureRole[],
  relevance: Float64Array,
  X: Float64Array,
  n: number,
  out: Float64Array,
): number {
  const d = roles.length;
  // Per row, T and T' once per smoothing feature (every feature's reference is one), then every feature;
  // T at the knots and the slopes' logs once per call.
  const smoothing = roles.flatMap((r, q) => (r.kind === 'smoothing' ? [q] : []));
  const atKnots = transfer.channels.map((t) => t.knots.map((k) => transferValue(t, k)));
  const logSlopes = transfer.channels.map((t) => t.slopes.map(Math.log));
  const value = new Float64Array(d);
  const logSlope = new Float64Array(d);
  const slope = new Float64Array(d);
  let logJacobian = 0;
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (const q of smoothing) {
      const c = roles[q].channel;
      const t = transfer.channels[c];
      const x = X[row + q];
      const s = segmentOf(t.knots, x);
      // From the knot the segment starts at (t_0 for the segment below it).
      const from = s === 0 ? 0 : s - 1;
      value[q] = atKnots[c][from] + t.slopes[s] * (x - t.knots[from]);
      slope[q] = t.slopes[s];
      logSlope[q] = logSlopes[c][s];
    }
    for (let q = 0; q < d; q++) {
      const role = roles[q];
      const ref = role.reference;
      if (role.kind === 'smoothing') {
        out[row + q] = value[q];
        logJacobian += relevance[q] * logSlope[q];
      } else if (role.kind === 'derivative') {
        out[row + q] = slope[ref] * X[row + q];
        logJacobian += relevance[q] * logSlope[ref];
      } else {
        out[row + q] = slope[ref] * slope[ref] * X[row + q];
        logJacobian += 2 * relevance[q] * logSlope[ref];
      }
    }
  }
  return logJacobian / n;
}
