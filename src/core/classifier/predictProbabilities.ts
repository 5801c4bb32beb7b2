/**
 * Prediction: planar feature planes → per-class probability planes. The model is first "prepared" (the
 * standardization folded into the projection, Cholesky factors computed) so a worker can cache it and pay
 * that once. Pixels then go through in chunks, and every inner loop runs along a chunk of pixels with
 * scalar coefficients (planar layout): the JIT keeps such loops tight, which matters because these
 * Mahalanobis distances are the whole cost of prediction.
 */
import { gmmParameters } from '../gmm/GaussianMixture.js';
import { withRelevance, type GmmParameters } from '../gmm/gmmParameters.js';
import type { FittedClassifier } from './fittedClassifier.js';
import { simdDiagonalKernel, type StandardizedDiagonalMixture } from '../gmm/simdDiagonalLogDensity.js';
import type { PosteriorPrecision } from '../gmm/simdPosteriors.js';
import { classFitsOf, type ClassFitsListener } from './classFits.js';
import { tailTermBounds } from './tailTerms.js';

/**
 * The classifier ready for prediction: the mixture the SIMD kernel evaluates (weights·x + offset is the
 * standardization folded in, with the projection when there is one) plus the constants of the scalar path.
 */
export interface PreparedClassifier extends StandardizedDiagonalMixture {
  /** Per component: log wⱼ − ½ d log 2π + ½ log det Σⱼ⁻¹ (diagonal models: also − ½ Σ (pμ)²). */
  readonly logConstant: Float64Array;
  /**
   * Diagonal models, the square expanded: −½ Σ_q (p_q (z_q − μ_q))² = Σ_q (A_q z_q² + B_q z_q) + const,
   * A = −½ p², B = p² μ (K × r each): two multiply-adds per feature and component, no subtraction.
   */
  readonly diagA: Float64Array;
  readonly diagB: Float64Array;
  /** Per component: log wⱼ − ½ d log 2π + ½ log det Σⱼ⁻¹, the constant of the bounded, centred form. */
  readonly logNormalizer: Float64Array;
}

/** Pixels per chunk: the chunk's model-space planes and densities stay in cache. */
const CHUNK_PIXELS = 2048;
const LOG_2PI = Math.log(2 * Math.PI);
const NEGLIGIBLE_LOG_RATIO = -80;

export function prepareClassifier(model: FittedClassifier): PreparedClassifier {
  const d = model.featureCount;
  const { mean, scale, projection } = model.transform;
  const r = projection ? projection.dims : d;
  const weights = new Float64Array(r * d);
  const offset = new Float64Array(r);
  for (let q = 0; q < r; q++) {
    for (let c = 0; c < d; c++) {
      const a = projection ? projection.matrix[q * d + c] : q === c ? 1 : 0;
      const w = a / scale[c];
      weights[q * d + c] = w;
      offset[q] -= w * mean[c];
    }
  }
  const params = withRelevance(gmmParameters(model.mixture), model.transform.relevance ?? null);
  const k = params.nComponents;
  const logConstant = new Float64Array(k);
  const diagA = new Float64Array(params.covariance === 'diag' ? k * r : 0);
  const diagB = new Float64Array(diagA.length);
  const logNormalizer = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    logConstant[j] = Math.log(params.weights[j]) - 0.5 * r * LOG_2PI + params.halfLogDetPrecision[j];
    logNormalizer[j] = logConstant[j];
    if (params.covariance !== 'diag') continue;
    for (let q = 0; q < r; q++) {
      const p2 = params.precisionCholesky[j * r + q] ** 2;
      const mu = params.means[j * r + q];
      diagA[j * r + q] = -0.5 * p2;
      diagB[j * r + q] = p2 * mu;
      logConstant[j] -= 0.5 * p2 * mu * mu;
    }
  }
  return {
    nClasses: model.classes.length,
    featureCount: d,
    dims: r,
    weights,
    offset,
    isDiagonal: !projection,
    params,
    logConstant,
    diagA,
    diagB,
    logNormalizer,
    termBound: termBounds(model, params),
    componentClass: Int32Array.from(model.componentClass),
  };
}

