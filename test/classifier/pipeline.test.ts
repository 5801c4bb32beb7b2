/**
 * The classifier pipeline through the worker pool on the built-in synthetic sample: train on scribbles,
 * predict tile by tile, and cluster without scribbles. Workers run dist/ (npm test builds first).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { presetSelection } from '../../src/core/features/selection.js';
import { makeSyntheticSample } from '../../src/core/sample/syntheticCells.js';
import { clusterImage } from '../../src/main/classify/clusterImage.js';
import { predictImage } from '../../src/main/classify/predictImage.js';
import { trainClassifier } from '../../src/main/classify/trainClassifier.js';
import { WorkerPool } from '../../src/main/engine/WorkerPool.js';

const pool = new WorkerPool({ threads: 2 });
afterAll(() => pool.close());

const sample = makeSyntheticSample({ width: 300, height: 260, seed: 4 });
const image = { width: 300, height: 260, channels: [Float32Array.from(sample.image, (v) => v / 1000)] };
const selection = presetSelection('default');

function agreement(segmentation: Uint8Array, truth: Uint8Array): number {
  let ok = 0;
  for (let i = 0; i < truth.length; i++) if (segmentation[i] === truth[i]) ok++;
  return ok / truth.length;
}

describe('trainClassifier + predictImage', () => {
  it('segments the synthetic nuclei from their scribbles, the same with any tile size', async () => {
    const model = await trainClassifier(pool, [{ image, labels: sample.scribbles }], selection, 'ilastik', {
      semiSupervised: { enabled: false, lambda: 0, sampleCount: 0 },
    });
    expect(model.featureNames).toHaveLength(49);
    const big = await predictImage(pool, image, model, selection, 'ilastik');
    expect(agreement(big.segmentation, sample.truth)).toBeGreaterThan(0.9);
    const small = await predictImage(pool, image, model, selection, 'ilastik', { tileSize: 96 });
    for (let i = 0; i < big.probabilities[0].length; i += 97) {
      expect(small.probabilities[1][i]).toBeCloseTo(big.probabilities[1][i], 4);
    }
    expect(Math.max(...big.uncertainty)).toBeLessThanOrEqual(1);
  });

  it('says clearly when the feature selection does not match the model', async () => {
    const model = await trainClassifier(pool, [{ image, labels: sample.scribbles }], selection, 'ilastik', {
      semiSupervised: { enabled: false, lambda: 0, sampleCount: 0 },
    });
    await expect(predictImage(pool, image, model, presetSelection('all'), 'ilastik')).rejects.toThrow(
      /trained on 49 feature channels/,
    );
  });
});

describe('clusterImage', () => {
  it('separates nuclei from background with no scribbles', async () => {
    const { model, prediction } = await clusterImage(pool, image, 2, selection, 'ilastik', { seed: 1 });
    expect(model.training.mode).toBe('unsupervised');
    // Clusters are numbered darkest first, so cluster 2 should be the (bright) nuclei.
    expect(agreement(prediction.segmentation, sample.truth)).toBeGreaterThan(0.8);
  });
});
