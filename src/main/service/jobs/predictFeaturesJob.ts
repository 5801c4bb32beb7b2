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
  const model = preparedFor(input.model, input.modelKey);
  const features = input.subsample ? subsampled(input.features, input.subsample) : input.features;
  if (input.unexplained) return predictWithUnexplained(model, features, input.pixelCount, input.unexplained);
  return { probabilities: predictProbabilities(model, features, input.pixelCount), unexplained: null };
}

/** predictFeaturesJob's planes as bytes (0..255 for 0..1), as the window's tiles carry them. */
export interface PredictFeatureBytesOutput {
  readonly probabilities: Uint8Array[];
  readonly unexplained: Uint8Array | null;
}

/**
 * Job 'predictFeatureBytes': predictFeaturesJob for the window, quantized here rather than on the main
 * thread, which then receives a quarter of the bytes and allocates and collects a quarter of the memory
 * (its garbage collection took 30–40 ms of each stroke with float planes).
 */
export function predictFeatureBytesJob(input: PredictFeaturesInput): PredictFeatureBytesOutput {
  const { probabilities, unexplained } = predictFeaturesJob(input);
  return { probabilities: probabilities.map(quantize), unexplained: unexplained && quantize(unexplained) };
}

/** Planes of ⌈width/stride⌉ × ⌈height/stride⌉: every stride-th pixel of each plane in each direction. */
export function subsampled(
  planes: readonly Float32Array[],
  { stride, width, height }: TileSubsample,
): Float32Array[] {
  if (!(Number.isInteger(stride) && stride >= 1))
    throw new RangeError(`subsample stride ${stride} is not a whole number ≥ 1`);
  const w = Math.ceil(width / stride);
  const h = Math.ceil(height / stride);
  return planes.map((plane) => {
    if (plane.length < width * height)
      throw new RangeError(`a feature plane holds ${plane.length} values, expected ${width * height}`);
    const out = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      const row = y * stride * width;
      for (let x = 0; x < w; x++) out[y * w + x] = plane[row + x * stride];
    }
    return out;
  });
}