/** The caps of the tail bound (tailTerms.ts), or null without one. */
function termBounds(model: FittedClassifier, params: GmmParameters): Float64Array | null {
  if (model.tailBound === undefined || params.covariance !== 'diag') return null;
  const { covariances } = model.mixture;
  return tailTermBounds(
    covariances,
    model.transform.relevance,
    model.tailBound,
    params.nComponents,
    params.dim,
  );
}

/**
 * Sees each chunk's per-component log densities log wⱼ + log N(x; μⱼ, Σⱼ): `m` pixels from `start`, the
 * plane of component j at logDensity[j · stride]. Valid only during the call.
 */
export type LogDensityListener = (logDensity: Float64Array, start: number, m: number, stride: number) => void;

/**
 * One Float32Array of probabilities per class (in model.classes order) for pixelCount pixels. `useSimd`
 * false forces the JavaScript kernel (tests and benchmarks compare the two). `onLogDensities` also gets
 * the component log densities prediction computes anyway, `classFits` the class fits the "unexplained"
 * score reads (classFits.ts; in SIMD beside the posteriors, without copying every component's densities).
 * `precision` 'display' lets the SIMD kernel trade digits no 8-bit overlay shows for speed (simdPosteriors.ts);
 * the JavaScript loops are exact either way.
 */
export function predictProbabilities(
  model: FittedClassifier | PreparedClassifier,
  featurePlanes: Float32Array[],
  pixelCount: number,
  useSimd = true,
  onLogDensities?: LogDensityListener,
  classFits?: ClassFitsListener,
  precision: PosteriorPrecision = 'exact',
): Float32Array[] {
  const p = 'params' in model ? model : prepareClassifier(model);
  const { featureCount: d, dims: r, nClasses } = p;
  if (featurePlanes.length !== d) {
    throw new RangeError(`the model expects ${d} feature planes, got ${featurePlanes.length}`);
  }
  for (const plane of featurePlanes) {
    if (plane.length < pixelCount) {
      throw new RangeError(`a feature plane holds ${plane.length} values, expected ${pixelCount}`);
    }
  }
  const k = p.params.nComponents;
  if (classFits && classFits.shift.length !== k) {
    throw new RangeError(`class fits need ${k} component shifts, got ${classFits.shift.length}`);
  }
  // Diagonal models: distances and posteriors in WebAssembly SIMD where available (simdDiagonalLogDensity.ts,
  // simdPosteriors.ts), else the JavaScript loops below.
  const simdModel =
    useSimd && p.params.covariance === 'diag'
      ? (simdDiagonalKernel()?.forModel(p, CHUNK_PIXELS, precision) ?? null)
      : null;
  const out = Array.from({ length: nClasses }, () => new Float32Array(pixelCount));
  // The JavaScript loops' model-space planes (0.8 MB each with 49 features), allocated and zeroed only
  // when those loops run: the SIMD kernel keeps its own in the module's memory.
  const z = new Float64Array(simdModel ? 0 : r * CHUNK_PIXELS);
  const z2 = new Float64Array(!simdModel && p.params.covariance === 'diag' ? r * CHUNK_PIXELS : 0);
  const y = new Float64Array(simdModel ? 0 : CHUNK_PIXELS);
  // The kernel hands back log densities only when asked for them.
  const logDensity = new Float64Array(!simdModel || onLogDensities ? k * CHUNK_PIXELS : 0);
  const classSum = new Float64Array(nClasses * CHUNK_PIXELS);
  const fits = classFits ? { shift: classFits.shift, out: new Float64Array(nClasses * CHUNK_PIXELS) } : null;
  for (let start = 0; start < pixelCount; start += CHUNK_PIXELS) {
    const m = Math.min(CHUNK_PIXELS, pixelCount - start);
    if (simdModel) {
      simdModel.classProbabilities(
        featurePlanes,
        start,
        m,
        classSum,
        CHUNK_PIXELS,
        onLogDensities ? logDensity : undefined,
        fits ?? undefined,
      );
    } else {
      if (p.params.covariance === 'diag') {
        toModelSpaceRows(p, featurePlanes, start, m, z, z2);
        if (p.termBound) boundedDiagonalLogDensities(p, p.termBound, z, m, logDensity);
        else diagonalLogDensities(p, z, z2, m, logDensity);
      } else {
        toModelSpacePlanar(p, featurePlanes, start, m, z);
        fullLogDensities(p, z, m, y, logDensity);
      }
      posteriors(p, logDensity, m, classSum);
      if (fits) classFitsOf(p.componentClass, nClasses, fits.shift, logDensity, m, CHUNK_PIXELS, fits.out);
    }
    onLogDensities?.(logDensity, start, m, CHUNK_PIXELS);
    if (fits) classFits!.onFits(fits.out, start, m, CHUNK_PIXELS);
    for (let c = 0; c < nClasses; c++) {
      const plane = out[c];
      const base = c * CHUNK_PIXELS;
      for (let i = 0; i < m; i++) plane[start + i] = classSum[base + i];
    }
  }
  return out;
}

