import { describe, expect, it } from 'vitest';
import type { ProbabilityTile } from '../../core/protocol/types.js';
import { HINT_BLOCK_PX, colorizeUnexplained, labelHereNext, unexplainedAt } from './unexplainedLayer.js';

/** A confident two-class tile (p = 255, 0) with the given unexplained and uncertain squares. */
function tile(
  x: number,
  unexplainedAt: { x: number; y: number } | null,
  uncertainAt: { x: number; y: number } | null,
): ProbabilityTile {
  const w = 128;
  const n = w * w;
  const probabilities = new Uint8Array(2 * n);
  probabilities.fill(255, 0, n);
  const unexplained = new Uint8Array(n);
  for (let y = 0; y < 20; y++) {
    for (let dx = 0; dx < 20; dx++) {
      if (unexplainedAt) unexplained[(unexplainedAt.y + y) * w + unexplainedAt.x + dx] = 230;
      if (uncertainAt) {
        const i = (uncertainAt.y + y) * w + uncertainAt.x + dx;
        probabilities[i] = 128;
        probabilities[n + i] = 127;
      }
    }
  }
  return {
    requestId: 1,
    viewId: 'v',
    imageId: 'im',
    rect: { x, y: 0, width: w, height: w },
    stride: 1,
    width: w,
    height: w,
    classCount: 2,
    probabilities,
    unexplained,
  };
}

describe('Unexplained and Label here next layers', () => {
  it('paints unexplained pixels in the layer colour and leaves explained ones clear', () => {
    const rgba = colorizeUnexplained(Uint8Array.from([0, 200]), new Uint8ClampedArray(8));
    expect(rgba[3]).toBe(0);
    expect(rgba[7]).toBe(200);
  });

  it('reads the score under the pointer', () => {
    const tiles = [tile(0, { x: 40, y: 40 }, null)];
    expect(unexplainedAt(tiles, 'im', 45, 45)).toBeCloseTo(230 / 255);
    expect(unexplainedAt(tiles, 'im', 5, 5)).toBe(0);
    expect(unexplainedAt(tiles, 'im', 500, 5)).toBeNull();
  });

  it('marks the unexplained and the uncertain regions, not the confident ones, best first', () => {
    const tiles = [tile(0, { x: 64, y: 64 }, null), tile(128, null, { x: 32, y: 96 })];
    const spots = labelHereNext(tiles, { x: 0, y: 0, width: 256, height: 128 });
    expect(spots.length).toBe(2);
    const centres = spots.map((s) => ({ x: s.rect.x + HINT_BLOCK_PX / 2, y: s.rect.y + HINT_BLOCK_PX / 2 }));
    expect(centres).toContainEqual({ x: 80, y: 80 });
    expect(centres).toContainEqual({ x: 176, y: 112 });
    expect(spots[0].priority).toBeGreaterThanOrEqual(spots[1].priority);
    // Outside the view, nothing is marked.
    expect(labelHereNext(tiles, { x: 0, y: 0, width: 60, height: 60 })).toEqual([]);
  });
});
