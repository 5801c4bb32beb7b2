/**
 * The pool engine hands a fit's class mixtures to the next fit it is given as warm start: each class's EM
 * job then starts there (within WARM_START_MAX_ITER iterations) instead of from k-means++, and a fit given
 * no warm start is the cold fit it always was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../core/random.js';
import { WARM_START_MAX_ITER } from '../../core/classifier/warmStart.js';
import type { ClassMixtureInput } from '../../core/classifier/trainingSteps.js';
import { WorkerPool } from '../engine/WorkerPool.js';
import { createPoolEngine } from './poolEngine.js';

const D = 5;
let pool: WorkerPool;

beforeAll(() => {
  pool = new WorkerPool({ threads: 2 });
});

afterAll(async () => {
  await pool.close();
});

/** Two classes of two overlapping kinds each, `perClass` labelled rows each, and an image sample. */
function rows(seed: number, perClass: number) {
  const rng = new SeededRandom(seed);
  const draw = (cls: number) =>
    Array.from(
      { length: D },
      (_, c) => (cls === 1 ? 0 : 2.5) + (rng.next() < 0.5 ? c % 2 : -1) + rng.nextNormal(),
    );
  const samples: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 2 * perClass; i++) {
    samples.push(...draw(1 + (i % 2)));
    labels.push(1 + (i % 2));
  }
  const unlabeled: number[] = [];
  for (let i = 0; i < 800; i++) unlabeled.push(...draw(1 + (i % 2)));
  return {
    samples: Float32Array.from(samples),
    labels: Uint8Array.from(labels),
    unlabeled: Float32Array.from(unlabeled),
  };
}

describe('warm starts through the pool engine', () => {
  it("start each class's EM job from the model it is given, and cold without one", async () => {
    const engine = createPoolEngine(pool);
    const settings = { components: 3, semiSupervised: true };
    const jobs: ClassMixtureInput[] = [];
    const run = pool.run.bind(pool);
    pool.run = ((kind, input, options) => {
      if (kind === 'fitClassMixture') jobs.push(input as ClassMixtureInput);
      return run(kind, input, options);
    }) as typeof pool.run;
    try {
      const a = rows(1, 200);
      const first = await engine.fit(a.samples, a.labels, D, settings, a.unlabeled);
      expect(jobs.map((j) => j.init)).toEqual([undefined, undefined]);
      const b = rows(2, 230);
      jobs.length = 0;
      const warm = await engine.fit(b.samples, b.labels, D, settings, b.unlabeled, undefined, first);
      expect(jobs.every((j) => j.init !== undefined && j.o.maxIter === WARM_START_MAX_ITER)).toBe(true);
      const fitted = warm.fitted as {
        mixture: { weights: number[] };
        training: { componentsPerClass: number[] };
      };
      expect(fitted.training.componentsPerClass).toEqual([3, 3]);
      jobs.length = 0;
      await engine.fit(b.samples, b.labels, D, settings, b.unlabeled);
      expect(jobs.map((j) => j.init)).toEqual([undefined, undefined]);
    } finally {
      pool.run = run;
    }
  }, 60_000);
});