/** z (r planes of CHUNK_PIXELS) for pixels start..start+m. */
function toModelSpacePlanar(
  p: PreparedClassifier,
  planes: Float32Array[],
  start: number,
  m: number,
  z: Float64Array,
): void {
  const { dims: r, featureCount: d, weights, offset } = p;
  for (let q = 0; q < r; q++) {
    const zb = q * CHUNK_PIXELS;
    const o = offset[q];
    for (let i = 0; i < m; i++) z[zb + i] = o;
    for (let c = 0; c < d; c++) {
      if (p.isDiagonal && c !== q) continue;
      const w = weights[q * d + c];
      if (w === 0) continue;
      const plane = planes[c];
      for (let i = 0; i < m; i++) z[zb + i] += w * plane[start + i];
    }
  }
}

/** z and z² row-major (pixel i at i·r) for pixels start..start+m, for the diagonal kernel. */
function toModelSpaceRows(
  p: PreparedClassifier,
  planes: Float32Array[],
  start: number,
  m: number,
  z: Float64Array,
  z2: Float64Array,
): void {
  const { dims: r, featureCount: d, weights, offset } = p;
  if (p.isDiagonal) {
    for (let c = 0; c < d; c++) {
      const w = weights[c * d + c];
      const o = offset[c];
      const plane = planes[c];
      for (let i = 0; i < m; i++) {
        const v = w * plane[start + i] + o;
        z[i * r + c] = v;
        z2[i * r + c] = v * v;
      }
    }
    return;
  }
  for (let q = 0; q < r; q++) {
    const o = offset[q];
    for (let i = 0; i < m; i++) z[i * r + q] = o;
    for (let c = 0; c < d; c++) {
      if (p.isDiagonal && c !== q) continue;
      const w = weights[q * d + c];
      if (w === 0) continue;
      const plane = planes[c];
      for (let i = 0; i < m; i++) z[i * r + q] += w * plane[start + i];
    }
  }
  for (let t = 0; t < m * r; t++) z2[t] = z[t] * z[t];
}

/**
 * Per component, pixels four at a time with the sums kept in registers: each coefficient loaded once
 * serves four pixels (with the single pass into z and z², whole prediction 2.8 → 1.4 µs per pixel and thread, 49
 * channels, 10 components).
 */
function diagonalLogDensities(
  p: PreparedClassifier,
  z: Float64Array,
  z2: Float64Array,
  m: number,
  out: Float64Array,
): void {
  const { dims: r, params, logConstant, diagA, diagB } = p;
  const k = params.nComponents;
  for (let j = 0; j < k; j++) {
    const cb = j * r;
    const ob = j * CHUNK_PIXELS;
    const constant = logConstant[j];
    let i = 0;
    for (; i + 3 < m; i += 4) {
      const b0 = i * r;
      const b1 = b0 + r;
      const b2 = b1 + r;
      const b3 = b2 + r;
      let a0 = constant;
      let a1 = constant;
      let a2 = constant;
      let a3 = constant;
      for (let q = 0; q < r; q++) {
        const a = diagA[cb + q];
        const b = diagB[cb + q];
        a0 += a * z2[b0 + q] + b * z[b0 + q];
        a1 += a * z2[b1 + q] + b * z[b1 + q];
        a2 += a * z2[b2 + q] + b * z[b2 + q];
        a3 += a * z2[b3 + q] + b * z[b3 + q];
      }
      out[ob + i] = a0;
      out[ob + i + 1] = a1;
      out[ob + i + 2] = a2;
      out[ob + i + 3] = a3;
    }
    for (; i < m; i++) {
      const zb = i * r;
      let acc = constant;
      for (let q = 0; q < r; q++) acc += diagA[cb + q] * z2[zb + q] + diagB[cb + q] * z[zb + q];
      out[ob + i] = acc;
    }
  }
}

