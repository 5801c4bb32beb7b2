/**
 * src/core/classifier — the pixel classifier, built on the mixture mathematics of src/core/gmm; this is
 * its front door. The folder holds what makes mixtures a classifier of pixels: options, the fitted model
 * (fittedClassifier), the training steps, discriminant projection, semi-supervised EM, class priors,
 * per-image adaptation (adaptation/), prediction, serialization and outputs. The rule: imports point one
 * way, classifier → gmm, never back, and no module here imports one that imports it back (shared types get
 * their own small module, as fittedClassifier.ts); test/classifier/importDirection.test.ts fails otherwise.
 *
 * The pixel classifier, a scikit-learn-like estimator: ClassifierOptions in, FittedClassifier (plain JSON
 * data) out. Features are standardized on the training pixels, projected by a discriminant projection,
 * and each class gets its own Gaussian mixture (size by BIC or fixed); semi-supervised EM may then refine
 * all classes' components jointly with unlabeled pixels. Posteriors come from Bayes' rule in the log domain.
 */
import type { ClassifierOptions } from './classifierOptions.js';
import { fitClassMixture } from './fitClassMixture.js';
import type { FittedClassifier } from './fittedClassifier.js';
import { classMixtureInput, finishTraining, prepareTraining } from './trainingSteps.js';

export type { ClassifierOptions } from './classifierOptions.js';
export type { FittedClassifier } from './fittedClassifier.js';
export { predictProbabilities, prepareClassifier, type PreparedClassifier } from './predictProbabilities.js';
export {
  serializeClassifier,
  deserializeClassifier,
  CLASSIFIER_FORMAT_VERSION,
} from './serializeClassifier.js';

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
