import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random.js';
import { fitBestBySize, fitGaussianMixture, scoreSamples } from './GaussianMixture.js';

/** n points around each centre (isotropic, standard deviation sd), shuffled. */
function blobs(centres: number[][], nPer: number, sd: number, seed: number): Float64Array {
  const rng = new SeededRandom(seed);
  const rows: number[][] = [];
  for (const c of centres) for (let i = 0; i < nPer; i++) rows.push(c.map((m) => m + sd * rng.nextNormal()));
  for (let i = rows.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  return Float64Array.from(rows.flat());
}

const allFinite = (values: number[]): boolean => values.every(Number.isFinite);

describe('fitGaussianMixture', () => {
  it('finds well-separated clusters', () => {
    const X = blobs(
      [
        [0, 0],
        [10, 0],
        [0, 10],
      ],
      100,
      1,
      1,
    );
    const model = fitGaussianMixture(X, 300, 2, { nComponents: 3, nInit: 2, seed: 3 });
    const means = [0, 1, 2]
      .map((j) => [model.means[2 * j], model.means[2 * j + 1]])
      .sort((a, b) => a[0] + 2 * a[1] - (b[0] + 2 * b[1]));
    expect(means[0][0]).toBeCloseTo(0, 0);
    expect(means[1][0]).toBeCloseTo(10, 0);
    expect(means[2][1]).toBeCloseTo(10, 0);
    for (const w of model.weights) expect(w).toBeCloseTo(1 / 3, 1);
  });

  it('gives identical results for the same seed and different ones for another', () => {
    const X = blobs(
      [
        [0, 0, 0],
        [2, 2, 2],
        [4, 0, 2],
        [1, 3, 0],
      ],
      60,
      1.2,
      5,
    );
    const a = fitGaussianMixture(X, 240, 3, { nComponents: 4, seed: 11 });
    const b = fitGaussianMixture(X, 240, 3, { nComponents: 4, seed: 11 });
    const c = fitGaussianMixture(X, 240, 3, { nComponents: 4, seed: 12 });
    expect(b).toEqual(a);
    expect(c.means).not.toEqual(a.means);
  });

  it('never produces NaN when a component collapses onto repeated points or empties', () => {
    // 50 identical points plus a spread cloud: a component sits on the duplicates with zero variance.
    const rng = new SeededRandom(2);
    const rows: number[] = [];
    for (let i = 0; i < 50; i++) rows.push(1, 1);
    for (let i = 0; i < 50; i++) rows.push(rng.nextNormal() * 3, rng.nextNormal() * 3);
    for (const covariance of ['full', 'diag'] as const) {
      const model = fitGaussianMixture(Float64Array.from(rows), 100, 2, {
        nComponents: 6,
        covariance,
        regCovar: 0,
        seed: 1,
      });
      expect(allFinite(model.means) && allFinite(model.covariances) && allFinite(model.weights)).toBe(true);
      expect(Number.isFinite(model.meanLogLikelihood)).toBe(true);
    }
    // A start placing a component far from every point empties it: it is re-seeded, not left as NaN.
    const X = blobs([[0, 0]], 80, 1, 4);
    const model = fitGaussianMixture(X, 80, 2, {
      nComponents: 2,
      regCovar: 1e-6,
      maxIter: 5,
      init: { weights: [0.5, 0.5], means: [0, 0, 1e6, 1e6], covariances: [1, 0, 0, 1, 1e-6, 0, 0, 1e-6] },
    });
    expect(allFinite(model.means) && allFinite(model.covariances)).toBe(true);
    expect(Math.abs(model.means[2])).toBeLessThan(10);
    expect(allFinite(Array.from(scoreSamples(model, X, 80)))).toBe(true);
  });

  it('rejects inputs it cannot fit with a clear message', () => {
    expect(() => fitGaussianMixture(new Float64Array(4), 2, 2, { nComponents: 3 })).toThrow(
      /at least as many samples/,
    );
    expect(() => fitGaussianMixture(Float64Array.from([0, NaN, 1, 1]), 2, 2)).toThrow(/not finite/);
  });
});

describe('fitBestBySize (BIC)', () => {
  it('picks the true number of clusters on clear data', () => {
    for (const [centres, expected] of [
      [[[0, 0]], 1],
      [
        [
          [0, 0],
          [8, 8],
        ],
        2,
      ],
      [
        [
          [0, 0],
          [8, 0],
          [0, 8],
        ],
        3,
      ],
    ] as const) {
      const X = blobs(
        centres.map((c) => [...c]),
        150,
        1,
        9,
      );
      const { model } = fitBestBySize(X, 150 * centres.length, 2, 5, { seed: 1, nInit: 2 });
      expect(model.weights.length).toBe(expected);
    }
  });
});
