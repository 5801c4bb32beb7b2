/**
 * The numbers of the feature bank, in one place. Each one reproduces what ilastik (through vigra) does, so
 * that features computed here match ilastik's to float precision; change one and the goldens fail.
 */

/** ilastik's seven scales (σ in pixels), the columns of the feature selection matrix. */
export const DEFAULT_SCALES: readonly number[] = [0.3, 0.7, 1, 1.6, 3.5, 5, 10];

/** ilastik's feature dialog only offers scale 0.3 for Gaussian smoothing: derivative filters at such a small σ
 *  are dominated by the pixel grid. The `default` preset follows this; custom selections may ignore it. */
export const MIN_DERIVATIVE_SCALE_IN_DIALOG = 0.7;

/**
 * ilastik convention (lazyflow OpPixelFeaturesPresmoothed): every scale s first pre-smooths the image with
 * σ = √(s² − 1) for s > 1, else σ = s, then runs every filter at min(s, 1) on that result. Two Gaussians
 * compose to √(σ₁² + σ₂²), so for s > 1 the filters see an effective scale of s.
 */
export const ILASTIK_FILTER_SCALE_CAP = 1;

/** Window ratio (radius = ⌊ratio·σ + 0.5⌋) of ilastik's pre-smoothing Gaussian. */
export const ILASTIK_PRESMOOTH_WINDOW_RATIO = 3.5;

/** Window ratio of the filters that ilastik runs on the pre-smoothed image: short, since σ ≤ 1 there. */
export const ILASTIK_FILTER_WINDOW_RATIO = 2;

/**
 * Window ratio 0 asks for vigra's default radius: ⌊(3 + order/2)·σ + 0.5⌋ for a Gaussian derivative of that
 * order (vigra 1.11, the version ilastik and Debian ship; later vigra uses ⌊3σ + order/2 + 0.5⌋).
 */
export const VIGRA_DEFAULT_WINDOW_RATIO = 0;

/** Difference of Gaussians: G(σ) − G(DOG_INNER_RATIO·σ), as ilastik defines it. */
export const DOG_INNER_RATIO = 0.66;

/** Structure tensor: gradients at σ (inner scale), their products smoothed at STRUCTURE_TENSOR_OUTER_RATIO·σ. */
export const STRUCTURE_TENSOR_OUTER_RATIO = 0.5;
