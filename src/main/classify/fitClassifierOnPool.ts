/**
 * Fits the pixel classifier with its per-class mixtures in parallel on the worker pool: one job prepares
 * the model space, one job per class fits that class's mixture (the bulk of the time), semi-supervised EM
 * runs in row blocks spread over the workers (refineOnPool), and one job joins it all. The steps are those fitPixelClassifier runs in sequence, so the model
 * is identical to the single-job fit for the same seed.
 */
import type { ClassifierOptions } from '../../core/classifier/classifierOptions.js';
import type { FittedClassifier } from '../../core/classifier/PixelClassifier.js';
import { blockRefinementLambda, jointStart } from '../../core/classifier/trainingSteps.js';
import { refineOnPool } from './refineOnPool.js';
import type { WorkerPool } from '../engine/WorkerPool.js';
import { classMixtureInputs, type ClassMixturesStart } from '../../core/classifier/warmStart.js';
import { imagePriorModel } from '../../core/classifier/imagePriorSteps.js';
import type { FittedGmm } from '../../core/gmm/GaussianMixture.js';
import type { PreparedTraining } from '../../core/classifier/trainingSteps.js';
import { concatArrays } from '../../core/concatArrays.js';

export interface TrainingRows {
  /** nSamples × nFeatures, row-major. */
  readonly samples: Float32Array;
  /** 1..K per sample. */
  readonly labels: Uint8Array;
  readonly nFeatures: number;
  /** Unlabeled rows for semi-supervised EM. */
  readonly unlabeled?: Float32Array;
  /** Spatial group per labeled row, for cross-validation. */
  readonly sampleGroups?: Int32Array;
}

/** onProgress counts fit steps: preparing, each class, finishing. */
export async function fitClassifierOnPool(
  pool: WorkerPool,
  rows: TrainingRows,
  options: Partial<ClassifierOptions> = {},
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<FittedClassifier> {
  return (await fitClassifierWithStart(pool, rows, options, { onProgress, signal })).model;
}

/**
 * fitClassifierOnPool, with each class's EM started from `warmStart` where it fits (warmStart.ts), and
 * what this fit leaves for the next one to start from.
 */
export async function fitClassifierWithStart(
  pool: WorkerPool,
  rows: TrainingRows,
  options: Partial<ClassifierOptions>,
  {
    onProgress,
    signal,
    warmStart,
  }: {
    onProgress?: (done: number, total: number) => void;
    signal?: AbortSignal;
    warmStart?: ClassMixturesStart;
  },
): Promise<{ model: FittedClassifier; start: ClassMixturesStart }> {
  const prepared = await pool.run('prepareTraining', { ...rows, options }, { signal });
  const total = prepared.classes.length + 2;
  let done = 1;
  onProgress?.(done, total);
  const classMixtures = await Promise.all(
    classMixtureInputs(prepared, warmStart).map(async (input) => {
      const transfer = [input.Z.buffer as ArrayBuffer, input.classIndex.buffer as ArrayBuffer];
      const mixture = await pool.run('fitClassMixture', input, { signal, transfer });
      onProgress?.(++done, total);
      return mixture;
    }),
  );
  // Semi-supervised EM of a diagonal mixture (the default) runs in row blocks over the pool too.
  const lambda = blockRefinementLambda(prepared);
  const refined =
    lambda === null
      ? undefined
      : await refineOnPool(pool, prepared, jointStart(prepared, classMixtures), lambda, signal);
  const priorDensities = await imagePriorDensitiesOnPool(pool, prepared, classMixtures, refined, signal);
  const { model } = await pool.run(
    'finishTraining',
    { prepared, classMixtures, refined, priorDensities },
    { signal },
  );
  onProgress?.(total, total);
  return { model, start: { classes: prepared.classes, transform: prepared.transform, classMixtures } };
}

/**
 * The image priors' class log densities of the unlabeled rows, in one row range per worker
 * (imagePriorSteps.ts); undefined when finishTraining has to compute them itself, or with one worker.
 */
async function imagePriorDensitiesOnPool(
  pool: WorkerPool,
  prepared: PreparedTraining,
  classMixtures: FittedGmm[],
  refined: FittedGmm | undefined,
  signal: AbortSignal | undefined,
): Promise<Float64Array | undefined> {
  const model = imagePriorModel(prepared, classMixtures, refined);
  const U = prepared.unlabeled;
  if (!model || !U || pool.threads < 2) return undefined;
  const parts = Math.min(pool.threads, U.n);
  const r = prepared.dims;
  const densities = await Promise.all(
    Array.from({ length: parts }, (_, p) => {
      const [first, end] = [Math.floor((p * U.n) / parts), Math.floor(((p + 1) * U.n) / parts)];
      const Z = U.Z.slice(first * r, end * r);
      const input = { model, Z, n: end - first };
      return pool.run('imagePriorDensities', input, { signal, transfer: [Z.buffer] });
    }),
  );
  return concatArrays(
    Float64Array,
    densities.map((d) => d.classLogDensity),
  );
}
