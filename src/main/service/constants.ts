/** Numbers the live loop and export depend on, with the reason for each. */

/**
 * Labeled pixels used per class in a fit. EM cost grows linearly with samples; beyond a few thousand per
 * class the mixtures barely change, and the refit after a stroke must stay well under the 300 ms budget.
 */
export const MAX_TRAINING_SAMPLES_PER_CLASS = 4000;

/** Seed of the subsampling of labeled pixels, so the same labels give the same model. */
export const TRAINING_SAMPLE_SEED = 7;

/**
 * Every n-th unlabeled pixel (on a skewed lattice) of the tiles that hold labels is offered to
 * semi-supervised EM: ~1 % of a tile, enough context around the strokes without making the fit slow.
 */
export const UNLABELED_STRIDE = 97;
