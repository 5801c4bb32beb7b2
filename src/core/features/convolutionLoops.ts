/**
 * The inner loops of the 1-D convolution passes, and vigra's reflective index. No bookkeeping here: callers
 * (separableConvolution.ts, longKernelConvolution.ts) hand over a line, an offset and a count.
 */
import type { GaussianKernel } from './gaussianKernels.js';

/**
 * Reflective index into [0, n): −k → k, n − 1 + k → n − 1 − k, repeated for kernels longer than the image
 * (vigra refuses those; mirroring again is the natural continuation).
 */
export function reflectIndex(i: number, n: number): number {
  if (i >= 0 && i < n) return i;
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}

/**
 * out[o + x] = Σₖ kernel[k] · line[base + x − k·step] for x in [0, n): along a row (step 1) the taps are
 * neighbours in the row; along a column (step = row length) the taps are the rows above and below, and
 * consecutive x walk along the rows, so every tap row is read sequentially.
 */
export function convolveLine(
  line: Float32Array,
  base: number,
  step: number,
  kernel: GaussianKernel,
  out: Float32Array,
  o: number,
  n: number,
): void {
  const wts = kernel.weights;
  const r = kernel.radius;
  const k0 = wts[0];
  if (kernel.isOdd) {
    if (r === 1) {
      const k1 = wts[1];
      for (let x = 0; x < n; x++) {
        const c = base + x;
        out[o + x] = k1 * (line[c - step] - line[c + step]);
      }
      return;
    }
    let x = 0;
    for (; x + 3 < n; x += 4) {
      const c = base + x;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 1, d = step; j <= r; j++, d += step) {
        const wj = wts[j];
        s0 += wj * (line[c - d] - line[c + d]);
        s1 += wj * (line[c + 1 - d] - line[c + 1 + d]);
        s2 += wj * (line[c + 2 - d] - line[c + 2 + d]);
        s3 += wj * (line[c + 3 - d] - line[c + 3 + d]);
      }
      out[o + x] = s0;
      out[o + x + 1] = s1;
      out[o + x + 2] = s2;
      out[o + x + 3] = s3;
    }
    for (; x < n; x++) {
      const c = base + x;
      let sum = 0;
      for (let j = 1, d = step; j <= r; j++, d += step) sum += wts[j] * (line[c - d] - line[c + d]);
      out[o + x] = sum;
    }
    return;
  }
  if (r === 1) {
    const k1 = wts[1];
    for (let x = 0; x < n; x++) {
      const c = base + x;
      out[o + x] = k0 * line[c] + k1 * (line[c - step] + line[c + step]);
    }
    return;
  }
  if (r === 2) {
    const k1 = wts[1];
    const k2 = wts[2];
    const s2 = 2 * step;
    for (let x = 0; x < n; x++) {
      const c = base + x;
      out[o + x] = k0 * line[c] + k1 * (line[c - step] + line[c + step]) + k2 * (line[c - s2] + line[c + s2]);
    }
    return;
  }
  // Four outputs at a time: four independent sums keep the FPU busy instead of waiting on one long chain.
  let x = 0;
  for (; x + 3 < n; x += 4) {
    const c = base + x;
    let s0 = k0 * line[c];
    let s1 = k0 * line[c + 1];
    let s2 = k0 * line[c + 2];
    let s3 = k0 * line[c + 3];
    for (let j = 1, d = step; j <= r; j++, d += step) {
      const wj = wts[j];
      s0 += wj * (line[c - d] + line[c + d]);
      s1 += wj * (line[c + 1 - d] + line[c + 1 + d]);
      s2 += wj * (line[c + 2 - d] + line[c + 2 + d]);
      s3 += wj * (line[c + 3 - d] + line[c + 3 + d]);
    }
    out[o + x] = s0;
    out[o + x + 1] = s1;
    out[o + x + 2] = s2;
    out[o + x + 3] = s3;
  }
  for (; x < n; x++) {
    const c = base + x;
    let sum = k0 * line[c];
    for (let j = 1, d = step; j <= r; j++, d += step) sum += wts[j] * (line[c - d] + line[c + d]);
    out[o + x] = sum;
  }
}

/** As convolveLine along a column, with the 2r + 1 tap rows given as offsets (reflected near the edges). */
export function convolveLineByOffsets(
  src: Float32Array,
  offsets: Int32Array,
  kernel: GaussianKernel,
  out: Float32Array,
  o: number,
  n: number,
): void {
  const wts = kernel.weights;
  const r = kernel.radius;
  const sign = kernel.isOdd ? -1 : 1;
  const c0 = offsets[r];
  for (let x = 0; x < n; x++) {
    let sum = kernel.isOdd ? 0 : wts[0] * src[c0 + x];
    for (let j = 1; j <= r; j++) sum += wts[j] * (src[offsets[r - j] + x] + sign * src[offsets[r + j] + x]);
    out[o + x] = sum;
  }
}
