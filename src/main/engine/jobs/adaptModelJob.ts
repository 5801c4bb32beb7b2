/**
 * Job 'adaptModel': per-image adaptation (adaptClassifier) on a worker, so the window's server and the
 * CLI's event loop stay free while the EM runs. Input: the feature planes of the image's sample windows
 * (concatenated), of which the job draws the seeded pixel sample, or that sample already drawn (where the
 * whole plane's features are at hand: predictOnce.ts); it fits there, exactly as the same calls in one
 * thread would. The adapted model comes back only when one was applied: `adaptedResult` rebuilds the
 * in-thread AdaptationResult, whose `model` is the caller's own object when nothing was adapted.
 */
import {
  adaptClassifier,
  type AdaptationResult,
} from '../../../core/classifier/adaptation/adaptClassifier.js';
import {
  ADAPTATION_SAMPLE_PIXELS,
  ADAPTATION_SEED,
  type AdaptationChoice,
} from '../../../core/classifier/adaptation/adaptationConstants.js';
import type { FeatureRole } from '../../../core/classifier/adaptation/featureRoles.js';
import { sampleFeatureRows } from '../../../core/classifier/adaptation/samplePixels.js';
import type { FittedClassifier } from '../../../core/classifier/fittedClassifier.js';

export interface AdaptModelInput {
  readonly model: FittedClassifier;
  /**
   * One plane per feature channel, the sample windows' pixels one after another (may be shared memory);
   * the job draws the sample (sampleFeatureRows). Ignored when `sample` is given.
   */
  readonly planes: Float32Array[];
  /** The sample's feature rows (n × featureCount), drawn by the caller as sampleFeatureRows draws them. */
  readonly sample?: { readonly rows: Float64Array; readonly n: number };
  readonly choice: AdaptationChoice;
  /** Names for the guards' one-line reasons; absent: "class <value>". */
  readonly classNames?: readonly string[];
  /** How each feature follows the image's intensity (featureRoles.ts); absent: no intensity transfer. */
  readonly roles?: readonly FeatureRole[] | null;
}

export interface AdaptModelOutput extends Omit<AdaptationResult, 'model'> {
  /** The adapted model, or null when the trained one is to be used as it is. */
  readonly adapted: FittedClassifier | null;
}

export function adaptModelJob(input: AdaptModelInput): AdaptModelOutput {
  const result = adaptModelInThread(input);
  const { model, ...report } = result;
  return { ...report, adapted: model === input.model ? null : model };
}

/** The same fit in the calling thread (where no pool is at hand, and as the job's reference). */
export function adaptModelInThread(input: AdaptModelInput): AdaptationResult {
  const { model, planes, choice } = input;
  const pixels = planes.length > 0 ? planes[0].length : 0;
  const sample = input.sample ?? sampleFeatureRows(planes, pixels, ADAPTATION_SAMPLE_PIXELS, ADAPTATION_SEED);
  return adaptClassifier(model, sample.rows, sample.n, choice, input.classNames, input.roles ?? null);
}

/** The job's output as the in-thread AdaptationResult for the `model` that was sent. */
export function adaptedResult(model: FittedClassifier, output: AdaptModelOutput): AdaptationResult {
  const { adapted, ...report } = output;
  return { ...report, model: adapted ?? model };
}
