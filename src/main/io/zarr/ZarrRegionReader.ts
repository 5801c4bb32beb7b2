/**
 * Assembles a rectangle of one plane from the chunks of a Zarr array that intersect it: for each channel,
 * the chunks under the rectangle are decoded (or taken from the cache) and their overlapping rows copied
 * out as float32. Chunks are addressed by their strides, so C- and F-ordered arrays read alike.
 */
import { createPlanarImage, type PlanarImage } from '../../../core/image.js';
import type { Rect } from '../../../core/tiling.js';
import { ChunkCache } from './ChunkCache.js';
import { ZARR_CHUNK_CACHE_BYTES } from './zarrLimits.js';

export interface DecodedChunk {
  readonly data: ArrayLike<number> & { readonly byteLength?: number; subarray?: unknown };
  readonly shape: readonly number[];
  readonly stride: readonly number[];
}

/** What the reader needs of a zarrita array. */
export interface ZarrArrayLike {
  readonly shape: readonly number[];
  readonly chunks: readonly number[];
  getChunk(coords: number[]): Promise<DecodedChunk>;
}

type TypedData = Float32Array & { subarray(start: number, end: number): ArrayLike<number> };

/**
 * One cache for every Zarr image the process has open (the window may hold many): the budget bounds
 * decoded chunks in all of them together. Keys carry the reader's own id, so a reopened (perhaps
 * rewritten) folder never sees another reader's chunks.
 */
const sharedCache = new ChunkCache<DecodedChunk>(
  ZARR_CHUNK_CACHE_BYTES,
  (chunk) => chunk.data.byteLength ?? chunk.data.length * 8,
);
let nextReaderId = 0;

export class ZarrRegionReader {
  private readonly cache = sharedCache;
  private readonly id = nextReaderId++;

  constructor(
    private readonly array: ZarrArrayLike,
    /** One letter per dimension (t, c, z, y, x). */
    private readonly letters: string,
    private readonly zSize: number,
  ) {}

  /** Channels 0..channels-1 of `rect` in `plane` (planes numbered t-major, z fastest). */
  async readRegion(rect: Rect, plane: number, channels: number): Promise<PlanarImage> {
    const { letters } = this;
    const { chunks } = this.array;
    const out = createPlanarImage(rect.width, rect.height, channels);
    const yAxis = letters.indexOf('y');
    const xAxis = letters.indexOf('x');
    const chunkRows = chunks[yAxis];
    const chunkCols = chunks[xAxis];
    const tasks: Promise<void>[] = [];
    for (let c = 0; c < channels; c++) {
      const index = this.pointIndex(plane, c);
      for (let cy = Math.floor(rect.y / chunkRows); cy * chunkRows < rect.y + rect.height; cy++) {
        for (let cx = Math.floor(rect.x / chunkCols); cx * chunkCols < rect.x + rect.width; cx++) {
          const coords = index.map((i, axis) =>
            axis === yAxis ? cy : axis === xAxis ? cx : Math.floor(i / chunks[axis]),
          );
          const chunk = this.cache.get(`${this.id}:${coords.join(',')}`, () => this.array.getChunk(coords));
          tasks.push(chunk.then((decoded) => this.copy(decoded, coords, index, rect, out.channels[c])));
        }
      }
    }
    await Promise.all(tasks);
    return out;
  }

  /** Index along every dimension of the plane's and channel's point (y, x left at 0). */
  private pointIndex(plane: number, channel: number): number[] {
    const position: Record<string, number> = {
      t: Math.floor(plane / this.zSize),
      z: plane % this.zSize,
      c: channel,
      y: 0,
      x: 0,
    };
    return [...this.letters].map((letter) => position[letter]);
  }

  private copy(
    chunk: DecodedChunk,
    coords: readonly number[],
    index: readonly number[],
    rect: Rect,
    target: Float32Array,
  ): void {
    const { chunks } = this.array;
    if (chunk.shape.length !== chunks.length || chunk.shape.some((n, i) => n !== chunks[i])) {
      throw new Error(
        `chunk ${coords.join('.')} decoded to shape ${chunk.shape.join(' × ')}, not ${chunks.join(' × ')}`,
      );
    }
    const needed = chunk.shape.reduce((p, n) => p * n, 1);
    if (chunk.data.length < needed) {
      throw new Error(`chunk ${coords.join('.')} holds ${chunk.data.length} values, not ${needed}`);
    }
    const yAxis = this.letters.indexOf('y');
    const xAxis = this.letters.indexOf('x');
    let base = 0;
    index.forEach((i, axis) => {
      if (axis !== yAxis && axis !== xAxis) base += (i % chunks[axis]) * chunk.stride[axis];
    });
    const y0 = Math.max(rect.y, coords[yAxis] * chunks[yAxis]);
    const y1 = Math.min(rect.y + rect.height, (coords[yAxis] + 1) * chunks[yAxis]);
    const x0 = Math.max(rect.x, coords[xAxis] * chunks[xAxis]);
    const x1 = Math.min(rect.x + rect.width, (coords[xAxis] + 1) * chunks[xAxis]);
    const strideY = chunk.stride[yAxis];
    const strideX = chunk.stride[xAxis];
    const data = chunk.data as TypedData;
    const contiguous = strideX === 1 && typeof data.subarray === 'function';
    for (let y = y0; y < y1; y++) {
      const from =
        base + (y - coords[yAxis] * chunks[yAxis]) * strideY + (x0 - coords[xAxis] * chunks[xAxis]) * strideX;
      const to = (y - rect.y) * rect.width + (x0 - rect.x);
      if (contiguous) {
        target.set(data.subarray(from, from + (x1 - x0)), to);
      } else {
        for (let x = 0; x < x1 - x0; x++) target[to + x] = data[from + x * strideX];
      }
    }
  }
}
