/**
 * The monotone intensity transfer fitted by EM (adaptation method 'intensity'): a model trained on one
 * synthetic nuclei image (intensities percentile-normalized, as projects are by default) meets another
 * image whose intensities went through a gamma — which bends every feature non-linearly, so no per-feature
 * affine map undoes it — and one without any drift, and one with its contrast inverted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { adaptClassifier } from '../../src/core/classifier/adaptation/adaptClassifier.js';
import { ADAPTATION_SAMPLE_PIXELS } from '../../src/core/classifier/adaptation/adaptationConstants.js';
import { modelView } from '../../src/core/classifier/adaptation/adaptedModel.js';
import { featureRoles } from '../../src/core/classifier/adaptation/featureRoles.js';
import { swappedClasses } from '../../src/core/classifier/adaptation/guards.js';
import {
  applyIntensityTransfer,
  transferValue,
} from '../../src/core/classifier/adaptation/intensityTransfer.js';
import { sampleFeatureRows } from '../../src/core/classifier/adaptation/samplePixels.js';
import type { FittedClassifier } from '../../src/core/classifier/PixelClassifier.js';
import { presetSelection } from '../../src/core/features/selection.js';
import { percentiles } from '../../src/core/normalization.js';
import { featuresOf, meanIou, segment, SIZE, syntheticImage, trainOn } from './adaptationHelpers.js';

const roles = featureRoles(presetSelection('default'), 1)!;
const names = ['background', 'nucleus'];
/** The sample's 16-bit range mapped to about 0..1 (the percentile normalization's span). */
const LOW = 400;
const HIGH = 2100;
const normalized = (v: number) => (v - LOW) / (HIGH - LOW);

/** The synthetic image of `seed`, normalized, then through `drift`, then normalized again by percentiles. */
function driftedImage(seed: number, drift: (u: number) => number) {
  const s = syntheticImage(seed, (v) => drift(normalized(v)));
  const [lo, hi] = percentiles(s.values, [0.1, 99.9]);
  const values = s.values.map((v) => (v - lo) / (hi - lo));
  const features = featuresOf(values, SIZE, SIZE);
  return { values, features, truth: s.truth, pixels: SIZE * SIZE, original: syntheticImage(seed) };
}

let model: FittedClassifier;

beforeAll(() => {
  const [lo, hi] = percentiles(syntheticImage(1, normalized).values, [0.1, 99.9]);
  model = trainOn(1, (v) => (normalized(v) - lo) / (hi - lo));
}, 60000);

function adapt(image: ReturnType<typeof driftedImage>, choice: 'intensity' | 'auto' = 'intensity') {
  const sample = sampleFeatureRows(image.features, image.pixels, ADAPTATION_SAMPLE_PIXELS, 1);
  return adaptClassifier(model, sample.rows, sample.n, choice, names, roles);
}

/** The image's features after the result's transfer, recomputed from the transferred intensities. */
function transferred(image: ReturnType<typeof driftedImage>, result: ReturnType<typeof adapt>) {
  if (!result.intensity) return image;
  const { channels } = applyIntensityTransfer(
    { width: SIZE, height: SIZE, channels: [image.values] },
    result.intensity,
  );
  return { ...image, features: featuresOf(channels[0], SIZE, SIZE) };
}

const gamma = (g: number) => (u: number) => (u > 0 ? u ** g : u);

describe('the intensity transfer fitted by EM', () => {
  it('recovers a known gamma of the intensities, and the segmentation with it', () => {
    const reference = driftedImage(2, (u) => u);
    const bent = driftedImage(2, gamma(0.4));
    const result = adapt(bent);
    expect(result.applied).toBe('intensity');
    const expected = meanIou(segment(model, reference), reference.truth);
    const unadapted = meanIou(segment(model, bent), bent.truth);
    const recovered = meanIou(segment(result.model, transferred(bent, result)), bent.truth);
    expect(unadapted).toBeLessThan(expected - 0.05);
    expect(recovered).toBeGreaterThan(unadapted + 0.04);
    const t = result.intensity!.channels[0];
    // Pixel by pixel, T(bent) should give back the undrifted intensities (both normalized alike).
    let error = 0;
    let identityError = 0;
    for (let i = 0; i < bent.pixels; i += 7) {
      error += Math.abs(transferValue(t, bent.values[i]) - reference.values[i]);
      identityError += Math.abs(bent.values[i] - reference.values[i]);
    }
    expect(error).toBeLessThan(identityError / 2);
  }, 60000);

  it('leaves the segmentation of an image without drift as it is', () => {
    const image = driftedImage(2, (u) => u);
    const result = adapt(image);
    const off = segment(model, image);
    const adapted = segment(result.model, transferred(image, result));
    let changed = 0;
    for (let i = 0; i < off.length; i++) if (off[i] !== adapted[i]) changed++;
    expect(changed / off.length).toBeLessThan(0.01);
    expect(meanIou(adapted, image.truth)).toBeGreaterThanOrEqual(meanIou(off, image.truth) - 0.005);
  }, 60000);

  it('refuses to swap the classes', () => {
    const view = modelView(model);
    const n = 1000;
    // Components of class 0 first, then class 1: "before" puts the first 700 rows in class 0.
    const first = (c: number) => view.componentClass.indexOf(c);
    const onClass = (rowsOfFirst: number) => {
      const resp = new Float64Array(n * view.k);
      for (let i = 0; i < n; i++) resp[i * view.k + first(i < rowsOfFirst ? 0 : 1)] = 1;
      return resp;
    };
    const before = onClass(700);
    const swapped = new Float64Array(n * view.k);
    for (let i = 0; i < n; i++) swapped[i * view.k + first(i < 700 ? 1 : 0)] = 1;
    expect(swappedClasses(view, before, swapped, n, names)).toMatch(/background and nucleus would swap/);
    // A collapse repaired (most of one class's pixels move, none come back) is not a swap.
    expect(swappedClasses(view, onClass(1000), before, n, names)).toBeNull();
  }, 60000);
});
