/** Job 'finishTraining': joins the per-class mixtures and runs semi-supervised EM (the last fit step). */
import type { FittedGmm } from '../../../core/classifier/GaussianMixture.js';
import type { FittedClassifier } from '../../../core/classifier/PixelClassifier.js';
import { finishTraining, type PreparedTraining } from '../../../core/classifier/trainingSteps.js';

export interface FinishTrainingInput {
  readonly prepared: PreparedTraining;
  /** One mixture per class, in the order of prepared.classes. */
  readonly classMixtures: FittedGmm[];
}

export function finishTrainingJob(input: FinishTrainingInput): { model: FittedClassifier } {
  return { model: finishTraining(input.prepared, input.classMixtures) };
}
