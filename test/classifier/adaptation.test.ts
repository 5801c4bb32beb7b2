/**
 * Per-image adaptation on synthetic nuclei images: a model trained on one image's scribbles predicts
 * other images of the same kind, as they are or with their exposure changed (gain and offset of the
 * intensities, strong or slight), or holding background only.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { adaptClassifier } from '../../src/core/classifier/adaptation/adaptClassifier.js';
import {
  ADAPTATION_SAMPLE_PIXELS,
  MIN_ADAPTATION_GAIN,
  type AdaptationChoice,
} from '../../src/core/classifier/adaptation/adaptationConstants.js';
import { identityState, modelView } from '../../src/core/classifier/adaptation/adaptedModel.js';
import { guardViolation } from '../../src/core/classifier/adaptation/guards.js';
import { sampleFeatureRows } from '../../src/core/classifier/adaptation/samplePixels.js';
import { classWeights } from '../../src/core/classifier/imagePriors.js';
import type { FittedClassifier } from '../../src/core/classifier/PixelClassifier.js';
import { fractionOf, meanIou, segment, testImage, trainOn, type TestImage } from './adaptationHelpers.js';

let model: FittedClassifier;

beforeAll(() => {
  model = trainOn(1);
}, 60000);

function adapted(image: TestImage, choice: AdaptationChoice) {
  const sample = sampleFeatureRows(image.features, image.pixels, ADAPTATION_SAMPLE_PIXELS, 1);
  return adaptClassifier(model, sample.rows, sample.n, choice);
}

/** Only the background pixels of an image (their features computed on the whole image). */
function backgroundOnly(image: TestImage): TestImage {
  const keep: number[] = [];
  for (let i = 0; i < image.pixels; i++) if (image.truth[i] === 1) keep.push(i);
  return {
    features: image.features.map((plane) => Float32Array.from(keep, (i) => plane[i])),
    truth: new Uint8Array(keep.length).fill(1),
    pixels: keep.length,
  };
}

const brighter = (v: number) => 1.8 * v + 500;

describe('per-image adaptation', () => {
  it('recovers an image whose exposure changed, which the unadapted model loses', () => {
    const original = testImage(2);
    const shifted = testImage(2, brighter);
    const reference = meanIou(segment(model, original), original.truth);
    const unadapted = meanIou(segment(model, shifted), shifted.truth);
    const result = adapted(shifted, 'auto');
    const recovered = meanIou(segment(result.model, shifted), shifted.truth);
    // The drift must matter for the test to mean anything: unadapted, the shifted copy collapses.
    expect(unadapted).toBeLessThan(reference - 0.2);
    expect(result.applied).not.toBe('none');
    expect(recovered).toBeGreaterThan(reference - 0.05);
  }, 60000);

  it('repairs a small change of exposure by the class-aware match, below the threshold of the plain one', () => {
    const image = testImage(2, (v) => 1.15 * v - 30);
    const off = meanIou(segment(model, image), image.truth);
    const result = adapted(image, 'auto');
    const plain = result.candidates.find((c) => c.method === 'standardize');
    expect(plain!.gain).toBeLessThan(MIN_ADAPTATION_GAIN);
    expect(result.applied).toBe('moments');
    expect(meanIou(segment(result.model, image), image.truth)).toBeGreaterThan(off + 0.03);
  }, 60000);

  it('leaves images without drift as they are (auto is not worse than off)', () => {
    for (const seed of [2, 3]) {
      const image = testImage(seed);
      const off = meanIou(segment(model, image), image.truth);
      const auto = meanIou(segment(adapted(image, 'auto').model, image), image.truth);
      expect(auto).toBeGreaterThanOrEqual(off - 0.01);
    }
  }, 60000);

  it('does not invent objects in an image holding background only', () => {
    const image = backgroundOnly(testImage(2));
    const result = adapted(image, 'auto');
    const off = fractionOf(segment(model, image), 2);
    const auto = fractionOf(segment(result.model, image), 2);
    expect(auto).toBeLessThanOrEqual(off + 0.01);
  }, 60000);

  it('on a background-only image whose exposure changed, no longer calls everything an object', () => {
    const image = backgroundOnly(testImage(2, brighter));
    const trainedObjectShare = classWeights(model.mixture.weights, model.componentClass, 2)[1];
    const off = fractionOf(segment(model, image), 2);
    const auto = fractionOf(segment(adapted(image, 'auto').model, image), 2);
    // Unadapted the whole image turns object; the match assumes the training image's mix of classes,
    // so at worst about the trained object share is called object.
    expect(off).toBeGreaterThan(0.9);
    expect(auto).toBeLessThan(Math.min(off / 2, 2 * trainedObjectShare));
  }, 60000);

  it('never changes the trained model', () => {
    const before = JSON.stringify(model);
    const image = testImage(2, brighter);
    // One of each kind: the choice, a feature map, a change of the means.
    for (const method of ['auto', 'standardize', 'map'] as const) adapted(image, method);
    expect(JSON.stringify(model)).toBe(before);
  }, 120000);

  it('refuses an adaptation that swaps the classes or lets one class swallow the image', () => {
    const view = modelView(model);
    const names = ['background', 'nucleus'];
    const identity = identityState(view);
    // Every component takes the mean of a component of the other class.
    const first = { 0: -1, 1: -1 } as Record<number, number>;
    view.componentClass.forEach((c, j) => (first[c] = first[c] < 0 ? j : first[c]));
    const swappedMeans = new Float64Array(view.means.length);
    for (let j = 0; j < view.k; j++) {
      const other = first[1 - view.componentClass[j]];
      swappedMeans.set(view.means.subarray(other * view.d, (other + 1) * view.d), j * view.d);
    }
    const shares = Float64Array.from(view.trainedPriors);
    expect(guardViolation(view, { ...identity, means: swappedMeans }, shares, shares, names)).toMatch(
      /component of (background|nucleus) would move onto/,
    );
    const swallowed = Float64Array.from([0.001, 0.999]);
    expect(guardViolation(view, identity, shares, swallowed, names)).toMatch(/background would cover 0\.1 %/);
    expect(guardViolation(view, identity, shares, shares, names)).toBeNull();
  }, 60000);
});
