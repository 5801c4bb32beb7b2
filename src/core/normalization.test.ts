import { describe, expect, it } from 'vitest';
import {
  applyNormalization,
  channelRangeOf,
  normalizeForFeatures,
  percentileSampleRects,
  percentiles,
  WHOLE_IMAGE_SAMPLE_PIXELS,
} from './normalization.js';

describe('percentiles', () => {
  it('interpolate linearly between ranks, as numpy does', () => {
    const v = Float32Array.from([10, 0, 30, 20, 40]);
    expect(percentiles(v, [0, 25, 50, 100, 12.5])).toEqual([0, 10, 20, 40, 5]);
  });

  it('equal those of the sorted values, with ties, at any rank, and with NaN ordered last', () => {
    let state = 7;
    const next = () => (state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (const n of [1, 2, 3, 10, 1001, 65536]) {
      // Few distinct values: many ties, as in 8-bit images.
      const values = Float32Array.from({ length: n }, () => Math.floor(next() * 40));
      const sorted = Float32Array.from(values).sort();
      const ps = [0, 0.1, 1, 25, 50, 99, 99.9, 100, 100 * next()];
      const expected = ps.map((p) => {
        const pos = (p / 100) * (n - 1);
        const lo = Math.floor(pos);
        const hi = Math.min(n - 1, lo + 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
      });
      expect(percentiles(values, ps)).toEqual(expected);
    }
    expect(percentiles(Float32Array.of(3, NaN, 1, 2), [0, 50, 100])).toEqual([1, 2.5, NaN]);
  });

  it('are the same whether the values are counted (integers) or selected (fractions, very wide spans)', () => {
    let state = 11;
    const next = () => (state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const ps = [0, 0.1, 50, 99.9, 100];
    const reference = (values: Float32Array) => {
      const sorted = Float32Array.from(values).sort();
      const n = values.length;
      return ps.map((p) => {
        const pos = (p / 100) * (n - 1);
        const lo = Math.floor(pos);
        const hi = Math.min(n - 1, lo + 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
      });
    };
    const sixteenBit = Float32Array.from({ length: 20000 }, () => 33000 + Math.floor(next() * 3000));
    const fractions = Float32Array.from(sixteenBit, (v) => v / 7);
    const wide = Float32Array.from(sixteenBit, (v, i) => (i === 0 ? -(2 ** 24) : v));
    const negative = Float32Array.from(sixteenBit, (v) => 33000 - v);
    for (const values of [sixteenBit, fractions, wide, negative]) {
      expect(percentiles(values, ps)).toEqual(reference(values));
    }
  });

  it('map data on a large camera offset to about 0..1', () => {
    const values = Float32Array.from({ length: 10000 }, (_, i) => 33000 + (i % 4001));
    const range = channelRangeOf([values], { mode: 'percentile', lowPercentile: 0.1, highPercentile: 99.9 });
    const image = { width: 100, height: 100, channels: [values] };
    const out = applyNormalization(image, range, 'percentile').channels[0];
    let min = Infinity;
    let max = -Infinity;
    for (const v of out) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBeGreaterThan(-0.01);
    expect(min).toBeLessThan(0);
    expect(max).toBeGreaterThan(1);
    expect(max).toBeLessThan(1.01);
  });
});

describe('normalization', () => {
  it('leaves raw values alone when off, and shifts a flat channel without dividing by zero', () => {
    const image = { width: 2, height: 1, channels: [Float32Array.from([5, 5])] };
    expect(
      normalizeForFeatures(image, { mode: 'none', lowPercentile: 1, highPercentile: 99 }, undefined),
    ).toBe(image);
    const flat = applyNormalization(image, { low: [5], high: [5] }, 'percentile');
    expect(Array.from(flat.channels[0])).toEqual([0, 0]);
    expect(() => applyNormalization(image, { low: [0, 0], high: [1, 1] }, 'percentile')).toThrow(
      /2 channels but the image has 1/,
    );
  });

  it('under percentile-sqrt takes the root of the mapped values, keeping their order, the darkest at 0', () => {
    const image = { width: 5, height: 1, channels: [Float32Array.from([90, 100, 125, 200, 500])] };
    const range = { low: [100], high: [500] };
    const linear = Array.from(applyNormalization(image, range, 'percentile').channels[0]);
    const root = Array.from(applyNormalization(image, range, 'percentile-sqrt').channels[0]);
    expect(linear).toEqual(Array.from(Float32Array.from([-0.025, 0, 0.0625, 0.25, 1])));
    // A dim value's step is stretched 4×, the bright end's compressed: noise that grows with brightness evens out.
    expect(root).toEqual([0, 0, 0.25, 0.5, 1]);
    const settings = { mode: 'percentile-sqrt' as const, lowPercentile: 0.1, highPercentile: 99.9 };
    expect(Array.from(normalizeForFeatures(image, settings, range).channels[0])).toEqual(root);
  });

  it('samples a big image with 16 tiles spread over it, a small one whole', () => {
    expect(percentileSampleRects(1000, 800)).toEqual([{ x: 0, y: 0, width: 1000, height: 800 }]);
    const rects = percentileSampleRects(20000, 20000);
    expect(rects).toHaveLength(16);
    expect(20000 * 20000).toBeGreaterThan(WHOLE_IMAGE_SAMPLE_PIXELS);
    for (const r of rects) {
      expect(r.x + r.width).toBeLessThanOrEqual(20000);
      expect(r.y + r.height).toBeLessThanOrEqual(20000);
    }
    expect(Math.min(...rects.map((r) => r.x))).toBeLessThan(3000);
    expect(Math.max(...rects.map((r) => r.x))).toBeGreaterThan(17000);
  });
});
