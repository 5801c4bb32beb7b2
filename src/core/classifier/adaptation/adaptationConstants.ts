/**
 * The numbers of per-image adaptation, in one place. Units: pixels of the image's sample, nats of the
 * model's (relevance-weighted) log density per pixel, and shares (fractions of the image's pixels).
 */

/** The ways a model can be adapted to one image; 'auto' chooses among them per image, 'off' uses none. */
export const ADAPTATION_METHODS = [
  'priors',
  'standardize',
  'moments',
  'robust',
  'affine',
  'robust-affine',
  'map',
  'intensity',
] as const;
export type AdaptationMethod = (typeof ADAPTATION_METHODS)[number];
export type AdaptationChoice = 'auto' | 'off' | AdaptationMethod;

/**
 * 'standardize' is chosen only when the held-out log density per pixel rises by at least this much over
 * the unadapted model (with the image's own class proportions). Images of one experiment without drift
 * gain less (the fit follows noise and the model's own misfit); shifted or rescaled images gain several
 * nats. The number is in the model's relevance-weighted units (weights total 2 by default), so it means
 * the same whatever the feature count. Chosen on `npm run bench:adapt` (README, Adaptation).
 */
export const MIN_ADAPTATION_GAIN = 0.25;

/**
 * The class-aware match ('moments') is trusted from this gain, far lower, but may not grow any class's
 * share beyond MAX_MOMENT_SHARE_GROWTH times its unadapted share. It pulls the class shares toward the
 * trained ones, which repairs a model that over-calls a class on a new image of the same kind (every
 * held-out ISBI slice: membrane 26–42 % of the pixels → 25–30 %, gains 0.02–0.25, +0.016 mean IoU) but
 * invents objects in an image that truly holds fewer (a background-only image: 6.5 % objects → 10 % at a
 * gain of 0.40 nats, so no gain threshold tells the two apart; the cap does).
 */
export const MIN_MOMENT_MATCH_GAIN = 0.02;
export const MAX_MOMENT_SHARE_GROWTH = 1.25;

/**
 * Where 'auto' would apply the class-aware match on a small drift (its gain below MIN_ADAPTATION_GAIN),
 * it applies the plain match ('standardize', at the trained proportions) instead if that one meets the
 * class-aware match's rule too (gain, share cap): the decision to adapt stays the class-aware match's,
 * the map is the plain one's. On a small drift the two gain the same within a hundredth of a nat, but
 * re-estimating the proportions under a map runs on (map and proportions explain the same moments): on
 * the training images themselves, predicted as new images, the class-aware match moved ISBI's membrane
 * share from 25–33 % to 19–24 % (truth 22–23 %) and cost 0.02–0.05 mean IoU in every variant, the plain
 * one −0.02…+0.01. Only as a substitute, not on its own: where the class-aware match is refused, the plain
 * one at a small gain can be far off (HeLa t79 of drift seed 3, 21 % nuclei against a training image's
 * 3.6 %: 0.76 against 0.80 unadapted).
 */
export const SMALL_DRIFT_SUBSTITUTE: { readonly instead: AdaptationMethod; readonly of: AdaptationMethod } = {
  instead: 'standardize',
  of: 'moments',
};

/** A method 'auto' may choose, with what its held-out gain and its class shares must satisfy. */
export interface AutoCandidate {
  readonly method: AdaptationMethod;
  /** Least held-out gain over the unadapted model (nats per pixel). */
  readonly minGain: number;
  /** No class's share of the sample may grow beyond this multiple of its unadapted share. */
  readonly maxShareGrowth: number;
}

/**
 * What 'auto' considers. The EM-fitted candidates raise the held-out likelihood on images without any
 * drift too (the model's own misfit is what they fit) and then cost accuracy (HeLa −0.06 with the affine
 * map), so likelihood can only judge the moment matches, which have no free parameter to fit noise with.
 * The quartile match often scores higher yet segments worse (GOWT1 0.78 against 0.84: the mixture's
 * quartiles describe the training image less well than its moments), so it is offered, not chosen.
 */
export const AUTO_CANDIDATES: readonly AutoCandidate[] = [
  { method: 'standardize', minGain: MIN_ADAPTATION_GAIN, maxShareGrowth: Infinity },
  { method: 'moments', minGain: MIN_MOMENT_MATCH_GAIN, maxShareGrowth: MAX_MOMENT_SHARE_GROWTH },
];

/**
 * Rows of the fitting half the intensity transfer is fitted on (its few parameters per channel need far
 * fewer than the held-out score does; each EM step costs a few E-steps over them).
 */
export const INTENSITY_FIT_PIXELS = 2000;

