import { afterAll, describe, expect, it } from 'vitest';
import { computeFeatures } from '../../core/features/computeFeatures.js';
import { presetSelection } from '../../core/features/selection.js';
import type { PlanarImage } from '../../core/image.js';
import { JobCancelledError, WorkerPool } from '../engine/WorkerPool.js';
import { computeFeatureStack } from './computeFeatureStack.js';

function gradientImage(width: number, height: number): PlanarImage {
  const channels = [0, 1].map((c) =>
    Float32Array.from({ length: width * height }, (_, i) => {
      const x = i % width;
      const y = Math.floor(i / width);
      return 500 + 200 * Math.sin(x / (6 + c)) * Math.cos(y / 9) + ((i * 31 + c) % 17);
    }),
  );
  return { width, height, channels };
}

describe('computeFeatureStack', () => {
  const pool = new WorkerPool({ threads: 2 });
  afterAll(() => pool.close());

  it('tiles on the worker pool give exactly the single-threaded result, with progress per tile', async () => {
    const image = gradientImage(300, 190);
    const sel = presetSelection('default');
    const progress: [number, number][] = [];
    const planes = await computeFeatureStack(pool, image, sel, 'ilastik', {
      tileSize: 128,
      onProgress: (done, total) => progress.push([done, total]),
    });
    const expected = computeFeatures(image, sel, 'ilastik');
    expect(planes.length).toBe(expected.length);
    const mismatches = planes.filter((plane, c) => plane.some((v, i) => v !== expected[c][i])).length;
    expect(mismatches).toBe(0);
    expect(progress[0]).toEqual([0, 6]);
    expect(progress.at(-1)).toEqual([6, 6]);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const run = computeFeatureStack(pool, gradientImage(400, 400), presetSelection('all'), 'direct', {
      tileSize: 64,
      signal: controller.signal,
    });
    controller.abort();
    await expect(run).rejects.toBeInstanceOf(JobCancelledError);
  });
});
