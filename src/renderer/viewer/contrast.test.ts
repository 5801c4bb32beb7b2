import { describe, expect, it } from 'vitest';
import { autoWindow, histogram, overviewLevel } from './contrast.js';

describe('contrast helpers', () => {
  it('bins values over the range, outliers in the end bins', () => {
    const counts = histogram(Float32Array.from([0, 1, 5, 9.9, 10, -3, 40]), 0, 10, 2);
    expect(Array.from(counts)).toEqual([3, 4]);
  });

  it('auto leaves 0.35 % saturated at each end, ignoring a hot pixel', () => {
    const values = Float32Array.from({ length: 10_000 }, (_, i) => 100 + (i % 1000));
    values[0] = 65535;
    const w = autoWindow(values, 0, 65535);
    expect(w.min).toBeGreaterThanOrEqual(100);
    expect(w.min).toBeLessThan(110);
    expect(w.max).toBeLessThan(1100);
    expect(w.max).toBeGreaterThan(1090);
    expect(autoWindow(new Float32Array(5).fill(7), 0, 255)).toEqual({ min: 0, max: 255 });
  });

  it('picks the level whose one tile holds the whole image in 512 px', () => {
    expect([overviewLevel(512, 300), overviewLevel(513, 10), overviewLevel(4096, 2048)]).toEqual([0, 1, 3]);
  });
});
