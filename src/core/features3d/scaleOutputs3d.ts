/**
 * The per-voxel outputs of one 3-D scale, read from frame-sized arena volumes for the core box: smoothing
 * copied, gradient magnitude and Laplacian summed, and the structure tensor's smoothing of the gradient
 * products. Explicit loops over the core rows (a callback per voxel costs more than the arithmetic).
 */
import type { GaussianKernel } from '../features/gaussianKernels.js';
import type { CoreInFrame } from './symmetricEigenvalues3x3.js';
import type { ArenaVolume, VolumeArena } from './volumeArena.js';
import { convolveX, convolveY, convolveZ } from './volumePasses.js';

/** Float index (in the frame) of the first voxel of core row (cz, cy). */
function rowStart(box: CoreInFrame, cz: number, cy: number): number {
  return ((box.z + cz) * box.frameHeight + box.y + cy) * box.frameWidth + box.x;
}

/** The core of `v` into `out` (core-sized, z-major). */
export function copyCore(arena: VolumeArena, v: ArenaVolume, box: CoreInFrame, out: Float32Array): void {
  const a = arena.view(v);
  let o = 0;
  for (let cz = 0; cz < box.depth; cz++)
    for (let cy = 0; cy < box.height; cy++, o += box.width) {
      const i = rowStart(box, cz, cy);
      out.set(a.subarray(i, i + box.width), o);
    }
}

/** √(a² + b² + c²) over the core (the gradient magnitude from its three components). */
export function magnitudeOfThree(
  arena: VolumeArena,
  [va, vb, vc]: readonly [ArenaVolume, ArenaVolume, ArenaVolume],
  box: CoreInFrame,
  out: Float32Array,
): void {
  const [a, b, c] = [arena.view(va), arena.view(vb), arena.view(vc)];
  let o = 0;
  for (let cz = 0; cz < box.depth; cz++)
    for (let cy = 0; cy < box.height; cy++) {
      let i = rowStart(box, cz, cy);
      for (let cx = 0; cx < box.width; cx++, i++, o++)
        out[o] = Math.sqrt(a[i] * a[i] + b[i] * b[i] + c[i] * c[i]);
    }
}

/** a + b + c over the core (the Laplacian from the Hessian's diagonal). */
export function sumOfThree(
  arena: VolumeArena,
  [va, vb, vc]: readonly [ArenaVolume, ArenaVolume, ArenaVolume],
  box: CoreInFrame,
  out: Float32Array,
): void {
  const [a, b, c] = [arena.view(va), arena.view(vb), arena.view(vc)];
  let o = 0;
  for (let cz = 0; cz < box.depth; cz++)
    for (let cy = 0; cy < box.height; cy++) {
      let i = rowStart(box, cz, cy);
      for (let cx = 0; cx < box.width; cx++, i++, o++) out[o] = a[i] + b[i] + c[i];
    }
}

/**
 * The six structure-tensor entries from the gradient (given back to the arena here): the products are all
 * formed first, rounded to float32 as vigra stores its tensor, so the gradient's three volumes are freed
 * before smoothing; each product is then smoothed through one scratch volume (x into it, y back, z into
 * it), so at most ten volumes are live instead of the gradient, six results and two scratches at once.
 * Returns txx, txy, txz, tyy, tyz, tzz.
 */
export function structureTensor3d(
  arena: VolumeArena,
  gradient: readonly [ArenaVolume, ArenaVolume, ArenaVolume],
  outer: readonly [GaussianKernel, GaussianKernel, GaussianKernel],
  pad: ArenaVolume,
): [ArenaVolume, ArenaVolume, ArenaVolume, ArenaVolume, ArenaVolume, ArenaVolume] {
  const [gx, gy, gz] = gradient;
  const { depth, height, width } = gx;
  const pairs: readonly [ArenaVolume, ArenaVolume][] = [
    [gx, gx],
    [gx, gy],
    [gx, gz],
    [gy, gy],
    [gy, gz],
    [gz, gz],
  ];
  const products = pairs.map(([p, q]) => {
    const t = arena.take(depth, height, width);
    // Views after the take (a take may grow the arena's memory).
    const [d, a, b] = [arena.view(t), arena.view(p), arena.view(q)];
    for (let i = 0; i < d.length; i++) d[i] = a[i] * b[i];
    return t;
  });
  arena.give(gx, gy, gz);
  const [kz, ky, kx] = outer;
  const smoothed = products.map((t) => {
    const s = arena.take(depth, height, width);
    convolveX(arena, t, s, kx, pad);
    convolveY(arena, s, t, ky);
    convolveZ(arena, t, s, kz);
    arena.give(t);
    return s;
  });
  return smoothed as [ArenaVolume, ArenaVolume, ArenaVolume, ArenaVolume, ArenaVolume, ArenaVolume];
}
