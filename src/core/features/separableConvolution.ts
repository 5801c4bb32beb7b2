/**
 * One-dimensional float32 convolution passes over rectangular "fields" (a plane that covers a rectangle of a
 * larger image), with vigra's reflective border: outside the image, index −k reads pixel k and index
 * n − 1 + k reads n − 1 − k (mirror without repeating the edge pixel). A pass computes only the rectangle its
 * consumer needs and reads the context it needs from a larger field, so chained filters (pre-smoothing, then
 * derivatives, then tensor smoothing) stay exact at every stage with no full-image temporaries.
 *
 * Convolution, as vigra: out[i] = Σₖ kernel[k] · in[i − k]. Sums run in float64 (JS numbers; float32 in the
 * SIMD loop for kernels of radius ≥ 3, see simdConvolution.ts); results are stored as float32.
 */
import type { Rect } from '../tiling.js';
import type { GaussianKernel } from './gaussianKernels.js';
import { SIMD_MAX_RADIUS, SIMD_WORK_START, simdConvolver, type SimdConvolver } from './simdConvolution.js';

/** A plane of `rect.width × rect.height` values holding the pixels of `rect` (image coordinates). */
export interface Field {
  readonly data: Float32Array;
  readonly rect: Rect;
}

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

function rectContains(outer: Rect, x0: number, x1: number, y0: number, y1: number): boolean {
  return x0 >= outer.x && y0 >= outer.y && x1 <= outer.x + outer.width && y1 <= outer.y + outer.height;
}

/**
 * The rectangle a filter of reach (rx, ry) must read to compute `r` exactly inside an image of
 * `imageWidth × imageHeight`: `r` grown by the reach, clipped to the image, and — when the reflected reach
 * past an edge exceeds what the clipped rectangle covers (images smaller than a kernel) — the full extent.
 */
