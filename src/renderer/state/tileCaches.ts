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

export const imageTileKey = (imageId: string, level: number, rect: Rect) =>
  `${imageId}:${level}:${rect.x},${rect.y}`;
export const predictionKey = (imageId: string, rect: Rect) => `${imageId}:${rect.x},${rect.y}`;

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

  put(tile: ProbabilityTile): void {
    this.entries.set(predictionKey(tile.imageId, tile.rect), { tile, canvases: new Map() });
  }

  /** True when the tile was predicted by the current model at `stride` or finer. */
  isCurrent(imageId: string, rect: Rect, stride: number): boolean {
    const e = this.entries.get(predictionKey(imageId, rect));
    return e !== undefined && e.tile.requestId >= this.currentFrom && e.tile.stride <= stride;
  }

  forImage(imageId: string): PredictionEntry[] {
    return [...this.entries.values()].filter((e) => e.tile.imageId === imageId);
  }

  clear(imageId?: string): void {
    for (const [key, e] of this.entries)
      if (imageId === undefined || e.tile.imageId === imageId) this.entries.delete(key);
  }
}
