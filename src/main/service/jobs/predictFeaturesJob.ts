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

export interface PredictFeaturesInput {
  /** One plane per feature channel (views of SharedArrayBuffers when cached). */
  readonly features: Float32Array[];
  readonly pixelCount: number;
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
  if (input.unexplained)
    return predictWithUnexplained(model, input.features, input.pixelCount, input.unexplained);
  return { probabilities: predictProbabilities(model, input.features, input.pixelCount), unexplained: null };
}