/** What `--adapt` accepts, for help texts and checks. */
export const ADAPTATION_CHOICES: readonly AdaptationChoice[] = ['auto', 'off', ...ADAPTATION_METHODS];

/**
 * Pixels drawn from an image to adapt on: half fit the adaptation, half score it (held out). 12 000
 * held-out pixels pin a class share to about ±0.4 % and a feature's mean to a hundredth of its spread,
 * while the few E-steps over them cost a few percent of predicting a megapixel.
 */
export const ADAPTATION_SAMPLE_PIXELS = 24000;

/**
 * Where the sample comes from in a large image: features are computed only for a grid of windows spread
 * over it, so the image's features are not computed twice. 5 × 5 windows of 96² (230 400 pixels, about a
 * fifth of a megapixel image; with the feature halo about 740 000 pixels of feature work, 40 % of what
 * predicting the image computes): fewer, smaller windows saw too few objects of a sparse image — on GOWT1
 * 3 × 3 windows of 64² held 6.4 % nuclei against the image's 8.8 %, their moment match cost 0.03 mean IoU
 * on images without drift (0.827 against 0.844 with the whole image sampled; 5 × 5 of 96²: 0.853), and
 * 6 × 6 of 32² was as noisy. Images no larger than the windows are sampled whole.
 */
export const ADAPTATION_WINDOW_COUNT = 25;
export const ADAPTATION_WINDOW_SIZE = 96;

/**
 * The windows' feature work (halos included) is at most this share of the whole image's, so adaptation
 * adds at most about a third to predicting it (prediction's own tiles recompute their halos too): 25
 * windows with halos on a 512² image would cost twice its own features (auto/off 2.4 per ISBI image).
 */
export const ADAPTATION_WORK_SHARE = 0.5;

/** Seed of the pixel sample: the same image gets the same adaptation on every run. */
export const ADAPTATION_SEED = 1;

/**
 * Fewer pixels than this and the image is predicted unadapted: a handful of pixels cannot tell drift
 * from chance.
 */
export const MIN_ADAPTATION_PIXELS = 500;

/** EM steps of the affine map and of the MAP means; both move little after ten. */
export const AFFINE_EM_ITERATIONS = 10;
export const MAP_EM_ITERATIONS = 5;

/**
 * MAP adaptation of the means (Reynolds, Quatieri & Dunn 2000): a component's new mean is
 * (Σγ·x + r·μ) / (Σγ + r), so a component that few pixels choose keeps its trained mean.
 */
export const MAP_RELEVANCE = 16;

/**
 * Per feature, the affine map's gain stays within [1/x, x]: a wider stretch is not a change of stain or
 * exposure but EM collapsing a feature onto one component.
 */
export const MAX_AFFINE_GAIN = 8;

/**
 * Guards on class shares (mean posterior over the sample). A class's share is "plausible" within
 * [prior / x, prior · x] of its trained prior; an adaptation may not push a plausible share out of that
 * range (one class swallowing the image, or a class vanishing), and a class holding at least
 * PRESENT_SHARE of the image unadapted may not drop below VANISHED_SHARE.
 */
export const MAX_SHARE_RATIO = 8;
export const PRESENT_SHARE = 0.05;
export const VANISHED_SHARE = 0.01;

/**
 * The intensity transfer (intensityTransfer.ts): knots at these quantiles of the image's finest smoothing
 * (five segments with a fifth of the pixels each, the outer 1 % beyond), at most this many EM steps, and
 * stop once a step gains less than the tolerance (nats per pixel).
 */
export const INTENSITY_KNOT_QUANTILES: readonly number[] = [0.01, 0.2, 0.4, 0.6, 0.8, 0.99];
export const INTENSITY_EM_ITERATIONS = 8;
export const INTENSITY_EM_TOLERANCE = 1e-4;

/**
 * Noise matching (noiseMatch.ts) widens the model only for an image at least this many times noisier
 * than the training images. Images of one kind differ by up to 1.45× in noise after normalization (the
 * synthetic sample, 8 seeds: 0.0050–0.0072 of the range; shot noise follows brightness). Measured per
 * image on the bench's drift (model trained on one drifted image, no other adaptation): from 1.8× to 4.4×
 * the widening moved mean IoU by −0.013 to +0.002, at 7.6× and 14× by +0.19 and +0.09 (README).
 */
export const NOISE_MATCH_MIN_RATIO = 2;
/** Filter responses the noise estimate reads per channel and plane, at most (a grid over larger planes). */
export const NOISE_SAMPLE_LIMIT = 1 << 20;
/**
 * Side of the synthetic noise image whose features give each feature's noise variance (its core; the
 * features' halo is added around it): 192² pixels pin a variance to about ±1 %.
 */
export const NOISE_FEATURE_WINDOW = 192;
