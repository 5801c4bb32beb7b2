/**
 * Tiles with halos: every stage (features, prediction, export) walks an image tile by tile, so memory is
 * bounded by the tile budget and the visible viewport and a 20k × 20k batch image share one code path.
 */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface Tile {
  /** The pixels this tile is responsible for. */
  readonly core: Rect;
  /** The core grown by the halo and clipped to the image: what must be read to compute the core exactly. */
  readonly outer: Rect;
}

/**
 * What a worker gets to compute one tile's features: the outer rectangle's pixels of each channel
 * (width × height; possibly views of shared memory) and the core to compute, relative to that crop.
 */
export interface TileCrop {
  readonly planes: Float32Array[];
  readonly width: number;
  readonly height: number;
  readonly core: Rect;
}

/** Default tile edge in pixels: large enough to amortize the halo (≤ 35 px at σ = 10), small enough to stay in cache-sized chunks. */
export const DEFAULT_TILE_SIZE = 512;

export function tileGrid(width: number, height: number, tileSize: number, haloPx: number): Tile[] {
  if (!(tileSize > 0) || !(haloPx >= 0)) throw new RangeError('tileSize must be > 0 and haloPx ≥ 0');
  const tiles: Tile[] = [];
  for (let y = 0; y < height; y += tileSize) {
    for (let x = 0; x < width; x += tileSize) {
      const core = { x, y, width: Math.min(tileSize, width - x), height: Math.min(tileSize, height - y) };
      tiles.push({ core, outer: growRect(core, haloPx, width, height) });
    }
  }
  return tiles;
}

/** Grows a rectangle by `haloPx` on each side, clipped to [0, width) × [0, height). */
export function growRect(r: Rect, haloPx: number, width: number, height: number): Rect {
  const x0 = Math.max(0, r.x - haloPx);
  const y0 = Math.max(0, r.y - haloPx);
  const x1 = Math.min(width, r.x + r.width + haloPx);
  const y1 = Math.min(height, r.y + r.height + haloPx);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

export function intersects(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
