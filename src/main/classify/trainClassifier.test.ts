/**
 * What training records beside the mixtures: the noise of its images, measured on the pool while the
 * mixtures are fitted, must be the noise of those images (noise matching at prediction relies on it).
 * Workers run dist/ (build first).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { planeNoiseSd, pooledNoiseSd } from '../../core/classifier/adaptation/noiseMatch.js';
import { presetSelection } from '../../core/features/selection.js';
import { SeededRandom } from '../../core/random.js';
import { WorkerPool } from '../engine/WorkerPool.js';
import { trainClassifier, type TrainingInput } from './trainClassifier.js';

const pool = new WorkerPool({ threads: 2 });
afterAll(() => pool.close());

/** Bright discs on a dark ground with noise of standard deviation `noise`, scribbled on both. */
function discImage(seed: number, size: number, noise: number): TrainingInput {
  const rng = new SeededRandom(seed);
  const values = new Float32Array(size * size);
  const labels = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inside = Math.hypot((x % 40) - 20, (y % 40) - 20) < 12;
      values[y * size + x] = (inside ? 0.8 : 0.2) + noise * rng.nextNormal();
      if (x % 40 === 20 && Math.abs((y % 40) - 20) < 5) labels[y * size + x] = 2;
      if (x % 40 === 2 && y % 3 === 0) labels[y * size + x] = 1;
    }
  }
  return { image: { width: size, height: size, channels: [values] }, labels };
}

describe('trainClassifier', () => {
  it('records the noise of its training images, pooled over them', async () => {
    const inputs = [discImage(1, 120, 0.02), discImage(2, 100, 0.05)];
    const model = await trainClassifier(pool, inputs, presetSelection('default'), 'ilastik', {
      components: 2,
      seed: 1,
    });
    const perImage = inputs.map(({ image }) => planeNoiseSd(image.channels, image.width, image.height));
    expect(model.training.noise).toEqual(pooledNoiseSd(perImage));
    // Between the two images' own noise: both count.
    expect(model.training.noise![0]).toBeGreaterThan(perImage[0][0]);
    expect(model.training.noise![0]).toBeLessThan(perImage[1][0]);
    // The images are left to the caller as they were (the pool got copies).
    expect(inputs[0].image.channels[0].length).toBe(120 * 120);
  });
});
