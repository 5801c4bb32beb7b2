/**
 * Offset-free filtering. 16-bit microscopy often sits on a large offset (camera baseline: HeLa's values are
 * near 33000), and float32 carries only ~7 digits: pre-smoothing such data rounds every voxel by ~2·10⁻³,
 * which is 4·10⁻³ of a σ = 10 Difference of Gaussians' range. Every feature but smoothing ignores a constant
 * offset (derivatives, DoG: the kernels' weights sum to 0), so the bank subtracts one per image channel,
 * filters the small remainder, and adds the offset back to Gaussian smoothing only.
 *
 * Tiles must use the image's offset, not their own, or a tile's float32 rounding would differ from the whole
 * image's and show as seams: callers that tile an image pass `featureOffsets(image)` to every tile. When no
 * offset is given, the bank takes the channel's own: 0 for data whose median is below MIN_OFFSET (8- and
 * 12-bit data, most 16-bit data: nothing changes there), else the median rounded to a multiple of
 * OFFSET_QUANTUM.
 */

/**
 * Below this median the bank subtracts nothing: float32 keeps such values to ≤ 2.4·10⁻⁴, and tiles of
 * ordinary images need not agree on an offset.
 */
export const MIN_OFFSET = 4096;

/**
 * Offsets are multiples of this: coarse, so that tiles of ordinary images pick the same one (HeLa's tiles,
 * medians near 33000, all take 32768), and a power of two, exact in float32. With the DoG in float64
 * (dogFloat64.ts), a remainder of a few hundred keeps every channel within 10⁻⁴ of float64.
 */
export const OFFSET_QUANTUM = 4096;

/** Values sampled (evenly spaced) to estimate the median: enough for a quantized offset, cheap on 20k² images. */
const MEDIAN_SAMPLES = 65536;

/** The offset the bank subtracts from a channel: 0 below MIN_OFFSET, else its median rounded to OFFSET_QUANTUM. */
export function channelFeatureOffset(channel: Float32Array): number {
  const n = channel.length;
  if (n === 0) return 0;
  const step = Math.max(1, Math.floor(n / MEDIAN_SAMPLES));
  const sample = new Float32Array(Math.ceil(n / step));
  let m = 0;
  for (let i = 0; i < n; i += step) {
    const v = channel[i];
    if (Number.isFinite(v)) sample[m++] = v;
  }
  if (m === 0) return 0;
  const sorted = sample.subarray(0, m).sort();
  const median = sorted[m >> 1];
  if (!(Math.abs(median) >= MIN_OFFSET)) return 0;
  return Math.round(median / OFFSET_QUANTUM) * OFFSET_QUANTUM;
}

/** One offset per channel: compute once per image and pass to every tile or block. */
export function featureOffsets(channels: readonly Float32Array[]): number[] {
  return channels.map(channelFeatureOffset);
}

/** Throws naming the problem unless `offsets` has one finite value per input channel. */
export function checkFeatureOffsets(offsets: readonly number[], channelCount: number): void {
  if (offsets.length !== channelCount || !offsets.every(Number.isFinite)) {
    throw new RangeError(
      `feature offsets: expected ${channelCount} finite numbers, got [${offsets.join(', ')}]`,
    );
  }
}

/** `channel − offset` as a new array (or the channel itself for offset 0). */
export function subtractOffset(channel: Float32Array, offset: number): Float32Array {
  if (offset === 0) return channel;
  const out = new Float32Array(channel.length);
  for (let i = 0; i < channel.length; i++) out[i] = channel[i] - offset;
  return out;
}
