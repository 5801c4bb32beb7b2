/**
 * Synthetic images for the adaptation tests: the built-in nuclei sample, a model trained on one image's
 * scribbles with the default options, and scoring against the truth.
 */
import { computeFeatures } from '../../src/core/features/computeFeatures.js';
import { presetSelection } from '../../src/core/features/selection.js';
import { simpleSegmentation } from '../../src/core/classifier/outputs.js';
import {
  fitPixelClassifier,
  predictProbabilities,
  type ClassifierOptions,
  type FittedClassifier,
} from '../../src/core/classifier/PixelClassifier.js';
import { SeededRandom } from '../../src/core/random.js';
import { makeSyntheticSample } from '../../src/core/sample/syntheticCells.js';
import { writeIntegerImage } from '../../src/main/io/writeIntegerImage.js';

export const SIZE = 192;
const selection = presetSelection('default');

export interface TestImage {
  readonly features: Float32Array[];
  readonly truth: Uint8Array;
  readonly pixels: number;
}

/** The synthetic sample of `seed`, its intensities passed through `map` (e.g. a change of exposure). */
export function syntheticImage(seed: number, map: (v: number) => number = (v) => v) {
  const s = makeSyntheticSample({ width: SIZE, height: SIZE, seed });
  const values = Float32Array.from(s.image, map);
  return { ...s, values };
}

export function featuresOf(values: Float32Array, width: number, height: number): Float32Array[] {
  return computeFeatures({ width, height, channels: [values] }, selection, 'ilastik');
}

export function testImage(seed: number, map?: (v: number) => number): TestImage {
  const s = syntheticImage(seed, map);
  return { features: featuresOf(s.values, SIZE, SIZE), truth: s.truth, pixels: SIZE * SIZE };
}

/**
 * A model trained on the scribbles of the sample of `seed` (its intensities through `map`), with an
 * unlabeled sample of its pixels.
 */
export function trainOn(seed: number, map?: (v: number) => number): FittedClassifier {
  const s = syntheticImage(seed, map);
  return trainOnScribbles(featuresOf(s.values, SIZE, SIZE), s.scribbles);
}

/** A model with the default options on an image's scribbled pixels and an unlabeled sample of its pixels. */
export function trainOnScribbles(
  features: Float32Array[],
  scribbles: Uint8Array,
  options: Partial<ClassifierOptions> = {},
): FittedClassifier {
  const d = features.length;
  const labeled: number[] = [];
  for (let i = 0; i < scribbles.length; i++) if (scribbles[i] > 0) labeled.push(i);
  const samples = new Float32Array(labeled.length * d);
  labeled.forEach((p, r) => features.forEach((plane, c) => (samples[r * d + c] = plane[p])));
  const labels = Uint8Array.from(labeled, (p) => scribbles[p]);
  const rng = new SeededRandom(3);
  const unlabeledCount = 8000;
  const unlabeled = new Float32Array(unlabeledCount * d);
  for (let r = 0; r < unlabeledCount; r++) {
    const p = rng.nextInt(scribbles.length);
    features.forEach((plane, c) => (unlabeled[r * d + c] = plane[p]));
  }
  return fitPixelClassifier(samples, labels, d, options, unlabeled);
}

export function segment(model: FittedClassifier, image: TestImage): Uint8Array {
  return simpleSegmentation(predictProbabilities(model, image.features, image.pixels), model.classes);
}

export { meanIou } from '../../bench/meanIou.js';

export function fractionOf(pred: Uint8Array, value: number): number {
  let count = 0;
  for (const v of pred) if (v === value) count++;
  return count / pred.length;
}

/**
 * `values` from a noisier camera: seeded Gaussian noise of sd `fraction` of their range added to every
 * pixel, written as a 16-bit TIFF (the noise-matching tests).
 */
export async function writeNoisyCopy(
  path: string,
  values: ArrayLike<number>,
  width: number,
  height: number,
  fraction: number,
  seed: number,
): Promise<void> {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  const rng = new SeededRandom(seed);
  const noisy = Uint16Array.from({ length: values.length }, (_, i) =>
    Math.max(0, Math.min(65535, Math.round(values[i] + fraction * (hi - lo) * rng.nextNormal()))),
  );
  await writeIntegerImage(path, noisy, width, height);
}
