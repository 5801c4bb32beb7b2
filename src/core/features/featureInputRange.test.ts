import { describe, expect, it } from 'vitest';
import { computeFeatures } from './computeFeatures.js';
import {
  FEATURE_DEGREE,
  MAX_FEATURE_INPUT_MAGNITUDE,
  SIMD_SAFE_MAGNITUDE,
  findUnsafeFeatureInput,
} from './featureInputRange.js';
import { FEATURE_CHANNEL_COUNTS, FEATURE_IDS, presetSelection } from './selection.js';

const SIZE = 40;
const M = MAX_FEATURE_INPUT_MAGNITUDE;
/** The hardest inputs for the squares in the structure tensor and Hessian: ±M at the pixel scale. */
const PATTERNS: Record<string, (x: number, y: number) => number> = {
  checkerboard: (x, y) => ((x + y) % 2 ? M : -M),
  step: (x) => (x < SIZE / 2 ? M : -M),
  spike: (x, y) => (x === 20 && y === 20 ? M : x === 21 && y === 20 ? -M : 0),
};

function image(f: (x: number, y: number) => number) {
  const plane = new Float32Array(SIZE * SIZE);
  for (let i = 0; i < plane.length; i++) plane[i] = f(i % SIZE, Math.floor(i / SIZE));
  return { width: SIZE, height: SIZE, channels: [plane] };
}

describe('MAX_FEATURE_INPUT_MAGNITUDE', () => {
  for (const convention of ['ilastik', 'direct'] as const) {
    it(`keeps every feature finite at ±bound (${convention}, all features at all scales)`, () => {
      for (const [name, f] of Object.entries(PATTERNS)) {
        const planes = computeFeatures(image(f), presetSelection('all'), convention);
        const bad = planes.findIndex((p) => p.some((v) => !Number.isFinite(v)));
        expect(bad, `${name}: feature plane ${bad} not finite`).toBe(-1);
      }
    });
  }

  it('a channel scaled by 2⁴⁰ gives exactly 2⁴⁰ times its features (2⁸⁰ for the structure tensor)', () => {
    let seed = 7;
    const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 1000;
    const base = image(() => Math.round(noise()));
    const scaled = { ...base, channels: [base.channels[0].map((v) => v * 2 ** 40)] };
    expect(Math.max(...scaled.channels[0])).toBeGreaterThan(SIMD_SAFE_MAGNITUDE);
    for (const convention of ['ilastik', 'direct'] as const) {
      const sel = presetSelection('all');
      // The same offset (0) for both: the default, a quantized median, does not scale by powers of two.
      const expected = computeFeatures(base, sel, convention, undefined, { offsets: [0] });
      const got = computeFeatures(scaled, sel, convention, undefined, { offsets: [0] });
      // Planes are feature-major, then scale, then the feature's own channels (one input channel here).
      let p = 0;
      for (const id of FEATURE_IDS) {
        const factor = 2 ** (40 * FEATURE_DEGREE[id]);
        for (let n = 0; n < sel.scales.length * FEATURE_CHANNEL_COUNTS[id]; n++, p++) {
          expect(got[p], `${convention} ${id}`).toEqual(expected[p].map((v) => v * factor));
        }
      }
      expect(p).toBe(got.length);
    }
  });

  it('is refused just above, and NaN or Infinity anywhere comes first', () => {
    const img = image(() => 1);
    expect(findUnsafeFeatureInput(img)).toBeNull();
    img.channels[0][3] = -M * 1.01;
    expect(findUnsafeFeatureInput(img)).toMatchObject({ kind: 'tooLarge', index: 3 });
    img.channels[0][9] = Infinity;
    expect(findUnsafeFeatureInput(img)).toMatchObject({ kind: 'nonFinite', index: 9 });
  });
});
