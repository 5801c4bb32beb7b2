/**
 * Statistics read from an ImageSource band by band, so they work on images larger than memory: the value
 * range for `mixel info`, the non-finite check for float data, and the percentile sample for normalization.
 */
import type { ImageSource, ValueRange } from '../../core/imageSource.js';
import { channelRangeOf, percentileSampleRects } from '../../core/normalization.js';
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

/** Per-channel normalization range of one plane from a sample of tiles; refuses NaN in the sample. */
export async function measureChannelRange(
  source: ImageSource,
  settings: NormalizationSettings,
  plane = 0,
): Promise<ChannelRange> {
  const rects = percentileSampleRects(source.info.width, source.info.height);
  const parts: Float32Array[][] = [];
  for (const rect of rects) parts.push((await source.readRegion(rect, plane)).channels);
  const samples = parts[0].map((_, c) => {
    const total = parts.reduce((n, p) => n + p[c].length, 0);
    const joined = new Float32Array(total);
    let offset = 0;
    for (const p of parts) {
      joined.set(p[c], offset);
      offset += p[c].length;
    }
    for (let i = 0; i < joined.length; i++) {
      if (joined[i] - joined[i] !== 0)
        throw new ImageReadError(source.name, 'contains NaN or infinite values');
    }
    return joined;
  });
  return channelRangeOf(samples, settings);
}
