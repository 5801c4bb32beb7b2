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
import type { ConvolutionScratch, Field } from './convolutionScratch.js';
import { convolveLine, convolveLineByOffsets, reflectIndex } from './convolutionLoops.js';
import type { GaussianKernel } from './gaussianKernels.js';
import {
  TRANSPOSE_MIN_RADIUS,
  convolveColumnsTransposed,
  convolveRowsSimd,
  longKernelSimd,
} from './longKernelConvolution.js';

export { reflectIndex };
export { ConvolutionScratch, type Field } from './convolutionScratch.js';

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
  if (simd && convolveRowsSimd(simd, src, kernel, outRect, imageWidth, isInside, data)) {
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
