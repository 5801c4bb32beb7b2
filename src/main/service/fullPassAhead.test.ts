/**
 * After a preview whose model is the full-resolution pass's own, the backend predicts the full tiles
 * before the window asks (fullPassAhead.ts): the request then shows exactly what it would have computed,
 * and after a stroke in between it shows the new model's tiles, never the pass ahead's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ProbabilityTile } from '../../core/protocol/types.js';
import type { Rect } from '../../core/tiling.js';
import { planeStroke } from '../../../test/helpers/backendOverWire.js';
import { createBackend, type Backend } from './createBackend.js';

let dir: string;
let backend: Backend;
let imageId: string;
let requestId = 0;
const tiles: Rect[] = [];
for (let y = 0; y < 512; y += 128)
  for (let x = 0; x < 512; x += 128) tiles.push({ x, y, width: 128, height: 128 });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-full-pass-ahead-'));
  backend = createBackend({ dataDir: dir, threads: 2 });
  const project = await backend.service.openSampleProject();
  imageId = project.images[0].id;
  // Two rounds of strokes, previews and full passes: the next live fit starts warm, so a preview gets
  // the full pass's own model (LiveModel.levelFor).
  await paint('s0', 1, 300, 300);
  for (const [i, classId, x, y] of [
    [1, 2, 100, 100],
    [2, 1, 420, 60],
    [3, 2, 200, 140],
  ]) {
    await paint(`s${i}`, classId, x, y);
    await predict(4, true);
    await predict(1, true);
  }
});

afterAll(async () => {
  await backend.close();
  await rm(dir, { recursive: true, force: true });
});

function paint(id: string, classId: number, x: number, y: number): Promise<void> {
  const points = [x, y, x + 8, y];
  return backend.service.applyLabelChange({
    added: [planeStroke(id, imageId, classId, undefined, points, 4)],
    removed: [],
  });
}

/** One request's tiles by place. */
async function predict(stride: number, retrain: boolean): Promise<Map<string, ProbabilityTile>> {
  const delivered = new Map<string, ProbabilityTile>();
  const id = ++requestId;
  const subscription = backend.service.onDidUpdateTile((t) => {
    if (t.requestId === id) delivered.set(`${t.rect.x},${t.rect.y}`, t);
  });
  try {
    const result = await backend.service.predictTiles({
      requestId: id,
      viewId: 'v',
      imageId,
      tiles,
      retrain,
      stride,
    });
    expect(result.tilesDone).toBe(tiles.length);
  } finally {
    subscription.dispose();
  }
  return delivered;
}

/** Full-resolution tile jobs from now on, with when each started. */
function watchTileJobs(): { starts: number[]; stop(): void } {
  const { pool } = backend;
  const run = pool.run.bind(pool);
  const starts: number[] = [];
  pool.run = ((kind, input, options) => {
    if (kind === 'predictFeatureBytes' && !(input as { subsample?: unknown }).subsample)
      starts.push(performance.now());
    return run(kind, input, options);
  }) as typeof pool.run;
  return { starts, stop: () => (pool.run = run) };
}

const bytesOf = (tilesByPlace: Map<string, ProbabilityTile>) =>
  [...tilesByPlace.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([place, t]) => [place, Array.from(t.probabilities), Array.from(t.unexplained ?? [])]);

it('starts the full tiles with the preview and shows them as the full request computes them', async () => {
  await paint('a1', 2, 220, 380);
  const jobs = watchTileJobs();
  let asked = 0;
  let full: Map<string, ProbabilityTile>;
  try {
    await predict(4, true);
    await new Promise((r) => setTimeout(r, 50)); // the window paints its preview meanwhile
    asked = performance.now();
    full = await predict(1, true);
  } finally {
    jobs.stop();
  }
  expect(jobs.starts.filter((t) => t < asked).length).toBeGreaterThan(0);
  expect(jobs.starts).toHaveLength(tiles.length); // the request ran none of its own
  expect(bytesOf(full)).toEqual(bytesOf(await predict(1, false)));
}, 60_000);

it('shows the new model after a stroke between the preview and the full request, not the pass ahead', async () => {
  await paint('b1', 1, 60, 470);
  await predict(4, true);
  await paint('b2', 2, 460, 200); // a stroke while the pass ahead runs for the model before it
  const full = await predict(1, true);
  expect(bytesOf(full)).toEqual(bytesOf(await predict(1, false)));
}, 60_000);
