import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random.js';
import { eStep } from '../gmm/em.js';
import { makeGmmParameters } from '../gmm/gmmParameters.js';
import { fitPixelClassifier, predictProbabilities } from './PixelClassifier.js';
import { fitUnsupervised } from './fitUnsupervised.js';
import { simpleSegmentation } from './outputs.js';

describe('clamped E-step', () => {
  it('gives a labeled sample no responsibility outside its class, however close the other class is', () => {
    // Sample 0 sits on component 1 (class 1) but is labeled class 0; sample 1 is unlabeled.
    const params = makeGmmParameters('full', 1, [0.5, 0.5], [0, 5], [1, 1]);
    const X = Float64Array.from([5, 5]);
    const logResp = new Float64Array(4);
    eStep(
      X,
      2,
      params,
      { sampleGroup: Int32Array.from([0, -1]), componentGroup: Int32Array.from([0, 1]) },
      logResp,
      new Float64Array(2),
    );
    expect(Math.exp(logResp[0])).toBe(1);
    expect(Math.exp(logResp[1])).toBe(0);
    expect(Math.exp(logResp[3])).toBeGreaterThan(0.99);
  });
});

/** Class 1 around x = 0, class 2 around x = 3 in 2-D; 90 % of the image is class 1, the scribbles are balanced. */
function imbalancedProblem(seed: number) {
  const rng = new SeededRandom(seed);
  const point = (cls: number) => [cls === 1 ? rng.nextNormal() : 3 + rng.nextNormal(), rng.nextNormal()];
  const labeled: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 200; i++) {
    const cls = 1 + (i % 2);
    labeled.push(...point(cls));
    labels.push(cls);
  }
  const unlabeled: number[] = [];
  const truth: number[] = [];
  for (let i = 0; i < 4000; i++) {
    const cls = rng.next() < 0.9 ? 1 : 2;
    unlabeled.push(...point(cls));
    truth.push(cls);
  }
  return {
    samples: Float32Array.from(labeled),
    labels: Uint8Array.from(labels),
    unlabeled: Float32Array.from(unlabeled),
    truth: Uint8Array.from(truth),
  };
}

describe('semi-supervised EM', () => {
  const p = imbalancedProblem(3);
  const planes = [0, 1].map((c) =>
    Float32Array.from({ length: p.truth.length }, (_, i) => p.unlabeled[2 * i + c]),
  );
  const accuracyOf = (options: object) => {
    const model = fitPixelClassifier(
      p.samples,
      p.labels,
      2,
      // Counts priors, the labeled pixels' spread and no relevance weights: EM alone is under test here
      // (image priors: imagePriors.test.ts).
      {
        components: 1,
        projectionDims: 'none',
        regCovar: 0.1,
        priors: 'counts',
        standardizeOn: 'labeled',
        relevance: { weighting: 'none', exponent: 1, total: 2 },
        ...options,
      },
      p.unlabeled,
    );
    const seg = simpleSegmentation(predictProbabilities(model, planes, p.truth.length), model.classes);
    return { model, accuracy: seg.reduce((s, v, i) => s + (v === p.truth[i] ? 1 : 0), 0) / seg.length };
  };

  it('learns the class proportions of the image from unlabeled pixels and classifies them better', () => {
    const supervised = accuracyOf({ semiSupervised: { enabled: false } });
    const semi = accuracyOf({ semiSupervised: { enabled: true, lambda: 1, sampleCount: 4000 } });
    expect(semi.model.training.mode).toBe('semi-supervised');
    expect(semi.model.mixture.weights[0]).toBeGreaterThan(0.6);
    expect(semi.accuracy).toBeGreaterThan(supervised.accuracy + 0.01);
  });

  it('keeps each class on its labeled pixels when most unlabeled pixels lie elsewhere', () => {
    const { model } = accuracyOf({ semiSupervised: { enabled: true, lambda: 1, sampleCount: 4000 } });
    expect(model.componentClass).toEqual([0, 1]);
    // Component of class 2 (labeled around x = 3) stays there although 90 % of the unlabeled mass is at x = 0.
    const { mean, scale } = model.transform;
    const rawX = (j: number) => mean[0] + scale[0] * model.mixture.means[2 * j];
    expect(rawX(1)).toBeGreaterThan(2.5);
    expect(Math.abs(rawX(0))).toBeLessThan(0.5);
  });

  it('chooses λ by cross-validation when asked and reports the scores', () => {
    const { model } = accuracyOf({ semiSupervised: { enabled: 'auto', lambda: 'auto', sampleCount: 2000 } });
    expect(model.training.lambdaScores.map((s) => s.lambda)).toEqual([0, 0.25, 1]);
    expect(model.training.lambdaScores.every((s) => Number.isFinite(s.score))).toBe(true);
  });
});

describe('fitUnsupervised', () => {
  it('finds K clusters without labels, numbered by increasing first feature', () => {
    const rng = new SeededRandom(8);
    const d = 16;
    const centres = [-4, 0, 5];
    const truth: number[] = [];
    const rows: number[] = [];
    for (let i = 0; i < 1500; i++) {
      const k = i % 3;
      truth.push(k + 1);
      for (let c = 0; c < d; c++) rows.push((c < 3 ? centres[k] : 0) + rng.nextNormal());
    }
    const samples = Float32Array.from(rows);
    const model = fitUnsupervised(samples, d, 3, { seed: 2 });
    expect(model.classes).toEqual([1, 2, 3]);
    const planes = Array.from({ length: d }, (_, c) =>
      Float32Array.from({ length: 1500 }, (_, i) => samples[i * d + c]),
    );
    const probs = predictProbabilities(model, planes, 1500);
    const seg = simpleSegmentation(probs, model.classes);
    expect(seg.reduce((s, v, i) => s + (v === truth[i] ? 1 : 0), 0) / 1500).toBeGreaterThan(0.97);
  });
});
