/**
 * Keeps an export's memory to about one plane (one block of planes with 3-D features) of features: the
 * export predicts through the live view's feature cache, which would otherwise fill up to its budget with
 * the features of every plane of a stack (1.8 GB for a 30 × 512² stack) and push out what the window
 * shows. Features the window had cached before the export stay; those the export computed are dropped once
 * their plane is written (with 3-D features a block's later planes are still cached for their turn).
 */
import { PREDICTION_TILE_SIZE } from '../../core/protocol/constants.js';
import { tileGrid } from '../../core/tiling.js';
import { FeatureTileCache } from './FeatureTileCache.js';
import type { OpenImage } from './projectImage.js';

export class ExportFeatureRelease {
  /** Cache keys of the window's own features, noted when an image's export begins. */
  private readonly kept = new Set<string>();

  constructor(private readonly cache: FeatureTileCache) {}

  /** Notes which features of `image` the window had cached: these outlive the export. */
  begin(image: OpenImage): void {
    for (let plane = 0; plane < (image.info.planes ?? 1); plane++) {
      for (const key of this.keys(image, plane)) if (this.cache.get(key)) this.kept.add(key);
    }
  }

  /** Drops the features the export computed for a plane it has written. */
  release(image: OpenImage, plane: number): void {
    for (const key of this.keys(image, plane)) if (!this.kept.has(key)) this.cache.delete(key);
  }

  /** The keys the export's tiles use: the prediction grid the window and TilePredictor share. */
  private keys(image: OpenImage, plane: number): string[] {
    const { width, height, id } = image.info;
    return tileGrid(width, height, PREDICTION_TILE_SIZE, 0).map(({ core }) =>
      FeatureTileCache.key(id, core, plane),
    );
  }
}
