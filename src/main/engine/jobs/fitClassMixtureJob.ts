/** Job 'fitClassMixture': one class's Gaussian mixture, so the classes of a training set fit in parallel. */
import type { FittedGmm } from '../../../core/gmm/GaussianMixture.js';
import { fitClassMixture } from '../../../core/classifier/fitClassMixture.js';
import type { ClassMixtureInput } from '../../../core/classifier/trainingSteps.js';

export function fitClassMixtureJob(input: ClassMixtureInput): FittedGmm {
  return fitClassMixture(
    input.Z,
    input.classIndex,
    input.n,
    input.r,
    input.k,
    input.o,
    input.components,
    input.init,
  );
}
