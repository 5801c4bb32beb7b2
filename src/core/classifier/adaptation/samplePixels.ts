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
  const pixels = samplePixelIndices(pixelCount, count, seed);
  return { rows: gatherFeatureRows([planes], pixels), n: pixels.length };
}

/** Up to `count` distinct pixel indices of 0..pixelCount−1, seeded, in the order drawn (a random order). */
export function samplePixelIndices(pixelCount: number, count: number, seed: number): Int32Array {
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
  return index.slice(0, n);
}

/**
 * The feature rows (n × planes, Float64) of the given pixels of an image whose planes are stored in
 * consecutive pieces — each piece one set of planes holding the next pixels in order (e.g. bands of rows
 * of one plane), so pixel p of the whole is found without joining the pieces. Plane after plane, so each
 * pass reads one plane (a row at a time touches every plane and missed the cache: 80 → 30 ms for a 512²
 * image's 24 000 × 49).
 */
export function gatherFeatureRows(
  pieces: readonly (readonly Float32Array[])[],
  pixels: Int32Array,
): Float64Array {
  const d = pieces[0]?.length ?? 0;
  const n = pixels.length;
  const starts = [0];
  for (const piece of pieces) {
    if (piece.length !== d) throw new RangeError(`a feature piece has ${piece.length} planes, expected ${d}`);
    starts.push(starts[starts.length - 1] + (d > 0 ? piece[0].length : 0));
  }
  // The sample's rows grouped by piece (in drawn order within each), so the inner loop reads one plane.
  const count = new Int32Array(pieces.length + 1);
  const pieceOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const p = pixels[i];
    if (!(p >= 0 && p < starts[pieces.length]))
      throw new RangeError(`pixel ${p} is outside the ${starts[pieces.length]} pixels of the feature planes`);
    const lo = pieceHolding(starts, pieces.length, p);
    pieceOf[i] = lo;
    count[lo + 1]++;
  }
  for (let t = 0; t < pieces.length; t++) count[t + 1] += count[t];
  const rowOf = new Int32Array(n);
  const local = new Int32Array(n);
  const next = count.slice(0, pieces.length);
  for (let i = 0; i < n; i++) {
    const at = next[pieceOf[i]]++;
    rowOf[at] = i * d;
    local[at] = pixels[i] - starts[pieceOf[i]];
  }
  const rows = new Float64Array(n * d);
  for (let c = 0; c < d; c++) {
    for (let t = 0; t < pieces.length; t++) {
      const plane = pieces[t][c];
      for (let at = count[t]; at < count[t + 1]; at++) rows[rowOf[at] + c] = plane[local[at]];
    }
  }
  return rows;
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

/**
 * Where the sample's pixels lie in the image: `pixels` index the windows' pixels one window after another,
 * each window row by row (as their feature planes are concatenated for the fit); the result indexes the
 * image of `width` columns row by row. So a plane whose features are at hand whole gives the same sample
 * as its windows' features would.
 */
export function windowPixelsInImage(windows: readonly Rect[], width: number, pixels: Int32Array): Int32Array {
  const starts = [0];
  for (const w of windows) starts.push(starts[starts.length - 1] + w.width * w.height);
  const out = new Int32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    const p = pixels[i];
    const lo = pieceHolding(starts, windows.length, p);
    const w = windows[lo];
    const local = p - starts[lo];
    if (!(local >= 0 && local < w.width * w.height))
      throw new RangeError(`pixel ${p} is outside the ${starts[windows.length]} pixels of the windows`);
    out[i] = (w.y + Math.floor(local / w.width)) * width + w.x + (local % w.width);
  }
  return out;
}

/** The last of the first `count` consecutive pieces starting at `starts` (ascending) whose start is ≤ p. */
function pieceHolding(starts: readonly number[], count: number, p: number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= p) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
