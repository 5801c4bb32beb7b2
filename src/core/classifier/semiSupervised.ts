/**
 * Semi-supervised EM, the classic "missing labels" use of EM: one mixture over all classes' components;
 * a labeled pixel shares its responsibility only among its own class's components (its label is clamped),
 * while a random subsample of unlabeled pixels takes part with total weight λ relative to the labeled ones.
 * It helps on blob-like objects and hurts on thin structures (REFERENCE.md), and users cannot tune λ, so
 * λ is chosen by cross-validation over held-out labeled pixels (whole spatial groups held out at once).
 */
import { SeededRandom } from '../random.js';
import {
  CROSS_VALIDATION_FOLDS,
  DEFAULT_CLASSIFIER_OPTIONS,
  LAMBDA_CANDIDATES,
  type ClassifierOptions,
} from './classifierOptions.js';
import { logClassPosteriors } from './classPosteriors.js';
import { BlockEmRun, blockCount, blockStatistics, semiSupervisedRows } from '../gmm/blockEm.js';
import { runEm } from '../gmm/em.js';
import { gmmParameters, toFittedGmm, type FittedGmm } from '../gmm/GaussianMixture.js';
import { fitClassMixture } from './fitClassMixture.js';

/** Concatenates per-class mixtures into one, weights scaled by the class priors. */
export function jointMixture(
  classMixtures: FittedGmm[],
  priors: number[],
): { mixture: FittedGmm; componentClass: number[] } {
  const first = classMixtures[0];
  const weights: number[] = [];
  const means: number[] = [];
  const covariances: number[] = [];
  const componentClass: number[] = [];
  let loglik = 0;
  classMixtures.forEach((m, k) => {
    m.weights.forEach((w) => {
      weights.push(w * priors[k]);
      componentClass.push(k);
    });
    means.push(...m.means);
    covariances.push(...m.covariances);
    loglik += priors[k] * m.meanLogLikelihood;
  });
  const mixture: FittedGmm = {
    covariance: first.covariance,
    dim: first.dim,
    weights,
    means,
    covariances,
    meanLogLikelihood: loglik,
    nIter: Math.max(...classMixtures.map((m) => m.nIter)),
    converged: classMixtures.every((m) => m.converged),
  };
  return { mixture, componentClass };
}

/**
 * Runs clamped, weighted EM over labeled rows Z (n × r) and unlabeled rows U, starting from `start`.
 * Diagonal mixtures run in blocks (blockEm.ts), which fitClassifierOnPool spreads over the pool with the
 * same result; full ones run the plain EM loop.
 */
export function refineWithUnlabeled(
  start: FittedGmm,
  componentClass: number[],
  Z: Float64Array,
  classIndex: Int32Array,
  n: number,
  U: { Z: Float64Array; n: number },
  lambda: number,
  o: ClassifierOptions,
): FittedGmm {
  const maxIter = refinementIterations(o);
  if (maxIter <= 0) return start;
  const rows = semiSupervisedRows(Z, classIndex, n, start.dim, U, lambda, componentClass);
  if (start.covariance === 'diag') {
    const run = new BlockEmRun(rows, start, { ...o, maxIter });
    while (!run.isDone) {
      run.step(Array.from({ length: blockCount(rows.n) }, (_, b) => blockStatistics(rows, b, run.params)));
    }
    return run.result();
  }
  const params = gmmParameters(start);
  const result = runEm(rows.X, rows.n, params, rows, { ...o, maxIter });
  // The last E-step's log-likelihood (scikit-learn's lower_bound_): one more E-step over every row only
  // to report it would cost a sixth of the refinement.
  return toFittedGmm(params, result.lowerBound, result.nIter, result.converged);
}

/** EM steps of the semi-supervised refinement. */
export function refinementIterations(o: ClassifierOptions): number {
  return o.semiSupervised.iterations ?? DEFAULT_CLASSIFIER_OPTIONS.semiSupervised.iterations!;
}

export interface SemiSupervisedResult {
  readonly lambda: number;
  readonly lambdaScores: { lambda: number; score: number }[];
  readonly mixture: FittedGmm;
}

