/**
 * Class posteriors by Bayes' rule in the log domain, from a mixture whose components each belong to a
 * class: log p(k | x) = logΣ_{j∈k} (log wⱼ + log N(x; μⱼ, Σⱼ)) − logΣ_j (…). The mixture weights already
 * hold the class priors (prior_k · within-class weight), so one mixture serves supervised, semi-supervised
 * and unsupervised models alike.
 */
import { weightedLogProb, type GmmParameters } from '../gmm/gmmParameters.js';

/**
 * Writes log posteriors (n × nClasses, row-major) for the n rows of Z (already in the model's space).
 * `scratch` (n × K) may be passed to avoid an allocation per call.
 */
export function logClassPosteriors(
  params: GmmParameters,
  componentClass: Int32Array,
  nClasses: number,
  Z: Float64Array,
  n: number,
  out: Float64Array,
  scratch: Float64Array = new Float64Array(n * params.nComponents),
): void {
  const k = params.nComponents;
  weightedLogProb(Z, n, params, scratch);
  const classMax = new Float64Array(nClasses);
  const classSum = new Float64Array(nClasses);
  for (let i = 0; i < n; i++) {
    const row = i * k;
    let max = -Infinity;
    for (let j = 0; j < k; j++) if (scratch[row + j] > max) max = scratch[row + j];
    classMax.fill(-Infinity);
    classSum.fill(0);
    let total = 0;
    for (let j = 0; j < k; j++) {
      // Shifting by the row maximum keeps exp() in range however far the pixel is from every component.
      const e = Math.exp(scratch[row + j] - max);
      classSum[componentClass[j]] += e;
      total += e;
    }
    const logTotal = Math.log(total);
    for (let c = 0; c < nClasses; c++) out[i * nClasses + c] = Math.log(classSum[c]) - logTotal;
  }
}
