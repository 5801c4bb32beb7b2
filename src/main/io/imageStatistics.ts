/**
 * Statistics read from an ImageSource band by band, so they work on images larger than memory: the value
 * range for `mixel info`, the non-finite check for float data, and the percentile sample for normalization.
 */
import { concatArrays } from '../../core/concatArrays.js';
import type { ImageSource, ValueRange } from '../../core/imageSource.js';
import {
  channelRangeOf,
  NORMALIZATION_SAMPLE_PLANES,
  percentileSampleRects,
} from '../../core/normalization.js';
import type { ChannelRange, NormalizationSettings } from '../../core/project/Project.js';
import { ImageReadError } from './ImageReadError.js';

/** Rows per band when streaming a whole image: 256 rows of a 20000-wide image are 20 MB as float32. */
const BAND_ROWS = 256;

export interface ImageStatistics {
  /** Per channel, over all planes. */
  readonly ranges: ValueRange[];
  /** Count of NaN / ±Infinity samples (float images only can have them). */
  readonly nonFiniteCount: number;
}

export async function scanImage(source: ImageSource): Promise<ImageStatistics> {
  const { width, height, channels, planes } = source.info;
  const min = new Array<number>(channels).fill(Infinity);
  const max = new Array<number>(channels).fill(-Infinity);
  let nonFiniteCount = 0;
  for (let plane = 0; plane < planes; plane++) {
    for (let y = 0; y < height; y += BAND_ROWS) {
      const band = await source.readRegion(
        { x: 0, y, width, height: Math.min(BAND_ROWS, height - y) },
        plane,
      );
      band.channels.forEach((values, c) => {
        let lo = min[c];
        let hi = max[c];
        for (let i = 0; i < values.length; i++) {
          const v = values[i];
          if (v - v !== 0) {
            nonFiniteCount++;
            continue;
          }
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        min[c] = lo;
        max[c] = hi;
      });
    }
  }
  return { ranges: min.map((lo, c) => ({ min: lo, max: max[c] })), nonFiniteCount };
}

/**
 * Per-channel normalization range of one plane from a sample of tiles; refuses NaN in the sample. Measured
 * once per source: training asks again for the plane it reads (planeFrameRange, the same key).
 */
export function measureChannelRange(
  source: ImageSource,
  settings: NormalizationSettings,
  plane = 0,
): Promise<ChannelRange> {
  return planeFrameRange(source, 1, plane, settings);
}

/** What a frame's range is measured from: an image file, or the window's planes of an open image. */
export interface RangeSource {
  readonly name: string;
  readonly info: Pick<ImageSource['info'], 'width' | 'height' | 'channels'>;
  readRegion: ImageSource['readRegion'];
}

/** Frame ranges already measured, per source: every plane of a frame asks for the same one. */
const measuredFrames = new WeakMap<RangeSource, Map<string, Promise<ChannelRange>>>();

/**
 * The range plane `plane` of a stack (flat index t · zSize + z) is normalized with: its t frame's, so all
 * planes of a z-stack are scaled alike — as the window does, and as 3-D features need.
 */
export function planeFrameRange(
  source: RangeSource,
  zSize: number,
  plane: number,
  settings: NormalizationSettings,
): Promise<ChannelRange> {
  const t = Math.floor(plane / zSize);
  let frames = measuredFrames.get(source);
  if (!frames) measuredFrames.set(source, (frames = new Map()));
  const key = JSON.stringify([zSize, t, settings]);
  let range = frames.get(key);
  if (!range) {
    range = measureFrameRange(source, zSize, t, settings);
    frames.set(key, range);
    range.catch(() => frames.delete(key));
  }
  return range;
}

/**
 * The percentile range of frame `t`, measured over the whole frame: the normalization's sample rectangles
 * (percentileSampleRects) on NORMALIZATION_SAMPLE_PLANES planes spread evenly through z, each plane giving
 * every k-th value (k = planes sampled, a different phase per plane), so the frame's sample is no larger
 * than one plane's. A dark or empty plane in the middle of the stack then no longer sets the range of all.
 */
export async function measureFrameRange(
  source: RangeSource,
  zSize: number,
  t: number,
  settings: NormalizationSettings,
): Promise<ChannelRange> {
  const { width, height, channels } = source.info;
  const count = Math.min(NORMALIZATION_SAMPLE_PLANES, zSize);
  const rects = percentileSampleRects(width, height);
  const samples = Array.from({ length: channels }, () => [] as Float32Array[]);
  for (let k = 0; k < count; k++) {
    const z = Math.floor(((k + 0.5) * zSize) / count);
    for (const rect of rects) {
      const part = await source.readRegion(rect, t * zSize + z);
      part.channels.forEach((values, c) => {
        if (count === 1) {
          // One plane: every value is sampled, so the region's values are the sample (percentiles only read).
          for (let i = 0; i < values.length; i++) {
            const v = values[i];
            if (v - v !== 0) throw new ImageReadError(source.name, 'contains NaN or infinite values');
          }
          samples[c].push(values);
          return;
        }
        const picked = new Float32Array(Math.max(0, Math.ceil((values.length - (k % count)) / count)));
        for (let i = k % count, j = 0; i < values.length; i += count, j++) {
          const v = values[i];
          if (v - v !== 0) throw new ImageReadError(source.name, 'contains NaN or infinite values');
          picked[j] = v;
        }
        samples[c].push(picked);
      });
    }
  }
  return channelRangeOf(
    samples.map((parts) => (parts.length === 1 ? parts[0] : concatArrays(Float32Array, parts))),
    settings,
  );
}
