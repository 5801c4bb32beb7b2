/**
 * Job 'predictFeatures': per-class probabilities from feature planes the live loop already has (cached per
 * tile in shared memory, so nothing is copied in). This is what makes a stroke cheap: the refit is small,
 * and re-predicting a visible tile skips the feature bank entirely.
 */
import { predictProbabilities, type FittedClassifier } from '../../../core/classifier/PixelClassifier.js';
import { preparedFor } from '../../engine/jobs/classifyTileJob.js';

export interface PredictFeaturesInput {
  /** One plane per feature channel (views of SharedArrayBuffers when cached). */
  readonly features: Float32Array[];
  readonly pixelCount: number;
  readonly model: FittedClassifier;
  /** Identifies the model so each worker prepares it once. */
  readonly modelKey: string;
}

export function predictFeaturesJob(input: PredictFeaturesInput): { probabilities: Float32Array[] } {
  const model = preparedFor(input.model, input.modelKey);
  return { probabilities: predictProbabilities(model, input.features, input.pixelCount) };
}
