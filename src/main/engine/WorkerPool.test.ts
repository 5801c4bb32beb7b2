import { afterAll, describe, expect, it } from 'vitest';
import { JobCancelledError, WorkerPool } from './WorkerPool.js';

describe('WorkerPool', () => {
  const pool = new WorkerPool({ threads: 2 });
  afterAll(() => pool.close());

  it('runs jobs on worker threads and returns their typed arrays', async () => {
    const out = await pool.run('echo', { plane: new Float32Array([1, 2, 3]) });
    expect(Array.from(out.plane)).toEqual([2, 4, 6]);
    expect(out.threadId).toBeGreaterThan(0);
  });

  it('spreads work over all threads and keeps input order', async () => {
    const inputs = Array.from({ length: 6 }, (_, i) => ({ plane: new Float32Array([i]), delayMs: 30 }));
    const outs = await pool.map('echo', inputs);
    expect(outs.map((o) => o.plane[0])).toEqual([0, 2, 4, 6, 8, 10]);
    expect(new Set(outs.map((o) => o.threadId)).size).toBe(2);
  });

  it('reports a failing job with its message and keeps serving others', async () => {
    await expect(pool.run('echo', { plane: new Float32Array(1), fail: 'tile 3 is corrupt' })).rejects.toThrow(
      'tile 3 is corrupt',
    );
    const ok = await pool.run('echo', { plane: new Float32Array([5]) });
    expect(ok.plane[0]).toBe(10);
  });

  it('cancels queued work at once', async () => {
    const controller = new AbortController();
    const busy = [1, 2].map(() => pool.run('echo', { plane: new Float32Array(1), delayMs: 100 }));
    const queued = pool.run('echo', { plane: new Float32Array(1) }, { signal: controller.signal });
    controller.abort();
    await expect(queued).rejects.toBeInstanceOf(JobCancelledError);
    await Promise.all(busy);
  });
});
