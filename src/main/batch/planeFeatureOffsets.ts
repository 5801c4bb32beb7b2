/**
 * The feature offsets (featureOffset.ts) of one plane of an image read tile by tile: its tiles must share
 * one offset per channel, or their float32 rounding differs and shows as seams between tiles. Estimated
 * from the tiles percentile normalization samples (a spread of the plane), as the features see them.
 */
import { featureOffsets } from '../../core/features/featureOffset.js';
import type { PlanarImage } from '../../core/image.js';
import type { ImageSource } from '../../core/imageSource.js';
import { percentileSampleRects } from '../../core/normalization.js';

export async function planeFeatureOffsets(
  source: ImageSource,
  plane: number,
  normalize: (image: PlanarImage) => PlanarImage,
): Promise<number[]> {
  const rects = percentileSampleRects(source.info.width, source.info.height);
  const parts: Float32Array[][] = [];
  for (const rect of rects) parts.push(normalize(await source.readRegion(rect, plane)).channels);
  const joined = parts[0].map((_, c) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p[c].length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p[c], at);
      at += p[c].length;
    }
    return out;
  });
  return featureOffsets(joined);
}
