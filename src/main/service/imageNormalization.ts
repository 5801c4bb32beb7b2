/**
 * The window's intensity normalization (as the command line's `--normalize`): per image and channel the
 * 0.1–99.9 percentiles, measured when the mode is set or the image is added, and a normalized copy of
 * the pixels (shared memory) that the features read. The display keeps the raw pixels.
 */
import { applyNormalization, channelRangeOf, percentileSampleRects } from '../../core/normalization.js';
import type { ChannelRange } from '../../core/project/Project.js';
import { DEFAULT_NORMALIZATION } from '../../core/project/Project.js';
import type { NormalizationMode } from '../../core/protocol/types.js';
import { toSharedImage } from './poolEngine.js';
import type { OpenImage } from './projectImage.js';

/** Values of each channel inside the sample regions, one array per channel. */
function sampleValues(image: OpenImage): Float32Array[] {
  const { width, height, channels } = image.pixels;
  const rects = percentileSampleRects(width, height);
  const count = rects.reduce((n, r) => n + r.width * r.height, 0);
  return channels.map((plane) => {
    const out = new Float32Array(count);
    let o = 0;
    for (const r of rects)
      for (let y = r.y; y < r.y + r.height; y++, o += r.width)
        out.set(plane.subarray(y * width + r.x, y * width + r.x + r.width), o);
    return out;
  });
}

/** Sets (or drops, for 'none') the normalized pixels of an image under `mode`. */
export function normalizeOpenImage(image: OpenImage, mode: NormalizationMode): void {
  if (mode === 'none') {
    image.normalized = null;
    return;
  }
  const range: ChannelRange = channelRangeOf(sampleValues(image), { ...DEFAULT_NORMALIZATION, mode });
  image.normalized = { mode, range, pixels: toSharedImage(applyNormalization(image.pixels, range, mode)) };
}
