/**
 * The pixels adaptation looks at: a seeded random subset of feature planes (rows for adaptClassifier),
 * and, for images too large to compute features for twice, a few windows spread over the image whose
 * features are computed only to draw that sample.
 */
import { SeededRandom } from '../../random.js';
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
 * windows centred in equal cells, so the middle and the edges are seen alike — or the whole image when it
 * holds no more pixels than they would, or when its features (each side grown by the feature halo
 * `haloPx`) cost no more than the windows' with their halos (a 512² image: 588² against 25 × 172²).
 */
export function sampleWindows(
  width: number,
  height: number,
  wanted: number,
  windowSize: number,
  haloPx = 0,
): Rect[] {
  const wholeWork = (width + 2 * haloPx) * (height + 2 * haloPx);
  const windowsWork = wanted * (windowSize + 2 * haloPx) ** 2;
  if (width * height <= wanted * windowSize * windowSize || wholeWork <= windowsWork) {
    return [{ x: 0, y: 0, width, height }];
  }
  const w = Math.min(windowSize, width);
  const h = Math.min(windowSize, height);
  const cols = Math.max(1, Math.min(Math.floor(width / w), Math.round(Math.sqrt((wanted * width) / height))));
  const rowsOfWindows = Math.max(1, Math.min(Math.floor(height / h), Math.ceil(wanted / cols)));
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
