/**
 * Probability tiles are kept per plane of a stack: a tile of the plane just switched to never counts as
 * "already shown" because another plane showed probabilities at its place, so it is painted at once
 * rather than held like a refinement (tilePaints.ts), and each plane shows its own tiles.
 */
import { describe, expect, it } from 'vitest';
import type { ProbabilityTile } from '../../core/protocol/types.js';
import { PredictionTiles } from './tileCaches.js';

const tile = (plane: number, stride: number, requestId = 1): ProbabilityTile => ({
  requestId,
  viewId: 'view',
  imageId: 'stack',
  plane,
  rect: { x: 0, y: 0, width: 256, height: 256 },
  stride,
  width: 256 / stride,
  height: 256 / stride,
  classCount: 2,
  probabilities: new Uint8Array((2 * 256 * 256) / stride / stride),
});

describe('probability tiles of a stack', () => {
  it('hold a refinement of the plane on screen, but not a tile of another plane at the same place', () => {
    const tiles = new PredictionTiles();
    tiles.put(tile(5, 4));
    expect(tiles.isShownAt(tile(5, 1))).toBe(true); // plane 5's full resolution refines its preview
    expect(tiles.isShownAt(tile(6, 1))).toBe(false); // plane 6 shows nothing yet: paint it at once
    tiles.put(tile(6, 1));
    expect(tiles.forImage('stack', 6).map((e) => e.tile.stride)).toEqual([1]);
    expect(tiles.forImage('stack', 5).map((e) => e.tile.stride)).toEqual([4]);
  });

  it('do not count tiles of another class list as shown (they cannot be drawn)', () => {
    const tiles = new PredictionTiles();
    tiles.put({ ...tile(5, 4), classCount: 3, probabilities: new Uint8Array(3 * 64 * 64) });
    expect(tiles.isShownAt(tile(5, 1))).toBe(false);
  });
});
