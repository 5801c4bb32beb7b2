/**
 * Contrast helpers of the window, pure so they are unit-tested: a histogram of a channel over its value
 * range, Fiji's "Auto" window, and the pyramid level whose single tile shows a whole image.
 */

/** Counts of `values` in `bins` equal bins over [lo, hi] (values outside go to the end bins). */
export function histogram(values: Float32Array, lo: number, hi: number, bins: number): Uint32Array {
  const counts = new Uint32Array(bins);
  const scale = bins / (hi - lo || 1);
  for (let i = 0; i < values.length; i++) {
    const b = Math.floor((values[i] - lo) * scale);
    counts[b < 0 ? 0 : b >= bins ? bins - 1 : b]++;
  }
  return counts;
}

/** Share of pixels saturated at each end by Auto, as Fiji's Auto: ignores hot pixels and empty background. */
export const AUTO_SATURATION = 0.0035;

/** The window [min, max] leaving AUTO_SATURATION of the pixels at each end; the full range when flat. */
export function autoWindow(values: Float32Array, lo: number, hi: number): { min: number; max: number } {
  if (values.length === 0) return { min: lo, max: hi };
  const sorted = Float32Array.from(values).sort();
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
  const min = at(AUTO_SATURATION);
  const max = at(1 - AUTO_SATURATION);
  return max > min ? { min, max } : { min: lo, max: hi };
}

/** The longest side of the overview tile the histogram and Auto read (a few hundred thousand pixels). */
export const OVERVIEW_SIZE = 512;

/** The pyramid level at which the whole image fits in OVERVIEW_SIZE pixels per side. */
export function overviewLevel(width: number, height: number): number {
  return Math.max(0, Math.ceil(Math.log2(Math.max(width, height) / OVERVIEW_SIZE)));
}

/** Gamma typed by the user, kept where a display makes sense. */
export const MIN_GAMMA = 0.1;
export const MAX_GAMMA = 10;
