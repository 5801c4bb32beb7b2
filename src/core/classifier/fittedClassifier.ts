/**
 * The trained pixel classifier as plain JSON data: what training produces, prediction and adaptation read,
 * and the project file stores. On its own so that those modules name it without importing the trainer.
 */
import type { FittedGmm } from '../gmm/GaussianMixture.js';
import type { ClassifierOptions } from './classifierOptions.js';
import type { FeatureTransform } from './featureTransform.js';

export interface FittedClassifier {
  readonly format: 'mixel-gmm-classifier';
  readonly version: number;
  /** Label values of the classes (1..K), in output plane order. */
  readonly classes: number[];
  readonly featureCount: number;
  readonly featureNames: string[] | null;
  /** Standardization (x − mean) / scale, then projection, map a feature row into the model space. */
  readonly transform: FeatureTransform;
  /** One mixture over every class's components; weights include the class priors. */
  readonly mixture: FittedGmm;
  /** For each component of the mixture, the index of its class in `classes`. */
  readonly componentClass: number[];
  /**
   * Diagonal models: prediction caps each feature's standardized distance at this many standard deviations
   * (ClassifierOptions.tailBound); absent in models from before it and where training set none.
   */
  readonly tailBound?: number;
  readonly training: {
    readonly mode: 'supervised' | 'semi-supervised' | 'unsupervised';
    readonly samplesPerClass: number[];
    readonly componentsPerClass: number[];
    /** λ used by semi-supervised EM (0 = not used). */
    readonly lambda: number;
    /** Cross-validated score (mean held-out log posterior of the true class) per λ tried, if any. */
    readonly lambdaScores: { lambda: number; score: number }[];
    readonly options: ClassifierOptions;
    /**
     * Per image channel, the pixel noise sd of the training images (normalized as the features see them;
     * adaptation/noiseMatch.ts); absent in models from before it was recorded or trained on volumes.
     */
    readonly noise?: number[];
  };
}
