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
}

/** Keys name the plane of a stack after the level (`p5`), so tiles of every plane can stay cached. */
export const imageTileKey = (imageId: string, level: number, rect: Rect, plane = 0) =>
  `${imageId}:${level}:${plane === 0 ? '' : `p${plane}:`}${rect.x},${rect.y}`;
export const predictionKey = (imageId: string, rect: Rect, plane = 0) =>
  `${imageId}:${plane === 0 ? '' : `p${plane}:`}${rect.x},${rect.y}`;

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
    const entry: PredictionEntry = { tile, canvases: new Map() };
    this.entries.set(predictionKey(tile.imageId, tile.rect, tile.plane ?? 0), entry);
    return entry;
  }

  /** True when the view can show probabilities at `tile`'s place already (a tile of the same classes). */
  isShownAt(tile: ProbabilityTile): boolean {
    const e = this.entries.get(predictionKey(tile.imageId, tile.rect, tile.plane ?? 0));
    return e !== undefined && e.tile.classCount === tile.classCount;
  }

  /** True when the tile was predicted by the current model at `stride` or finer. */
  isCurrent(imageId: string, rect: Rect, stride: number, plane = 0): boolean {
    const e = this.entries.get(predictionKey(imageId, rect, plane));
    return e !== undefined && e.tile.requestId >= this.currentFrom && e.tile.stride <= stride;
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
