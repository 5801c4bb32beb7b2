/**
 * Intensity normalization before features: none (raw values, as ilastik does) or per image and channel
 * percentiles mapped to 0 and 1, for data whose range differs between images (e.g. 16-bit data sitting on
 * a large, varying camera offset), optionally followed by a square root. Percentiles of a big image are
 * estimated from a sample of tiles.
 */
import type { PlanarImage } from './image.js';
import { selectKth } from './selectKth.js';
import type { Rect } from './tiling.js';
import type { ChannelRange, NormalizationSettings } from './project/Project.js';

/**
 * 'percentile-sqrt' takes the square root of the percentile-mapped values (below 0 → 0): photon counts'
 * noise grows with their brightness, and the root evens it out (Anscombe's variance stabilization), so dim
 * and bright objects of one class and the background's noise are closer to the Gaussians the mixtures
 * assume. Within each image (`npm run bench:accuracy`) it raised ISBI 0.633 → 0.635, HeLa 0.867 → 0.883,
 * GOWT1 0.852 → 0.857 (all 30 ISBI slices: 0.606 → 0.626).
 */
export const NORMALIZATION_MODES = ['none', 'percentile', 'percentile-sqrt'] as const;
export type NormalizationModeName = (typeof NORMALIZATION_MODES)[number];
/** The normalizations that map percentiles: every mode but 'none'. */
export type PercentileMode = Exclude<NormalizationModeName, 'none'>;

/**
 * The normalization of a new project (`mixel train` without --normalize, the window's New project), chosen
 * on `npm run bench:transfer` and `npm run bench:accuracy` (README, Intensity normalization): across images
 * percentile beat raw values on 4 of the 6 set/drift rows (mean IoU 0.756 against 0.734 with --adapt auto;
 * GOWT1 trained on two images of different exposure 0.826 against 0.680), the case a batch meets most.
 */
export const DEFAULT_PERCENTILE_MODE: PercentileMode = 'percentile-sqrt';
export const DEFAULT_NORMALIZATION_MODE: NormalizationModeName = DEFAULT_PERCENTILE_MODE;

/** Images up to this many pixels are measured whole; larger ones from SAMPLE_TILE_COUNT tiles. */
export const WHOLE_IMAGE_SAMPLE_PIXELS = 4096 * 4096;
/** 16 tiles of 512² = 4 M samples: percentile error well below one grey level for 0.1/99.9 %. */
export const SAMPLE_TILE_COUNT = 16;
export const SAMPLE_TILE_SIZE = 512;
/**
 * Planes sampled, evenly spaced through z, for the percentile range of a stack's frame (measureFrameRange),
 * so a stack whose planes differ (a dark middle plane, bleaching along z) is normalized by its whole frame
 * and all its planes alike, in the window and on the command line, in 2-D and 3-D.
 */
export const NORMALIZATION_SAMPLE_PLANES = 8;

/** Regions to measure: the whole image when small, else a regular 4 × 4 grid of tiles spread over it. */
export function percentileSampleRects(width: number, height: number): Rect[] {
  if (width * height <= WHOLE_IMAGE_SAMPLE_PIXELS) return [{ x: 0, y: 0, width, height }];
  const side = Math.round(Math.sqrt(SAMPLE_TILE_COUNT));
  const tw = Math.min(SAMPLE_TILE_SIZE, width);
  const th = Math.min(SAMPLE_TILE_SIZE, height);
  const rects: Rect[] = [];
  for (let j = 0; j < side; j++) {
    for (let i = 0; i < side; i++) {
      // Centres at (i + 0.5) / side of the image, so the grid covers the middle and the edges alike.
      const x = Math.min(width - tw, Math.max(0, Math.round(((i + 0.5) * width) / side - tw / 2)));
      const y = Math.min(height - th, Math.max(0, Math.round(((j + 0.5) * height) / side - th / 2)));
      rects.push({ x, y, width: tw, height: th });
    }
  }
  return rects;
}

/**
 * Percentiles (0..100) of a set of values, linear interpolation as numpy's default. Integer values (every
 * 8- and 16-bit image) within HISTOGRAM_SPAN are counted into a histogram, whose ranks give the same order
 * statistics in two passes; others by quickselect on a copy (two linear passes per percentile: 4 M values
 * 0.7 s sorted, a tenth of it selected); with NaN among the values by sorting, which orders NaN last.
 */
