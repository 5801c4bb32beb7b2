/**
 * One-dimensional convolution passes along x, y and z over whole arena volumes, with vigra's reflective
 * border at the volume's faces (index −k reads k, n − 1 + k reads n − 1 − k). Convolution as vigra:
 * out[i] = Σₖ kernel[k]·in[i − k].
 *
 * Along y and z, the rows (planes) of the interior — those whose taps all fall inside — form one contiguous
 * run, so a single loop call covers them, four voxels per SIMD step running along x; only the r rows (planes)
 * at each face need reflected tap tables. Along x, short kernels run over the whole volume as one line and
 * the r columns at each row end are redone with reflection; long kernels copy each row, reflected, into a
 * padded line first.
 */
import { reflectIndex } from '../features/separableConvolution.js';
import type { GaussianKernel } from '../features/gaussianKernels.js';
import { MAX_ARENA_RADIUS, TABLE_AT, WEIGHTS_AT, type ArenaVolume, type VolumeArena } from './volumeArena.js';

/** Kernels up to this radius run through the five-line loop. */
const SHORT_RADIUS = 2;

function loadWeights(arena: VolumeArena, k: GaussianKernel): void {
  if (k.radius > MAX_ARENA_RADIUS) {
    throw new RangeError(`kernel radius ${k.radius} exceeds the 3-D bank's limit of ${MAX_ARENA_RADIUS}`);
  }
  const h = arena.heap;
  for (let j = 0; j <= Math.max(k.radius, SHORT_RADIUS); j++)
    h[WEIGHTS_AT + j] = j <= k.radius ? k.weights[j] : 0;
  if (k.isOdd) h[WEIGHTS_AT] = 0;
}

/**
 * out[i] = Σ w·lines for i in [0, n), lines given as float indices (offsets −r … r): the SIMD loop where it
 * exists, else the same sum in JavaScript. `lines` has 2r + 1 entries.
 */
function tapSum(arena: VolumeArena, k: GaussianKernel, out: number, n: number, lines: number[]): void {
  const r = k.radius;
  const simd = arena.simd;
  if (simd) {
    if (r <= SHORT_RADIUS) {
      const [a, b, m, d, e] = r === 1 ? [lines[0], lines[0], lines[1], lines[2], lines[2]] : lines;
      (k.isOdd ? simd.taps5Odd : simd.taps5Even)(
        4 * out,
        4 * n,
        4 * a,
        4 * b,
        4 * m,
        4 * d,
        4 * e,
        4 * WEIGHTS_AT,
      );
      return;
    }
    const table = arena.heapInt;
    for (let i = 0; i <= 2 * r; i++) table[TABLE_AT + i] = 4 * lines[i];
    (k.isOdd ? simd.tapsNOdd : simd.tapsNEven)(4 * out, 4 * n, 4 * TABLE_AT, 4 * WEIGHTS_AT, r);
    return;
  }
  const h = arena.heap;
  const w = k.weights;
  const sign = k.isOdd ? -1 : 1;
  for (let i = 0; i < n; i++) {
    let sum = k.isOdd ? 0 : w[0] * h[lines[r] + i];
    for (let j = 1; j <= r; j++) sum += w[j] * (h[lines[r - j] + i] + sign * h[lines[r + j] + i]);
    h[out + i] = sum;
  }
}

/**
 * Convolves along an axis of `count` elements, each a contiguous run of `run` voxels (rows for y, planes for
 * z), repeated `outer` times (planes for y, once for z).
 */
function convolveRuns(
  arena: VolumeArena,
  src: ArenaVolume,
  dst: ArenaVolume,
  k: GaussianKernel,
  count: number,
  run: number,
  outer: number,
): void {
  loadWeights(arena, k);
  const r = k.radius;
  const lines = new Array<number>(2 * r + 1);
  const first = Math.min(r, count);
  const last = Math.max(first, count - r);
  for (let o = 0; o < outer; o++) {
    const srcBase = src.at + o * count * run;
    const dstBase = dst.at + o * count * run;
    const edge = (i: number): void => {
      for (let j = -r; j <= r; j++) lines[j + r] = srcBase + reflectIndex(i + j, count) * run;
      tapSum(arena, k, dstBase + i * run, run, lines);
    };
    // In address order, so each call's overrun (up to three voxels) is overwritten by the next call.
    for (let i = 0; i < first; i++) edge(i);
    if (last > first) {
      for (let j = -r; j <= r; j++) lines[j + r] = srcBase + (first + j) * run;
      tapSum(arena, k, dstBase + first * run, (last - first) * run, lines);
    }
    for (let i = last; i < count; i++) edge(i);
  }
}

export function convolveY(arena: VolumeArena, src: ArenaVolume, dst: ArenaVolume, k: GaussianKernel): void {
  convolveRuns(arena, src, dst, k, src.height, src.width, src.depth);
}

export function convolveZ(arena: VolumeArena, src: ArenaVolume, dst: ArenaVolume, k: GaussianKernel): void {
  convolveRuns(arena, src, dst, k, src.depth, src.height * src.width, 1);
}

export function convolveX(
  arena: VolumeArena,
  src: ArenaVolume,
  dst: ArenaVolume,
  k: GaussianKernel,
  pad: ArenaVolume,
): void {
  loadWeights(arena, k);
  const r = k.radius;
  const W = src.width;
  const rows = src.depth * src.height;
  const lines = new Array<number>(2 * r + 1);
  if (r <= SHORT_RADIUS) {
    // The whole volume as one line; columns within r of a row end read the neighbouring rows there and are
    // recomputed below with reflection.
    for (let j = -r; j <= r; j++) lines[j + r] = src.at + j;
    tapSum(arena, k, dst.at, rows * W, lines);
    const h = arena.heap;
    const w = k.weights;
    const sign = k.isOdd ? -1 : 1;
    for (let row = 0; row < rows; row++) {
      const s = src.at + row * W;
      const d = dst.at + row * W;
      for (let x = 0; x < W; x++) {
        if (x === r && W - r > r) x = W - r;
        let sum = k.isOdd ? 0 : w[0] * h[s + x];
        for (let j = 1; j <= r; j++) {
          sum += w[j] * (h[s + reflectIndex(x - j, W)] + sign * h[s + reflectIndex(x + j, W)]);
        }
        h[d + x] = sum;
      }
    }
    return;
  }
  // Long kernels: each row copied, reflected, into `pad` (W + 2r values), then one loop call per row.
  const h = arena.heap;
  for (let i = 0; i <= 2 * r; i++) lines[i] = pad.at + i;
  for (let row = 0; row < rows; row++) {
    const s = src.at + row * W;
    for (let i = 0; i < r; i++) h[pad.at + i] = h[s + reflectIndex(i - r, W)];
    if (W > 0) h.copyWithin(pad.at + r, s, s + W);
    for (let i = 0; i < r; i++) h[pad.at + r + W + i] = h[s + reflectIndex(W + i, W)];
    tapSum(arena, k, dst.at + row * W, W, lines);
  }
}
