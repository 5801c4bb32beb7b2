/** Job 'imagePriorDensities': the image priors' class log densities of a range of unlabeled rows. */
import { imagePriorDensities, type ImagePriorModel } from '../../../core/classifier/imagePriorSteps.js';

export interface ImagePriorDensitiesInput {
  readonly model: ImagePriorModel;
  /** n rows in model space, row-major. */
  readonly Z: Float64Array;
  readonly n: number;
}

export function imagePriorDensitiesJob(input: ImagePriorDensitiesInput): { classLogDensity: Float64Array } {
  return { classLogDensity: imagePriorDensities(input.model, input.Z, input.n) };
}
