/**
 * An image whose planes are decoded once each while they are worked on. Predicting a plane reads it
 * several times — its percentile range, its feature offsets, the adaptation's windows, then band after
 * band of tiles — and every read of a compressed TIFF decodes again, from the start of the strips it
 * needs (a 2048² LZW plane: 70 ms read whole, 215 ms read as its eight bands with their halos). Held, a
 * plane is read whole on the first region asked of it and every region is cut from memory.
 */
import { cropPlane, type PlanarImage } from '../../core/image.js';
import type { Rect } from '../../core/tiling.js';
import type { OpenedImage } from './OpenedImage.js';
import { isRegionInside } from './openSharpImage.js';

/**
 * Largest plane held, as float32 samples over all channels: 4096² pixels of four channels. A larger plane
 * (an image larger than memory, above all) is read region by region as before.
 */
export const HELD_PLANE_BYTES = 256 * 1024 ** 2;

/** An image source holding its last plane read; `release` lets that memory go when its reader is done. */
export interface HeldPlaneSource extends OpenedImage {
  /** Forgets the plane held (a later read decodes it again). */
  release(): void;
}

/**
 * `source`, with the plane last read held whole in memory when it is at most `maxBytes`. Meant for reading
 * planes one after another (2-D prediction); a reader that hops between planes region by region (3-D
 * blocks) would decode a whole plane for each region, so it passes a bound of 0 (nothing held).
 */
export function holdPlanes(source: OpenedImage, maxBytes = HELD_PLANE_BYTES): HeldPlaneSource {
  const { width, height, channels } = source.info;
  const isHeld = width * height * channels * Float32Array.BYTES_PER_ELEMENT <= maxBytes;
  let held: { plane: number; image: Promise<PlanarImage> } | undefined;
  const wholePlane = (plane: number): Promise<PlanarImage> => {
    if (held?.plane !== plane) {
      const entry = { plane, image: source.readRegion({ x: 0, y: 0, width, height }, plane) };
      // A failed read is not kept: the next region asks the file again (and fails with its own message).
      entry.image.catch(() => {
        if (held === entry) held = undefined;
      });
      held = entry;
    }
    return held.image;
  };
  return {
    info: source.info,
    name: source.name,
    isAxesGuessed: source.isAxesGuessed,
    metadata: source.metadata,
    async readRegion(rect: Rect, plane: number): Promise<PlanarImage> {
      // The source checks the plane index and the rectangle against its own bounds, with its own message.
      if (!isHeld || !isRegionInside(rect, width, height)) return source.readRegion(rect, plane);
      const image = await wholePlane(plane);
      // Always a copy: callers normalize in place and hand buffers to workers.
      return {
        width: rect.width,
        height: rect.height,
        channels: image.channels.map((c) => cropPlane(c, width, rect.x, rect.y, rect.width, rect.height)),
      };
    },
    release() {
      held = undefined;
    },
  };
}
