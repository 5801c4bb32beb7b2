import { describe, expect, it } from 'vitest';
import { greyFeature, tileRange, unionRange } from './featureDisplay.js';

describe('feature viewer display', () => {
  it('spans the bulk of the values, so one outlier does not wash the channel out', () => {
    const values = new Float32Array(1000).map((_, i) => i / 1000);
    values[500] = 1e6;
    const range = tileRange(values);
    expect(range.min).toBeLessThan(0.02);
    expect(range.max).toBeLessThan(1.01);
    expect(range.max).toBeGreaterThan(0.97);
  });

  it('shows every tile with one contrast covering all of them', () => {
    expect(
      unionRange([
        { min: -2, max: 1 },
        { min: 0, max: 5 },
      ]),
    ).toEqual({ min: -2, max: 5 });
    expect(unionRange([])).toBeNull();
  });

  it('maps the range to black..white in grey', () => {
    const rgba = greyFeature(Float32Array.from([-1, 0, 10]), { min: 0, max: 10 }, new Uint8ClampedArray(12));
    expect(Array.from(rgba)).toEqual([0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 255]);
  });
});
