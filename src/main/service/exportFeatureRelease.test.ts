/**
 * An export of a stack through the live view's feature cache: the features the window had (the plane it
 * shows) stay cached, the export's own features go once their plane is written, so the cache holds about
 * one plane of the export rather than the whole stack.
 */
import { describe, expect, it } from 'vitest';
import { PREDICTION_TILE_SIZE } from '../../core/protocol/constants.js';
import { tileGrid } from '../../core/tiling.js';
import { ExportFeatureRelease } from './exportFeatureRelease.js';
import { FeatureTileCache } from './FeatureTileCache.js';
import type { OpenImage } from './projectImage.js';

const size = 2 * PREDICTION_TILE_SIZE + 7; // 3 × 3 tiles, the last ones partial
const image = { info: { id: 'img', width: size, height: size, planes: 6 } } as unknown as OpenImage;
const tiles = tileGrid(size, size, PREDICTION_TILE_SIZE, 0).map((t) => t.core);
const features = () => [new Float32Array(16)];
const cachedPlanes = (cache: FeatureTileCache) =>
  [0, 1, 2, 3, 4, 5].filter((p) => tiles.some((t) => cache.get(FeatureTileCache.key('img', t, p))));

describe('features an export computes', () => {
  it('are dropped plane by plane, while the window’s own cached plane stays', () => {
    const cache = new FeatureTileCache();
    // The window shows plane 3: its features are cached before the export.
    for (const t of tiles) cache.set(FeatureTileCache.key('img', t, 3), features());
    const release = new ExportFeatureRelease(cache);
    release.begin(image);
    for (let plane = 0; plane < 6; plane++) {
      // A 3-D block computes planes in pairs: the next plane's features arrive with this one's.
      for (const p of [plane, plane + 1].filter((q) => q < 6)) {
        for (const t of tiles)
          if (!cache.get(FeatureTileCache.key('img', t, p)))
            cache.set(FeatureTileCache.key('img', t, p), features());
      }
      release.release(image, plane);
      // Left: the window's plane 3 and the next plane's features, waiting for their turn.
      const expected = new Set([3, ...(plane + 1 < 6 ? [plane + 1] : [])]);
      expect(cachedPlanes(cache)).toEqual([...expected].sort((x, y) => x - y));
    }
    expect(cachedPlanes(cache)).toEqual([3]);
    expect(cache.size).toBe(tiles.length);
  });
});
