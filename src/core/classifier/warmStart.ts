/**
 * Warm starts of the per-class EM: after a stroke the window refits on labels that differ from the last
 * fit's by a few pixels, and EM started from that fit's class mixtures converges in a few iterations
 * where a k-means++ start needs tens. A fit hands its model space and class mixtures on
 * (ClassMixturesStart); the next fit maps them into its own model space (the standardization moves with
 * the unlabeled sample) and starts each class's EM there. Only where the mapping is exact and the shape
 * the same: same classes and features, diagonal covariances, no projection (the projection is refitted
 * from the labels, so old and new model spaces are not an affine map of each other), the same component
 * count per class; anything else starts cold, as before.
 */
import type { GmmInit, FittedGmm } from '../gmm/GaussianMixture.js';
import type { FeatureTransform } from './featureTransform.js';
import { classMixtureInput, type ClassMixtureInput, type PreparedTraining } from './trainingSteps.js';

/**
 * EM iterations of a warm-started class fit (a cold one may take the options' maxIter, 30). On the
 * synthetic sample's strokes (bench:live-backend's, 19 refits in a row each started from the last),
 * the nucleus class often took 20–30 iterations from the last fit too, creeping along a flat ridge; cut
 * at 10, pixel accuracy on the whole image's truth stayed within that of cold fits (0.946–0.961 against
 * 0.947–0.965, each refit's cold fit differing from the one before by as much).
 */
export const WARM_START_MAX_ITER = 10;

/** What a fit leaves for the next fit to start from. */
export interface ClassMixturesStart {
  readonly classes: readonly number[];
  readonly transform: FeatureTransform;
  /** Each class's own mixture (before the joint semi-supervised refinement), in model space. */
  readonly classMixtures: readonly FittedGmm[];
}

/** fitClassMixture's input per class, warm-started from `previous` where it fits (see the head comment). */
export function classMixtureInputs(
  prepared: PreparedTraining,
  previous: ClassMixturesStart | undefined,
): ClassMixtureInput[] {
  const starts = classMixtureStarts(previous, prepared);
  return prepared.classes.map((_, k) => {
    const input = classMixtureInput(prepared, k);
    const init = starts[k];
    if (!init) return input;
    return { ...input, init, o: { ...input.o, maxIter: Math.min(input.o.maxIter, WARM_START_MAX_ITER) } };
  });
}

/** Per class of `prepared`, the start of its EM from `previous` (undefined: that class starts cold). */
export function classMixtureStarts(
  previous: ClassMixturesStart | undefined,
  prepared: PreparedTraining,
): (GmmInit | undefined)[] {
  const cold = prepared.classes.map(() => undefined);
  if (!previous || !isSameSpaceShape(previous, prepared)) return cold;
  const { components, covariance } = prepared.options;
  if (components === 'auto' || covariance !== 'diag') return cold;
  const from = previous.transform;
  const to = prepared.transform;
  const d = prepared.featureCount;
  return prepared.classes.map((_, k) => {
    const mixture = previous.classMixtures[k];
    const count = Math.min(components, prepared.counts[k]);
    if (mixture.covariance !== 'diag' || mixture.dim !== d || mixture.weights.length !== count)
      return undefined;
    // z_new = (z_old · s_old + m_old − m_new) / s_new, feature by feature.
    const means = mixture.means.map((mu, t) => {
      const c = t % d;
      return (mu * from.scale[c] + from.mean[c] - to.mean[c]) / to.scale[c];
    });
    const covariances = mixture.covariances.map((v, t) => {
      const c = t % d;
      return v * (from.scale[c] / to.scale[c]) ** 2;
    });
    return { weights: mixture.weights, means, covariances };
  });
}

function isSameSpaceShape(previous: ClassMixturesStart, prepared: PreparedTraining): boolean {
  const d = prepared.featureCount;
  return (
    previous.transform.projection === null &&
    prepared.transform.projection === null &&
    previous.transform.mean.length === d &&
    previous.classes.length === prepared.classes.length &&
    previous.classes.every((c, k) => c === prepared.classes[k]) &&
    previous.classMixtures.length === prepared.classes.length
  );
}
