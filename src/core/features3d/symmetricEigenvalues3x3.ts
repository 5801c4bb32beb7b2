/**
 * Eigenvalues of symmetric 3 × 3 tensors given as six volumes, largest first, by the closed form vigra uses
 * (symmetric3x3Eigenvalues: the roots of the characteristic polynomial through the trigonometric solution of
 * the depressed cubic), in float64, rounded to float32 at the end.
 *
 * The six inputs are frame-sized (`frame` voxels per row/plane); outputs cover the core box inside the frame.
 */
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
        let q = mbDiv2 * mbDiv2 + aDiv3 * aDiv3 * aDiv3;
        if (q > 0) q = 0;
        const magnitude = Math.sqrt(-aDiv3);
        const angle = Math.atan2(Math.sqrt(-q), mbDiv2) * INV3;
        const cs = Math.cos(angle);
        const sn = Math.sin(angle);
        let r0 = mean + 2 * magnitude * cs;
        let r1 = mean - magnitude * (cs + ROOT3 * sn);
        let r2 = mean - magnitude * (cs - ROOT3 * sn);
        if (r0 < r1) [r0, r1] = [r1, r0];
        if (r0 < r2) [r0, r2] = [r2, r0];
        if (r1 < r2) [r1, r2] = [r2, r1];
        out0[o] = r0;
        out1[o] = r1;
        out2[o] = r2;
      }
    }
  }
}
