/**
 * Pixels of the planes of stacks beyond plane 0 (which each OpenImage holds): read from the file when
 * first asked (moving through z in the window, features of a labelled plane), kept in shared memory for
 * the workers, least recently used dropped first once over PLANE_CACHE_BYTES. Under percentile
 * normalization the features read a normalized copy with the image's own range (measured on plane 0), as
 * `mixel predict` normalizes every plane of a stack with one range.
 */
import { applyNormalization } from '../../core/normalization.js';
import type { PlanarImage } from '../../core/image.js';
import { PLANE_CACHE_BYTES } from './constants.js';
import { toSharedImage } from './poolEngine.js';
import type { OpenImage } from './projectImage.js';

interface Entry {
  readonly pixels: Promise<PlanarImage>;
  bytes: number;
}

export class StackPlanes {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly budgetBytes = PLANE_CACHE_BYTES) {}

  /** Raw values of one plane, for display. */
  raw(image: OpenImage, plane: number): Promise<PlanarImage> {
    if (plane === 0) return Promise.resolve(image.pixels);
    return this.cached(`${image.info.id}:${plane}:raw`, async () => {
      if (!image.readPlane) throw new Error(`${image.info.name} has no plane ${plane}`);
      return toSharedImage(await image.readPlane(plane));
    });
  }

  /** The values the features read: normalized under percentile normalization, else raw. */
  forFeatures(image: OpenImage, plane: number): Promise<PlanarImage> {
    const normalized = image.normalized;
    if (plane === 0) return Promise.resolve(normalized?.pixels ?? image.pixels);
    if (!normalized) return this.raw(image, plane);
    return this.cached(`${image.info.id}:${plane}:normalized`, async () =>
      toSharedImage(applyNormalization(await this.raw(image, plane), normalized.range)),
    );
  }

  /** Drops the planes of one image (or of all when no id is given). */
  clear(imageId?: string): void {
    for (const [key, entry] of [...this.entries]) {
      if (imageId !== undefined && !key.startsWith(`${imageId}:`)) continue;
      this.entries.delete(key);
      this.bytes -= entry.bytes;
    }
  }

  /** Drops the normalized copies (the normalization changed); raw planes stay. */
  clearNormalized(): void {
    for (const [key, entry] of [...this.entries]) {
      if (!key.endsWith(':normalized')) continue;
      this.entries.delete(key);
      this.bytes -= entry.bytes;
    }
  }

  private cached(key: string, read: () => Promise<PlanarImage>): Promise<PlanarImage> {
    const hit = this.entries.get(key);
    if (hit) {
      // Map keeps insertion order: re-inserting marks the entry most recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.pixels;
    }
    const entry: Entry = { pixels: read(), bytes: 0 };
    this.entries.set(key, entry);
    entry.pixels.then(
      (image) => {
        if (this.entries.get(key) !== entry) return;
        entry.bytes = image.width * image.height * image.channels.length * 4;
        this.bytes += entry.bytes;
        this.evict(key);
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key); // a failed read is retried next time
      },
    );
    return entry.pixels;
  }

  private evict(keep: string): void {
    for (const [key, entry] of this.entries) {
      if (this.bytes <= this.budgetBytes) break;
      if (key === keep || entry.bytes === 0) continue; // the newest, and reads still under way, stay
      this.entries.delete(key);
      this.bytes -= entry.bytes;
    }
  }
}
