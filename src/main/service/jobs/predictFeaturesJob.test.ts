/**
 * A preview's probabilities (every 4th pixel of a tile) are those of the same pixels predicted at full
 * resolution, whether the worker subsamples the cached planes or gets them subsampled.
 */
import { describe, expect, it } from 'vitest';
import type { FittedClassifier } from '../../../core/classifier/PixelClassifier.js';
import { SeededRandom } from '../../../core/random.js';
import {
  predictFeatureBytesJob,
  predictFeaturesJob,
  predictStridedBytesJob,
  subsampled,
} from './predictFeaturesJob.js';

const FEATURES = 6;

function model(rng: SeededRandom): FittedClassifier {
  const k = 4;
  return {
    format: 'mixel-gmm-classifier',
    version: 1,
    classes: [1, 2],
    featureCount: FEATURES,
    featureNames: null,
    transform: {
      mean: new Array<number>(FEATURES).fill(0),
      scale: new Array<number>(FEATURES).fill(1),
      projection: null,
    },
    mixture: {
      covariance: 'diag',
      dim: FEATURES,
      weights: new Array<number>(k).fill(1 / k),
      means: Array.from({ length: k * FEATURES }, () => rng.nextNormal()),
      covariances: Array.from({ length: k * FEATURES }, () => 0.5 + rng.next()),
      meanLogLikelihood: 0,
      nIter: 0,
      converged: true,
    },
    componentClass: [0, 0, 1, 1],
    training: {
      mode: 'supervised',
      samplesPerClass: [0, 0],
      componentsPerClass: [2, 2],
      lambda: 0,
      lambdaScores: [],
      options: {} as FittedClassifier['training']['options'],
    },
  };
}

describe('predictFeatures job, preview subsample', () => {
  it('predicts every stride-th pixel of a ragged tile in shared memory as the full tile does', () => {
    const rng = new SeededRandom(5);
    const fitted = model(rng);
    const [width, height, stride] = [250, 131, 4];
    const n = width * height;
    const shared = new SharedArrayBuffer(FEATURES * n * 4);
    const planes = Array.from({ length: FEATURES }, (_, c) => {
      const plane = new Float32Array(shared, c * n * 4, n);
      for (let i = 0; i < n; i++) plane[i] = rng.nextNormal();
      return plane;
    });
    const [w, h] = [Math.ceil(width / stride), Math.ceil(height / stride)];
    const input = { model: fitted, modelKey: 'subsample-test' };
    const preview = predictFeaturesJob({
      ...input,
      features: planes,
      pixelCount: w * h,
      subsample: { stride, width, height },
    });
    const full = predictFeaturesJob({ ...input, features: planes, pixelCount: n });
    expect(preview.probabilities[0].length).toBe(w * h);
    for (let k = 0; k < 2; k++) {
      const expected = new Float32Array(w * h);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++)
          expected[y * w + x] = full.probabilities[k][y * stride * width + x * stride];
      expect(Array.from(preview.probabilities[k])).toEqual(Array.from(expected));
    }
    // The main thread's subsample (3-D features) gives the same planes.
    const copied = predictFeaturesJob({
      ...input,
      features: subsampled(planes, { stride, width, height }),
      pixelCount: w * h,
    });
    expect(copied.probabilities.map((p) => Array.from(p))).toEqual(
      preview.probabilities.map((p) => Array.from(p)),
    );
  });

  it("gives several tiles' previews in one job, each tile's bytes as its own job gives them", () => {
    const rng = new SeededRandom(8);
    const fitted = model(rng);
    const sizes = [
      [256, 256],
      [250, 131],
      [7, 3],
    ];
    const tiles = sizes.map(([width, height]) => ({
      features: Array.from({ length: FEATURES }, () =>
        Float32Array.from({ length: width * height }, () => rng.nextNormal()),
      ),
      subsample: { stride: 4, width, height },
    }));
    const input = { model: fitted, modelKey: 'grouped-test' };
    const grouped = predictStridedBytesJob({ ...input, tiles });
    let offset = 0;
    for (const tile of tiles) {
      const n = Math.ceil(tile.subsample.width / 4) * Math.ceil(tile.subsample.height / 4);
      const own = predictFeatureBytesJob({ ...input, ...tile, pixelCount: n });
      for (let k = 0; k < 2; k++)
        expect(Array.from(grouped.probabilities[k].subarray(offset, offset + n))).toEqual(
          Array.from(own.probabilities[k]),
        );
      offset += n;
    }
    expect(grouped.probabilities[0].length).toBe(offset);
  });

  it('refuses tiles with different numbers of feature planes in one line', () => {
    const tile = (features: number) => ({
      features: Array.from({ length: features }, () => new Float32Array(16)),
      subsample: { stride: 2, width: 4, height: 4 },
    });
    expect(() =>
      predictStridedBytesJob({ model: model(new SeededRandom(1)), modelKey: 'x', tiles: [tile(6), tile(5)] }),
    ).toThrow(/different numbers of feature planes/);
  });

  it('refuses a stride that is not a whole number ≥ 1 in one line', () => {
    expect(() => subsampled([new Float32Array(4)], { stride: 0, width: 2, height: 2 })).toThrow(/stride 0/);
  });
});
