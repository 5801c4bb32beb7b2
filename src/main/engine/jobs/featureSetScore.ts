/**
 * How well a set of feature channels separates the scribbled classes, measured on pixels held out from
 * the fit ("Suggest features"). One Gaussian per class (full covariance, standardized features, equal
 * priors) stands in for the mixture: quick enough to score hundreds of candidate sets in a second, and it
 * ranks sets the way the mixture does (a set whose classes overlap as Gaussians overlaps as mixtures too).
 */

/** The labelled pixels every candidate set is scored on. */
export interface ScoringSamples {
  /** Row-major rows × featureCount. */
  readonly samples: Float32Array;
  /** The class index (0 … classCount − 1) of each row. */
  readonly labels: Uint8Array;
  readonly classCount: number;
  readonly featureCount: number;
  /** The fold (0 … foldCount − 1) of each row: spatial blocks, so neighbours never straddle fit and test. */
  readonly folds: Uint8Array;
  readonly foldCount: number;
}

export interface FeatureSetScore {
  /** Mean held-out log posterior of the true class, averaged per class (0 is perfect, log 1/C is chance). */
  readonly logLikelihood: number;
  /** Held-out accuracy, averaged per class (0..1). */
  readonly accuracy: number;
  /**
   * Standard error of logLikelihood over the folds: how far apart two sets' scores may lie by the chance
   * of which pixels were held out (the ranking treats closer scores as a tie).
   */
  readonly foldError: number;
}

/**
 * Ridge added to the standardized covariance diagonal: features of one set are often nearly collinear
 * (neighbouring scales), and scribbles are few, so the fit must stay invertible.
 */
const COVARIANCE_RIDGE = 0.02;
/** One misfit pixel must not outweigh a class: log posteriors are clamped here (p ≈ 1e-6). */
const MIN_LOG_POSTERIOR = -14;

interface ClassGaussian {
  readonly mean: Float64Array;
  /** Lower Cholesky factor of the covariance, d × d row-major. */
  readonly chol: Float64Array;
  readonly logNorm: number;
}

export interface GaussianSetModel {
  readonly channels: readonly number[];
  readonly center: Float64Array;
  readonly scale: Float64Array;
  /** Null for a class without rows in the fit. */
  readonly classes: (ClassGaussian | null)[];
}

/** Fits one Gaussian per class on the rows where `use(row)` holds, on the given channels. */
export function fitGaussianSet(
  data: ScoringSamples,
  channels: readonly number[],
  use: (row: number) => boolean,
): GaussianSetModel {
  const d = channels.length;
  const F = data.featureCount;
  const rows = data.labels.length;
  const center = new Float64Array(d);
  const scale = new Float64Array(d);
  let n = 0;
  for (let r = 0; r < rows; r++) {
    if (!use(r)) continue;
    n++;
    for (let j = 0; j < d; j++) center[j] += data.samples[r * F + channels[j]];
  }
  for (let j = 0; j < d; j++) center[j] /= Math.max(1, n);
  for (let r = 0; r < rows; r++) {
    if (!use(r)) continue;
    for (let j = 0; j < d; j++) {
      const v = data.samples[r * F + channels[j]] - center[j];
      scale[j] += v * v;
    }
  }
  for (let j = 0; j < d; j++) scale[j] = Math.sqrt(scale[j] / Math.max(1, n)) || 1;

  const classes: (ClassGaussian | null)[] = [];
  const x = new Float64Array(d);
  for (let c = 0; c < data.classCount; c++) {
    const mean = new Float64Array(d);
    const cov = new Float64Array(d * d);
    let m = 0;
    for (let r = 0; r < rows; r++) {
      if (data.labels[r] !== c || !use(r)) continue;
      m++;
      for (let j = 0; j < d; j++) mean[j] += (data.samples[r * F + channels[j]] - center[j]) / scale[j];
    }
    if (m === 0) {
      classes.push(null);
      continue;
    }
    for (let j = 0; j < d; j++) mean[j] /= m;
    for (let r = 0; r < rows; r++) {
      if (data.labels[r] !== c || !use(r)) continue;
      for (let j = 0; j < d; j++) x[j] = (data.samples[r * F + channels[j]] - center[j]) / scale[j] - mean[j];
      for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) cov[i * d + j] += x[i] * x[j];
    }
    for (let i = 0; i < d; i++) {
      for (let j = 0; j <= i; j++) cov[i * d + j] /= m;
      cov[i * d + i] += COVARIANCE_RIDGE;
    }
    const chol = cholesky(cov, d);
    let logDet = 0;
    for (let i = 0; i < d; i++) logDet += 2 * Math.log(chol[i * d + i]);
    classes.push({ mean, chol, logNorm: -0.5 * (d * Math.log(2 * Math.PI) + logDet) });
  }
  return { channels, center, scale, classes };
}

