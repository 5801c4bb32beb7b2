/**
 * Reads one 2-D region of one plane (all channels) out of an N-D HDF5 dataset as planar float32, in
 * bands of rows aligned to the dataset's chunk rows: each band is one hyperslab read, so the WebAssembly
 * heap holds at most one band (MAX_HDF5_SLICE_BYTES) and each chunk is decompressed once per region.
 */
import type { Dataset } from 'h5wasm';
import { createPlanarImage, type PlanarImage } from '../../../core/image.js';
import type { ArrayAxis } from '../../../core/imageMetadataArrays.js';
import type { Rect } from '../../../core/tiling.js';

/** Largest hyperslab read at once (32 MB): bounds the WebAssembly heap whatever the region size. */
export const MAX_HDF5_SLICE_BYTES = 32 * 1024 ** 2;

export interface DatasetLayout {
  readonly axes: readonly ArrayAxis[];
  readonly shape: readonly number[];
  /** Bytes per element (1, 2, 4 or 8). */
  readonly elementBytes: number;
  /** Rows per chunk along y (1 when the dataset is contiguous), used to align bands. */
  readonly chunkRows: number;
}

/** Where one plane sits: its t and z coordinates (0 when the dataset has no such axis). */
export interface PlaneCoordinate {
  readonly t: number;
  readonly z: number;
}

type Slice = [number, number];

export function readHdf5Region(
  dataset: Dataset,
  layout: DatasetLayout,
  rect: Rect,
  plane: PlaneCoordinate,
): PlanarImage {
  const { axes, shape } = layout;
  const cIndex = axes.indexOf('c');
  const channels = cIndex < 0 ? 1 : shape[cIndex];
  const out = createPlanarImage(rect.width, rect.height, channels);
  const rowBytes = rect.width * channels * layout.elementBytes;
  const maxRows = Math.max(1, Math.floor(MAX_HDF5_SLICE_BYTES / rowBytes));
  // Bands end on chunk-row boundaries (when a chunk row fits), so no chunk is decoded for two bands.
  const aligned = layout.chunkRows <= maxRows;
  const bandRows = aligned ? layout.chunkRows * Math.floor(maxRows / layout.chunkRows) : maxRows;
  for (let y0 = rect.y; y0 < rect.y + rect.height;) {
    const boundary = aligned
      ? Math.floor(y0 / layout.chunkRows) * layout.chunkRows + bandRows
      : y0 + bandRows;
    const y1 = Math.min(rect.y + rect.height, boundary);
    const ranges: Slice[] = axes.map((axis, i) => {
      switch (axis) {
        case 't':
          return [plane.t, plane.t + 1];
        case 'z':
          return [plane.z, plane.z + 1];
        case 'c':
          return [0, shape[i]];
        case 'y':
          return [y0, y1];
        case 'x':
          return [rect.x, rect.x + rect.width];
      }
    });
    const data = dataset.slice(ranges);
    const values = toNumbers(data);
    if (values instanceof Float64Array) checkFloat32Range(values);
    copyBand(values, ranges, axes, out, y0 - rect.y);
    y0 = y1;
  }
  return out;
}

/** The hyperslab's elements: h5wasm converts them to native byte order (h5py's big-endian files read right). */
function toNumbers(data: unknown): ArrayLike<number> {
  if (!ArrayBuffer.isView(data) || data instanceof DataView) {
    throw new Error('the HDF5 library returned no numeric array');
  }
  return data as unknown as ArrayLike<number>;
}

/** Largest finite float32: float64 values beyond it would silently become ±Infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;

function checkFloat32Range(values: Float64Array): void {
  for (const v of values) {
    if (Math.abs(v) > FLOAT32_MAX && Number.isFinite(v)) {
      throw new Error(
        `float64 value ${v.toPrecision(3)} is beyond float32's ±3.4e38, the precision Mixel computes in; rescale the data first`,
      );
    }
  }
}

/** Copies a C-ordered hyperslab into planar channels, whatever the order of its axes. */
function copyBand(
  values: ArrayLike<number>,
  ranges: readonly Slice[],
  axes: readonly ArrayAxis[],
  out: PlanarImage,
  rowOffset: number,
): void {
  const counts = ranges.map(([a, b]) => b - a);
  const strides = new Array<number>(counts.length).fill(1);
  for (let i = counts.length - 2; i >= 0; i--) strides[i] = strides[i + 1] * counts[i + 1];
  const stride = (axis: ArrayAxis) => {
    const i = axes.indexOf(axis);
    return i < 0 ? 0 : strides[i];
  };
  const rows = counts[axes.indexOf('y')];
  const width = counts[axes.indexOf('x')];
  const [sc, sy, sx] = [stride('c'), stride('y'), stride('x')];
  if (values.length !== counts.reduce((p, n) => p * n, 1)) {
    throw new Error(`the HDF5 library returned ${values.length} values for a ${counts.join(' × ')} region`);
  }
  out.channels.forEach((channel, c) => {
    for (let y = 0; y < rows; y++) {
      let src = c * sc + y * sy;
      const dst = (rowOffset + y) * out.width;
      for (let x = 0; x < width; x++, src += sx) channel[dst + x] = values[src];
    }
  });
}