/** Picks λ (by cross-validation unless fixed and forced on) and refines the joint mixture with it. */
export function semiSupervisedRefinement(
  Z: Float64Array,
  classIndex: Int32Array,
  n: number,
  r: number,
  U: { Z: Float64Array; n: number },
  groups: Int32Array | null,
  supervised: FittedGmm,
  componentClass: number[],
  componentsPerClass: number[],
  priors: number[],
  o: ClassifierOptions,
): SemiSupervisedResult {
  const semi = o.semiSupervised;
  let candidates = semi.lambda === 'auto' ? LAMBDA_CANDIDATES : [0, semi.lambda];
  if (semi.enabled === true) candidates = candidates.filter((l) => l > 0);
  let lambdaScores: { lambda: number; score: number }[] = [];
  let lambda = candidates[0];
  if (candidates.length > 1) {
    lambdaScores = crossValidateLambda(
      Z,
      classIndex,
      n,
      r,
      U,
      groups,
      componentsPerClass,
      priors,
      candidates,
      o,
    );
    lambda = lambdaScores.reduce((best, s) => (s.score > best.score ? s : best)).lambda;
  }
  const mixture =
    lambda > 0 ? refineWithUnlabeled(supervised, componentClass, Z, classIndex, n, U, lambda, o) : supervised;
  return { lambda, lambdaScores, mixture };
}

/**
 * Mean held-out log posterior of the true class (each class weighted equally: a proper score that also
 * sees confidence, where held-out accuracy on scribbles is often 100 % for every candidate).
 */
function crossValidateLambda(
  Z: Float64Array,
  classIndex: Int32Array,
  n: number,
  r: number,
  U: { Z: Float64Array; n: number },
  groups: Int32Array | null,
  componentsPerClass: number[],
  priors: number[],
  candidates: number[],
  o: ClassifierOptions,
): { lambda: number; score: number }[] {
  const nClasses = componentsPerClass.length;
  const rng = new SeededRandom(o.seed + 101);
  const fold = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    fold[i] = groups
      ? (Math.imul(groups[i] + 1, 2654435761) >>> 0) % CROSS_VALIDATION_FOLDS
      : rng.nextInt(CROSS_VALIDATION_FOLDS);
  }
  const sums = candidates.map(() => new Float64Array(nClasses));
  const counts = new Float64Array(nClasses);
  for (let f = 0; f < CROSS_VALIDATION_FOLDS; f++) {
    const train = select(Z, classIndex, fold, n, r, (g) => g !== f);
    const test = select(Z, classIndex, fold, n, r, (g) => g === f);
    const trainCounts = new Array(nClasses).fill(0);
    for (const c of train.classIndex) trainCounts[c]++;
    if (test.n === 0 || trainCounts.some((c) => c < 2)) continue;
    const mixtures = componentsPerClass.map((m, k) =>
      fitClassMixture(train.Z, train.classIndex, train.n, r, k, o, Math.min(m, trainCounts[k])),
    );
    const { mixture, componentClass } = jointMixture(mixtures, priors);
    const componentOf = Int32Array.from(componentClass);
    for (let i = 0; i < test.n; i++) counts[test.classIndex[i]]++;
    candidates.forEach((lambda, li) => {
      const model =
        lambda > 0
          ? refineWithUnlabeled(mixture, componentClass, train.Z, train.classIndex, train.n, U, lambda, o)
          : mixture;
      const logPost = new Float64Array(test.n * nClasses);
      logClassPosteriors(gmmParameters(model), componentOf, nClasses, test.Z, test.n, logPost);
      for (let i = 0; i < test.n; i++) {
        const c = test.classIndex[i];
        // Clipped so that one confidently wrong pixel cannot outweigh everything else.
        sums[li][c] += Math.max(logPost[i * nClasses + c], Math.log(1e-6));
      }
    });
  }
  return candidates.map((lambda, li) => {
    let score = 0;
    for (let c = 0; c < nClasses; c++) score += counts[c] > 0 ? sums[li][c] / counts[c] / nClasses : 0;
    return { lambda, score };
  });
}

function select(
  Z: Float64Array,
  classIndex: Int32Array,
  fold: Int32Array,
  n: number,
  r: number,
  keep: (fold: number) => boolean,
): { Z: Float64Array; classIndex: Int32Array; n: number } {
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (keep(fold[i])) idx.push(i);
  const out = new Float64Array(idx.length * r);
  idx.forEach((row, i) => out.set(Z.subarray(row * r, (row + 1) * r), i * r));
  return { Z: out, classIndex: Int32Array.from(idx, (i) => classIndex[i]), n: idx.length };
}
