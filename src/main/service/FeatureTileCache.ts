/**
 * Feature planes per (image, tile), least recently used dropped first once over a byte budget. The live
 * loop computes a tile's features once; a stroke then costs only a refit and a re-prediction.
 */
import type { Rect } from '../../core/tiling.js';

/** 1.5 GiB: a 2048² image with the default selection (~13 planes per channel) fits with room to spare. */
export const DEFAULT_FEATURE_CACHE_BYTES = 1.5 * 1024 ** 3;

export class FeatureTileCache {
  private readonly entries = new Map<string, Float32Array[]>();
  private bytes = 0;

  constructor(private readonly budgetBytes = DEFAULT_FEATURE_CACHE_BYTES) {}

  /** Plane 0 keeps the key it had before stacks; further planes of a stack name their plane. */
  static key(imageId: string, rect: Rect, plane = 0): string {
    const where = `${rect.x},${rect.y},${rect.width},${rect.height}`;
    return plane === 0 ? `${imageId}:${where}` : `${imageId}:p${plane}:${where}`;
  }

  get(key: string): Float32Array[] | undefined {
    const planes = this.entries.get(key);
    if (planes) {
      // Map keeps insertion order: re-inserting marks the entry most recently used.
      this.entries.delete(key);
      this.entries.set(key, planes);
    }
    return planes;
  }

  set(key: string, planes: Float32Array[]): void {
    this.delete(key);
    this.entries.set(key, planes);
    this.bytes += sizeOf(planes);
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.budgetBytes || oldest === key) break;
      this.entries.delete(oldest);
      this.bytes -= sizeOf(old);
    }
  }

  delete(key: string): void {
    const planes = this.entries.get(key);
    if (!planes) return;
    this.entries.delete(key);
    this.bytes -= sizeOf(planes);
  }

  /** Drops every tile of one image (or all tiles when no id is given). */
  clear(imageId?: string): void {
    for (const key of [...this.entries.keys()]) {
      if (imageId === undefined || key.startsWith(`${imageId}:`)) this.delete(key);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get byteSize(): number {
    return this.bytes;
  }
}

function sizeOf(planes: Float32Array[]): number {
  let n = 0;
  for (const p of planes) n += p.byteLength;
  return n;
}
