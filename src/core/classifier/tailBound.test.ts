/**
 * The tail bound (ClassifierOptions.tailBound): at prediction each feature's term of a component's log
 * density stops growing beyond tailBound standard deviations, so one feature deep in a class's tail (a
 * large-σ smoothing still raised beside a bright nucleus, where the background was scribbled only far away)
 * cannot outvote every other feature.
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random.js';
import { DEFAULT_CLASSIFIER_OPTIONS } from './classifierOptions.js';
import type { FittedClassifier } from './fittedClassifier.js';
import { fitPixelClassifier } from './PixelClassifier.js';
import { predictProbabilities, prepareClassifier } from './predictProbabilities.js';
import { deserializeClassifier, serializeClassifier, validateClassifier } from './serializeClassifier.js';

/** Background (class 1) narrow on feature 0, as on a large-σ smoothing far from objects; objects broad. */
function glowModel(tailBound?: number): FittedClassifier {
  return {
    format: 'mixel-gmm-classifier',
    version: 1,
    classes: [1, 2],
    featureCount: 3,
    featureNames: null,
    transform: { mean: [0, 0, 0], scale: [1, 1, 1], projection: null },
    mixture: {
      covariance: 'diag',
      dim: 3,
      weights: [0.5, 0.5],
      means: [0, 0, 0, 3.5, 3.5, 3.5],
      covariances: [0.01, 1, 1, 4, 1, 1],
      meanLogLikelihood: 0,
      nIter: 0,
      converged: true,
    },
    componentClass: [0, 1],
    ...(tailBound === undefined ? {} : { tailBound }),
    training: {
      mode: 'supervised',
      samplesPerClass: [0, 0],
      componentsPerClass: [1, 1],
      lambda: 0,
      lambdaScores: [],
      options: DEFAULT_CLASSIFIER_OPTIONS,
    },
  };
}

/** Two pixels: the glow beside an object (feature 0 at 10 σ of the background, the others at its mean), an object. */
const glowAndObject = [Float32Array.of(1, 3.5), Float32Array.of(0, 3.5), Float32Array.of(0, 3.5)];

describe('tail bound', () => {
  for (const simd of [true, false]) {
    it(`lets the features that agree decide a pixel one feature puts deep in a class's tail (${simd ? 'SIMD' : 'JavaScript'})`, () => {
      const gaussian = predictProbabilities(glowModel(), glowAndObject, 2, simd);
      expect(gaussian[1][0]).toBeGreaterThan(0.99); // the glow called object by feature 0 alone
      const bounded = predictProbabilities(glowModel(4), glowAndObject, 2, simd);
      expect(bounded[0][0]).toBeGreaterThan(0.9); // background, as features 1 and 2 say
      expect(bounded[1][1]).toBeGreaterThan(0.99); // the object stays object
    });
  }

  it('gives the same log densities in the SIMD kernel and the JavaScript loops, relevance weights included', () => {
    const rng = new SeededRandom(4);
    const d = 9;
    const perComponent = [0, 0, 1, 1, 1, 2];
    const k = perComponent.length;
    const model: FittedClassifier = {
      ...glowModel(2),
      classes: [1, 2, 3],
      featureCount: d,
      transform: {
        mean: Array.from({ length: d }, () => rng.nextNormal()),
        scale: Array.from({ length: d }, () => 0.5 + rng.next()),
        projection: null,
        relevance: Array.from({ length: d }, (_, q) => (q === 3 ? 0 : 0.05 + rng.next())),
      },
      mixture: {
        ...glowModel().mixture,
        dim: d,
        weights: new Array<number>(k).fill(1 / k),
        means: Array.from({ length: k * d }, () => rng.nextNormal()),
        covariances: Array.from({ length: k * d }, () => 0.05 + 2 * rng.next()),
      },
      componentClass: perComponent,
    };
    const n = 2053;
    const planes = Array.from({ length: d }, () =>
      Float32Array.from({ length: n }, () => 4 * rng.nextNormal()),
    );
    const densities = (m: FittedClassifier, simd: boolean): Float64Array => {
      const out = new Float64Array(k * n);
      predictProbabilities(prepareClassifier(m), planes, n, simd, (chunk, start, count, stride) => {
        for (let j = 0; j < k; j++)
          for (let i = 0; i < count; i++) out[j * n + start + i] = chunk[j * stride + i];
      });
      return out;
    };
    const js = densities(model, false);
    const wasm = densities(model, true);
    const { tailBound: _, ...unboundedModel } = model;
    const gaussian = densities(unboundedModel, false);
    let capped = 0;
    for (let t = 0; t < k * n; t++) {
      expect(Math.abs(wasm[t] - js[t])).toBeLessThan(1e-9 * Math.max(1, Math.abs(js[t])));
      // A cap only ever raises a density.
      expect(js[t]).toBeGreaterThanOrEqual(gaussian[t] - 1e-9);
      if (js[t] > gaussian[t] + 1) capped++;
    }
    // The caps were exercised, not just the Gaussian cores.
    expect(capped).toBeGreaterThan((k * n) / 10);
  });

  it('is set by training (4 by default, none on request) and travels with the model file', () => {
    const rng = new SeededRandom(2);
    const n = 400;
    const d = 2;
    const samples = Float32Array.from({ length: n * d }, (_, t) => (t % 4 < 2 ? 0 : 3) + rng.nextNormal());
    const labels = Uint8Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 2));
    const fast = { semiSupervised: { enabled: false, lambda: 0, sampleCount: 0 } } as const;
    const model = fitPixelClassifier(samples, labels, d, { ...fast, components: 1 });
    expect(model.tailBound).toBe(4);
    expect(deserializeClassifier(serializeClassifier(model)).tailBound).toBe(4);
    expect(
      fitPixelClassifier(samples, labels, d, { ...fast, components: 1, tailBound: null }).tailBound,
    ).toBe(undefined);
    for (const bad of [0.5, -1, 'x', Infinity])
      expect(() => validateClassifier({ ...model, tailBound: bad })).toThrow(/tailBound/);
  });
});
