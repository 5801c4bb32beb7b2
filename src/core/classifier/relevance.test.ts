import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random.js';
import type { ClassifierOptions } from './classifierOptions.js';
import { simpleSegmentation } from './outputs.js';
import {
  deserializeClassifier,
  fitPixelClassifier,
  predictProbabilities,
  serializeClassifier,
  type FittedClassifier,
} from './PixelClassifier.js';

const NOISE_FEATURES = 24;
const d = 1 + NOISE_FEATURES;

/**
 * The classes differ in feature 0 only; the other features are noise, identical for both classes. Few
 * labeled pixels per class, as with scribbles: a plain diagonal mixture fits the noise of those few pixels
 * in 24 dimensions, which outweighs the one feature that matters.
 */
function noisyProblem(seed: number) {
  const rng = new SeededRandom(seed);
  const row = (cls: number) => [
    (cls === 1 ? -1 : 1) + 0.8 * rng.nextNormal(),
    ...Array.from({ length: NOISE_FEATURES }, () => rng.nextNormal()),
  ];
  const labeled: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 40; i++) {
    labels.push(1 + (i % 2));
    labeled.push(...row(labels[i]));
  }
  const n = 4000;
  const truth = Uint8Array.from({ length: n }, (_, i) => 1 + (i % 2));
  const unlabeled = Float32Array.from(Array.from(truth).flatMap((cls) => row(cls)));
  const planes = Array.from({ length: d }, (_, c) =>
    Float32Array.from({ length: n }, (_, i) => unlabeled[i * d + c]),
  );
  return { samples: Float32Array.from(labeled), labels: Uint8Array.from(labels), unlabeled, truth, planes };
}

const base: Partial<ClassifierOptions> = {
  components: 3,
  semiSupervised: { enabled: false, lambda: 1, sampleCount: 4000 },
  priors: 'counts',
};

function accuracy(model: FittedClassifier, p: ReturnType<typeof noisyProblem>): number {
  const seg = simpleSegmentation(predictProbabilities(model, p.planes, p.truth.length), model.classes);
  return seg.reduce((s, v, i) => s + (v === p.truth[i] ? 1 : 0), 0) / seg.length;
}

describe('relevance weights', () => {
  const p = noisyProblem(5);
  // The default weighting, from the class components ('components').
  const weighted = fitPixelClassifier(p.samples, p.labels, d, base, p.unlabeled);
  const fisher = fitPixelClassifier(
    p.samples,
    p.labels,
    d,
    { ...base, relevance: { weighting: 'fisher', exponent: 1, total: 2 } },
    p.unlabeled,
  );
  const plain = fitPixelClassifier(
    p.samples,
    p.labels,
    d,
    { ...base, relevance: { weighting: 'none', exponent: 1, total: 2 } },
    p.unlabeled,
  );

  it('give the separating feature the largest weight, summing to the configured total', () => {
    // 20 scribbled pixels per class split into 3 components each: the components' weights spread a
    // little more over the 24 noise features than the Fisher ratio's, but each stays a third of feature 0's.
    for (const [model, share] of [
      [weighted, 0.4],
      [fisher, 0.5],
    ] as const) {
      const w = model.transform.relevance!;
      expect(w).toHaveLength(d);
      expect(w.reduce((s, v) => s + v, 0)).toBeCloseTo(2, 10);
      expect(w[0]).toBeGreaterThan(share * 2);
      expect(Math.max(...w.slice(1))).toBeLessThan(w[0] / 3);
    }
    expect(plain.transform.relevance ?? null).toBeNull();
  });

  it('classify unseen pixels better than the unweighted mixture when most features are noise', () => {
    const withWeights = accuracy(weighted, p);
    const without = accuracy(plain, p);
    // Feature 0 alone separates ~89 % of pixels (classes 2.5 σ apart).
    expect(withWeights).toBeGreaterThan(0.85);
    expect(withWeights).toBeGreaterThan(without + 0.05);
  });

  it('give the same probabilities in the SIMD and JavaScript kernels', () => {
    const simd = predictProbabilities(weighted, p.planes, p.truth.length, true);
    const js = predictProbabilities(weighted, p.planes, p.truth.length, false);
    let worst = 0;
    for (let c = 0; c < simd.length; c++)
      for (let i = 0; i < p.truth.length; i++) worst = Math.max(worst, Math.abs(simd[c][i] - js[c][i]));
    expect(worst).toBeLessThan(1e-5);
  });

  it('survive a save and load with identical predictions, and a damaged weight is refused', () => {
    const loaded = deserializeClassifier(serializeClassifier(weighted));
    expect(predictProbabilities(loaded, p.planes, 500)).toEqual(
      predictProbabilities(weighted, p.planes, 500),
    );
    const damaged = JSON.parse(serializeClassifier(weighted));
    damaged.transform.relevance[3] = -1;
    expect(() => deserializeClassifier(JSON.stringify(damaged))).toThrow(/transform.relevance/);
    damaged.transform.relevance = [1, 2];
    expect(() => deserializeClassifier(JSON.stringify(damaged))).toThrow(/transform.relevance/);
  });

  it('are refused with a message when the total is not positive', () => {
    expect(() =>
      fitPixelClassifier(p.samples, p.labels, d, {
        ...base,
        relevance: { weighting: 'fisher', exponent: 1, total: 0 },
      }),
    ).toThrow(/total > 0/);
  });
});

describe('standardizeOn', () => {
  it("'image' scales each feature by its spread over the unlabeled sample, 'labeled' by the scribbles'", () => {
    const p = noisyProblem(6);
    const spread = (values: number[]): number => {
      const m = values.reduce((s, v) => s + v, 0) / values.length;
      return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / values.length);
    };
    const column = (rows: Float32Array, c: number) =>
      Array.from({ length: rows.length / d }, (_, i) => rows[i * d + c]);
    const image = fitPixelClassifier(
      p.samples,
      p.labels,
      d,
      { ...base, standardizeOn: 'image' },
      p.unlabeled,
    );
    const labeled = fitPixelClassifier(
      p.samples,
      p.labels,
      d,
      { ...base, standardizeOn: 'labeled' },
      p.unlabeled,
    );
    expect(image.transform.scale[0]).toBeCloseTo(spread(column(p.unlabeled, 0)), 4);
    expect(labeled.transform.scale[0]).toBeCloseTo(spread(column(p.samples, 0)), 4);
  });
});