/**
 * The diagonal log densities with each feature's term capped (FittedClassifier.tailBound), in the centred
 * form the SIMD kernel uses: −½ Σ_q min((p_q (z_q − μ_q))², bound_q).
 */
function boundedDiagonalLogDensities(
  p: PreparedClassifier,
  bound: Float64Array,
  z: Float64Array,
  m: number,
  out: Float64Array,
): void {
  const { dims: r, params, logNormalizer } = p;
  const { means, precisionCholesky } = params;
  const k = params.nComponents;
  for (let j = 0; j < k; j++) {
    const cb = j * r;
    const ob = j * CHUNK_PIXELS;
    for (let i = 0; i < m; i++) {
      const zb = i * r;
      let sum = 0;
      for (let q = 0; q < r; q++) {
        const y = (z[zb + q] - means[cb + q]) * precisionCholesky[cb + q];
        const term = y * y;
        sum += term < bound[cb + q] ? term : bound[cb + q];
      }
      out[ob + i] = logNormalizer[j] - 0.5 * sum;
    }
  }
}

/** ‖P (z − μ)‖² row by row of the triangular P: y = Σ_{c≤row} P[row][c] (z_c − μ_c) along the chunk. */
function fullLogDensities(
  p: PreparedClassifier,
  z: Float64Array,
  m: number,
  y: Float64Array,
  out: Float64Array,
): void {
  const { dims: r, params, logConstant } = p;
  const size = r * r;
  for (let j = 0; j < params.nComponents; j++) {
    const ob = j * CHUNK_PIXELS;
    for (let i = 0; i < m; i++) out[ob + i] = 0;
    for (let row = 0; row < r; row++) {
      let shift = 0;
      for (let c = 0; c <= row; c++)
        shift += params.precisionCholesky[j * size + row * r + c] * params.means[j * r + c];
      for (let i = 0; i < m; i++) y[i] = -shift;
      for (let c = 0; c <= row; c++) {
        const coef = params.precisionCholesky[j * size + row * r + c];
        const zb = c * CHUNK_PIXELS;
        for (let i = 0; i < m; i++) y[i] += coef * z[zb + i];
      }
      for (let i = 0; i < m; i++) out[ob + i] += y[i] * y[i];
    }
    const constant = logConstant[j];
    for (let i = 0; i < m; i++) out[ob + i] = constant - 0.5 * out[ob + i];
  }
}

/**
 * Bayes' rule in the log domain: per pixel, shift by the largest component term (so exp() stays in range
 * however far the pixel is from every component), sum per class, normalize. Writes class planes to out.
 */
function posteriors(p: PreparedClassifier, logDensity: Float64Array, m: number, out: Float64Array): void {
  const k = p.params.nComponents;
  const nClasses = p.nClasses;
  for (let i = 0; i < m; i++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++)
      if (logDensity[j * CHUNK_PIXELS + i] > max) max = logDensity[j * CHUNK_PIXELS + i];
    for (let c = 0; c < nClasses; c++) out[c * CHUNK_PIXELS + i] = 0;
    let total = 0;
    for (let j = 0; j < k; j++) {
      const shifted = logDensity[j * CHUNK_PIXELS + i] - max;
      // Below e⁻⁸⁰ a term cannot change a float32 probability, and exp() of such values yields subnormal
      // numbers, which x86 processes ~100× slower: pixels far from every component of a class hit this.
      const e = shifted > NEGLIGIBLE_LOG_RATIO ? Math.exp(shifted) : 0;
      out[p.componentClass[j] * CHUNK_PIXELS + i] += e;
      total += e;
    }
    for (let c = 0; c < nClasses; c++) out[c * CHUNK_PIXELS + i] /= total;
  }
}