/** Log posteriors (equal priors) of one feature vector, written to `out` (length classCount). */
export function logPosteriors(
  model: GaussianSetModel,
  value: (channel: number) => number,
  out: Float64Array,
): void {
  const d = model.channels.length;
  const z = new Float64Array(d);
  let max = -Infinity;
  model.classes.forEach((g, c) => {
    if (!g) {
      out[c] = -Infinity;
      return;
    }
    // Forward substitution: z = L⁻¹ (x − μ); the Mahalanobis distance is |z|².
    let q = 0;
    for (let i = 0; i < d; i++) {
      const xi = (value(model.channels[i]) - model.center[i]) / model.scale[i] - g.mean[i];
      let s = xi;
      for (let k = 0; k < i; k++) s -= g.chol[i * d + k] * z[k];
      z[i] = s / g.chol[i * d + i];
      q += z[i] * z[i];
    }
    out[c] = g.logNorm - 0.5 * q;
    if (out[c] > max) max = out[c];
  });
  let sum = 0;
  for (let c = 0; c < out.length; c++) sum += Math.exp(out[c] - max);
  const logSum = max + Math.log(sum);
  for (let c = 0; c < out.length; c++) out[c] -= logSum;
}

/** Scores one channel set by k-fold cross-validation over the spatial folds. */
export function scoreFeatureSet(data: ScoringSamples, channels: readonly number[]): FeatureSetScore {
  const C = data.classCount;
  const F = data.featureCount;
  const logSum = new Float64Array(C);
  const correct = new Float64Array(C);
  const count = new Float64Array(C);
  const post = new Float64Array(C);
  const foldScores: number[] = [];
  for (let fold = 0; fold < data.foldCount; fold++) {
    const foldLog = new Float64Array(C);
    const foldCount = new Float64Array(C);
    const model = fitGaussianSet(data, channels, (r) => data.folds[r] !== fold);
    for (let r = 0; r < data.labels.length; r++) {
      if (data.folds[r] !== fold) continue;
      const base = r * F;
      logPosteriors(model, (ch) => data.samples[base + ch], post);
      const truth = data.labels[r];
      let best = 0;
      for (let c = 1; c < C; c++) if (post[c] > post[best]) best = c;
      const logPost = Math.max(
        MIN_LOG_POSTERIOR,
        Number.isFinite(post[truth]) ? post[truth] : MIN_LOG_POSTERIOR,
      );
      logSum[truth] += logPost;
      foldLog[truth] += logPost;
      foldCount[truth]++;
      if (best === truth) correct[truth]++;
      count[truth]++;
    }
    const foldScore = classMean(foldLog, foldCount);
    if (foldScore !== null) foldScores.push(foldScore);
  }
  let logLikelihood = 0;
  let accuracy = 0;
  let present = 0;
  for (let c = 0; c < C; c++) {
    if (count[c] === 0) continue;
    present++;
    logLikelihood += logSum[c] / count[c];
    accuracy += correct[c] / count[c];
  }
  return {
    logLikelihood: present ? logLikelihood / present : MIN_LOG_POSTERIOR,
    accuracy: present ? accuracy / present : 0,
    foldError: standardError(foldScores),
  };
}

/** Mean over the classes present of each class's mean; null when no class has a row. */
function classMean(sums: Float64Array, counts: Float64Array): number | null {
  let total = 0;
  let present = 0;
  for (let c = 0; c < sums.length; c++) {
    if (counts[c] === 0) continue;
    total += sums[c] / counts[c];
    present++;
  }
  return present > 0 ? total / present : null;
}

function standardError(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
  return Math.sqrt(variance / values.length);
}

/** Lower Cholesky factor of a symmetric positive definite matrix (lower triangle read); more ridge if needed. */
function cholesky(a: Float64Array, d: number): Float64Array {
  for (let ridge = 0; ; ridge = ridge === 0 ? 1e-6 : ridge * 10) {
    const l = new Float64Array(d * d);
    let ok = true;
    for (let i = 0; i < d && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let s = a[i * d + j] + (i === j ? ridge : 0);
        for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
        if (i === j) {
          if (!(s > 0)) {
            ok = false;
            break;
          }
          l[i * d + i] = Math.sqrt(s);
        } else l[i * d + j] = s / l[j * d + j];
      }
    }
    if (ok) return l;
    if (ridge > 1e6) throw new RangeError('the feature covariance cannot be factored');
  }
}