export function percentiles(values: Float32Array, ps: readonly number[]): number[] {
  if (values.length === 0) throw new RangeError('percentiles of no values');
  const n = values.length;
  const ranks = ps.map((p) => {
    const pos = (Math.min(100, Math.max(0, p)) / 100) * (n - 1);
    const lo = Math.floor(pos);
    return { lo, hi: Math.min(n - 1, lo + 1), fraction: pos - lo };
  });
  const interpolate = (rankValue: (rank: number) => number) =>
    ranks.map(({ lo, hi, fraction }) => {
      const low = rankValue(lo);
      return low + (rankValue(hi) - low) * fraction;
    });
  const counted = integerHistogram(values);
  if (counted) return interpolate((rank) => valueAtRank(counted, rank));
  const copy = Float32Array.from(values);
  if (copy.some(Number.isNaN)) {
    copy.sort();
    return interpolate((rank) => copy[rank]);
  }
  return ranks.map(({ lo, hi, fraction }) => {
    const low = selectKth(copy, lo);
    // After the selection everything beyond lo is ≥ it: the next rank is their minimum.
    const high = hi === lo ? low : minimumFrom(copy, hi);
    return low + (high - low) * fraction;
  });
}

/** Widest range of integer values counted in a histogram (4 MB of counts): 16-bit images and more. */
const HISTOGRAM_SPAN = 1 << 20;

interface IntegerHistogram {
  readonly min: number;
  readonly counts: Uint32Array;
}

/** Counts of each integer value, or null when a value is not an integer (or NaN) or the span is too wide. */
function integerHistogram(values: Float32Array): IntegerHistogram | null {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // NaN and fractions fail this test alike.
    if (!(Math.floor(v) === v)) return null;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  // Also refuses infinite values (their span is not a number or infinite).
  if (!(max - min < HISTOGRAM_SPAN)) return null;
  const counts = new Uint32Array(max - min + 1);
  for (let i = 0; i < values.length; i++) counts[values[i] - min]++;
  return { min, counts };
}

/** The value of 0-based rank `rank` in the sorted values. */
function valueAtRank({ min, counts }: IntegerHistogram, rank: number): number {
  let seen = 0;
  for (let v = 0; v < counts.length; v++) {
    seen += counts[v];
    if (seen > rank) return min + v;
  }
  return min + counts.length - 1;
}

function minimumFrom(values: Float32Array, start: number): number {
  let min = values[start];
  for (let i = start + 1; i < values.length; i++) if (values[i] < min) min = values[i];
  return min;
}

/** Per-channel low/high percentiles of the given samples (one concatenated Float32Array per channel). */
export function channelRangeOf(samples: Float32Array[], settings: NormalizationSettings): ChannelRange {
  const low: number[] = [];
  const high: number[] = [];
  for (const channel of samples) {
    const [lo, hi] = percentiles(channel, [settings.lowPercentile, settings.highPercentile]);
    low.push(lo);
    high.push(hi);
  }
  return { low, high };
}

/**
 * Maps low → 0 and high → 1 per channel (values outside stay outside: clipping would flatten features at
 * bright objects), then under 'percentile-sqrt' takes the square root, with values below low at 0 (the
 * root has no real value there, and the 0.1 % darkest pixels lose nothing a class needs). A flat channel
 * (high = low) is only shifted.
 */
export function applyNormalization(
  image: PlanarImage,
  range: ChannelRange,
  mode: PercentileMode,
): PlanarImage {
  if (range.low.length !== image.channels.length) {
    throw new RangeError(
      `normalization has ${range.low.length} channels but the image has ${image.channels.length}`,
    );
  }
  const root = mode === 'percentile-sqrt';
  const channels = image.channels.map((plane, c) => {
    const low = range.low[c];
    const span = range.high[c] - low;
    const scale = span > 0 ? 1 / span : 1;
    const out = new Float32Array(plane.length);
    if (root)
      for (let i = 0; i < plane.length; i++) out[i] = Math.sqrt(Math.max(0, (plane[i] - low) * scale));
    else for (let i = 0; i < plane.length; i++) out[i] = (plane[i] - low) * scale;
    return out;
  });
  return { width: image.width, height: image.height, channels };
}

/** The image as features should see it under the project's settings. */
export function normalizeForFeatures(
  image: PlanarImage,
  settings: NormalizationSettings,
  range: ChannelRange | undefined,
): PlanarImage {
  if (settings.mode === 'none') return image;
  if (!range)
    throw new Error('percentile normalization needs the image’s channel range (computed when it is added)');
  return applyNormalization(image, range, settings.mode);
}
