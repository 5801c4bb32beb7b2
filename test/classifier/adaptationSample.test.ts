/** Where adaptation's pixel sample comes from: windows spread over the image, pixels drawn once each. */
import { describe, expect, it } from 'vitest';
import {
  ADAPTATION_WINDOW_COUNT,
  ADAPTATION_WINDOW_SIZE,
  ADAPTATION_WORK_SHARE,
} from '../../src/core/classifier/adaptation/adaptationConstants.js';
import {
  gatherFeatureRows,
  sampleFeatureRows,
  samplePixelIndices,
  sampleWindows,
  windowPixelsInImage,
} from '../../src/core/classifier/adaptation/samplePixels.js';
import { cropPlane } from '../../src/core/image.js';

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

  it('draws the same rows from a plane held in bands as from the plane whole', () => {
    const width = 50;
    const height = 40;
    const planes = [0, 1, 2].map((c) => Float32Array.from({ length: width * height }, (_, i) => i * 3 + c));
    const whole = sampleFeatureRows(planes, width * height, 700, 4);
    // Bands of 7 rows (the last one shorter), as predictOnce.ts computes them.
    const bands: Float32Array[][] = [];
    for (let y = 0; y < height; y += 7) {
      const rows = Math.min(7, height - y);
      bands.push(planes.map((p) => p.slice(y * width, (y + rows) * width)));
    }
    const pixels = samplePixelIndices(width * height, 700, 4);
    expect(gatherFeatureRows(bands, pixels)).toEqual(whole.rows);
    expect(() => gatherFeatureRows(bands, Int32Array.of(width * height))).toThrow(/outside/);
  });

  it("finds the windows' sample pixels in the image, so a plane's features give the windows' sample", () => {
    const width = 300;
    const height = 260;
    const plane = Float32Array.from({ length: width * height }, (_, i) => i);
    const windows = sampleWindows(width, height, ADAPTATION_WINDOW_COUNT, 40, 10);
    expect(windows.length).toBeGreaterThan(1);
    const crops = windows.map((w) => cropPlane(plane, width, w.x, w.y, w.width, w.height));
    const joined = Float32Array.from(crops.flatMap((c) => Array.from(c)));
    const fromWindows = sampleFeatureRows([joined], joined.length, 1000, 1);
    const drawn = samplePixelIndices(joined.length, 1000, 1);
    const inImage = windowPixelsInImage(windows, width, drawn);
    expect(gatherFeatureRows([[plane]], inImage)).toEqual(fromWindows.rows);
  });
});
