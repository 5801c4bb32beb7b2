/**
 * "Unexplained" pixels: those that no scribbled class's mixture explains, most likely a kind of object
 * nobody has labelled yet. A mixture model knows how likely each pixel is under each class (a random forest
 * does not). The class fit of a pixel, f_k(x) = max over class k's components j of log w'_{j|k} + log N(x; μⱼ, Σⱼ),
 * is the best component standing for the class density (within log of the class's component count, and
 * without an exp per component); prediction computes those log densities anyway. w'_{j|k} is the share of
 * the class's scribbles the component holds (labelledShift).
 *
 * Calibrated when the model is fitted, and kept with the live model: per class, the 1st percentile of the
 * class fit on its own labelled pixels (threshold) and the median's distance above it (spread). A pixel's
 * deficit is min over classes of (threshold − fit) / spread: how far below the least typical 1 % of the
 * best-fitting class's scribbles it lies. Scribbles never cover all of a class (a supervised model finds
 * unscribbled pixels of known kinds tens of spreads down, a semi-supervised one a few), so the deficit is
 * judged against the image too: a pixel is unexplained when its deficit exceeds IMAGE_MARGIN times the
 * 95th percentile of the deficits of the image's unlabeled sample, i.e. when it is clearly less explained
 * than all but the most atypical 5 % of the image. (A missing kind covering more than a few percent of
 * that sample therefore raises its own bar.)
 *
 * The fits are those of Gaussian tails, whatever tail bound the model's class probabilities use: a bound
 * caps how unlikely a pixel can look in each feature, and an unknown kind of object is exactly the pixel
 * far out in many features at once (with the bound, a missing kind's deficit sank below the image's).
 */
import type { ClassFitsListener } from '../classifier/classFits.js';
import { predictProbabilities, type PreparedClassifier } from '../classifier/predictProbabilities.js';
import type { PosteriorPrecision } from '../gmm/simdPosteriors.js';

/**
 * The share of a class's own labelled pixels that it "fails to explain" by definition: a pixel less
 * typical of every class than the worst 1 % of that class's scribbles is flagged.
 */
export const UNEXPLAINED_PERCENTILE = 0.01;

/** Score of a pixel just past the margin: flagged pixels show at least half strength (0 = explained). */
export const UNEXPLAINED_FLOOR = 0.5;

/** Quantile of the unlabeled sample's deficits that the margin is measured from (see the head comment). */
const IMAGE_QUANTILE = 0.95;
/**
 * Margin = IMAGE_MARGIN × that quantile: on synthetic images with an unscribbled third kind (2 % of the
 * pixels), its 5th-percentile deficit lay 1.9–6× above the known kinds' 95th percentile, semi-supervised
 * or supervised, the image quantile within 1.2× of the known kinds'.
 */
const IMAGE_MARGIN = 1.5;
/** The margin never goes below this many spreads (without unlabeled pixels it is this). */
const MIN_MARGIN = 1;

/** A component holding less of its class's scribbles than this counts as holding this much (log stays finite). */
const MIN_LABELLED_SHARE = 1e-6;

export interface UnexplainedCalibration {
  /** Per class (model order): the UNEXPLAINED_PERCENTILE quantile of the class fit on its own labelled pixels. */
  readonly thresholds: number[];
  /** Per class: median − threshold of the same values (> 0), the unit of "how far below". */
  readonly spreads: number[];
  /** Per component: log w'_{j|k} − log w_j (labelledShift), added to its log density. */
  readonly componentShift: number[];
  /** Deficit (in spreads) above which a pixel is unexplained. */
  readonly margin: number;
}

/**
 * Per component: log w'_{j|k} − log w_j, where w'_{j|k} is the component's share of its class's labelled
 * rows (mean responsibility within the class). Semi-supervised EM moves components towards unlabeled
 * pixels, an unlabelled kind of object included; weighted by what the scribbles themselves put in each
 * component, a component that only the unlabeled pixels hold explains nothing.
 */
