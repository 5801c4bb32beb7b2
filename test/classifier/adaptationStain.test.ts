/**
 * Per-image adaptation of a model trained on a stained RGB image (bright-field, H&E-like: each channel's
 * intensity falls with the optical densities of two stains) to a copy stained more strongly with one
 * stain and more weakly with the other — a change of colour no single gain or offset undoes, and every
 * one of the 3 × 49 features moves differently.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { adaptClassifier } from '../../src/core/classifier/adaptation/adaptClassifier.js';
import { ADAPTATION_SAMPLE_PIXELS } from '../../src/core/classifier/adaptation/adaptationConstants.js';
import { sampleFeatureRows } from '../../src/core/classifier/adaptation/samplePixels.js';
import { computeFeatures } from '../../src/core/features/computeFeatures.js';
import { presetSelection } from '../../src/core/features/selection.js';
import type { FittedClassifier } from '../../src/core/classifier/PixelClassifier.js';
import { makeSyntheticSample } from '../../src/core/sample/syntheticCells.js';
import { meanIou, segment, SIZE, trainOnScribbles, type TestImage } from './adaptationHelpers.js';

/** Optical density per unit stain in R, G, B: hematoxylin (nuclei) and eosin (everything). */
const HEMATOXYLIN = [0.65, 0.7, 0.29];
const EOSIN = [0.07, 0.99, 0.11];

/** The synthetic nuclei of `seed` as a stained RGB image, with stain strengths `h` and `e`. */
function stainedImage(seed: number, h: number, e: number) {
  const s = makeSyntheticSample({ width: SIZE, height: SIZE, seed });
  const values = Float32Array.from(s.image);
  const sorted = Float32Array.from(values).sort();
  const lo = sorted[Math.floor(0.01 * sorted.length)];
  const hi = sorted[Math.floor(0.99 * sorted.length)];
  const channels = [0, 1, 2].map((c) =>
    Float32Array.from(values, (v) => {
      const nucleus = Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
      const density = h * HEMATOXYLIN[c] * nucleus + e * EOSIN[c] * 0.6;
      return 255 * Math.exp(-density);
    }),
  );
  const features = computeFeatures(
    { width: SIZE, height: SIZE, channels },
    presetSelection('default'),
    'ilastik',
  );
  return { ...s, features };
}

function trainOnStained(seed: number, h: number, e: number, tailBound?: null): FittedClassifier {
  const s = stainedImage(seed, h, e);
  return trainOnScribbles(s.features, s.scribbles, tailBound === null ? { tailBound } : {});
}

function testImage(seed: number, h: number, e: number): TestImage {
  const s = stainedImage(seed, h, e);
  return { features: s.features, truth: s.truth, pixels: SIZE * SIZE };
}

/** With Gaussian tails, so that the drift is one only adaptation repairs (the bounded model below). */
let model: FittedClassifier;
let bounded: FittedClassifier;

beforeAll(() => {
  model = trainOnStained(1, 1, 1, null);
  bounded = trainOnStained(1, 1, 1);
}, 60000);

function adaptedTo(image: TestImage) {
  const sample = sampleFeatureRows(image.features, image.pixels, ADAPTATION_SAMPLE_PIXELS, 1);
  return adaptClassifier(model, sample.rows, sample.n, 'auto');
}

describe('per-image adaptation of a stained RGB image', () => {
  it('recovers a copy stained differently, which the unadapted model segments worse', () => {
    const original = testImage(2, 1, 1);
    const restained = testImage(2, 1.6, 0.6);
    const reference = meanIou(segment(model, original), original.truth);
    const unadapted = meanIou(segment(model, restained), restained.truth);
    const result = adaptedTo(restained);
    const adapted = meanIou(segment(result.model, restained), restained.truth);
    expect(unadapted).toBeLessThan(reference - 0.1);
    expect(result.applied).not.toBe('none');
    expect(adapted).toBeGreaterThan(reference - 0.05);
  }, 60000);

  it('is segmented nearly as well as the original without adaptation by a model with the tail bound', () => {
    const original = testImage(2, 1, 1);
    const restained = testImage(2, 1.6, 0.6);
    const reference = meanIou(segment(bounded, original), original.truth);
    // One stain's features far in a class's tail no longer outvote the other channel's.
    expect(meanIou(segment(bounded, restained), restained.truth)).toBeGreaterThan(reference - 0.05);
  }, 60000);
});
