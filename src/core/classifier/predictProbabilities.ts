/**
 * Prediction: planar feature planes → per-class probability planes. The model is first "prepared" (the
 * standardization folded into the projection, precision factors computed) so a worker can cache it and
 * pay that once; pixels then go through in chunks that reuse the tested mixture density loop.
 */
import { logClassPosteriors } from './classPosteriors.js';
import { gmmParameters } from './GaussianMixture.js';
import type { GmmParameters } from './gmmParameters.js';
import type { FittedClassifier } from './PixelClassifier.js';

export interface PreparedClassifier {
  readonly nClasses: number;
  readonly featureCount: number;
  /** Model-space dimension r. */
  readonly dims: number;
  /** d × r, feature-major: z_q = Σ_c weights[c·r + q] · x_c + offset_q (standardization folded in). */
  readonly weights: Float64Array;
  readonly offset: Float64Array;
  /** Without a projection: z_c = (x_c − mean_c) / scale_c, cheaper than a diagonal matrix product. */
  readonly isDiagonal: boolean;
  readonly params: GmmParameters;
  readonly componentClass: Int32Array;
}

/** Pixels per chunk: small enough for the chunk's rows and log densities to stay in cache. */
const CHUNK_PIXELS = 1024;

export function prepareClassifier(model: FittedClassifier): PreparedClassifier {
  const d = model.featureCount;
  const { mean, scale, projection } = model.transform;
  const r = projection ? projection.dims : d;
  const weights = new Float64Array(d * r);
  const offset = new Float64Array(r);
  if (projection) {
    for (let q = 0; q < r; q++) {
      for (let c = 0; c < d; c++) {
        const w = projection.matrix[q * d + c] / scale[c];
        weights[c * r + q] = w;
        offset[q] -= w * mean[c];
      }
    }
  } else {
    for (let c = 0; c < d; c++) {
      weights[c * r + c] = 1 / scale[c];
      offset[c] = -mean[c] / scale[c];
    }
  }
  return {
    nClasses: model.classes.length,
    featureCount: d,
    dims: r,
    weights,
    offset,
    isDiagonal: !projection,
    params: gmmParameters(model.mixture),
    componentClass: Int32Array.from(model.componentClass),
  };
}

/** One Float32Array of probabilities per class (in model.classes order) for pixelCount pixels. */
export function predictProbabilities(
  model: FittedClassifier | PreparedClassifier,
  featurePlanes: Float32Array[],
  pixelCount: number,
): Float32Array[] {
  const p = 'params' in model ? model : prepareClassifier(model);
  const { featureCount: d, dims: r, nClasses, weights, offset } = p;
  if (featurePlanes.length !== d) {
    throw new RangeError(`the model expects ${d} feature planes, got ${featurePlanes.length}`);
  }
  for (const plane of featurePlanes) {
    if (plane.length < pixelCount)
      throw new RangeError(`a feature plane holds ${plane.length} values, expected ${pixelCount}`);
  }
  const out = Array.from({ length: nClasses }, () => new Float32Array(pixelCount));
  const z = new Float64Array(CHUNK_PIXELS * r);
  const logPost = new Float64Array(CHUNK_PIXELS * nClasses);
  const scratch = new Float64Array(CHUNK_PIXELS * p.params.nComponents);
  for (let start = 0; start < pixelCount; start += CHUNK_PIXELS) {
    const m = Math.min(CHUNK_PIXELS, pixelCount - start);
    for (let i = 0; i < m; i++) z.set(offset, i * r);
    for (let c = 0; c < d; c++) {
      const plane = featurePlanes[c];
      if (p.isDiagonal) {
        const w = weights[c * r + c];
        for (let i = 0; i < m; i++) z[i * r + c] += w * plane[start + i];
        continue;
      }
      const wb = c * r;
      for (let i = 0; i < m; i++) {
        const x = plane[start + i];
        const zb = i * r;
        for (let q = 0; q < r; q++) z[zb + q] += weights[wb + q] * x;
      }
    }
    logClassPosteriors(p.params, p.componentClass, nClasses, z, m, logPost, scratch);
    for (let k = 0; k < nClasses; k++) {
      const plane = out[k];
      for (let i = 0; i < m; i++) plane[start + i] = Math.exp(logPost[i * nClasses + k]);
    }
  }
  return out;
}
