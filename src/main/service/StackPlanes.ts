/**
 * Pixels of the planes of stacks beyond plane 0 (which each OpenImage holds): read from the file when
 * first asked (moving through z in the window, features of a labelled plane), kept in shared memory for
 * the workers, least recently used dropped first once over PLANE_CACHE_BYTES. Under percentile
 * normalization the features read a normalized copy with the range of the plane's t frame, measured on
 * planes spread through its z (planeFrameRange), exactly as `mixel train` and `mixel predict` measure it —
 * so the window's overlay and export of a stack equal the command line's, in 2-D and 3-D.
 */
import { cropPlane, type PlanarImage } from '../../core/image.js';
import { applyNormalization } from '../../core/normalization.js';
import { DEFAULT_NORMALIZATION } from '../../core/project/Project.js';
import { planeFrameRange, type RangeSource } from '../io/imageStatistics.js';
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
  /** Per image, its planes as a source for planeFrameRange (which remembers the ranges it measured). */
  private readonly rangeSources = new Map<string, RangeSource>();

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
    const zSize = Math.max(1, image.info.sizeZ ?? 1);
    if (!normalized) return this.raw(image, plane);
    // A plain image's range is its plane's, which image.normalized already holds.
    if (plane === 0 && zSize === 1) return Promise.resolve(normalized.pixels);
    return this.cached(`${image.info.id}:${plane}:${normalized.mode}`, async () => {
      const settings = { ...DEFAULT_NORMALIZATION, mode: normalized.mode };
      const range = await planeFrameRange(this.rangeSource(image), zSize, plane, settings);
      return toSharedImage(applyNormalization(await this.raw(image, plane), range, normalized.mode));
    });
  }

  private rangeSource(image: OpenImage): RangeSource {
    let source = this.rangeSources.get(image.info.id);
    if (!source) {
      const { width, height } = image.pixels;
      source = {
        name: image.info.name,
        info: { width, height, channels: image.pixels.channels.length },
        readRegion: async (rect, plane) => {
          const pixels = await this.raw(image, plane);
          return {
            width: rect.width,
            height: rect.height,
            channels: pixels.channels.map((c) =>
              cropPlane(c, width, rect.x, rect.y, rect.width, rect.height),
            ),
          };
        },
      };
      this.rangeSources.set(image.info.id, source);
    }
    return source;
  }

  /** Drops the planes of one image (or of all when no id is given). */
  clear(imageId?: string): void {
    for (const [key, entry] of [...this.entries]) {
      if (imageId !== undefined && !key.startsWith(`${imageId}:`)) continue;
      this.entries.delete(key);
      this.bytes -= entry.bytes;
    }
    if (imageId === undefined) this.rangeSources.clear();
    else this.rangeSources.delete(imageId);
  }

  /** Drops the normalized copies (the normalization changed); raw planes stay. */
  clearNormalized(): void {
    this.rangeSources.clear();
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
