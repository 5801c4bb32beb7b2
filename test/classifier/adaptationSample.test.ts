/** Where adaptation's pixel sample comes from: windows spread over the image, pixels drawn once each. */
import { describe, expect, it } from 'vitest';
import {
  ADAPTATION_WINDOW_COUNT,
  ADAPTATION_WINDOW_SIZE,
  ADAPTATION_WORK_SHARE,
} from '../../src/core/classifier/adaptation/adaptationConstants.js';
import { sampleFeatureRows, sampleWindows } from '../../src/core/classifier/adaptation/samplePixels.js';

describe('the adaptation sample', () => {
  it('takes a grid of windows over a large image, reaching its edges, and a small image whole', () => {
    const windows = sampleWindows(1024, 768, ADAPTATION_WINDOW_COUNT, ADAPTATION_WINDOW_SIZE);
    // A grid of about the wanted count (whole rows of windows, so up to one row more).
    expect(windows.length).toBeGreaterThanOrEqual(ADAPTATION_WINDOW_COUNT);
    expect(windows.length).toBeLessThanOrEqual(1.25 * ADAPTATION_WINDOW_COUNT);
    for (const w of windows) {
      expect(w.width).toBe(ADAPTATION_WINDOW_SIZE);
      expect(w.x + w.width).toBeLessThanOrEqual(1024);
      expect(w.y + w.height).toBeLessThanOrEqual(768);
    }
    expect(new Set(windows.map((w) => `${w.x},${w.y}`)).size).toBe(windows.length);
    expect(Math.min(...windows.map((w) => w.x))).toBeLessThan(1024 / 3);
    expect(Math.max(...windows.map((w) => w.x))).toBeGreaterThan((2 * 1024) / 3 - ADAPTATION_WINDOW_SIZE);
    expect(sampleWindows(100, 120, ADAPTATION_WINDOW_COUNT, ADAPTATION_WINDOW_SIZE)).toEqual([
      { x: 0, y: 0, width: 100, height: 120 },
    ]);
  });

  it('takes fewer windows on a small image, whose halos would cost more than its own features', () => {
    const halo = 38;
    const work = (rects: { width: number; height: number }[]) =>
      rects.reduce((s, r) => s + (r.width + 2 * halo) * (r.height + 2 * halo), 0);
    for (const side of [512, 1024, 4096]) {
      const windows = sampleWindows(side, side, ADAPTATION_WINDOW_COUNT, ADAPTATION_WINDOW_SIZE, halo);
      expect(work(windows)).toBeLessThanOrEqual(
        ADAPTATION_WORK_SHARE * (side + 2 * halo) ** 2 + (ADAPTATION_WINDOW_SIZE + 2 * halo) ** 2,
      );
      expect(windows.length).toBeGreaterThanOrEqual(side >= 4096 ? ADAPTATION_WINDOW_COUNT : 4);
    }
  });

  it('draws each pixel at most once, the same pixels for the same seed', () => {
    const plane = Float32Array.from({ length: 1000 }, (_, i) => i);
    const a = sampleFeatureRows([plane], 1000, 600, 1);
    expect(a.n).toBe(600);
    expect(new Set(a.rows).size).toBe(600);
    expect(sampleFeatureRows([plane], 1000, 600, 1).rows).toEqual(a.rows);
    expect(sampleFeatureRows([plane], 1000, 5000, 1).n).toBe(1000);
  });
});
