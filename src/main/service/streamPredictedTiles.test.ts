/**
 * A slow prediction (a busy machine, features still being computed) shows a progress bar that moves a few
 * times a second and ends full, not one repaint of it per tile.
 */
import { describe, expect, it } from 'vitest';
import type { PredictRequest, Progress } from '../../core/protocol/types.js';
import type { OpenImage } from './projectImage.js';
import { PROGRESS_INTERVAL_MS, streamPredictedTiles } from './streamPredictedTiles.js';

describe('streamPredictedTiles progress', () => {
  it('reports progress at most every PROGRESS_INTERVAL_MS and always the last tile', async () => {
    const tiles = Array.from({ length: 16 }, (_, i) => ({
      x: (i % 4) * 8,
      y: Math.floor(i / 4) * 8,
      width: 8,
      height: 8,
    }));
    const request: PredictRequest = {
      requestId: 1,
      viewId: 'v',
      imageId: 'a',
      tiles,
      retrain: false,
      stride: 1,
    };
    const image = { info: { id: 'a', width: 32, height: 32 } } as OpenImage;
    const progress: Progress[] = [];
    let delivered = 0;
    const t0 = performance.now();
    await streamPredictedTiles(
      request,
      {
        image,
        classCount: 2,
        concurrency: 1,
        started: t0 - 2000, // already slow: past the delay before any progress shows
        predict: async () => {
          await new Promise((r) => setTimeout(r, 30));
          return { probabilities: new Uint8Array(2 * 64), unexplained: null };
        },
        onTile: () => delivered++,
        onProgress: (p) => progress.push(p),
      },
      new AbortController().signal,
      { count: 0 },
    );
    const elapsed = performance.now() - t0;
    expect(delivered).toBe(16);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(elapsed / PROGRESS_INTERVAL_MS) + 1);
    expect(progress.length).toBeLessThan(16);
    expect(progress.at(-1)).toMatchObject({ done: 16, total: 16 }); // the bar ends full and goes away
  });
});
