/** Job 'finishTraining': joins the per-class mixtures, runs semi-supervised EM unless done, image priors. */
import type { FittedGmm } from '../../../core/gmm/GaussianMixture.js';
import type { FittedClassifier } from '../../../core/classifier/PixelClassifier.js';
import { finishTraining, type PreparedTraining } from '../../../core/classifier/trainingSteps.js';

export interface FinishTrainingInput {
  readonly prepared: PreparedTraining;
  /** One mixture per class, in the order of prepared.classes. */
  readonly classMixtures: FittedGmm[];
  /** The semi-supervised refinement, when it already ran on the pool (refineOnPool). */
  readonly refined?: FittedGmm;
  /** The image priors' class log densities of the unlabeled rows, when computed on the pool. */
  readonly priorDensities?: Float64Array;
}

export function finishTrainingJob(input: FinishTrainingInput): { model: FittedClassifier } {
  return { model: finishTraining(input.prepared, input.classMixtures, input.refined, input.priorDensities) };
}
