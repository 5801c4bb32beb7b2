/**
 * Job 'predictFeatures': per-class probabilities from feature planes the live loop already has (cached per
 * tile in shared memory, so nothing is copied in). This is what makes a stroke cheap: the refit is small,
 * and re-predicting a visible tile skips the feature bank entirely.
 */
import { predictProbabilities, type FittedClassifier } from '../../../core/classifier/PixelClassifier.js';
import {
  predictWithUnexplained,
  type UnexplainedCalibration,
} from '../../../core/unexplained/unexplainedScore.js';
import { preparedFor } from '../../engine/jobs/classifyTileJob.js';
import type { PosteriorPrecision } from '../../../core/gmm/simdPosteriors.js';
import { quantize } from '../tileHelpers.js';

/** Every `stride`-th pixel of a width × height tile in each direction (a preview). */
export interface TileSubsample {
  readonly stride: number;
  readonly width: number;
  readonly height: number;
}

export interface PredictFeaturesInput {
  /** One plane per feature channel (views of SharedArrayBuffers when cached). */
  readonly features: Float32Array[];
  /** Pixels to predict: of the planes, or of the subsample when one is given. */
  readonly pixelCount: number;
  /**
   * Predict only every stride-th pixel of the planes: the worker reads them from the shared cache itself,
   * so a preview neither copies 49 strided planes on the main thread nor posts them to the worker.
   */
  readonly subsample?: TileSubsample;
  readonly model: FittedClassifier;
  /** Identifies the model so each worker prepares it once. */
  readonly modelKey: string;
  /** When given, the unexplained score is computed too, from the log densities prediction has anyway. */
  readonly unexplained?: UnexplainedCalibration;
}

export interface PredictFeaturesOutput {
  readonly probabilities: Float32Array[];
  readonly unexplained: Float32Array | null;
}

export function predictFeaturesJob(input: PredictFeaturesInput): PredictFeaturesOutput {
  return predictAt(input, 'exact');
}

function predictAt(input: PredictFeaturesInput, precision: PosteriorPrecision): PredictFeaturesOutput {
  const model = preparedFor(input.model, input.modelKey);
  const features = input.subsample ? subsampled(input.features, input.subsample) : input.features;
  const { pixelCount, unexplained } = input;
  if (unexplained) return predictWithUnexplained(model, features, pixelCount, unexplained, true, precision);
  return {
    probabilities: predictProbabilities(model, features, pixelCount, true, undefined, undefined, precision),
    unexplained: null,
  };
}

/** predictFeaturesJob's planes as bytes (0..255 for 0..1), as the window's tiles carry them. */
export interface PredictFeatureBytesOutput {
  readonly probabilities: Uint8Array[];
  readonly unexplained: Uint8Array | null;
}

/**
 * Job 'predictFeatureBytes': predictFeaturesJob for the window, quantized here rather than on the main
 * thread, which then receives a quarter of the bytes and allocates and collects a quarter of the memory
 * (its garbage collection took 30–40 ms of each stroke with float planes). Bytes are only shown, never
 * saved or exported, so the posteriors take the kernel's 'display' precision (simdPosteriors.ts).
 */
export function predictFeatureBytesJob(input: PredictFeaturesInput): PredictFeatureBytesOutput {
  const { probabilities, unexplained } = predictAt(input, 'display');
  return { probabilities: probabilities.map(quantize), unexplained: unexplained && quantize(unexplained) };
}

/**
 * Several tiles' every-stride-th pixels in one job (a preview): one job and one pass of the kernel for
 * all of them. A 256² tile at stride 4 cost 2.5 ms of CPU in its own job, of which ~1.6 ms was the job's
 * and the kernel's fixed cost (bench: a full tile 14 ms), so sixteen such jobs were most of a preview.
 */
export interface PredictStridedInput extends Omit<
  PredictFeaturesInput,
  'features' | 'pixelCount' | 'subsample'
> {
  readonly tiles: readonly StridedTile[];
}

/** One tile of a strided job: its planes and which of their pixels to predict. */
export interface StridedTile {
  readonly features: Float32Array[];
  readonly subsample: TileSubsample;
  /**
   * Shared planes of ⌈w/stride⌉ × ⌈h/stride⌉ the job also writes the tile's strided pixels to: the service
   * keeps them, and the next preview passes them as `features` at stride 1, read whole instead of
   * gathered (every stride-th pixel of 49 full planes: ~18 ms of a 16-tile preview, against ~1 ms).
   */
  readonly keep?: Float32Array[];
}

/**
 * Job 'predictStridedBytes': the tiles' strided pixels one after another (tile 0's ⌈w/stride⌉ × ⌈h/stride⌉
 * first), as predictFeatureBytesJob's bytes.
 */
export function predictStridedBytesJob(input: PredictStridedInput): PredictFeatureBytesOutput {
  const { tiles, ...model } = input;
  const featureCount = tiles[0]?.features.length ?? 0;
  if (tiles.some((t) => t.features.length !== featureCount))
    throw new RangeError('predictStridedBytes: the tiles have different numbers of feature planes');
  const counts = tiles.map((t) => subsampledCount(t.subsample));
  const pixelCount = counts.reduce((a, b) => a + b, 0);
  const features = Array.from({ length: featureCount }, () => new Float32Array(pixelCount));
  let offset = 0;
  tiles.forEach((t, i) => {
    if (t.keep && (t.keep.length !== featureCount || t.keep.some((k) => k.length < counts[i])))
      throw new RangeError('predictStridedBytes: the planes to keep do not match the tile');
    t.features.forEach((plane, c) => {
      if (!t.keep) return subsampleInto(plane, t.subsample, features[c], offset);
      subsampleInto(plane, t.subsample, t.keep[c], 0);
      features[c].set(t.keep[c].subarray(0, counts[i]), offset);
    });
    offset += counts[i];
  });
  return predictFeatureBytesJob({ ...model, features, pixelCount });
}

/** Pixels of a subsample (and a stride that is not a whole number ≥ 1 refused in one line). */
function subsampledCount({ stride, width, height }: TileSubsample): number {
  if (!(Number.isInteger(stride) && stride >= 1))
    throw new RangeError(`subsample stride ${stride} is not a whole number ≥ 1`);
  return Math.ceil(width / stride) * Math.ceil(height / stride);
}

/** Planes of ⌈width/stride⌉ × ⌈height/stride⌉: every stride-th pixel of each plane in each direction. */
export function subsampled(planes: readonly Float32Array[], subsample: TileSubsample): Float32Array[] {
  return planes.map((plane) => {
    const out = new Float32Array(subsampledCount(subsample));
    subsampleInto(plane, subsample, out, 0);
    return out;
  });
}

/** Every stride-th pixel of `plane` in each direction, row by row, into `out` from `offset`. */
function subsampleInto(
  plane: Float32Array,
  { stride, width, height }: TileSubsample,
  out: Float32Array,
  offset: number,
): void {
  if (plane.length < width * height)
    throw new RangeError(`a feature plane holds ${plane.length} values, expected ${width * height}`);
  if (stride === 1) return out.set(plane.subarray(0, width * height), offset);
  const w = Math.ceil(width / stride);
  const h = Math.ceil(height / stride);
  for (let y = 0; y < h; y++) {
    const row = y * stride * width;
    const to = offset + y * w;
    for (let x = 0; x < w; x++) out[to + x] = plane[row + x * stride];
  }
}
