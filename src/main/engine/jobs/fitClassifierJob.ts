/** Job 'fitClassifier': EM runs in a worker so the window and the server never freeze while it fits. */
import {
  fitPixelClassifier,
  type ClassifierOptions,
  type FittedClassifier,
} from '../../../core/classifier/PixelClassifier.js';
import { fitUnsupervised } from '../../../core/classifier/fitUnsupervised.js';

export interface FitClassifierInput {
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
  /** Unsupervised mode: cluster the unlabeled rows into this many classes (samples and labels unused). */
  readonly clusters?: number;
}

export function fitClassifierJob(input: FitClassifierInput): { model: FittedClassifier } {
  if (input.clusters !== undefined) {
    if (!input.unlabeled) throw new RangeError('clustering needs unlabeled feature rows');
    return { model: fitUnsupervised(input.unlabeled, input.nFeatures, input.clusters, input.options) };
  }
  const model = fitPixelClassifier(
    input.samples,
    input.labels,
    input.nFeatures,
    input.options,
    input.unlabeled,
    input.sampleGroups,
  );
  return { model };
}
