/**
 * The image priors (imagePriors.ts) of a fit spread over the worker pool. When the mixture they are
 * estimated with is known before finishTraining — refined on the pool already, or not refined at all —
 * the unlabeled rows' class log densities (the bulk of their cost: every row against every component,
 * tails bounded) are computed in row ranges side by side, and finishTraining only runs the prior-only EM
 * over them. Rows are independent, so the model is the one finishTraining computes alone.
 */
import type { FittedGmm } from '../gmm/GaussianMixture.js';
import { classLogDensities, priorTailBound } from './imagePriors.js';
import { jointStart, relevanceWeights, type PreparedTraining } from './trainingSteps.js';

/** What the class log densities of the image priors are computed with (structured-cloneable). */
export interface ImagePriorModel {
  readonly mixture: FittedGmm;
  readonly componentClass: number[];
  readonly nClasses: number;
  readonly relevance: number[] | null;
  readonly tailBound: number | null;
}

/**
 * The model finishTraining will estimate the image priors with, or null when it estimates none (other
 * priors, no unlabeled rows) or refines the mixture itself first (λ by cross-validation): then the
 * mixture is not known before it runs.
 */
export function imagePriorModel(
  prepared: PreparedTraining,
  classMixtures: FittedGmm[],
  refined?: FittedGmm,
): ImagePriorModel | null {
  const o = prepared.options;
  if (o.priors !== 'image' || !prepared.unlabeled) return null;
  if (!refined && o.semiSupervised.enabled !== false) return null;
  const joint = jointStart(prepared, classMixtures);
  return {
    mixture: refined ?? joint.mixture,
    componentClass: joint.componentClass,
    nClasses: prepared.classes.length,
    relevance: relevanceWeights(prepared, classMixtures),
    tailBound: priorTailBound(o),
  };
}

/** The class log densities (n × nClasses) of rows Z (n × the model's dimensions) under `model`. */
export function imagePriorDensities(model: ImagePriorModel, Z: Float64Array, n: number): Float64Array {
  const { mixture, componentClass, nClasses, relevance, tailBound } = model;
  return classLogDensities(mixture, componentClass, nClasses, { Z, n }, relevance, tailBound);
}
