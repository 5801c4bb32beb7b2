/**
 * Pixel caches of the window, outside React state: raw image tiles per pyramid level, and probability
 * tiles from the backend. Each entry keeps its drawn canvas so redraws are cheap.
 */
import type { ImageTile, ProbabilityTile, Rect } from '../../core/protocol/types.js';

export interface ImageTileEntry {
  tile: ImageTile | null;
  canvas: HTMLCanvasElement | null;
  /** The display settings the canvas was drawn with (JSON), to know when to redraw. */
  drawnWith: string;
}

export interface PredictionEntry {
  tile: ProbabilityTile;
  /** One canvas per overlay (probabilities, segmentation, …), each with the settings it was drawn with. */
  canvases: Map<string, { canvas: HTMLCanvasElement; drawnWith: string }>;
  /**
   * Canvases of the tiles this one replaced at its place, oldest first, drawn into instead of new ones
   * (useTileCanvases.ts): a new canvas per arriving tile cost the browser ~7 ms of CPU each (its 2-D
   * context and backing store), 16 tiles twice per stroke.
   */
  spares: HTMLCanvasElement[];
}

/** Keys name the plane of a stack after the level (`p5`), so tiles of every plane can stay cached. */
export const imageTileKey = (imageId: string, level: number, rect: Rect, plane = 0) =>
  `${imageId}:${level}:${plane === 0 ? '' : `p${plane}:`}${rect.x},${rect.y}`;
export const predictionKey = (imageId: string, rect: Rect, plane = 0) =>
  `${imageId}:${plane === 0 ? '' : `p${plane}:`}${rect.x},${rect.y}`;

/** Canvases kept per place for later tiles there: a preview's and a full tile's, of a few overlays. */
export const MAX_SPARE_CANVASES = 8;

/**
 * A canvas of `width` × `height` that an older tile at the entry's place drew and the screen no longer
 * shows, oldest first (the tile just replaced may still be on screen while its refinement is held,
 * tilePaints.ts), taken out of the entry's spares; null if none.
 */
export function takeSpareCanvas<C extends { width: number; height: number }>(
  entry: { spares: C[] },
  width: number,
  height: number,
  shown: ReadonlySet<C>,
): C | null {
  const i = entry.spares.findIndex((c) => c.width === width && c.height === height && !shown.has(c));
  return i < 0 ? null : entry.spares.splice(i, 1)[0];
}

/** Raw image tiles kept (each ≤ 256 KiB per channel); older ones are dropped first. */
const MAX_IMAGE_TILES = 400;

export class ImageTiles {
  readonly entries = new Map<string, ImageTileEntry>();

  get(key: string): ImageTileEntry | undefined {
    return this.entries.get(key);
  }

  reserve(key: string): ImageTileEntry {
    const entry: ImageTileEntry = { tile: null, canvas: null, drawnWith: '' };
    this.entries.set(key, entry);
    while (this.entries.size > MAX_IMAGE_TILES) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }

  clear(): void {
    this.entries.clear();
  }
}

export class PredictionTiles {
  readonly entries = new Map<string, PredictionEntry>();
  /** Tiles from requests before this id were predicted by an older model. */
  currentFrom = 0;

  put(tile: ProbabilityTile): PredictionEntry {
    const key = predictionKey(tile.imageId, tile.rect, tile.plane ?? 0);
    const replaced = this.entries.get(key);
    const spares = replaced
      ? [...replaced.spares, ...[...replaced.canvases.values()].map((d) => d.canvas)].slice(
          -MAX_SPARE_CANVASES,
        )
      : [];
    const entry: PredictionEntry = { tile, canvases: new Map(), spares };
    this.entries.set(key, entry);
    return entry;
  }

  /** True when the view can show probabilities at `tile`'s place already (a tile of the same classes). */
  isShownAt(tile: ProbabilityTile): boolean {
    const e = this.entries.get(predictionKey(tile.imageId, tile.rect, tile.plane ?? 0));
    return e !== undefined && e.tile.classCount === tile.classCount;
  }

  /**
   * True when the tile was predicted by the current model at `stride` or finer, and with the unexplained
   * score when `needsUnexplained` (tiles are predicted without it while no layer shows it).
   */
  isCurrent(imageId: string, rect: Rect, stride: number, plane = 0, needsUnexplained = false): boolean {
    const e = this.entries.get(predictionKey(imageId, rect, plane));
    return (
      e !== undefined &&
      e.tile.requestId >= this.currentFrom &&
      e.tile.stride <= stride &&
      (!needsUnexplained || e.tile.unexplained !== undefined)
    );
  }

  /** Tiles of one plane of an image (plane 0 unless a stack's plane is named). */
  forImage(imageId: string, plane = 0): PredictionEntry[] {
    return [...this.entries.values()].filter(
      (e) => e.tile.imageId === imageId && (e.tile.plane ?? 0) === plane,
    );
  }

  clear(imageId?: string): void {
    for (const [key, e] of this.entries)
      if (imageId === undefined || e.tile.imageId === imageId) this.entries.delete(key);
  }
}
