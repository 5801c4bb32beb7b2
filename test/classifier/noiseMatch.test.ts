/**
 * Noise matching (src/core/classifier/adaptation/noiseMatch.ts): the noise estimate reads the noise and
 * not the objects' edges; a model trained on a clean image, widened to a noisier image's extra noise,
 * segments that image better than as trained; an image no noisier leaves the model alone; the recorded
 * training noise survives a project's round trip and a damaged one is refused.
 */
import { describe, expect, it } from 'vitest';
import {
  excessNoise,
  noiseMatchedModel,
  noiseResponses,
  noiseSdFromResponses,
  planeNoiseSd,
  planeVariances,
} from '../../src/core/classifier/adaptation/noiseMatch.js';
import { computeFeatures } from '../../src/core/features/computeFeatures.js';
import { presetSelection } from '../../src/core/features/selection.js';
import type { FittedClassifier } from '../../src/core/classifier/PixelClassifier.js';
import { deserializeClassifier, serializeClassifier } from '../../src/core/classifier/serializeClassifier.js';
import { SeededRandom } from '../../src/core/random.js';
import { SIZE, featuresOf, meanIou, segment, syntheticImage, trainOnScribbles } from './adaptationHelpers.js';

/** The synthetic sample of `seed` scaled to 0..1 (as percentile normalization would), plus noise of sd `noise`. */
function normalizedSample(seed: number, noise = 0) {
  const s = syntheticImage(seed);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of s.values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const rng = new SeededRandom(seed + 100);
  const values = Float32Array.from(s.values, (v) => (v - lo) / (hi - lo) + noise * rng.nextNormal());
  return { ...s, values };
}

/** Per feature, its variance on white noise of sd `sd` (what noiseMatching.ts computes on the pool). */
function noiseFeatureVariances(sd: number): number[] {
  const side = 256;
  const rng = new SeededRandom(7);
  const plane = Float32Array.from({ length: side * side }, () => 0.5 + sd * rng.nextNormal());
  const features = computeFeatures(
    { width: side, height: side, channels: [plane] },
    presetSelection('default'),
    'ilastik',
  );
  // The core only: away from the borders, as the pool's halo gives.
  const margin = 40;
  const cores = features.map((f) => {
    const out: number[] = [];
    for (let y = margin; y < side - margin; y++)
      for (let x = margin; x < side - margin; x++) out.push(f[y * side + x]);
    return Float32Array.from(out);
  });
  return planeVariances(cores);
}

describe('noise estimate', () => {
  it('reads the noise added to an image of bright objects with sharp edges, not the edges', () => {
    const width = 256;
    const height = 256;
    const rng = new SeededRandom(5);
    const plane = new Float32Array(width * height);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        // Bright squares every 32 px: a tenth of the pixels lie on an edge.
        const object = x % 32 < 16 && y % 32 < 16 ? 1 : 0;
        plane[y * width + x] = object + 0.03 * rng.nextNormal();
      }
    const [sd] = planeNoiseSd([plane], width, height);
    expect(sd).toBeGreaterThan(0.027);
    expect(sd).toBeLessThan(0.034);
    // The same squares without noise: no noise, whatever the edges.
    const clean = Float32Array.from(plane, (_, i) =>
      (i % width) % 32 < 16 && Math.floor(i / width) % 32 < 16 ? 1 : 0,
    );
    expect(planeNoiseSd([clean], width, height)[0]).toBeLessThan(0.002);
  });

  it('gives the same noise from windows of the image as from the whole of it', () => {
    const { values } = normalizedSample(1, 0.03);
    const whole = planeNoiseSd([values], SIZE, SIZE)[0];
    const windows = [0, 64, 128].map((x) =>
      noiseResponses(values, SIZE, SIZE, { x, y: 32, width: 64, height: 64 }),
    );
    expect(noiseSdFromResponses(windows) / whole).toBeGreaterThan(0.9);
    expect(noiseSdFromResponses(windows) / whole).toBeLessThan(1.1);
  });
});

/**
 * Gaussian tails: the tail bound (tailBound.test.ts) already keeps a model trained on the clean image at
 * 0.85 on the twelve times noisier one, where the widening adds 0.005; without it the widening is what
 * rescues the image, which is what these tests isolate.
 */
const GAUSSIAN_TAILS = { tailBound: null };

describe('noise matching', () => {
  const clean = normalizedSample(1);
  const model: FittedClassifier = {
    ...trainOnScribbles(featuresOf(clean.values, SIZE, SIZE), clean.scribbles, GAUSSIAN_TAILS),
    training: {
      ...trainOnScribbles(featuresOf(clean.values, SIZE, SIZE), clean.scribbles, GAUSSIAN_TAILS).training,
      noise: planeNoiseSd([clean.values], SIZE, SIZE),
    },
  };

  it('segments an image twelve times noisier than the training image better than the trained model', () => {
    const noisy = normalizedSample(2, 0.06);
    const image = { features: featuresOf(noisy.values, SIZE, SIZE), truth: noisy.truth, pixels: SIZE * SIZE };
    const excess = excessNoise(model.training.noise!, planeNoiseSd([noisy.values], SIZE, SIZE));
    expect(excess).not.toBeNull();
    const widened = noiseMatchedModel(model, noiseFeatureVariances(excess![0]));
    const asTrained = meanIou(segment(model, image), image.truth);
    const matched = meanIou(segment(widened, image), image.truth);
    expect(matched).toBeGreaterThan(asTrained + 0.05);
    // The trained model is not changed.
    expect(widened.mixture.covariances).not.toEqual(model.mixture.covariances);
    expect(model.mixture.covariances).toEqual(
      trainOnScribbles(featuresOf(clean.values, SIZE, SIZE), clean.scribbles, GAUSSIAN_TAILS).mixture
        .covariances,
    );
  });

  it('leaves the model alone on an image no noisier than the training image', () => {
    const sameKind = normalizedSample(3);
    const noise = planeNoiseSd([sameKind.values], SIZE, SIZE);
    expect(excessNoise(model.training.noise!, noise)).toBeNull();
    // Noisier, but by less than the estimate's margin.
    expect(excessNoise([0.02], [0.035])).toBeNull();
    expect(excessNoise([0.02], [0.05])![0]).toBeCloseTo(Math.sqrt(0.05 ** 2 - 0.02 ** 2), 10);
  });

  it('refuses a model that is not diagonal on its own features', () => {
    const full = { ...model, mixture: { ...model.mixture, covariance: 'full' as const } };
    expect(() => noiseMatchedModel(full, new Array(model.mixture.dim).fill(1))).toThrow(/diagonal/);
  });

  it('keeps the training noise through a project round trip and refuses a damaged one', () => {
    expect(deserializeClassifier(serializeClassifier(model)).training.noise).toEqual(model.training.noise);
    const damaged = JSON.parse(serializeClassifier(model)) as { training: { noise: unknown } };
    damaged.training.noise = [-1];
    expect(() => deserializeClassifier(JSON.stringify(damaged))).toThrow(/training\.noise/);
    damaged.training.noise = 'loud';
    expect(() => deserializeClassifier(JSON.stringify(damaged))).toThrow(/training\.noise/);
  });
});
