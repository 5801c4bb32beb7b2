import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random.js';
import type { ClassifierOptions } from './classifierOptions.js';
import {
  classLogDensities,
  classWeights,
  estimateImagePriors,
  priorsFromClassDensities,
  withClassPriors,
} from './imagePriors.js';
import { simpleSegmentation } from './outputs.js';
import { fitPixelClassifier, predictProbabilities, type FittedClassifier } from './PixelClassifier.js';

/** Two overlapping classes in 2-D; 85 % of the image is class 1, the scribbles are balanced. */
function imbalancedImage(seed: number) {
  const rng = new SeededRandom(seed);
  const point = (cls: number) => [(cls === 1 ? 0 : 2) + rng.nextNormal(), rng.nextNormal()];
  const labels = Uint8Array.from({ length: 2000 }, (_, i) => 1 + (i % 2));
  const samples = Float32Array.from(Array.from(labels).flatMap((cls) => point(cls)));
  const truth = Uint8Array.from({ length: 6000 }, () => (rng.next() < 0.85 ? 1 : 2));
  const unlabeled = Float32Array.from(Array.from(truth).flatMap((cls) => point(cls)));
  const planes = [0, 1].map((c) =>
    Float32Array.from({ length: truth.length }, (_, i) => unlabeled[2 * i + c]),
  );
  return { samples, labels, unlabeled, truth, planes };
}

const options: Partial<ClassifierOptions> = {
  components: 1,
  semiSupervised: { enabled: false, lambda: 1, sampleCount: 6000 },
  relevance: { weighting: 'none', exponent: 1, total: 2 },
};

function classPriors(model: FittedClassifier): number[] {
  const w = model.classes.map(() => 0);
  model.mixture.weights.forEach((v, j) => (w[model.componentClass[j]] += v));
  return w;
}

describe('image priors', () => {
  const p = imbalancedImage(11);
  const fit = (priors: ClassifierOptions['priors'], unlabeled?: Float32Array) =>
    fitPixelClassifier(p.samples, p.labels, 2, { ...options, priors }, unlabeled);

  it('estimate how much of the image each class covers, not how much was scribbled', () => {
    const counts = classPriors(fit('counts', p.unlabeled));
    const image = classPriors(fit('image', p.unlabeled));
    expect(counts[0]).toBeCloseTo(0.5, 5);
    const truthShare = p.truth.filter((c) => c === 1).length / p.truth.length;
    expect(Math.abs(image[0] - truthShare)).toBeLessThan(0.03);
  });

  it('make fewer mistakes on an imbalanced image than the scribble counts', () => {
    const correct = (model: FittedClassifier) => {
      const seg = simpleSegmentation(predictProbabilities(model, p.planes, p.truth.length), model.classes);
      return seg.reduce((s, v, i) => s + (v === p.truth[i] ? 1 : 0), 0) / seg.length;
    };
    expect(correct(fit('image', p.unlabeled))).toBeGreaterThan(correct(fit('counts', p.unlabeled)) + 0.02);
  });

  it('fall back to the scribble counts when there is no unlabeled pixel', () => {
    expect(classPriors(fit('image'))[0]).toBeCloseTo(0.5, 5);
  });

  it('keep each class its shape: only the class weights change, in proportion', () => {
    const model = fit('counts', p.unlabeled);
    const mixture = { ...model.mixture, weights: [0.2, 0.3, 0.5] };
    const rescaled = withClassPriors(mixture, [0, 0, 1], [0.8, 0.2]);
    expect(rescaled.weights[0]).toBeCloseTo(0.32, 12);
    expect(rescaled.weights[1]).toBeCloseTo(0.48, 12);
    expect(rescaled.weights[2]).toBeCloseTo(0.2, 12);
    expect(rescaled.means).toBe(mixture.means);
  });

  it('never drop a class entirely, even when the image seems to lack it', () => {
    const model = fit('counts', p.unlabeled);
    const onlyClass1 = p.unlabeled.filter(
      (_, i) => p.truth[Math.floor(i / 2)] === 1 && p.unlabeled[i - (i % 2)] < -1,
    );
    const U = {
      Z: Float64Array.from(
        onlyClass1,
        (v, i) => (v - model.transform.mean[i % 2]) / model.transform.scale[i % 2],
      ),
      n: onlyClass1.length / 2,
    };
    const priors = estimateImagePriors(model.mixture, model.componentClass, 2, U, null);
    expect(priors[0]).toBeGreaterThan(0.95);
    expect(priors[1]).toBeGreaterThanOrEqual(1e-3 * 0.999);
    expect(priors[0] + priors[1]).toBeCloseTo(1, 12);
  });
});

describe('image priors under the tail bound', () => {
  // Background narrow at 0, objects broad at 3 on feature 0; a fifth of the pixels (dim objects, debris)
  // lie at −5, far from both. Gaussian tails hand them all to the broad class; the bounded densities that
  // prediction uses cannot tell the classes apart there, so they are shared by the priors.
  const rng = new SeededRandom(3);
  const rows: number[] = [];
  for (let i = 0; i < 5000; i++) rows.push(0.1 * rng.nextNormal(), rng.nextNormal());
  for (let i = 0; i < 3000; i++) rows.push(3 + rng.nextNormal(), rng.nextNormal());
  for (let i = 0; i < 2000; i++) rows.push(-5 + 0.1 * rng.nextNormal(), rng.nextNormal());
  const U = { Z: Float64Array.from(rows), n: rows.length / 2 };
  const mixture = {
    covariance: 'diag' as const,
    dim: 2,
    weights: [0.5, 0.5],
    means: [0, 0, 3, 0],
    covariances: [0.01, 1, 1, 1],
    meanLogLikelihood: 0,
    nIter: 0,
    converged: true,
  };

  it('share pixels far from every class by the priors instead of giving them to the widest class', () => {
    const gaussian = estimateImagePriors(mixture, [0, 1], 2, U, null);
    const bounded = estimateImagePriors(mixture, [0, 1], 2, U, null, 4);
    expect(gaussian[1]).toBeCloseTo(0.5, 1);
    // The fixed point p = 0.3 + 0.2 p: the far pixels split as the priors do.
    expect(bounded[1]).toBeGreaterThan(0.35);
    expect(bounded[1]).toBeLessThan(0.4);
  });

  it('are the same estimated from row ranges computed apart (as on the worker pool)', () => {
    const cut = 1234;
    const part = (first: number, end: number) =>
      classLogDensities(mixture, [0, 1], 2, { Z: U.Z.slice(2 * first, 2 * end), n: end - first }, null, 4);
    const joined = new Float64Array([...part(0, cut), ...part(cut, U.n)]);
    expect(joined).toEqual(classLogDensities(mixture, [0, 1], 2, U, null, 4));
    const priors = priorsFromClassDensities(joined, U.n, classWeights(mixture.weights, [0, 1], 2));
    expect(priors).toEqual(estimateImagePriors(mixture, [0, 1], 2, U, null, 4));
    expect(() => priorsFromClassDensities(joined, U.n + 1, [0.5, 0.5])).toThrow(/rows/);
  });
});
