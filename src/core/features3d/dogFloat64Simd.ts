/**
 * The 3-D bank's Difference of Gaussians in float64 (why: dogFloat64.ts), through the SIMD module's float64
 * loop (two doubles per step) on float64 volumes in the arena — the same sums as dogFloat64.ts, four times
 * faster than its JavaScript loops. For the ilastik convention's short kernels (radius ≤ 2); callers fall
 * back to dogFloat64.ts otherwise. A null z kernel makes it 2-D (the 2-D bank uses it too).
 */
import { reflectIndex } from '../features/convolutionLoops.js';
import type { GaussianKernel } from '../features/gaussianKernels.js';
import type { CoreInFrame } from './symmetricEigenvalues3x3.js';
import type { ArenaVolume, VolumeArena } from './volumeArena.js';

/** Byte address of the three float64 weights (inside the float32 weight area, unused while this runs). */
const WEIGHTS64_BYTES = 1024;
const SHORT_RADIUS = 2;

export function isDogSimdApplicable(
  arena: VolumeArena,
  kernels: readonly (GaussianKernel | null)[],
): boolean {
  return arena.simd !== null && kernels.every((k) => !k || (k.radius <= SHORT_RADIUS && !k.isOdd));
}

function loadWeights(arena: VolumeArena, k: GaussianKernel): void {
  const h = arena.heap64;
  for (let j = 0; j <= SHORT_RADIUS; j++) h[WEIGHTS64_BYTES / 8 + j] = j <= k.radius ? k.weights[j] : 0;
}

/** out = Σ w·lines over n doubles; lines as double indices at offsets −r … r. */
function tapSum(arena: VolumeArena, k: GaussianKernel, out: number, n: number, lines: number[]): void {
  const [a, b, m, d, e] = k.radius === 1 ? [lines[0], lines[0], lines[1], lines[2], lines[2]] : lines;
  (arena.simd as NonNullable<VolumeArena['simd']>).taps5EvenF64(
    8 * out,
    8 * n,
    8 * a,
    8 * b,
    8 * m,
    8 * d,
    8 * e,
    WEIGHTS64_BYTES,
  );
}

/** Along y (count = height, run = width, outer = depth) or z (count = depth, run = plane, outer = 1). */
function runs(
  arena: VolumeArena,
  src: number,
  dst: number,
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
    const s = src + o * count * run;
    const d = dst + o * count * run;
    const edge = (i: number): void => {
      for (let j = -r; j <= r; j++) lines[j + r] = s + reflectIndex(i + j, count) * run;
      tapSum(arena, k, d + i * run, run, lines);
    };
    for (let i = 0; i < first; i++) edge(i);
    if (last > first) {
      for (let j = -r; j <= r; j++) lines[j + r] = s + (first + j) * run;
      tapSum(arena, k, d + first * run, (last - first) * run, lines);
    }
    for (let i = last; i < count; i++) edge(i);
  }
}

function alongX(
  arena: VolumeArena,
  src: number,
  dst: number,
  k: GaussianKernel,
  rows: number,
  W: number,
): void {
  loadWeights(arena, k);
  const r = k.radius;
  const lines: number[] = [];
  for (let j = -r; j <= r; j++) lines.push(src + j);
  tapSum(arena, k, dst, rows * W, lines);
  const h = arena.heap64;
  const w = k.weights;
  for (let row = 0; row < rows; row++) {
    const s = src + row * W;
    for (let x = 0; x < W; x++) {
      if (x === r && W - r > r) x = W - r;
      let sum = w[0] * h[s + x];
      for (let j = 1; j <= r; j++)
        sum += w[j] * (h[s + reflectIndex(x - j, W)] + h[s + reflectIndex(x + j, W)]);
      h[dst + row * W + x] = sum;
    }
  }
}

/**
 * Smoothing of the float64 volume at `p` (double index) with kernels along z, y, x; returns a double index.
 * `consumed` (p's volume, on its last use) is given back after the x pass, so its slot serves the y pass.
 */
function smooth(
  arena: VolumeArena,
  p: number,
  shape: ArenaVolume,
  k: readonly [GaussianKernel | null, GaussianKernel, GaussianKernel],
  consumed: ArenaVolume | null,
): [number, ArenaVolume] {
  const { depth: D, height: H, width: W } = shape;
  const t1 = arena.take(D, H, 2 * W);
  alongX(arena, p, t1.at / 2, k[2], D * H, W);
  arena.give(consumed);
  const t2 = arena.take(D, H, 2 * W);
  runs(arena, t1.at / 2, t2.at / 2, k[1], H, W, D);
  const z = k[0];
  if (!z) {
    arena.give(t1);
    return [t2.at / 2, t2];
  }
  runs(arena, t2.at / 2, t1.at / 2, z, D, H * W, 1);
  arena.give(t2);
  return [t1.at / 2, t1];
}

/**
 * DoG = smoothing(outer) − smoothing(inner) of the float32 frame `source`, in float64, for the core; the
 * kernels are [z, y, x].
 */
export function differenceOfGaussiansSimd(
  arena: VolumeArena,
  source: ArenaVolume,
  outer: readonly [GaussianKernel | null, GaussianKernel, GaussianKernel],
  inner: readonly [GaussianKernel | null, GaussianKernel, GaussianKernel],
  box: CoreInFrame,
  out: Float32Array,
): void {
  const { depth: D, height: H, width: W } = source;
  const n = D * H * W;
  const p = arena.take(D, H, 2 * W);
  arena.heap64.subarray(p.at / 2, p.at / 2 + n).set(arena.heap.subarray(source.at, source.at + n));
  // (Each pass overruns its output by at most one double: volume slack covers it.)
  const [a, aVolume] = smooth(arena, p.at / 2, source, outer, null);
  const [b, bVolume] = smooth(arena, p.at / 2, source, inner, p);
  const h = arena.heap64;
  let o = 0;
  for (let z = 0; z < box.depth; z++) {
    for (let y = 0; y < box.height; y++) {
      const i = ((box.z + z) * box.frameHeight + box.y + y) * box.frameWidth + box.x;
      for (let x = 0; x < box.width; x++, o++) out[o] = h[a + i + x] - h[b + i + x];
    }
  }
  arena.give(aVolume, bVolume);
}
