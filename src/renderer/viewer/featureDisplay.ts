/**
 * Pure helpers of the feature viewer layer: the auto contrast of a feature channel (robust low and high
 * percentiles, combined over the tiles on hand) and its grey rendering. Unit-tested.
 */

/** Percentiles the auto contrast spans: outliers (edges, bright specks) do not wash the channel out. */
const LOW_PERCENTILE = 0.01;
const HIGH_PERCENTILE = 0.99;
/** Values sampled per tile for the percentiles (a sorted sample of this size is plenty for display). */
const RANGE_SAMPLES = 4096;

export interface ValueRange {
  readonly min: number;
  readonly max: number;
}

/** Low and high percentiles of one tile's values (a strided sample; NaN ignored). */
export function tileRange(values: Float32Array): ValueRange {
  const step = Math.max(1, Math.floor(values.length / RANGE_SAMPLES));
  const sample: number[] = [];
  for (let i = 0; i < values.length; i += step) if (!Number.isNaN(values[i])) sample.push(values[i]);
  if (sample.length === 0) return { min: 0, max: 1 };
  sample.sort((a, b) => a - b);
  return {
    min: sample[Math.floor(LOW_PERCENTILE * (sample.length - 1))],
    max: sample[Math.ceil(HIGH_PERCENTILE * (sample.length - 1))],
  };
}

/** The range covering every tile's own: the view's tiles shown with one contrast, so tiles match. */
export function unionRange(ranges: Iterable<ValueRange>): ValueRange | null {
  let min = Infinity;
  let max = -Infinity;
  for (const r of ranges) {
    if (r.min < min) min = r.min;
    if (r.max > max) max = r.max;
  }
  return min <= max ? { min, max } : null;
}

/** Grey RGBA of a feature channel, `range` mapped to black..white (clamped). */
export function greyFeature(
  values: Float32Array,
  range: ValueRange,
  out: Uint8ClampedArray,
): Uint8ClampedArray {
  const span = range.max - range.min || 1;
  for (let i = 0; i < values.length; i++) {
    const v = ((values[i] - range.min) / span) * 255;
    out[4 * i] = out[4 * i + 1] = out[4 * i + 2] = v;
    out[4 * i + 3] = 255;
  }
  return out;
}
