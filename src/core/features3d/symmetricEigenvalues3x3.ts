/**
 * Eigenvalues of symmetric 3 × 3 tensors given as six volumes, largest first, by the closed form vigra uses
 * (symmetric3x3Eigenvalues: the roots of the characteristic polynomial through the trigonometric solution of
 * the depressed cubic), in float64, rounded to float32 at the end.
 *
 * The six inputs are frame-sized (`frame` voxels per row/plane); outputs cover the core box inside the frame.
 */
import type { ArenaVolume, VolumeArena } from './volumeArena.js';

export interface TensorVolumes {
  readonly a00: Float32Array;
  readonly a01: Float32Array;
  readonly a02: Float32Array;
  readonly a11: Float32Array;
  readonly a12: Float32Array;
  readonly a22: Float32Array;
}

/** Frame size and the core box inside it (offsets and sizes, in voxels). */
export interface CoreInFrame {
  readonly frameHeight: number;
  readonly frameWidth: number;
  readonly z: number;
  readonly y: number;
  readonly x: number;
  readonly depth: number;
  readonly height: number;
  readonly width: number;
}

const INV3 = 1 / 3;
const ROOT3 = Math.sqrt(3);

/**
 * cos(φ) for cos(3φ) = t, φ ∈ [0, π/3], without trigonometry (three Math calls per voxel were most of the
 * bank's time): as a function of x = 2√((1 + t)/2) − 1 it is analytic on [−1, 1] (nearest singularity at
 * x = −3), so the degree-15 Chebyshev interpolant is exact to 7·10⁻¹⁵. Computed once here and turned into
 * power-basis coefficients (they decay from 0.77 to 5·10⁻¹⁰: well conditioned), evaluated by Estrin's scheme,
 * whose short dependency chains let consecutive voxels overlap.
 */
export const COS_THIRD = ((): Float64Array => {
  const n = 16;
  const f = (s: number): number => Math.cos((2 * Math.acos(s)) / 3);
  const cheb = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const th = (Math.PI * (k + 0.5)) / n;
      sum += f((Math.cos(th) + 1) / 2) * Math.cos(j * th);
    }
    cheb[j] = (2 / n) * sum;
  }
  cheb[0] /= 2;
  // Power basis through T₀ = 1, T₁ = x, Tⱼ₊₁ = 2x·Tⱼ − Tⱼ₋₁.
  const power = new Float64Array(n);
  let previous = new Float64Array(n);
  let current = new Float64Array(n);
  previous[0] = 1;
  current[1] = 1;
  power[0] = cheb[0];
  power[1] = cheb[1];
  for (let j = 2; j < n; j++) {
    const next = new Float64Array(n);
    for (let k = 0; k < n; k++) next[k] = (k > 0 ? 2 * current[k - 1] : 0) - previous[k];
    for (let k = 0; k < n; k++) power[k] += cheb[j] * next[k];
    previous = current;
    current = next;
  }
  return power;
})();
const [M0, M1, M2, M3, M4, M5, M6, M7, M8, M9, M10, M11, M12, M13, M14, M15] = COS_THIRD;

function cosOfThird(t: number): number {
  const x = 2 * Math.sqrt(0.5 * (1 + t)) - 1;
  const x2 = x * x;
  const x4 = x2 * x2;
  const low = M0 + M1 * x + (M2 + M3 * x) * x2 + (M4 + M5 * x + (M6 + M7 * x) * x2) * x4;
  const high = M8 + M9 * x + (M10 + M11 * x) * x2 + (M12 + M13 * x + (M14 + M15 * x) * x2) * x4;
  return low + high * (x4 * x4);
}