function labelledShift(
  p: PreparedClassifier,
  logDensity: Float64Array,
  stride: number,
  m: number,
  classOfRow: (i: number) => number,
  mass: Float64Array,
): void {
  const k = p.params.nComponents;
  for (let i = 0; i < m; i++) {
    const c = classOfRow(i);
    if (c < 0 || c >= p.nClasses) continue;
    let max = -Infinity;
    for (let j = 0; j < k; j++)
      if (p.componentClass[j] === c && logDensity[j * stride + i] > max) max = logDensity[j * stride + i];
    let total = 0;
    for (let j = 0; j < k; j++)
      if (p.componentClass[j] === c) total += Math.exp(logDensity[j * stride + i] - max);
    for (let j = 0; j < k; j++)
      if (p.componentClass[j] === c) mass[j] += Math.exp(logDensity[j * stride + i] - max) / total;
  }
}

/** Transposes n rows of d values into d planes of n (prediction's layout). */
function rowsToPlanes(rows: Float32Array, n: number, d: number): Float32Array[] {
  return Array.from({ length: d }, (_, c) => {
    const plane = new Float32Array(n);
    for (let i = 0; i < n; i++) plane[i] = rows[i * d + c];
    return plane;
  });
}

/**
 * Calibrates on labelled rows: `samples` row-major n × featureCount (raw features, as prediction gets
 * them), `classOfRow[i]` the row's class index in model order (other values are skipped); `unlabeled`
 * (row-major, optional) is the image sample the margin is judged on.
 */
export function calibrateUnexplained(
  model: PreparedClassifier,
  samples: Float32Array,
  classOfRow: ArrayLike<number>,
  n: number,
  unlabeled?: Float32Array,
): UnexplainedCalibration {
  const p = withGaussianTails(model);
  const d = p.featureCount;
  const k = p.params.nComponents;
  if (samples.length < n * d) {
    throw new RangeError(`calibrateUnexplained: ${samples.length} values for ${n} rows of ${d} features`);
  }
  const planes = rowsToPlanes(samples, n, d);
  // Pass 1: what share of each class's labelled rows each of its components holds.
  const mass = new Float64Array(k);
  predictProbabilities(p, planes, n, true, (logDensity, start, m, stride) =>
    labelledShift(p, logDensity, stride, m, (i) => classOfRow[start + i], mass),
  );
  const classMass = new Float64Array(p.nClasses);
  for (let j = 0; j < k; j++) classMass[p.componentClass[j]] += mass[j];
  const componentShift = Array.from({ length: k }, (_, j) => {
    const share = classMass[p.componentClass[j]] > 0 ? mass[j] / classMass[p.componentClass[j]] : 0;
    return Math.log(Math.max(MIN_LABELLED_SHARE, share)) - Math.log(p.params.weights[j]);
  });
  // Pass 2: each class's fits on its own labelled rows.
  const perClass: number[][] = Array.from({ length: p.nClasses }, () => []);
  predictProbabilities(p, planes, n, true, undefined, {
    shift: componentShift,
    onFits: (fits, start, m, stride) => {
      for (let i = 0; i < m; i++) {
        const c = classOfRow[start + i];
        if (c >= 0 && c < p.nClasses) perClass[c].push(fits[c * stride + i]);
      }
    },
  });
  const thresholds: number[] = [];
  const spreads: number[] = [];
  for (const values of perClass) {
    if (values.length === 0) {
      // A class without labelled rows explains nothing: no fit reaches its threshold.
      thresholds.push(Number.MAX_VALUE);
      spreads.push(1);
      continue;
    }
    values.sort((a, b) => a - b);
    const low = values[Math.floor(UNEXPLAINED_PERCENTILE * (values.length - 1))];
    const median = values[Math.floor(0.5 * (values.length - 1))];
    thresholds.push(low);
    spreads.push(median - low > 1e-9 ? median - low : 1);
  }
  const withoutMargin = { componentShift, thresholds, spreads, margin: 0 };
  const nUnlabeled = unlabeled ? Math.floor(unlabeled.length / d) : 0;
  let margin = MIN_MARGIN;
  if (unlabeled && nUnlabeled > 0) {
    const deficits = new Float32Array(nUnlabeled);
    const planesOfUnlabeled = rowsToPlanes(unlabeled, nUnlabeled, d);
    predictProbabilities(
      p,
      planesOfUnlabeled,
      nUnlabeled,
      true,
      undefined,
      deficitWriter(p, withoutMargin, deficits),
    );
    deficits.sort();
    const q = deficits[Math.floor(IMAGE_QUANTILE * (nUnlabeled - 1))];
    if (Number.isFinite(q)) margin = Math.max(MIN_MARGIN, IMAGE_MARGIN * q);
  }
  return { ...withoutMargin, margin };
}

