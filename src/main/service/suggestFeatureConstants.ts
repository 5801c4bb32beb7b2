/** The numbers behind "Suggest features" (suggestFeatures.ts), each with why. */

/**
 * Labelled pixels per class the ranking is scored on: neighbouring scribbled pixels are nearly copies of
 * each other, so a few hundred spread over every stroke rank as well as thousands, and hundreds of
 * candidate sets score in about a second.
 */
export const SUGGEST_SAMPLES_PER_CLASS = 600;

/**
 * Held-out folds. Pixels are assigned by square blocks of SUGGEST_FOLD_BLOCK_PX, so a scored pixel's
 * neighbours (almost the same features) are never in its fit: random folds would reward overfitting.
 */
export const SUGGEST_FOLDS = 3;
export const SUGGEST_FOLD_BLOCK_PX = 16;

/** Forward selection adds at most this many (feature, scale) cells: small sets are what users want. */
export const SUGGEST_GREEDY_STEPS = 4;
/** …and stops once a cell improves the held-out log-likelihood by less than this. */
export const SUGGEST_GREEDY_MIN_GAIN = 0.005;

/** Candidate sets per pool job: one job takes ~50 ms, so a stroke's preview never waits long behind one. */
export const SUGGEST_SETS_PER_JOB = 6;

/** Suggestions shown, best first. */
export const SUGGEST_SHOWN = 5;

/** Edge of the square crop (full-resolution pixels, centre of the view) each suggestion's preview shows. */
export const SUGGEST_PREVIEW_PX = 128;

/**
 * Held-out log-likelihoods closer than this (nats per pixel) to the best are a tie, unless the best's own
 * fold standard error is larger: the folds' noise on a few hundred scribbled pixels per class. Among tied
 * sets the ranking puts more features first (suggestFeatures.ts rankCandidates says why).
 */
export const SUGGEST_TIE_NATS = 0.01;
