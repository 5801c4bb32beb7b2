/**
 * The parallel fit (one worker job per class) must give the very model the sequential fit gives for the
 * same seed: same components, same λ, same numbers to the last bit. Workers run dist/ (build first).
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  fitPixelClassifier,
  serializeClassifier,
  type ClassifierOptions,
} from '../../core/classifier/PixelClassifier.js';
import { SeededRandom } from '../../core/random.js';
import { WorkerPool } from '../engine/WorkerPool.js';
import { fitClassifierOnPool, type TrainingRows } from './fitClassifierOnPool.js';

const pool = new WorkerPool({ threads: 2 });
afterAll(() => pool.close());

/** Three classes in d dimensions (class 3 two blobs), plus unlabeled rows and spatial groups. */
function makeThreeClassProblem(nPerClass: number, d: number, seed: number): TrainingRows {
  const rng = new SeededRandom(seed);
  const row = (cls: number, out: Float32Array, offset: number): void => {
    for (let c = 0; c < d; c++) out[offset + c] = 50 + 4 * rng.nextNormal();
    out[offset + (cls % d)] += 12;
    if (cls === 3) out[offset + 1] += rng.next() < 0.5 ? 10 : -10;
  };
  const n = 3 * nPerClass;
  const samples = new Float32Array(n * d);
  const labels = new Uint8Array(n);
  const sampleGroups = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = 1 + (i % 3);
    sampleGroups[i] = Math.floor(i / 30);
    row(labels[i], samples, i * d);
  }
  const unlabeled = new Float32Array(2 * n * d);
  for (let i = 0; i < 2 * n; i++) row(1 + rng.nextInt(3), unlabeled, i * d);
  return { samples, labels, nFeatures: d, unlabeled, sampleGroups };
}

function sequentialFit(rows: TrainingRows, options: Partial<ClassifierOptions>): string {
  return serializeClassifier(
    fitPixelClassifier(rows.samples, rows.labels, rows.nFeatures, options, rows.unlabeled, rows.sampleGroups),
  );
}

describe('fitClassifierOnPool', () => {
  const rows = makeThreeClassProblem(300, 6, 11);

  it('gives the sequential model exactly, semi-supervised with λ by cross-validation', async () => {
    const options: Partial<ClassifierOptions> = {
      seed: 5,
      components: 3,
      maxSamplesPerClass: 250,
      semiSupervised: { enabled: 'auto', lambda: 'auto', sampleCount: 700, iterations: 5 },
    };
    const steps: [number, number][] = [];
    const parallel = await fitClassifierOnPool(pool, rows, options, (done, total) =>
      steps.push([done, total]),
    );
    expect(serializeClassifier(parallel)).toBe(sequentialFit(rows, options));
    expect(parallel.training.componentsPerClass).toEqual([3, 3, 3]);
    expect(parallel.training.lambdaScores.length).toBeGreaterThan(1);
    // Prepare, one job per class, finish.
    expect(steps.at(-1)).toEqual([5, 5]);
    expect(steps).toHaveLength(5);
  });

  it('gives the sequential model exactly with a projection and mixture sizes chosen by BIC', async () => {
    const options: Partial<ClassifierOptions> = {
      seed: 2,
      components: 'auto',
      covariance: 'full',
      projectionDims: 3,
    };
    const parallel = await fitClassifierOnPool(pool, rows, options);
    expect(parallel.transform.projection?.dims).toBe(3);
    expect(parallel.training.mode).toBe('semi-supervised');
    expect(serializeClassifier(parallel)).toBe(sequentialFit(rows, options));
    // The single-job path on the pool agrees too (nothing is lost in the copies between threads).
    const { model } = await pool.run('fitClassifier', { ...rows, options });
    expect(serializeClassifier(model)).toBe(serializeClassifier(parallel));
  });

  it('gives the sequential model exactly with the defaults: semi-supervised EM in row blocks on the pool', async () => {
    // 900 labeled + 12 000 unlabeled rows: 4 blocks, shared out over both workers.
    const big = makeThreeClassProblem(300, 6, 12);
    const unlabeled = new Float32Array(12000 * 6);
    for (let i = 0; i < unlabeled.length; i++)
      unlabeled[i] = big.unlabeled![i % big.unlabeled!.length] + (i % 7) * 0.01;
    const withMore = { ...big, unlabeled };
    const options: Partial<ClassifierOptions> = {
      seed: 3,
      semiSupervised: { enabled: true, lambda: 1, sampleCount: 12000, iterations: 5 },
    };
    const parallel = await fitClassifierOnPool(pool, withMore, options);
    expect(parallel.training.mode).toBe('semi-supervised');
    expect(parallel.training.lambda).toBe(1);
    expect(parallel.transform.relevance).toHaveLength(6);
    expect(serializeClassifier(parallel)).toBe(sequentialFit(withMore, options));
  });

  it('gives the sequential model exactly with image priors over the unlabeled rows but no refinement', async () => {
    const options: Partial<ClassifierOptions> = {
      seed: 4,
      priors: 'image',
      semiSupervised: { enabled: false, lambda: 1, sampleCount: 1500, iterations: 5 },
    };
    const parallel = await fitClassifierOnPool(pool, rows, options);
    expect(parallel.training.mode).toBe('supervised');
    // The priors moved the class weights off the scribble counts (equal here).
    const classWeight = [0, 1, 2].map((c) =>
      parallel.mixture.weights.reduce((s, w, j) => s + (parallel.componentClass[j] === c ? w : 0), 0),
    );
    expect(Math.max(...classWeight) - Math.min(...classWeight)).toBeGreaterThan(0.01);
    expect(serializeClassifier(parallel)).toBe(sequentialFit(rows, options));
  });

  it('fails with the user-facing message when only one class is labeled', async () => {
    const one = { ...rows, labels: new Uint8Array(rows.labels.length).fill(2) };
    await expect(fitClassifierOnPool(pool, one)).rejects.toThrow(/at least two classes/);
  });
});
