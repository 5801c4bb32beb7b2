/**
 * The unexplained score computed beside the posteriors (class fits in SIMD, classFits.ts) is the score of
 * its definition, computed from every component's log density: the overlay a user sees does not depend on
 * which path computed it.
 */
import { describe, expect, it } from 'vitest';
import { classFitsOf } from '../classifier/classFits.js';
import type { FittedClassifier } from '../classifier/PixelClassifier.js';
import { predictProbabilities, prepareClassifier } from '../classifier/predictProbabilities.js';
import { SeededRandom } from '../random.js';
import { calibrateUnexplained, predictWithUnexplained, UNEXPLAINED_FLOOR } from './unexplainedScore.js';

const FEATURES = 12;
const PER_CLASS = [3, 2, 4];
const PIXELS = 5000; // several prediction chunks and a ragged last one

function randomModel(rng: SeededRandom): FittedClassifier {
  const k = PER_CLASS.reduce((a, b) => a + b, 0);
  return {
    format: 'mixel-gmm-classifier',
    version: 1,
    classes: [1, 2, 3],
    featureCount: FEATURES,
    featureNames: null,
    transform: {
      mean: Array.from({ length: FEATURES }, () => 10 * rng.next()),
      scale: Array.from({ length: FEATURES }, () => 1 + rng.next()),
      projection: null,
    },
    mixture: {
      covariance: 'diag',
      dim: FEATURES,
      weights: Array.from({ length: k }, (_, j) => (j + 1) / ((k * (k + 1)) / 2)),
      means: Array.from({ length: k * FEATURES }, () => rng.nextNormal()),
      covariances: Array.from({ length: k * FEATURES }, () => 0.2 + rng.next()),
      meanLogLikelihood: 0,
      nIter: 0,
      converged: true,
    },
    componentClass: PER_CLASS.flatMap((n, c) => new Array<number>(n).fill(c)),
    training: {
      mode: 'supervised',
      samplesPerClass: [0, 0, 0],
      componentsPerClass: PER_CLASS,
      lambda: 0,
      lambdaScores: [],
      options: {} as FittedClassifier['training']['options'],
    },
  };
}

describe('unexplained score beside the posteriors', () => {
  it('equals the score computed from every component density, in SIMD and in JavaScript', () => {
    const rng = new SeededRandom(11);
    const model = randomModel(rng);
    const p = prepareClassifier(model);
    // Pixels near the model and, one in five, far from it (the unexplained ones).
    const planes = Array.from({ length: FEATURES }, (_, c) =>
      Float32Array.from({ length: PIXELS }, (_, i) => {
        const far = i % 5 === 0 ? 6 : 0;
        return model.transform.mean[c] + model.transform.scale[c] * (rng.nextNormal() + far);
      }),
    );
    const rows = 600;
    const samples = new Float32Array(rows * FEATURES);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < FEATURES; c++) samples[r * FEATURES + c] = planes[c][r * 5 + 1]; // near pixels only
    const classOfRow = Array.from({ length: rows }, (_, r) => r % 3);
    const calibration = calibrateUnexplained(p, samples, classOfRow, rows, samples);

    // The definition: class fits from the per-component log densities, deficits, score.
    const expected = new Float32Array(PIXELS);
    const fits = new Float64Array(3 * 2048);
    predictProbabilities(p, planes, PIXELS, false, (logDensity, start, m, stride) => {
      classFitsOf(p.componentClass, 3, calibration.componentShift, logDensity, m, stride, fits);
      for (let i = 0; i < m; i++) {
        let deficit = Infinity;
        for (let c = 0; c < 3; c++)
          deficit = Math.min(
            deficit,
            (calibration.thresholds[c] - fits[c * stride + i]) / calibration.spreads[c],
          );
        const excess = (Math.fround(deficit) - calibration.margin) / calibration.margin;
        expected[start + i] =
          excess > 0 ? Math.min(1, UNEXPLAINED_FLOOR + (1 - UNEXPLAINED_FLOOR) * excess) : 0;
      }
    });
    const flagged = expected.filter((v) => v > 0).length;
    expect(flagged).toBeGreaterThan(PIXELS / 10);
    expect(flagged).toBeLessThan(PIXELS);

    const simd = predictWithUnexplained(p, planes, PIXELS, calibration, true);
    const js = predictWithUnexplained(p, planes, PIXELS, calibration, false);
    expect(Array.from(simd.unexplained)).toEqual(Array.from(expected));
    expect(Array.from(js.unexplained)).toEqual(Array.from(expected));
    // Probabilities are those of plain prediction.
    const plain = predictProbabilities(p, planes, PIXELS);
    expect(simd.probabilities.map((a) => Array.from(a))).toEqual(plain.map((a) => Array.from(a)));
  });
});
