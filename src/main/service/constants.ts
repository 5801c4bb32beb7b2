/** Numbers the live loop and export depend on, with the reason for each. */

/**
 * Labeled pixels used per class in a live fit. The fit's time grows linearly with samples (measured: ~250 ms
 * for 1 800 samples, ~740 ms for 5 000, 49 features, on a loaded 2-core machine), and neighbouring pixels of
 * a stroke are nearly copies of each other, so an even stride through 1 500 per class keeps the mixtures
 * and keeps the refit after a stroke a fraction of the 300 ms budget.
 */
export const MAX_TRAINING_SAMPLES_PER_CLASS = 1500;

/** Seed of the subsampling of labeled pixels, so the same labels give the same model. */
export const TRAINING_SAMPLE_SEED = 7;

/**
 * Every n-th unlabeled pixel (on a skewed lattice) of the tiles that hold labels is offered to
 * semi-supervised EM: ~1 % of a tile, enough context around the strokes without making the fit slow.
 */
export const UNLABELED_STRIDE = 97;

/**
 * Labeled pixels per class for the quick fit behind the preview after a stroke: a fifth of the full fit's,
 * supervised only, so the coarse overlay follows the stroke at once; the full-resolution pass refits
 * with MAX_TRAINING_SAMPLES_PER_CLASS and the project's settings.
 */
export const QUICK_FIT_SAMPLES_PER_CLASS = 300;
