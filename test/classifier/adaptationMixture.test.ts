/**
 * Adaptation on a synthetic two-class mixture in 3 features: a known gain and offset of the features is
 * recovered (the adapted standardization undoes it), an unshifted sample leaves the model as it was.
 */
import { describe, expect, it } from 'vitest';
import { adaptClassifier } from '../../src/core/classifier/adaptation/adaptClassifier.js';
import { fitPixelClassifier } from '../../src/core/classifier/PixelClassifier.js';
import { SeededRandom } from '../../src/core/random.js';

const D = 3;

/** Rows of two classes (30 % class 2), each feature mapped by x → gain·x + offset. */
function rows(n: number, seed: number, gain = 1, offset = 0) {
  const rng = new SeededRandom(seed);
  const X = new Float32Array(n * D);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const cls = rng.next() < 0.3 ? 2 : 1;
    labels[i] = cls;
    for (let c = 0; c < D; c++) {
      const centre = cls === 2 ? 10 + 4 * c : 5;
      X[i * D + c] = gain * (centre + rng.nextNormal()) + offset;
    }
  }
  return { X, labels };
}

const train = rows(4000, 1);
const model = fitPixelClassifier(train.X, train.labels, D, { components: 2 }, rows(6000, 2).X);

describe('adaptation of a synthetic mixture', () => {
  it('recovers a known gain and offset of the features', () => {
    const gain = 1.7;
    const offset = -12;
    const shifted = rows(20000, 3, gain, offset);
    const result = adaptClassifier(model, Float64Array.from(shifted.X), 20000, 'auto');
    expect(result.applied).toBe('standardize');
    // The adapted standardization of x' = gain·x + offset equals the trained one of x.
    const { mean, scale } = model.transform;
    const adapted = result.model.transform;
    for (let c = 0; c < D; c++) {
      expect(adapted.scale[c] / scale[c]).toBeCloseTo(gain, 1);
      expect((adapted.mean[c] - offset) / gain).toBeCloseTo(mean[c], 0);
    }
    // And the classes come back: the share of class 2 is the sample's own.
    const truth = shifted.labels.filter((v) => v === 2).length / 20000;
    const share = result.candidates.find((c) => c.method === 'standardize')!.shares[1];
    expect(Math.abs(share - truth)).toBeLessThan(0.02);
  });

  it('leaves an unshifted sample with the trained model', () => {
    const same = rows(20000, 4);
    const result = adaptClassifier(model, Float64Array.from(same.X), 20000, 'auto');
    expect(result.applied).toBe('none');
    expect(result.model).toBe(model);
    const forced = adaptClassifier(model, Float64Array.from(same.X), 20000, 'standardize').model;
    for (let c = 0; c < D; c++) {
      expect(forced.transform.scale[c] / model.transform.scale[c]).toBeCloseTo(1, 1);
    }
  });
});