/** Class fits for predictProbabilities writing each pixel's deficit (see the head comment) into `out`. */
function deficitWriter(
  p: PreparedClassifier,
  calibration: UnexplainedCalibration,
  out: Float32Array,
): ClassFitsListener {
  const { thresholds, spreads, componentShift: shift } = calibration;
  if (
    thresholds.length !== p.nClasses ||
    spreads.length !== p.nClasses ||
    shift.length !== p.params.nComponents
  ) {
    throw new RangeError(
      `unexplained calibration of ${thresholds.length} classes and ${shift.length} components for a model of ${p.nClasses} and ${p.params.nComponents}`,
    );
  }
  return {
    shift,
    onFits: (fits, start, m, stride) => {
      for (let i = 0; i < m; i++) {
        let deficit = Infinity;
        for (let c = 0; c < p.nClasses; c++) {
          const d = (thresholds[c] - fits[c * stride + i]) / spreads[c];
          if (d < deficit) deficit = d;
        }
        out[start + i] = deficit;
      }
    },
  };
}

/**
 * Class fits for predictProbabilities that write each pixel's unexplained score into `out` at the
 * pixel's index: 0 when some class explains it, else UNEXPLAINED_FLOOR at the margin rising to 1 at twice it.
 */
export function unexplainedScorer(
  p: PreparedClassifier,
  calibration: UnexplainedCalibration,
  out: Float32Array,
): ClassFitsListener {
  const writeDeficits = deficitWriter(p, calibration, out);
  const margin = calibration.margin;
  return {
    shift: writeDeficits.shift,
    onFits: (fits, start, m, stride) => {
      writeDeficits.onFits(fits, start, m, stride);
      for (let i = start; i < start + m; i++) {
        const excess = (out[i] - margin) / margin;
        out[i] = excess > 0 ? Math.min(1, UNEXPLAINED_FLOOR + (1 - UNEXPLAINED_FLOOR) * excess) : 0;
      }
    },
  };
}

/** Probabilities (as predictProbabilities) and the unexplained score plane of the same pixels. */
export function predictWithUnexplained(
  p: PreparedClassifier,
  featurePlanes: Float32Array[],
  pixelCount: number,
  calibration: UnexplainedCalibration,
  useSimd = true,
  precision: PosteriorPrecision = 'exact',
): { probabilities: Float32Array[]; unexplained: Float32Array } {
  const unexplained = new Float32Array(pixelCount);
  const gaussian = withGaussianTails(p);
  const scorer = unexplainedScorer(gaussian, calibration, unexplained);
  // Without a tail bound one pass gives both; with one, the fits need a second pass without it.
  const probabilities = predictProbabilities(
    p,
    featurePlanes,
    pixelCount,
    useSimd,
    undefined,
    gaussian === p ? scorer : undefined,
    precision,
  );
  if (gaussian !== p) predictProbabilities(gaussian, featurePlanes, pixelCount, useSimd, undefined, scorer);
  return { probabilities, unexplained };
}

/** The prepared model without its tail bound (see the head comment). */
function withGaussianTails(p: PreparedClassifier): PreparedClassifier {
  return p.termBound ? { ...p, termBound: null } : p;
}
