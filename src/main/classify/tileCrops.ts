/** Tile geometry shared by training and prediction: which pixels a worker needs for a tile's features. */
import { cropPlane, type PlanarImage } from '../../core/image.js';
import type { Rect, Tile, TileCrop } from '../../core/tiling.js';

export type { TileCrop };

export function cropTile(image: PlanarImage, tile: Tile): TileCrop {
  const { outer, core } = tile;
  return {
    planes: image.channels.map((plane) =>
      cropPlane(plane, image.width, outer.x, outer.y, outer.width, outer.height),
    ),
    width: outer.width,
    height: outer.height,
    core: { x: core.x - outer.x, y: core.y - outer.y, width: core.width, height: core.height },
  };
}

/** Copies rectangle r of a width-wide Uint8 plane. */
export function cropLabels(labels: Uint8Array, width: number, r: Rect): Uint8Array {
  const out = new Uint8Array(r.width * r.height);
  for (let y = 0; y < r.height; y++) {
    const start = (r.y + y) * width + r.x;
    out.set(labels.subarray(start, start + r.width), y * r.width);
  }
  return out;
}

/** Writes a core-sized plane into rectangle r of a width-wide plane. */
export function pastePlane(target: Float32Array, width: number, r: Rect, source: Float32Array): void {
  for (let y = 0; y < r.height; y++)
    target.set(source.subarray(y * r.width, (y + 1) * r.width), (r.y + y) * width + r.x);
}
