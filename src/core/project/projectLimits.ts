/**
 * The bounds a project file must stay within: each is what the program can honour in bounded time and
 * memory. A file outside them is refused on load with one line naming the field, instead of running for
 * hours (feature scale 1e6 gives a halo of millions of pixels) or allocating gigabytes.
 */

/**
 * The layout versions this Mixel reads. 1: labels on the first plane only, 2-D features. 2 adds labels on
 * any plane of a stack and 3-D feature settings; 3 adds the 'percentile-sqrt' normalization. A project
 * that uses none of them is still written as 1, so older Mixels keep reading it, and one that uses them is
 * refused by an older Mixel as too new (instead of as damaged). 0, negative or fractional versions are
 * refused.
 */
export const SUPPORTED_PROJECT_VERSIONS: readonly number[] = [1, 2, 3];
/** The version a project needs once it holds labels beyond plane 0 or 3-D feature settings. */
export const STACK_PROJECT_VERSION = 2;
/** The version a project needs under the 'percentile-sqrt' normalization. */
export const SQRT_NORMALIZATION_PROJECT_VERSION = 3;

/** Label values are bytes (0 = unlabeled), so at most 255 classes. */
export const MAX_CLASSES = 255;

/**
 * Feature scales σ (px). ilastik offers 0.3..10; custom selections may go up to 32, whose halo
 * (⌈3.5·32⌉ = 112 px) still fits beside a 256–512 px tile. Below 0.1 px a Gaussian is a single tap.
 */
export const MIN_FEATURE_SCALE = 0.1;
export const MAX_FEATURE_SCALE = 32;
/** Columns of the feature matrix: ilastik has 7; room for custom scales, not for a feature explosion. */
export const MAX_FEATURE_SCALES = 16;

/**
 * Image sides and pixel counts. 2^20 px a side covers slide scanners; 2^32 pixels (4 G) is the most a
 * batch streams. Label rasters are decoded whole (one byte per pixel), so they stay below 2^31.
 */
export const MAX_IMAGE_SIDE = 2 ** 20;
export const MAX_IMAGE_PIXELS = 2 ** 32;
export const MAX_LABEL_PIXELS = 2 ** 31 - 1;
/** Channels and planes per image: far beyond microscopy (a few channels, hundreds of z planes). */
export const MAX_IMAGE_CHANNELS = 64;
export const MAX_IMAGE_PLANES = 100_000;
/**
 * Labelled planes per image beyond the first: each is decoded whole when training, so a user labelling
 * every plane of a 200-plane stack fits, a file claiming a million rasters does not.
 */
export const MAX_LABELLED_PLANES = 4096;
/** Images per project: the window lists them; batch jobs take images on the command line instead. */
export const MAX_PROJECT_IMAGES = 10_000;
/** Strings (names, paths, ids): a path is at most 4096 bytes on Linux. */
export const MAX_NAME_LENGTH = 4096;
/** Intensities of the stored per-channel normalization range: float32's range. */
export const MAX_INTENSITY = 3.4e38;
