/**
 * The three fits of the live model, from cheapest to the one a saved project carries:
 * - 'quick': the preview after a stroke (a small subsample, supervised only);
 * - 'live': the full-resolution overlay while painting: the project's settings with at most
 *   LIVE_COMPONENTS_PER_CLASS components per class, so refitting and predicting the view after each
 *   stroke stay within the window's budget (bench:live);
 * - 'final': exactly the project's settings, as `mixel train` fits them: what Save and Export use (they
 *   refit when the model on hand is not final), so the exported result never depends on the live loop.
 */
import type { ClassifierSettings } from '../../core/protocol/types.js';
import { MAX_TRAINING_SAMPLES_PER_CLASS, QUICK_FIT_SAMPLES_PER_CLASS } from './constants.js';

export type FitLevel = 'quick' | 'live' | 'final';

/**
 * Components per class of the live fit: prediction cost is linear in the components (the view's 16 tiles
 * are most of a stroke's time) and EM's too; half the default 8 keeps the overlay's look.
 */
export const LIVE_COMPONENTS_PER_CLASS = 4;

/**
 * Live fits in a row whose EM starts from the previous live fit (LiveModel.warmStartFor) before one starts
 * afresh from k-means++. A warm start after a stroke converges in a few iterations; a fresh start now and
 * then keeps a long session of painting from staying in a poorer local optimum than a fresh fit finds.
 */
export const MAX_WARM_STARTS_IN_A_ROW = 8;

/** The settings and labelled samples per class a fit of this level uses. */
export function fitPlan(
  level: FitLevel,
  settings: ClassifierSettings,
): { settings: ClassifierSettings; samplesPerClass: number } {
  if (level === 'quick') {
    return { settings: { ...settings, semiSupervised: false }, samplesPerClass: QUICK_FIT_SAMPLES_PER_CLASS };
  }
  if (level === 'live') {
    return {
      settings: { ...settings, components: Math.min(settings.components, LIVE_COMPONENTS_PER_CLASS) },
      samplesPerClass: MAX_TRAINING_SAMPLES_PER_CLASS,
    };
  }
  return { settings, samplesPerClass: MAX_TRAINING_SAMPLES_PER_CLASS };
}
