import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random.js';
import {
  deserializeClassifier,
  fitPixelClassifier,
  predictProbabilities,
  serializeClassifier,
  type ClassifierOptions,
} from './PixelClassifier.js';
import { simpleSegmentation, uncertainty } from './outputs.js';

/**
 * Two classes in d dimensions that differ along a few directions only (the rest shared noise with a large
 * common scale), like pixel features: class 1 is one blob, class 2 two blobs.
 */
function makeTwoClassProblem(nPerClass: number, d: number, seed: number) {
  const rng = new SeededRandom(seed);
  const samples = new Float32Array(2 * nPerClass * d);
  const labels = new Uint8Array(2 * nPerClass);
  for (let i = 0; i < 2 * nPerClass; i++) {
    const cls = i % 2 === 0 ? 1 : 2;
    labels[i] = cls;
    const shared = 3 * rng.nextNormal();
    for (let c = 0; c < d; c++) samples[i * d + c] = 100 + shared + rng.nextNormal();
    if (cls === 2) {
      const blob = rng.next() < 0.5 ? 3 : -3;
      samples[i * d + 0] += blob;
      samples[i * d + 1] += 2.5;
    }
  }
  return { samples, labels };
}

function planesOf(samples: Float32Array, n: number, d: number): Float32Array[] {
  return Array.from({ length: d }, (_, c) => Float32Array.from({ length: n }, (_, i) => samples[i * d + c]));
}

function accuracy(probs: Float32Array[], labels: Uint8Array): number {
  const seg = simpleSegmentation(probs, [1, 2]);
  let ok = 0;
  for (let i = 0; i < labels.length; i++) if (seg[i] === labels[i]) ok++;
  return ok / labels.length;
}

const fast: Partial<ClassifierOptions> = {
  semiSupervised: { enabled: false, lambda: 'auto', sampleCount: 0 },
};

describe('fitPixelClassifier / predictProbabilities', () => {
  const d = 20;
  const train = makeTwoClassProblem(600, d, 1);
  const test = makeTwoClassProblem(500, d, 2);

  it('separates classes on held-out data, with and without the projection, full and diagonal', () => {
    for (const [options, minAccuracy] of [
      [{ ...fast, covariance: 'full' as const }, 0.85],
      [{ ...fast, covariance: 'full' as const, projectionDims: 'none' as const }, 0.85],
      // A diagonal model cannot see the shared variation, so it separates less well on these data.
      [{ ...fast, covariance: 'diag' as const, projectionDims: 'none' as const }, 0.65],
    ] as const) {
      const model = fitPixelClassifier(train.samples, train.labels, d, options);
      const probs = predictProbabilities(model, planesOf(test.samples, 1000, d), 1000);
      expect(accuracy(probs, test.labels)).toBeGreaterThan(minAccuracy);
      for (let i = 0; i < 1000; i++) expect(probs[0][i] + probs[1][i]).toBeCloseTo(1, 5);
    }
  });

  it('chooses the number of components per class by BIC', () => {
    const model = fitPixelClassifier(train.samples, train.labels, d, {
      ...fast,
      projectionDims: 4,
      components: 'auto',
    });
    expect(model.training.componentsPerClass[1]).toBeGreaterThanOrEqual(2);
    expect(model.classes).toEqual([1, 2]);
  });

  it('round-trips through JSON with identical predictions', () => {
    const model = fitPixelClassifier(train.samples, train.labels, d, fast);
    const planes = planesOf(test.samples, 1000, d);
    const again = deserializeClassifier(serializeClassifier(model));
    const a = predictProbabilities(model, planes, 1000);
    const b = predictProbabilities(again, planes, 1000);
    expect(b).toEqual(a);
  });

  it('rejects a damaged or foreign model file with a message', () => {
    const model = fitPixelClassifier(train.samples, train.labels, d, fast);
    expect(() => deserializeClassifier('{"format":"x"}')).toThrow(/mixel-gmm-classifier/);
    expect(() => deserializeClassifier(serializeClassifier({ ...model, version: 99 }))).toThrow(/version 99/);
    const broken = JSON.parse(serializeClassifier(model));
    broken.mixture.means.pop();
    expect(() => deserializeClassifier(JSON.stringify(broken))).toThrow(/mixture/);
  });

  it('is deterministic for a seed', () => {
    const a = fitPixelClassifier(train.samples, train.labels, d, { ...fast, seed: 4 });
    const b = fitPixelClassifier(train.samples, train.labels, d, { ...fast, seed: 4 });
    expect(serializeClassifier(b)).toBe(serializeClassifier(a));
  });

  it('needs two classes and consistent sizes', () => {
    expect(() => fitPixelClassifier(new Float32Array(4), new Uint8Array([1, 1]), 2)).toThrow(/two classes/);
    expect(() => fitPixelClassifier(new Float32Array(5), new Uint8Array([1, 2]), 2)).toThrow(
      /expected 2 labels/,
    );
  });

  it('uniform priors move the decision towards the rarer class', () => {
    const labels = train.labels;
    const keep: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === 1 || i % 10 === 1) keep.push(i);
    const s = new Float32Array(keep.length * d);
    keep.forEach((row, i) => s.set(train.samples.subarray(row * d, (row + 1) * d), i * d));
    const l = Uint8Array.from(keep, (i) => labels[i]);
    const counts = fitPixelClassifier(s, l, d, { ...fast, priors: 'counts' });
    const uniform = fitPixelClassifier(s, l, d, { ...fast, priors: 'uniform' });
    const planes = planesOf(test.samples, 1000, d);
    const meanP2 = (m: typeof counts) => predictProbabilities(m, planes, 1000)[1].reduce((a, b) => a + b, 0);
    expect(meanP2(uniform)).toBeGreaterThan(meanP2(counts));
  });
});

describe('outputs', () => {
  it('segments to class values and measures uncertainty as 1 − (p1 − p2)', () => {
    const probs = [Float32Array.from([0.9, 0.2, 0.5]), Float32Array.from([0.1, 0.8, 0.5])];
    expect(Array.from(simpleSegmentation(probs, [3, 7]))).toEqual([3, 7, 3]);
    const u = uncertainty(probs);
    expect(u[0]).toBeCloseTo(0.2, 6);
    expect(u[1]).toBeCloseTo(0.4, 6);
    expect(u[2]).toBeCloseTo(1, 6);
  });
});

describe('predictProbabilities (planar fast path)', () => {
  it('equals Bayes’ rule on the tested mixture densities, full and diagonal', async () => {
    const { logClassPosteriors } = await import('./classPosteriors.js');
    const { prepareClassifier } = await import('./predictProbabilities.js');
    const { toModelSpace } = await import('./featureTransform.js');
    const d = 20;
    const data = makeTwoClassProblem(300, d, 5);
    // Gaussian tails, as the reference computes them (tailBound.test.ts covers the bounded densities).
    for (const options of [
      fast,
      { ...fast, covariance: 'diag' as const },
      { ...fast, projectionDims: 'none' as const },
    ]) {
      const model = fitPixelClassifier(data.samples, data.labels, d, { ...options, tailBound: null });
      const probs = predictProbabilities(model, planesOf(data.samples, 600, d), 600);
      const Z = toModelSpace(model.transform, Float64Array.from(data.samples), 600, d, false);
      const logPost = new Float64Array(600 * 2);
      const prepared = prepareClassifier(model);
      logClassPosteriors(prepared.params, prepared.componentClass, 2, Z, 600, logPost);
      for (let i = 0; i < 600; i++) expect(probs[1][i]).toBeCloseTo(Math.exp(logPost[i * 2 + 1]), 5);
    }
  });
});
