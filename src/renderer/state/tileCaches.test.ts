/**
 * Probability tiles are kept per plane of a stack: a tile of the plane just switched to never counts as
 * "already shown" because another plane showed probabilities at its place, so it is painted at once
 * rather than held like a refinement (tilePaints.ts), and each plane shows its own tiles.
 */
import { describe, expect, it } from 'vitest';
import type { ProbabilityTile } from '../../core/protocol/types.js';
import { MAX_SPARE_CANVASES, PredictionTiles, takeSpareCanvas } from './tileCaches.js';

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

/** A stand-in for a canvas: what the spares are picked by. */
const fakeCanvas = (size: number) => ({ width: size, height: size }) as HTMLCanvasElement;

describe("a tile draws into an older tile's canvas at its place, never into one on screen", () => {
  it('takes the preview-sized canvas of two tiles ago, not the one the screen shows', () => {
    const tiles = new PredictionTiles();
    const fullBefore = tiles.put(tile(0, 1, 1));
    const oldFull = fakeCanvas(256);
    fullBefore.canvases.set('probabilities', { canvas: oldFull, drawnWith: '' });
    const preview = tiles.put(tile(0, 4, 2));
    const previewCanvas = fakeCanvas(64);
    preview.canvases.set('probabilities', { canvas: previewCanvas, drawnWith: '' });
    const full = tiles.put(tile(0, 1, 3));
    // The preview is on screen until the full tile is painted; the old full tile's canvas is not.
    const shown = new Set([previewCanvas]);
    expect(takeSpareCanvas(full, 256, 256, shown)).toBe(oldFull);
    expect(takeSpareCanvas(full, 256, 256, shown)).toBeNull(); // taken once only
    expect(takeSpareCanvas(full, 64, 64, shown)).toBeNull(); // the preview's own is on screen
    expect(takeSpareCanvas(full, 64, 64, new Set())).toBe(previewCanvas);
  });

  it('keeps the spares of one place only, at most MAX_SPARE_CANVASES', () => {
    const tiles = new PredictionTiles();
    for (let i = 1; i <= 2 * MAX_SPARE_CANVASES; i++)
      tiles.put(tile(0, 1, i)).canvases.set('probabilities', { canvas: fakeCanvas(256), drawnWith: '' });
    expect(tiles.put(tile(0, 1, 99)).spares).toHaveLength(MAX_SPARE_CANVASES);
    const elsewhere = tiles.put({ ...tile(0, 1, 100), rect: { x: 256, y: 0, width: 256, height: 256 } });
    expect(elsewhere.spares).toEqual([]);
  });
});

describe('a predicted tile is current', () => {
  it('only with the unexplained score once a layer showing it is on', () => {
    const tiles = new PredictionTiles();
    tiles.currentFrom = 3;
    tiles.put(tile(0, 1, 3));
    // Predicted without the score while no layer showed it: enough for the probabilities...
    const rect = tile(0, 1).rect;
    expect(tiles.isCurrent('stack', rect, 1, 0)).toBe(true);
    // ...but the "Unexplained" overlay switched on needs the tile again, with its score.
    expect(tiles.isCurrent('stack', rect, 1, 0, true)).toBe(false);
    tiles.put({ ...tile(0, 1, 4), unexplained: new Uint8Array(256 * 256) });
    expect(tiles.isCurrent('stack', rect, 1, 0, true)).toBe(true);
    expect(tiles.isCurrent('stack', rect, 1, 0)).toBe(true);
  });
});
