/**
 * Relevance weights from the fitted class mixtures rather than from class means: per model dimension,
 * how far apart the components of different classes lie along it, (μ_j − μ_l)² / (σ²_j + σ²_l) for each
 * pair of components j, l of two different classes, weighted by their weights within their classes and
 * averaged over the pairs of classes. A class scribbled on dim and bright objects has two groups of
 * components; its class mean lies between them and its within-class variance is large, so the plain
 * Fisher ratio of an intensity feature is small although the feature separates either group from the
 * background well. Per component pair that separation is what counts.
 *
 * Few scribbled pixels split into a few components each; their variances are then too small and their
 * means differ by chance along every feature (a component of 7 pixels: by about σ/√7). So each
 * component's variance is drawn toward its class's whole variance as a prior worth VARIANCE_PRIOR_PIXELS
 * pixels, and the chance part of (μ_j − μ_l)², its expected value σ²_j/n_j + σ²_l/n_l, is taken off
 * before the ratio. With thousands of scribbled pixels neither changes much; with 20 per class the
 * weights fall back toward the class-level ratio instead of spreading over noise features.
 */
import type { FittedGmm } from '../gmm/GaussianMixture.js';
import type { RelevanceOptions } from './classifierOptions.js';

/** Weight, in pixels, of the class variance in each component's variance (see above). */
const VARIANCE_PRIOR_PIXELS = 16;

export function componentRelevance(
  classMixtures: readonly FittedGmm[],
  classCounts: readonly number[],
  r: number,
  { exponent, total }: RelevanceOptions,
): number[] {
  if (classMixtures.some((m) => m.covariance !== 'diag' || m.dim !== r)) {
    throw new RangeError(`component relevance needs diagonal class mixtures of ${r} dimensions`);
  }
  const classes = classMixtures.map((mixture, c) => components(mixture, classCounts[c], r));
  const separation = new Float64Array(r);
  let pairs = 0;
  for (let a = 0; a < classes.length; a++) {
    for (let b = a + 1; b < classes.length; b++) {
      addClassPair(classes[a], classes[b], r, separation);
      pairs++;
    }
  }
  const ratio = Array.from(separation, (s) => (pairs > 0 ? s / pairs : 0) ** exponent);
  const ratioSum = ratio.reduce((s, v) => s + v, 0);
  return ratio.map((v) => (ratioSum > 0 ? (v / ratioSum) * total : total / r));
}

/** A class's components as the separation uses them: shares, means, shrunk variances, pixel counts. */
interface Components {
  readonly shares: number[];
  readonly means: readonly number[];
  readonly variances: Float64Array;
  readonly pixels: number[];
}

/** `count`: the labeled pixels the class mixture was fitted on. */
function components(mixture: FittedGmm, count: number, r: number): Components {
  const sum = mixture.weights.reduce((s, w) => s + w, 0);
  const shares = mixture.weights.map((w) => w / sum);
  const { means, covariances } = mixture;
  const classMean = new Float64Array(r);
  const classSecond = new Float64Array(r);
  shares.forEach((w, j) => {
    for (let q = 0; q < r; q++) {
      const m = means[j * r + q];
      classMean[q] += w * m;
      classSecond[q] += w * (covariances[j * r + q] + m * m);
    }
  });
  const pixels = shares.map((w) => Math.max(1, w * count));
  const variances = new Float64Array(shares.length * r);
  for (let j = 0; j < shares.length; j++) {
    for (let q = 0; q < r; q++) {
      const classVariance = classSecond[q] - classMean[q] * classMean[q];
      variances[j * r + q] =
        (pixels[j] * covariances[j * r + q] + VARIANCE_PRIOR_PIXELS * classVariance) /
        (pixels[j] + VARIANCE_PRIOR_PIXELS);
    }
  }
  return { shares, means, variances, pixels };
}

/**
 * Adds Σ_j Σ_l w_j w_l max(0, (μ_j − μ_l)² − σ²_j/n_j − σ²_l/n_l) / (σ²_j + σ²_l) per dimension, j a
 * component of one class and l of the other, n its pixels.
 */
function addClassPair(a: Components, b: Components, r: number, into: Float64Array): void {
  for (let j = 0; j < a.shares.length; j++) {
    for (let l = 0; l < b.shares.length; l++) {
      const w = a.shares[j] * b.shares[l];
      for (let q = 0; q < r; q++) {
        const va = a.variances[j * r + q];
        const vb = b.variances[l * r + q];
        const diff = a.means[j * r + q] - b.means[l * r + q];
        into[q] += (w * Math.max(0, diff * diff - va / a.pixels[j] - vb / b.pixels[l])) / (va + vb);
      }
    }
  }
}
