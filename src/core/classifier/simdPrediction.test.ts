import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random.js';
import type { FittedClassifier } from './PixelClassifier.js';
import { predictProbabilities, prepareClassifier } from './predictProbabilities.js';
import { makeGmmParameters, weightedLogProb } from '../gmm/gmmParameters.js';
import { simdDiagonalKernel } from '../gmm/simdDiagonalLogDensity.js';

/**
 * A random diagonal model over d raw features with feature means far from zero (like intensities) and
 * widths from narrow to wide, some components far from the standardized mean: where float precision bites.
 * Components overlap (small offsets around a shared centre), so many posteriors are far from 0 and 1.
 */
function randomDiagonalModel(rng: SeededRandom, d: number, perClass: number[]): FittedClassifier {
  const k = perClass.reduce((a, b) => a + b, 0);
  const centre = Array.from({ length: d }, () => 3 * rng.nextNormal());
  const variance = Array.from({ length: d }, () => 10 ** (2 * rng.next() - 1.5));
  const componentClass = perClass.flatMap((n, c) => new Array<number>(n).fill(c));
  const weights = Array.from({ length: k }, () => 0.05 + rng.next());
  const total = weights.reduce((a, b) => a + b, 0);
  return {
    format: 'mixel-gmm-classifier',
    version: 1,
    classes: perClass.map((_, c) => c + 1),
    featureCount: d,
    featureNames: null,
    transform: {
      mean: Array.from({ length: d }, () => 1000 * rng.nextNormal()),
      scale: Array.from({ length: d }, () => 0.01 + 50 * rng.next()),
      projection: null,
    },
    mixture: {
      covariance: 'diag',
      dim: d,
      weights: weights.map((w) => w / total),
      means: Array.from(
        { length: k * d },
        (_, t) => centre[t % d] + 0.15 * Math.sqrt(variance[t % d]) * rng.nextNormal(),
      ),
      covariances: Array.from({ length: k * d }, (_, t) => variance[t % d] * 10 ** (0.2 * rng.next() - 0.1)),
      meanLogLikelihood: 0,
      nIter: 0,
      converged: true,
    },
    componentClass,
    training: {
      mode: 'supervised',
      samplesPerClass: perClass.map(() => 0),
      componentsPerClass: perClass,
      lambda: 0,
      lambdaScores: [],
      options: {} as FittedClassifier['training']['options'],
    },
  };
}

/** Feature planes near the model (so posteriors are not all 0 or 1), plus extreme and zero pixels. */
function featurePlanes(rng: SeededRandom, model: FittedClassifier, n: number): Float32Array[] {
  const { mean, scale } = model.transform;
  const k = model.componentClass.length;
  const d = model.featureCount;
  const component = Array.from({ length: n }, () => Math.floor(rng.next() * k));
  return Array.from({ length: d }, (_, c) =>
    Float32Array.from({ length: n }, (_, i) => {
      if (i % 97 === 5) return 0;
      if (i % 89 === 7) return mean[c] + scale[c] * 1e4 * rng.nextNormal();
      if (i % 83 === 3) return rng.next() < 0.5 ? 3e30 : -3e30;
      const j = component[i];
      const sd = Math.sqrt(model.mixture.covariances[j * d + c]);
      const z = model.mixture.means[j * d + c] + 2 * sd * rng.nextNormal();
      return mean[c] + scale[c] * z;
    }),
  );
}

