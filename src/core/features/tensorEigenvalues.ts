/**
 * Eigenvalues of symmetric 2 × 2 tensors given as three planes (a00, a01, a11), largest first, as vigra's
 * symmetric2x2Eigenvalues: ½(a00 + a11 ± √((a00 − a11)² + 4·a01²)). Like vigra, a00 ± a11 are rounded to
 * float32: for nearly rank-one tensors (structure tensor at tiny outer scales) the smaller eigenvalue is pure
 * rounding noise, and rounding where vigra rounds keeps that noise equal to ilastik's.
 * The three input planes may be larger than the output: `stride`/`offset` select the output rectangle.
 */
export function symmetricEigenvalues2x2(
  a00: Float32Array,
  a01: Float32Array,
  a11: Float32Array,
  inStride: number,
  inOffset: number,
  width: number,
  height: number,
  largest: Float32Array,
  smallest: Float32Array,
): void {
  for (let y = 0; y < height; y++) {
    let i = inOffset + y * inStride;
    let o = y * width;
    for (let x = 0; x < width; x++, i++, o++) {
      const p = a00[i];
      const q = a11[i];
      const d = Math.fround(p - q);
      const sum = Math.fround(p + q);
      const off = a01[i];
      const root = Math.sqrt(d * d + 4 * off * off);
      largest[o] = 0.5 * (sum + root);
      smallest[o] = 0.5 * (sum - root);
    }
  }
}