export function reachRect(r: Rect, rx: number, ry: number, imageWidth: number, imageHeight: number): Rect {
  const [x0, x1] = reachRange(r.x, r.x + r.width, rx, imageWidth);
  const [y0, y1] = reachRange(r.y, r.y + r.height, ry, imageHeight);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

function reachRange(a: number, b: number, reach: number, n: number): [number, number] {
  const lo = Math.max(0, a - reach);
  const hi = Math.min(n, b + reach);
  // Reflected indices land in [lo, hi) unless the reach crosses an edge by more than the range extends.
  const isSafeLow = a - reach >= 0 || reach - a < hi;
  const isSafeHigh = b + reach <= n || 2 * (n - 1) - (b - 1 + reach) >= lo;
  return isSafeLow && isSafeHigh && reach < n ? [lo, hi] : [0, n];
}

/**
 * Column passes with long kernels read 2r + 1 rows at once, more streams than the prefetcher follows; above
 * this radius they transpose the window, run the row loop (sequential reads) and transpose back, which is
 * 3–4× faster for the pre-smoothing kernels (r up to 35). Same sums in the same order: results are identical.
 */
const TRANSPOSE_MIN_RADIUS = 2;

/** Edge of the square blocks in which transposes run, so both sides of a block stay in cache. */
const TRANSPOSE_BLOCK = 16;

/**
 * Scratch buffers reused across passes (the feature bank runs dozens of passes per tile; allocating a padded
 * row or an offset table per row would dominate small kernels).
 */
export class ConvolutionScratch {
  private row = new Float32Array(0);
  private offsets = new Int32Array(0);
  private arena: Float32Array[] = [];
  private arenaUsed = 0;
  private transposedIn = new Float32Array(0);
  private transposedOut = new Float32Array(0);

  /** Bytes held, so callers can decide whether keeping this scratch for the next call is worth it. */
  get byteLength(): number {
    let bytes = this.row.byteLength + this.offsets.byteLength;
    bytes += this.transposedIn.byteLength + this.transposedOut.byteLength;
    for (const plane of this.arena) bytes += plane.byteLength;
    return bytes;
  }

  transposeBuffers(inLength: number, outLength: number): [Float32Array, Float32Array] {
    if (this.transposedIn.length < inLength) this.transposedIn = new Float32Array(inLength);
    if (this.transposedOut.length < outLength) this.transposedOut = new Float32Array(outLength);
    return [this.transposedIn, this.transposedOut];
  }

  /**
   * A plane of `length` values (contents undefined) that stays valid until the next resetPlanes(): the
   * passes of one scale take their planes from here, so later scales and tiles reuse the same memory.
   */
  plane(length: number): Float32Array {
    const i = this.arenaUsed++;
    if (i < this.arena.length && this.arena[i].length >= length) return this.arena[i].subarray(0, length);
    const buffer = new Float32Array(length);
    if (i < this.arena.length) this.arena[i] = buffer;
    else this.arena.push(buffer);
    return buffer;
  }

  /** Makes every plane handed out so far reusable. */
  resetPlanes(): void {
    this.arenaUsed = 0;
  }

  paddedRow(length: number): Float32Array {
    if (this.row.length < length) this.row = new Float32Array(length);
    return this.row;
  }

  offsetTable(length: number): Int32Array {
    if (this.offsets.length < length) this.offsets = new Int32Array(length);
    return this.offsets;
  }
}

/**
 * Convolves along x: computes `outRect` from `src`, which must cover outRect's rows and (where the image
 * allows) its columns ± the kernel radius. `imageWidth` is where reflection happens.
 */
export function convolveRows(
  src: Field,
  kernel: GaussianKernel,
  outRect: Rect,
  imageWidth: number,
  scratch: ConvolutionScratch,
  out?: Float32Array,
): Field {
  const { radius: r } = kernel;
  const w = outRect.width;
  const h = outRect.height;
  const data = out ?? scratch.plane(w * h);
  const sw = src.rect.width;
  const x0 = outRect.x - r;
  const x1 = outRect.x + w + r;
  const isInside = x0 >= src.rect.x && x1 <= src.rect.x + sw;
  const simd = longKernelSimd(kernel);
  if (simd) {
    convolveRowsSimd(simd, src, kernel, outRect, imageWidth, isInside, data);
    return { data, rect: outRect };
  }
  const padded = scratch.paddedRow(w + 2 * r);
  for (let y = 0; y < h; y++) {
    const srcRow = (outRect.y + y - src.rect.y) * sw;
    let line: Float32Array;
    let base: number;
    if (isInside) {
      line = src.data;
      base = srcRow + outRect.x - src.rect.x;
    } else {
      for (let i = 0; i < w + 2 * r; i++) {
        padded[i] = src.data[srcRow + reflectIndex(x0 + i, imageWidth) - src.rect.x];
      }
      line = padded;
      base = r;
    }
    convolveLine(line, base, 1, kernel, data, y * w, w);
  }
  return { data, rect: outRect };
}

/**
 * Convolves along y: computes `outRect` from `src`, which must cover outRect's columns and (where the image
 * allows) its rows ± the kernel radius. Rows are visited in order, so memory is read row by row.
 */
export function convolveColumns(
  src: Field,
  kernel: GaussianKernel,
  outRect: Rect,
  imageHeight: number,
  scratch: ConvolutionScratch,
  out?: Float32Array,
): Field {
  const { radius: r } = kernel;
  const w = outRect.width;
  const h = outRect.height;
  const data = out ?? scratch.plane(w * h);
  const sw = src.rect.width;
  const dx = outRect.x - src.rect.x;
  if (r > TRANSPOSE_MIN_RADIUS) {
    convolveColumnsTransposed(src, kernel, outRect, imageHeight, scratch, data);
    return { data, rect: outRect };
  }
  const offsets = scratch.offsetTable(2 * r + 1);
  const isInside = rectContains(src.rect, outRect.x, outRect.x + w, outRect.y - r, outRect.y + h + r);
  for (let y = 0; y < h; y++) {
    const yc = outRect.y + y;
    if (isInside) {
      convolveLine(src.data, (yc - src.rect.y) * sw + dx, sw, kernel, data, y * w, w);
      continue;
    }
    for (let k = -r; k <= r; k++) {
      offsets[k + r] = (reflectIndex(yc + k, imageHeight) - src.rect.y) * sw + dx;
    }
    convolveLineByOffsets(src.data, offsets, kernel, data, y * w, w);
  }
  return { data, rect: outRect };
}

/**
 * out[o + x] = Σₖ kernel[k] · line[base + x − k·step] for x in [0, n): along a row (step 1) the taps are
 * neighbours in the row; along a column (step = row length) the taps are the rows above and below, and
 * consecutive x walk along the rows, so every tap row is read sequentially.
 */
function convolveLine(
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
function convolveLineByOffsets(
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

/** convolveColumns for long kernels: transpose the (reflected) source window, convolve rows, transpose back. */
function convolveColumnsTransposed(
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
  if (simd) {
    const heap = simd.reserve(w * span + w * h + 2 * SIMD_SLACK);
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
  if (simd) {
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
function longKernelSimd(kernel: GaussianKernel): SimdConvolver | null {
  return kernel.radius > TRANSPOSE_MIN_RADIUS && kernel.radius <= SIMD_MAX_RADIUS ? simdConvolver() : null;
}

function loadKernel(heap: Float32Array, kernel: GaussianKernel): void {
  for (let j = 0; j <= kernel.radius; j++) heap[j] = kernel.weights[j];
  if (kernel.isOdd) heap[0] = 0;
}

/** convolveRows through the SIMD loop: each (reflected) source row is copied into the module's memory. */
function convolveRowsSimd(
  simd: SimdConvolver,
  src: Field,
  kernel: GaussianKernel,
  outRect: Rect,
  imageWidth: number,
  isInside: boolean,
  out: Float32Array,
): void {
  const r = kernel.radius;
  const w = outRect.width;
  const inAt = SIMD_WORK_START;
  const outAt = inAt + w + 2 * r + SIMD_SLACK;
  const heap = simd.reserve(2 * w + 2 * r + 2 * SIMD_SLACK);
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
}
