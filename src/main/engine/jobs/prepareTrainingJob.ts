/**
 * Job 'prepareTraining': the first step of a parallel fit (standardize, project, draw the unlabeled
 * subsample); its result feeds one 'fitClassMixture' job per class and then 'finishTraining'.
 */
import type { ClassifierOptions } from '../../../core/classifier/classifierOptions.js';
import { prepareTraining, type PreparedTraining } from '../../../core/classifier/trainingSteps.js';

export interface PrepareTrainingInput {
  /** nSamples × nFeatures, row-major. */
  readonly samples: Float32Array;
  /** 1..K per sample. */
  readonly labels: Uint8Array;
  readonly nFeatures: number;
  readonly options?: Partial<ClassifierOptions>;
  /** Unlabeled rows for semi-supervised EM. */
  readonly unlabeled?: Float32Array;
  /** Spatial group per labeled row, for cross-validation. */
  readonly sampleGroups?: Int32Array;
}

export function prepareTrainingJob(input: PrepareTrainingInput): PreparedTraining {
  return prepareTraining(
    input.samples,
    input.labels,
    input.nFeatures,
    input.options,
    input.unlabeled,
    input.sampleGroups,
  );
}
