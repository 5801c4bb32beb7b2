/**
 * Semi-supervised EM of a diagonal mixture on the pool: the rows go to shared memory once, and every EM
 * step sends each worker a contiguous range of row blocks and the current parameters (a few kB), then
 * applies the summed block statistics here. Blocks are summed in block order, so the result is the one
 * refineWithUnlabeled computes in a single thread (blockEm.ts).
 */
import { BlockEmRun, blockCount, semiSupervisedRows } from '../../core/gmm/blockEm.js';
import type { FittedGmm } from '../../core/gmm/GaussianMixture.js';
import { refinementIterations } from '../../core/classifier/semiSupervised.js';
import type { PreparedTraining } from '../../core/classifier/trainingSteps.js';
import { sharedArray, toShared } from '../engine/sharedMemory.js';
import type { WorkerPool } from '../engine/WorkerPool.js';

export async function refineOnPool(
  pool: WorkerPool,
  prepared: PreparedTraining,
  start: { mixture: FittedGmm; componentClass: number[] },
  lambda: number,
  signal?: AbortSignal,
): Promise<FittedGmm> {
  const o = prepared.options;
  const maxIter = refinementIterations(o);
  if (maxIter <= 0 || !prepared.unlabeled) return start.mixture;
  const built = semiSupervisedRows(
    prepared.Z,
    prepared.classIndex,
    prepared.n,
    prepared.dims,
    prepared.unlabeled,
    lambda,
    start.componentClass,
    (length) => sharedArray(Float64Array, length),
  );
  const rows = {
    ...built,
    sampleGroup: toShared(built.sampleGroup),
    sampleWeight: toShared(built.sampleWeight),
    componentGroup: toShared(built.componentGroup),
  };
  const blocks = blockCount(rows.n);
  const parts = Math.max(1, Math.min(pool.threads, blocks));
  const ranges = Array.from({ length: parts }, (_, p) => [
    Math.floor((p * blocks) / parts),
    Math.floor(((p + 1) * blocks) / parts),
  ]);
  const run = new BlockEmRun(rows, start.mixture, { ...o, maxIter });
  while (!run.isDone) {
    const mixture = run.current();
    const results = await Promise.all(
      ranges.map(([first, end]) => pool.run('emBlocks', { rows, mixture, first, end }, { signal })),
    );
    run.step(results.flatMap((r) => r.blocks));
  }
  return run.result();
}
