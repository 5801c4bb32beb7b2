/**
 * A preview after a stroke (every 4th pixel of the view's tiles) goes to the workers in one job per
 * thread once the tiles' features are cached, not one job per tile: each job's fixed cost was most of a
 * preview (2.5 ms of CPU per 256² tile at stride 4, against 14 ms for the whole tile). What it shows is
 * unchanged: every preview pixel is the full-resolution overlay's pixel at that place.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ProbabilityTile } from '../../core/protocol/types.js';
import { planeStroke } from '../../../test/helpers/backendOverWire.js';
import { createBackend, type Backend } from './createBackend.js';

const THREADS = 2;
const STRIDE = 4;
let dir: string;
let backend: Backend;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-preview-jobs-'));
  backend = createBackend({ dataDir: dir, threads: THREADS });
});

afterAll(async () => {
  await backend.close();
  await rm(dir, { recursive: true, force: true });
});

it("predicts a cached view's preview in one job per thread, each pixel as the full overlay has it", async () => {
  const { service, pool } = backend;
  const project = await service.openSampleProject();
  const imageId = project.images[0].id;
  await service.applyLabelChange({
    added: [
      planeStroke('b', imageId, 1, undefined, [300, 300, 340, 300], 4),
      planeStroke('n', imageId, 2, undefined, [100, 100, 104, 100], 4),
    ],
    removed: [],
  });
  const tiles = [];
  for (let y = 0; y < 512; y += 128)
    for (let x = 0; x < 512; x += 128) tiles.push({ x, y, width: 128, height: 128 });
  const jobs: string[] = [];
  const run = pool.run.bind(pool);
  pool.run = ((kind, input, options) => {
    jobs.push(kind);
    return run(kind, input, options);
  }) as typeof pool.run;
  const delivered: ProbabilityTile[] = [];
  const subscription = service.onDidUpdateTile((tile) => delivered.push(tile));
  const request = (requestId: number, stride: number) =>
    service.predictTiles({ requestId, viewId: 'v', imageId, tiles, retrain: true, stride });
  try {
    // No features cached yet: each tile goes on its own as its features are computed.
    expect((await request(1, STRIDE)).tilesDone).toBe(tiles.length);
    expect(jobs.filter((k) => k === 'predictFeatureBytes')).toHaveLength(tiles.length);
    expect(jobs).not.toContain('predictStridedBytes');
    expect((await request(2, 1)).tilesDone).toBe(tiles.length);
    jobs.length = 0;
    expect((await request(3, STRIDE)).tilesDone).toBe(tiles.length);
  } finally {
    subscription.dispose();
    pool.run = run;
  }
  expect(jobs.filter((k) => k === 'predictStridedBytes')).toHaveLength(THREADS);
  expect(jobs).not.toContain('predictFeatureBytes');

  const full = new Map(delivered.filter((t) => t.requestId === 2).map((t) => [`${t.rect.x},${t.rect.y}`, t]));
  const preview = delivered.filter((t) => t.requestId === 3);
  expect(preview.map((t) => `${t.rect.x},${t.rect.y}`).sort()).toEqual([...full.keys()].sort());
  for (const tile of preview) {
    const of = full.get(`${tile.rect.x},${tile.rect.y}`)!;
    const [w, h] = [tile.width, tile.height];
    expect([w, h, tile.stride]).toEqual([128 / STRIDE, 128 / STRIDE, STRIDE]);
    const atStride = (plane: Uint8Array, planes: number) =>
      Array.from({ length: planes * w * h }, (_, i) => {
        const [c, p] = [Math.floor(i / (w * h)), i % (w * h)];
        return plane[c * 128 * 128 + Math.floor(p / w) * STRIDE * 128 + (p % w) * STRIDE];
      });
    expect(Array.from(tile.probabilities)).toEqual(atStride(of.probabilities, tile.classCount));
    expect(tile.unexplained).toBeDefined();
    expect(Array.from(tile.unexplained!)).toEqual(atStride(of.unexplained!, 1));
  }
}, 60_000);
