import { afterEach, describe, expect, it } from 'vitest';
import { simdDiagonalKernel } from '../gmm/simdDiagonalLogDensity.js';
import type { FittedClassifier } from './PixelClassifier.js';
import { predictProbabilities, prepareClassifier } from './predictProbabilities.js';

/** A two-class diagonal model over d features, 4 components per class, as the live loop fits. */
function diagonalModel(d: number): FittedClassifier {
  const k = 8;
  return {
    format: 'mixel-gmm-classifier',
    version: 1,
    classes: [1, 2],
    featureCount: d,
    featureNames: null,
    transform: {
      mean: new Array<number>(d).fill(100),
      scale: new Array<number>(d).fill(20),
      projection: null,
    },
    mixture: {
      covariance: 'diag',
      dim: d,
      weights: new Array<number>(k).fill(1 / k),
      means: Array.from({ length: k * d }, (_, t) => (Math.floor(t / d) < 4 ? -0.5 : 0.5) + 0.01 * (t % 7)),
      covariances: new Array<number>(k * d).fill(0.7),
      meanLogLikelihood: 0,
      nIter: 0,
      converged: true,
    },
    componentClass: [0, 0, 0, 0, 1, 1, 1, 1],
    training: {
      mode: 'supervised',
      samplesPerClass: [0, 0],
      componentsPerClass: [4, 4],
      lambda: 0,
      lambdaScores: [],
      options: {} as FittedClassifier['training']['options'],
    },
  };
}

const NativeFloat64Array = globalThis.Float64Array;
afterEach(() => {
  globalThis.Float64Array = NativeFloat64Array;
});

/** Bytes of new Float64Arrays (not views of existing buffers) allocated while `run` runs. */
function float64BytesAllocated(run: () => void): number {
  let bytes = 0;
  class Counting extends NativeFloat64Array {
    constructor(...args: unknown[]) {
      if (typeof args[0] === 'number') bytes += args[0] * 8;
      super(...(args as [number]));
    }
  }
  globalThis.Float64Array = Counting as Float64ArrayConstructor;
  try {
    run();
  } finally {
    globalThis.Float64Array = NativeFloat64Array;
  }
  return bytes;
}

describe('predictProbabilities on the SIMD kernel', () => {
  it.runIf(simdDiagonalKernel() !== null)(
    'allocates no scratch planes for the JavaScript loops it does not run (a 256² tile, 49 features)',
    () => {
      const d = 49;
      const n = 256 * 256;
      const model = prepareClassifier(diagonalModel(d));
      const planes = Array.from({ length: d }, (_, c) =>
        new Float32Array(n).map((_, i) => 100 + 20 * Math.sin(i * 0.001 + c)),
      );
      let simd: Float32Array[] = [];
      const bytes = float64BytesAllocated(() => (simd = predictProbabilities(model, planes, n)));
      // The class sums of one chunk (2 × 2048 doubles) and the kernel's per-component constants are all
      // it needs; the z and z² planes of the JavaScript loops were 2 × 49 × 2048 doubles (1.6 MB) more
      // for every tile.
      expect(bytes).toBeLessThan(64 * 1024);
      // Same probabilities as the JavaScript loops, which do use those planes.
      const scalar = predictProbabilities(model, planes, n, false);
      for (let c = 0; c < 2; c++)
        for (let i = 0; i < n; i += 97) expect(simd[c][i]).toBeCloseTo(scalar[c][i], 5);
    },
  );
});
