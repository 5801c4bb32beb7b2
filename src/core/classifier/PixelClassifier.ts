/**
 * The pixel classifier, a scikit-learn-like estimator: ClassifierOptions in, FittedClassifier (plain JSON
 * data) out. Features are standardized on the training pixels, projected by a discriminant projection,
 * and each class gets its own Gaussian mixture (size by BIC or fixed); semi-supervised EM may then refine
 * all classes' components jointly with unlabeled pixels. Posteriors come from Bayes' rule in the log domain.
 */
import type { ClassifierOptions } from './classifierOptions.js';
import type { FittedGmm } from './GaussianMixture.js';
import { fitClassMixture } from './fitClassMixture.js';
import type { FeatureTransform } from './featureTransform.js';
import { classMixtureInput, finishTraining, prepareTraining } from './trainingSteps.js';

export type { ClassifierOptions } from './classifierOptions.js';
export { predictProbabilities, prepareClassifier, type PreparedClassifier } from './predictProbabilities.js';
export {
  serializeClassifier,
  deserializeClassifier,
  CLASSIFIER_FORMAT_VERSION,
} from './serializeClassifier.js';

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
  readonly training: {
    readonly mode: 'supervised' | 'semi-supervised' | 'unsupervised';
    readonly samplesPerClass: number[];
    readonly componentsPerClass: number[];
    /** λ used by semi-supervised EM (0 = not used). */
    readonly lambda: number;
    /** Cross-validated score (mean held-out log posterior of the true class) per λ tried, if any. */
    readonly lambdaScores: { lambda: number; score: number }[];
    readonly options: ClassifierOptions;
  };
}

/**
 * Fits the classifier on labeled feature rows. samples: nSamples × nFeatures, row-major; labels 1..255
 * per row (the distinct values become the classes). unlabeled: optional rows without labels for
 * semi-supervised EM. sampleGroups: optional spatial group per labeled row (e.g. stroke or block id),
 * so that cross-validation holds out whole groups rather than neighbouring pixels.
 * The sequential composition of the steps in trainingSteps.ts (the worker pool runs them in parallel).
 */
export function fitPixelClassifier(
  samples: Float32Array,
  labels: Uint8Array,
  nFeatures: number,
  options: Partial<ClassifierOptions> = {},
  unlabeled?: Float32Array,
  sampleGroups?: Int32Array,
): FittedClassifier {
  const prepared = prepareTraining(samples, labels, nFeatures, options, unlabeled, sampleGroups);
  const classMixtures = prepared.classes.map((_, k) => {
    const { Z, classIndex, n, r, o, components } = classMixtureInput(prepared, k);
    return fitClassMixture(Z, classIndex, n, r, k, o, components);
  });
  return finishTraining(prepared, classMixtures);
}