export function symmetricEigenvalues3x3(
  t: TensorVolumes,
  box: CoreInFrame,
  out0: Float32Array,
  out1: Float32Array,
  out2: Float32Array,
): void {
  const { a00, a01, a02, a11, a12, a22 } = t;
  let o = 0;
  for (let z = 0; z < box.depth; z++) {
    for (let y = 0; y < box.height; y++) {
      let i = ((box.z + z) * box.frameHeight + box.y + y) * box.frameWidth + box.x;
      for (let x = 0; x < box.width; x++, i++, o++) {
        const p00 = a00[i];
        const p01 = a01[i];
        const p02 = a02[i];
        const p11 = a11[i];
        const p12 = a12[i];
        const p22 = a22[i];
        // Shifted by the mean eigenvalue first (vigra's formula with c2 = 0): the products below then involve
        // only the tensor's deviatoric part, which keeps float64 cancellation far from the float32 result.
        const mean = (p00 + p11 + p22) * INV3;
        const b00 = p00 - mean;
        const b11 = p11 - mean;
        const b22 = p22 - mean;
        const c0 =
          b00 * b11 * b22 + 2 * p01 * p02 * p12 - b00 * p12 * p12 - b11 * p02 * p02 - b22 * p01 * p01;
        const c1 = b00 * b11 - p01 * p01 + b00 * b22 - p02 * p02 + b11 * b22 - p12 * p12;
        let aDiv3 = c1 * INV3;
        if (aDiv3 > 0) aDiv3 = 0;
        const mbDiv2 = 0.5 * c0;
        const magnitude = Math.sqrt(-aDiv3);
        // cos(3φ) = mbDiv2 / magnitude³ (vigra takes φ = atan2(√−q, mbDiv2) / 3: the same angle).
        const cube = magnitude * magnitude * magnitude;
        let t = cube > 0 ? mbDiv2 / cube : 1;
        if (t > 1) t = 1;
        else if (t < -1) t = -1;
        const cs = cosOfThird(t);
        const sn = Math.sqrt(Math.max(0, 1 - cs * cs));
        // φ ∈ [0, π/3] orders the roots: r0 ≥ r2 ≥ r1.
        const r0 = mean + 2 * magnitude * cs;
        const r1 = mean - magnitude * (cs - ROOT3 * sn);
        const r2 = mean - magnitude * (cs + ROOT3 * sn);
        out0[o] = r0;
        out1[o] = r1;
        out2[o] = r2;
      }
    }
  }
}

/** Byte address of the cos(φ) coefficients in the arena (inside the weight area, unused while this runs). */
const COEFFICIENTS_BYTES = 1536;

/**
 * The eigenvalues of six frame-sized arena volumes for the core box: the SIMD function row by row where it
 * exists (outputs through three scratch rows in the arena), else the JavaScript loop.
 */
export function tensorEigenvaluesInArena(
  arena: VolumeArena,
  t: readonly [ArenaVolume, ArenaVolume, ArenaVolume, ArenaVolume, ArenaVolume, ArenaVolume],
  box: CoreInFrame,
  out0: Float32Array,
  out1: Float32Array,
  out2: Float32Array,
): void {
  const simd = arena.simd;
  if (!simd) {
    const [a00, a01, a02, a11, a12, a22] = t.map((v) => arena.view(v));
    symmetricEigenvalues3x3({ a00, a01, a02, a11, a12, a22 }, box, out0, out1, out2);
    return;
  }
  arena.heap64.set(COS_THIRD, COEFFICIENTS_BYTES / 8);
  const rows = [0, 1, 2].map(() => arena.take(1, 1, box.width + 8));
  const heap = arena.heap;
  const w = box.width;
  const eig3 = simd.eig3;
  // Byte addresses; explicit arguments (a spread call into wasm costs more than a row of work).
  const [b00, b01, b02, b11, b12, b22] = t.map((v) => 4 * v.at);
  const [r0, r1, r2] = rows.map((r) => r.at);
  const row0 = heap.subarray(r0, r0 + w);
  const row1 = heap.subarray(r1, r1 + w);
  const row2 = heap.subarray(r2, r2 + w);
  let o = 0;
  for (let z = 0; z < box.depth; z++) {
    for (let y = 0; y < box.height; y++, o += w) {
      const i = 4 * (((box.z + z) * box.frameHeight + box.y + y) * box.frameWidth + box.x);
      eig3(
        b00 + i,
        b01 + i,
        b02 + i,
        b11 + i,
        b12 + i,
        b22 + i,
        4 * r0,
        4 * r1,
        4 * r2,
        4 * w,
        COEFFICIENTS_BYTES,
      );
      out0.set(row0, o);
      out1.set(row1, o);
      out2.set(row2, o);
    }
  }
  arena.give(...rows);
}
