/**
 * The pixels adaptation looks at: a seeded random subset of feature planes (rows for adaptClassifier),
 * and, for images too large to compute features for twice, a few windows spread over the image whose
 * features are computed only to draw that sample.
 */
import { SeededRandom } from '../../random.js';
import { ADAPTATION_WORK_SHARE } from './adaptationConstants.js';
import type { Rect } from '../../tiling.js';

/** Up to `count` rows (n × planes.length, Float64) drawn without replacement from planes of pixelCount. */
export function sampleFeatureRows(
  planes: readonly Float32Array[],
  pixelCount: number,
  count: number,
  seed: number,
): { rows: Float64Array; n: number } {
  const d = planes.length;
  const n = Math.min(count, pixelCount);
  const rng = new SeededRandom(seed);
  // Partial Fisher–Yates over the indices, so no pixel is drawn twice.
  const index = new Int32Array(pixelCount);
  for (let i = 0; i < pixelCount; i++) index[i] = i;
  for (let i = 0; i < n; i++) {
    const j = i + rng.nextInt(pixelCount - i);
    const t = index[i];
    index[i] = index[j];
    index[j] = t;
  }
  const rows = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) rows[i * d + c] = planes[c][index[i]];
  return { rows, n };
}

/**
 * About `wanted` windows of windowSize² pixels to compute features on for the sample: a regular grid of
 * windows centred in equal cells, so the middle and the edges are seen alike. Their feature work (each
 * side grown by the feature halo `haloPx`) is held to ADAPTATION_WORK_SHARE of the whole image's, so a
 * small image gets fewer windows (a 512² image: 5 of 96², not 25); an image no larger than the windows is
 * sampled whole.
 */
export function sampleWindows(
  width: number,
  height: number,
  wanted: number,
  windowSize: number,
  haloPx = 0,
): Rect[] {
  if (width * height <= wanted * windowSize * windowSize) return [{ x: 0, y: 0, width, height }];
  const wholeWork = (width + 2 * haloPx) * (height + 2 * haloPx);
  const affordable = Math.floor((ADAPTATION_WORK_SHARE * wholeWork) / (windowSize + 2 * haloPx) ** 2);
  const count = Math.max(1, Math.min(wanted, affordable));
  const w = Math.min(windowSize, width);
  const h = Math.min(windowSize, height);
  const cols = Math.max(1, Math.min(Math.floor(width / w), Math.round(Math.sqrt((count * width) / height))));
  const rowsOfWindows = Math.max(1, Math.min(Math.floor(height / h), Math.ceil(count / cols)));
  const rects: Rect[] = [];
  for (let j = 0; j < rowsOfWindows; j++) {
    for (let i = 0; i < cols; i++) {
      const x = Math.min(width - w, Math.max(0, Math.round(((i + 0.5) * width) / cols - w / 2)));
      const y = Math.min(height - h, Math.max(0, Math.round(((j + 0.5) * height) / rowsOfWindows - h / 2)));
      rects.push({ x, y, width: w, height: h });
    }
  }
  return rects;
}
