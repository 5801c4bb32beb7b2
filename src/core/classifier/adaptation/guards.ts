/**
 * What an adaptation may not do, checked on the image's sample before it is used: push a class's share
 * of the image out of the plausible range around its trained prior (one class swallowing the image),
 * make a class that held a good part of the image vanish, or move a component's mean nearer to another
 * class's trained component than to any of its own class (a class swap). Feature maps cannot swap
 * classes along a feature: their gains are positive, so the order of the classes along each feature stays.
 */
import { MAX_SHARE_RATIO, PRESENT_SHARE, VANISHED_SHARE } from './adaptationConstants.js';
import type { AdaptationState, ModelView } from './adaptedModel.js';

/** Null when the adaptation may be used, else the reason it may not. */
export function guardViolation(
  view: ModelView,
  state: AdaptationState,
  unadaptedShares: Float64Array,
  adaptedShares: Float64Array,
  classNames: readonly string[],
): string | null {
  for (let c = 0; c < view.nClasses; c++) {
    const prior = view.trainedPriors[c];
    const isPlausible = (s: number) => s >= prior / MAX_SHARE_RATIO && s <= prior * MAX_SHARE_RATIO;
    const before = unadaptedShares[c];
    const after = adaptedShares[c];
    const change = `${classNames[c]} would cover ${percent(after)} of the image instead of ${percent(before)}`;
    if (isPlausible(before) && !isPlausible(after)) return `${change} (trained share ${percent(prior)})`;
    if (before >= PRESENT_SHARE && after < VANISHED_SHARE) return change;
  }
  return swappedComponent(view, state, classNames);
}

/** A component whose adapted mean is nearest (by the trained components' own metric) to another class. */
function swappedComponent(
  view: ModelView,
  state: AdaptationState,
  classNames: readonly string[],
): string | null {
  const { d, k, means, precision, relevance, componentClass } = view;
  if (state.means.every((m, i) => m === means[i])) return null;
  for (let j = 0; j < k; j++) {
    let best = -1;
    let bestDistance = Infinity;
    for (let t = 0; t < k; t++) {
      let s = 0;
      for (let q = 0; q < d; q++) {
        const diff = state.means[j * d + q] - means[t * d + q];
        s += relevance[q] * precision[t * d + q] * diff * diff;
      }
      if (s < bestDistance) {
        bestDistance = s;
        best = t;
      }
    }
    if (componentClass[best] !== componentClass[j]) {
      return `a component of ${classNames[componentClass[j]]} would move onto ${classNames[componentClass[best]]}`;
    }
  }
  return null;
}

function percent(share: number): string {
  return `${(100 * share).toFixed(1)} %`;
}

/**
 * Two classes that trade their pixels: most of the sample's pixels of class a (by the unadapted model's
 * most probable class) go to b and most of b's go to a, both classes holding a good part of the image.
 * A repair of a collapse moves pixels one way only, so it passes; an exchange is a swap, whatever the
 * likelihood says. Responsibilities are n × K over the model's components, before and after.
 */
export function swappedClasses(
  view: ModelView,
  before: Float64Array,
  after: Float64Array,
  n: number,
  classNames: readonly string[],
): string | null {
  const C = view.nClasses;
  const moved = new Float64Array(C * C);
  const label = (resp: Float64Array, i: number) => {
    const post = new Float64Array(C);
    for (let j = 0; j < view.k; j++) post[view.componentClass[j]] += resp[i * view.k + j];
    let best = 0;
    for (let c = 1; c < C; c++) if (post[c] > post[best]) best = c;
    return best;
  };
  for (let i = 0; i < n; i++) moved[label(before, i) * C + label(after, i)]++;
  for (let a = 0; a < C; a++) {
    for (let b = a + 1; b < C; b++) {
      const held = (c: number) => moved.slice(c * C, (c + 1) * C).reduce((s, v) => s + v, 0);
      if (held(a) < PRESENT_SHARE * n || held(b) < PRESENT_SHARE * n) continue;
      if (moved[a * C + b] > moved[a * C + a] && moved[b * C + a] > moved[b * C + b]) {
        return `${classNames[a]} and ${classNames[b]} would swap their pixels`;
      }
    }
  }
  return null;
}
