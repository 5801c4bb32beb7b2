import { describe, expect, it } from 'vitest';
import type { ProbabilityTile } from '../../core/protocol/types.js';
import { PredictionTiles } from './tileCaches.js';

const rect = { x: 256, y: 0, width: 256, height: 256 };

function tile(requestId: number, hasScore: boolean): ProbabilityTile {
  return {
    requestId,
    viewId: 'view',
    imageId: 'img',
    plane: 0,
    rect,
    stride: 1,
    width: 256,
    height: 256,
    classCount: 2,
    probabilities: new Uint8Array(2 * 256 * 256),
    ...(hasScore ? { unexplained: new Uint8Array(256 * 256) } : {}),
  };
}

describe('a predicted tile is current', () => {
  it('only with the unexplained score once a layer showing it is on', () => {
    const cache = new PredictionTiles();
    cache.currentFrom = 3;
    cache.put(tile(3, false));
    // Predicted without the score while no layer showed it: enough for the probabilities...
    expect(cache.isCurrent('img', rect, 1, 0)).toBe(true);
    // ...but the "Unexplained" overlay switched on needs the tile again, with its score.
    expect(cache.isCurrent('img', rect, 1, 0, true)).toBe(false);
    cache.put(tile(4, true));
    expect(cache.isCurrent('img', rect, 1, 0, true)).toBe(true);
    expect(cache.isCurrent('img', rect, 1, 0)).toBe(true);
  });
});
