/**
 * The window sends a stroke and the retraining request after it back to back, without waiting for the
 * stroke's answer: the prediction must still be trained on that stroke (here the stroke brings the
 * second class, so without it there would be no model and no overlay at all).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ProbabilityTile } from '../../core/protocol/types.js';
import { planeStroke } from '../../../test/helpers/backendOverWire.js';
import { createBackend, type Backend } from './createBackend.js';

let dir: string;
let backend: Backend;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-stroke-then-predict-'));
  backend = createBackend({ dataDir: dir, threads: 2 });
});

afterAll(async () => {
  await backend.close();
  await rm(dir, { recursive: true, force: true });
});

it('trains a prediction sent right after a stroke, before its answer, on that stroke', async () => {
  const { service } = backend;
  const project = await service.openSampleProject();
  const imageId = project.images[0].id;
  await service.applyLabelChange({
    added: [planeStroke('b', imageId, 1, undefined, [300, 300, 340, 300], 4)],
    removed: [],
  });
  const tiles = [{ x: 0, y: 0, width: 256, height: 256 }];
  const delivered: ProbabilityTile[] = [];
  const subscription = service.onDidUpdateTile((tile) => delivered.push(tile));
  try {
    const stroke = service.applyLabelChange({
      added: [planeStroke('n', imageId, 2, undefined, [100, 100, 104, 100], 4)],
      removed: [],
    });
    const preview = service.predictTiles({
      requestId: 1,
      viewId: 'v',
      imageId,
      tiles,
      retrain: true,
      stride: 4,
    });
    const [, result] = await Promise.all([stroke, preview]);
    expect(result.hasModel).toBe(true);
    expect(result.tilesDone).toBe(1);
  } finally {
    subscription.dispose();
  }
  expect(delivered).toHaveLength(1);
  expect(delivered[0].classCount).toBe(project.classes.length);
}, 60_000);