describe('simdDiagonalKernel', () => {
  const simd = simdDiagonalKernel();

  it('is available in Node (WebAssembly SIMD)', () => {
    expect(simd).not.toBeNull();
  });

  it('gives the probabilities of the JavaScript kernel within 1e-5, odd pixel counts and extreme values too', () => {
    const rng = new SeededRandom(7);
    for (const [d, perClass, n] of [
      [49, [5, 5], 4099],
      [49, [5, 5], 2049],
      [7, [1, 3, 2], 1],
      [3, [2, 2], 13],
      [20, [4, 4, 4, 4], 5003],
    ] as const) {
      const model = randomDiagonalModel(rng, d, [...perClass]);
      const planes = featurePlanes(rng, model, n);
      const prepared = prepareClassifier(model);
      const js = predictProbabilities(prepared, planes, n, false);
      const wasm = predictProbabilities(prepared, planes, n, true);
      let worst = 0;
      let uncertain = 0;
      for (let c = 0; c < perClass.length; c++) {
        expect(wasm[c].length).toBe(n);
        for (let i = 0; i < n; i++) {
          expect(Number.isFinite(wasm[c][i])).toBe(true);
          worst = Math.max(worst, Math.abs(wasm[c][i] - js[c][i]));
          if (c === 0 && js[c][i] > 0.01 && js[c][i] < 0.99) uncertain++;
        }
      }
      expect(worst).toBeLessThan(1e-5);
      // The comparison means something only if many pixels are neither certain 0 nor 1.
      if (n > 1000) expect(uncertain).toBeGreaterThan(n / 20);
    }
  });

  it("at 'display' precision (the window's 8-bit overlay) gives the exact kernel's probabilities within 1e-7", () => {
    const rng = new SeededRandom(11);
    const model = randomDiagonalModel(rng, 49, [4, 4, 4]);
    const n = 4099;
    const planes = featurePlanes(rng, model, n);
    const prepared = prepareClassifier(model);
    const exact = predictProbabilities(prepared, planes, n, true);
    const display = predictProbabilities(prepared, planes, n, true, undefined, undefined, 'display');
    let worst = 0;
    let bytesDiffering = 0;
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < n; i++) {
        worst = Math.max(worst, Math.abs(display[c][i] - exact[c][i]));
        if (Math.round(display[c][i] * 255) !== Math.round(exact[c][i] * 255)) bytesDiffering++;
      }
    }
    expect(worst).toBeLessThan(1e-7);
    expect(bytesDiffering).toBe(0);
    // The series is shorter, so some probabilities do move (else the two kernels would be one).
    expect(worst).toBeGreaterThan(0);
  });

  it('writes the log densities of the float64 reference (weightedLogProb) for each component', () => {
    const rng = new SeededRandom(11);
    const model = randomDiagonalModel(rng, 49, [5, 5]);
    const prepared = prepareClassifier(model);
    const n = 1003;
    const planes = featurePlanes(rng, model, n).map((plane) =>
      plane.map((v) => (Math.abs(v) > 1e20 ? 0 : v)),
    );
    const { mean, scale } = model.transform;
    const rows = new Float64Array(n * 49);
    for (let i = 0; i < n; i++)
      for (let c = 0; c < 49; c++) rows[i * 49 + c] = (planes[c][i] - mean[c]) / scale[c];
    const expected = new Float64Array(n * 10);
    weightedLogProb(rows, n, prepared.params, expected);
    const evaluate = simd?.forModel(prepared, 2048);
    const start = 200;
    const m = n - start;
    const out = new Float64Array(10 * m);
    evaluate?.logDensities(planes, start, m, out, m);
    for (let j = 0; j < 10; j++) {
      for (let i = 0; i < m; i++) {
        const want = expected[(start + i) * 10 + j];
        expect(Math.abs(out[j * m + i] - want)).toBeLessThan(1e-9 * Math.max(1, Math.abs(want)));
      }
    }
  });

  it('turns log densities into class posteriors as Bayes rule does in float64 (its exp() to 1e-12)', () => {
    const rng = new SeededRandom(5);
    const perClass = [2, 3, 1];
    const overlapping = randomDiagonalModel(rng, 12, perClass);
    // Components further apart than the shared test model's, so terms spread over exp()'s range.
    const { means, covariances } = overlapping.mixture;
    const model: FittedClassifier = {
      ...overlapping,
      mixture: {
        ...overlapping.mixture,
        means: means.map((v, t) => v + 1.5 * Math.sqrt(covariances[t]) * rng.nextNormal()),
      },
    };
    const prepared = prepareClassifier(model);
    const n = 777;
    const planes = featurePlanes(rng, model, n);
    const evaluate = simd?.forModel(prepared, 1024);
    const logDensity = new Float64Array(6 * n);
    const probabilities = new Float64Array(3 * n);
    evaluate?.logDensities(planes, 0, n, logDensity, n);
    evaluate?.classProbabilities(planes, 0, n, probabilities, n);
    let spread = 0;
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let j = 0; j < 6; j++) max = Math.max(max, logDensity[j * n + i]);
      const sums = [0, 0, 0];
      for (let j = 0; j < 6; j++) {
        const shifted = logDensity[j * n + i] - max;
        if (shifted > -80) sums[model.componentClass[j]] += Math.exp(shifted);
        if (shifted < -20 && shifted > -80) spread++;
      }
      const total = sums[0] + sums[1] + sums[2];
      for (let c = 0; c < 3; c++)
        expect(Math.abs(probabilities[c * n + i] - sums[c] / total)).toBeLessThan(1e-12);
    }
    // Terms deep in exp()'s range were exercised, not just values near 1.
    expect(spread).toBeGreaterThan(50);
  });

  it("gives EM's E-step (weightedLogProb) bit for bit the JavaScript loop's sums, over chunk edges too", () => {
    const rng = new SeededRandom(17);
    const d = 13;
    const k = 5;
    const n = 2 * 1024 + 37;
    const params = makeGmmParameters(
      'diag',
      d,
      Array.from({ length: k }, () => 0.1 + rng.next()).map((w, _, a) => w / a.reduce((x, y) => x + y, 0)),
      Array.from({ length: k * d }, () => 2 * rng.nextNormal()),
      Array.from({ length: k * d }, () => 10 ** (2 * rng.next() - 1.5)),
    );
    const X = Float64Array.from({ length: n * d }, () => 3 * rng.nextNormal());
    const got = new Float64Array(n * k);
    weightedLogProb(X, n, params, got);
    const expected = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < k; j++) {
        let m = 0;
        for (let c = 0; c < d; c++) {
          const y = (X[i * d + c] - params.means[j * d + c]) * params.precisionCholesky[j * d + c];
          m += y * y;
        }
        const constant =
          Math.log(params.weights[j]) - 0.5 * d * Math.log(2 * Math.PI) + params.halfLogDetPrecision[j];
        expected[i * k + j] = constant - 0.5 * m;
      }
    }
    expect(got).toEqual(expected);
  });

  it('declines models it does not evaluate (projection), which then run in JavaScript', () => {
    const rng = new SeededRandom(3);
    const model = randomDiagonalModel(rng, 4, [1, 1]);
    const projected: FittedClassifier = {
      ...model,
      transform: {
        ...model.transform,
        projection: { dims: 4, matrix: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] },
      },
    };
    expect(simd?.forModel(prepareClassifier(projected), 2048)).toBeNull();
    expect(simd?.forModel(prepareClassifier(model), 2048)).not.toBeNull();
  });
});
