/** Where adaptation's pixel sample comes from: windows spread over the image, pixels drawn once each. */
import { describe, expect, it } from 'vitest';
import {
  ADAPTATION_WINDOW_COUNT,
  ADAPTATION_WINDOW_SIZE,
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

  it('computes features of a small image whole when its halo makes the windows cost more', () => {
    const halo = 38;
    // 512²: the whole image with its halo (588²) costs less than the windows with theirs.
    expect(sampleWindows(512, 512, ADAPTATION_WINDOW_COUNT, ADAPTATION_WINDOW_SIZE, halo)).toEqual([
      { x: 0, y: 0, width: 512, height: 512 },
    ]);
    expect(
      sampleWindows(2048, 2048, ADAPTATION_WINDOW_COUNT, ADAPTATION_WINDOW_SIZE, halo).length,
    ).toBeGreaterThanOrEqual(ADAPTATION_WINDOW_COUNT);
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
