/**
 * Passes with long kernels (radius ≥ 3: ilastik's pre-smoothing, every filter of the direct convention).
 * Column passes transpose the window so the loop reads memory sequentially; both directions run the
 * WebAssembly SIMD loop where available (simdConvolution.ts), else the JavaScript loop.
 */
import type { Rect } from '../tiling.js';
import { convolveLine, reflectIndex } from './convolutionLoops.js';
import type { GaussianKernel } from './gaussianKernels.js';
import type { ConvolutionScratch, Field } from './convolutionScratch.js';
import { SIMD_MAX_RADIUS, SIMD_WORK_START, simdConvolver, type SimdConvolver } from './simdConvolution.js';

/**
 * Column passes with long kernels read 2r + 1 rows at once, more streams than the prefetcher follows; above
 * this radius they transpose the window, run the row loop (sequential reads) and transpose back, which is
 * 3–4× faster for the pre-smoothing kernels (r up to 35). Same sums in the same order: results are identical.
 */
export const TRANSPOSE_MIN_RADIUS = 2;

/** Edge of the square blocks in which transposes run, so both sides of a block stay in cache. */
const TRANSPOSE_BLOCK = 16;

/** convolveColumns for long kernels: transpose the (reflected) source window, convolve rows, transpose back. */
export function convolveColumnsTransposed(
  src: Field,
  kernel: GaussianKernel,
  outRect: Rect,
  imageHeight: number,
  scratch: ConvolutionScratch,
  out: Float32Array,
): void {
  const r = kernel.radius;
  const w = outRect.width;
  const h = outRect.height;
  const span = h + 2 * r; // rows read per column
  const sw = src.rect.width;
  const dx = outRect.x - src.rect.x;
  const rowStart = scratch.offsetTable(span);
  for (let i = 0; i < span; i++)
    rowStart[i] = (reflectIndex(outRect.y - r + i, imageHeight) - src.rect.y) * sw + dx;
  const simd = longKernelSimd(kernel);
  let tin: Float32Array;
  let tout: Float32Array;
  // With SIMD the transposed planes live in the module's memory, where its loop reads and writes them.
  const tinAt = SIMD_WORK_START;
  const toutAt = tinAt + w * span + SIMD_SLACK;
  const heap = simd?.reserve(w * span + w * h + 2 * SIMD_SLACK) ?? null;
  if (heap) {
    loadKernel(heap, kernel);
    tin = heap.subarray(tinAt, tinAt + w * span);
    tout = heap.subarray(toutAt, toutAt + w * h);
  } else {
    [tin, tout] = scratch.transposeBuffers(w * span, w * h);
  }
  const sdata = src.data;
  for (let i0 = 0; i0 < span; i0 += TRANSPOSE_BLOCK) {
    const i1 = Math.min(span, i0 + TRANSPOSE_BLOCK);
    for (let x0 = 0; x0 < w; x0 += TRANSPOSE_BLOCK) {
      const x1 = Math.min(w, x0 + TRANSPOSE_BLOCK);
      for (let i = i0; i < i1; i++) {
        const s0 = rowStart[i];
        for (let x = x0; x < x1; x++) tin[x * span + i] = sdata[s0 + x];
      }
    }
  }
  if (simd && heap) {
    for (let x = 0; x < w; x++) simd.run(kernel.isOdd, tinAt + x * span, toutAt + x * h, h, r);
  } else {
    for (let x = 0; x < w; x++) convolveLine(tin, x * span + r, 1, kernel, tout, x * h, h);
  }
  for (let y0 = 0; y0 < h; y0 += TRANSPOSE_BLOCK) {
    const y1 = Math.min(h, y0 + TRANSPOSE_BLOCK);
    for (let x0 = 0; x0 < w; x0 += TRANSPOSE_BLOCK) {
      const x1 = Math.min(w, x0 + TRANSPOSE_BLOCK);
      for (let y = y0; y < y1; y++) {
        const o = y * w;
        for (let x = x0; x < x1; x++) out[o + x] = tout[x * h + y];
      }
    }
  }
}

/** Values past the end of a SIMD loop's input and output: it works in groups of four. */
const SIMD_SLACK = 8;

/** Long kernels run in WebAssembly SIMD where available (see simdConvolution.ts). */
export function longKernelSimd(kernel: GaussianKernel): SimdConvolver | null {
  return kernel.radius > TRANSPOSE_MIN_RADIUS && kernel.radius <= SIMD_MAX_RADIUS ? simdConvolver() : null;
}

function loadKernel(heap: Float32Array, kernel: GaussianKernel): void {
  for (let j = 0; j <= kernel.radius; j++) heap[j] = kernel.weights[j];
  if (kernel.isOdd) heap[0] = 0;
}

/**
 * convolveRows through the SIMD loop: each (reflected) source row is copied into the module's memory.
 * Returns false, having done nothing, if that memory cannot grow enough.
 */
export function convolveRowsSimd(
  simd: SimdConvolver,
  src: Field,
  kernel: GaussianKernel,
  outRect: Rect,
  imageWidth: number,
  isInside: boolean,
  out: Float32Array,
): boolean {
  const r = kernel.radius;
  const w = outRect.width;
  const inAt = SIMD_WORK_START;
  const outAt = inAt + w + 2 * r + SIMD_SLACK;
  const heap = simd.reserve(2 * w + 2 * r + 2 * SIMD_SLACK);
  if (!heap) return false;
  loadKernel(heap, kernel);
  const sw = src.rect.width;
  const x0 = outRect.x - r;
  for (let y = 0; y < outRect.height; y++) {
    const srcRow = (outRect.y + y - src.rect.y) * sw;
    if (isInside) {
      const start = srcRow + x0 - src.rect.x;
      heap.set(src.data.subarray(start, start + w + 2 * r), inAt);
    } else {
      for (let i = 0; i < w + 2 * r; i++) {
        heap[inAt + i] = src.data[srcRow + reflectIndex(x0 + i, imageWidth) - src.rect.x];
      }
    }
    simd.run(kernel.isOdd, inAt, outAt, w, r);
    out.set(heap.subarray(outAt, outAt + w), y * w);
  }
  return true;
}
