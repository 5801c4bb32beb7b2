/**
 * "Suggest features" through the real backend (worker pool, feature bank) over the in-memory protocol:
 * it ranks on the sample's scribbles with progress, a stroke's preview still arrives while it runs (the
 * window never freezes), one suggestion applies with setFeatureSelection, and cancel stops it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetSelection } from '../../core/features/selection.js';
import type { Stroke } from '../../core/labels/Stroke.js';
import { createInMemoryProtocolPair } from '../../core/protocol/InMemoryProtocol.js';
import type { MixelService } from '../../core/protocol/MixelService.js';
import { connectService, serveService } from '../../core/protocol/rpc.js';
import type { Progress, ProjectImage } from '../../core/protocol/types.js';
import { createBackend, type Backend } from './createBackend.js';

let dir: string;
let backend: Backend;
let client: MixelService;
let image: ProjectImage;

function stroke(classId: number, points: number[], id: string): Stroke {
  return {
    id,
    kind: 'stroke',
    imageId: image.id,
    classId,
    radiusPx: 3,
    mode: 'paint',
    points: new Float32Array(points),
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-suggest-'));
  backend = createBackend({ dataDir: dir, threads: 2 });
  const [a, b] = createInMemoryProtocolPair();
  serveService(backend.service, a);
  client = connectService(b);
  image = (await client.openSampleProject()).images[0];
  // Brightest and darkest spots of the sample: a nucleus and the background.
  const tile = await client.getImageTile({
    imageId: image.id,
    level: 0,
    rect: { x: 0, y: 0, width: 512, height: 512 },
  });
  const plane = tile.channels[0];
  let bright = 0;
  let dark = 0;
  for (let i = 0; i < plane.length; i++) {
    if (plane[i] > plane[bright]) bright = i;
    if (plane[i] < plane[dark]) dark = i;
  }
  const [bx, by, dx, dy] = [bright % 512, Math.floor(bright / 512), dark % 512, Math.floor(dark / 512)];
  await client.applyLabelChange({
    added: [stroke(2, [bx - 3, by, bx + 3, by], 'n'), stroke(1, [dx - 10, dy, dx + 10, dy], 'b')],
    removed: [],
  });
}, 60_000);

afterAll(async () => {
  await backend.close();
  await rm(dir, { recursive: true, force: true });
});

const view = { x: 0, y: 0, width: 512, height: 512 };
/** A stroke's preview (quick fit on cached features, one tile at stride 4): ~0.1–0.5 s; loaded, more. */
const MAX_PREVIEW_MS_WHILE_RANKING = 4_000;

describe('suggestFeatures on the pool', () => {
  it('ranks sets with scores and previews while a stroke preview still arrives, and one applies', async () => {
    // A selection other than ilastik's default (smoothing at 0.3 off), so the ranking computes the full
    // bank on the scribbled tiles itself — seconds of pool work a stroke's preview must not wait behind.
    const selection = presetSelection('default');
    await client.setFeatureSelection({
      scales: selection.scales,
      enabled: selection.enabled.map((row, r) => row.map((on, j) => on && !(r === 0 && j === 0))),
    });
    // As in the window: painting has been predicting live, so the labelled tiles' features are cached.
    const tiles = [0, 256].flatMap((y) => [0, 256].map((x) => ({ x, y, width: 256, height: 256 })));
    await client.predictTiles({
      requestId: 100,
      viewId: 'suggest-test',
      imageId: image.id,
      tiles,
      retrain: true,
    });
    const progress: Progress[] = [];
    const sub = client.onDidProgress((p) => p.task === 'Suggesting features' && progress.push(p));
    const suggesting = client.suggestFeatures({ requestId: 101, imageId: image.id, viewRect: view });
    let suggestDone = false;
    void suggesting.then(() => (suggestDone = true));
    // Wait until the ranking is under way, then paint: the stroke's preview must not wait for it.
    while (progress.length === 0) await new Promise((r) => setTimeout(r, 10));
    await client.applyLabelChange({ added: [stroke(1, [20, 20, 40, 20], 'extra')], removed: [] });
    expect(suggestDone).toBe(false); // the stroke went in while the ranking ran
    const preview = await client.predictTiles({
      requestId: 102,
      viewId: 'suggest-test',
      imageId: image.id,
      tiles: [{ x: 0, y: 0, width: 256, height: 256 }],
      retrain: true,
      stride: 4,
    });
    expect(preview.hasModel).toBe(true);
    // Its preview did not wait for the ranking (a few seconds of pool work on a loaded machine): the
    // ranking's jobs are small and sent one at a time, so the preview's jobs get a thread in between.
    expect(preview.totalMs).toBeLessThan(MAX_PREVIEW_MS_WHILE_RANKING);

    const result = await suggesting;
    sub.dispose();
    expect(result.isCancelled).toBe(false);
    expect(result.suggestions.length).toBeGreaterThanOrEqual(3);
    const top = result.suggestions[0];
    expect(top.accuracy).toBeGreaterThan(0.9);
    expect(top.featureCount).toBeGreaterThan(0);
    expect(top.preview).toHaveLength(result.previewRect.width * result.previewRect.height);
    expect(new Set(top.preview)).toEqual(new Set([1, 2]));
    expect(result.previewRect).toEqual({ x: 192, y: 192, width: 128, height: 128 });
    expect(progress.at(-1)!.done).toBe(progress.at(-1)!.total);

    const applied = await client.setFeatureSelection(top.features);
    expect(applied.features).toEqual(top.features);
  }, 120_000);

  it('stops when cancelled and says so', async () => {
    const started = performance.now();
    const first = new Promise<void>((resolve) => {
      const sub = client.onDidProgress((p) => {
        if (p.requestId === 201) {
          sub.dispose();
          resolve();
        }
      });
    });
    const suggesting = client.suggestFeatures({ requestId: 201, imageId: image.id, viewRect: view });
    await first;
    await client.cancel(201);
    const result = await suggesting;
    expect(result.isCancelled).toBe(true);
    expect(result.suggestions).toEqual([]);
    expect(performance.now() - started).toBeLessThan(30_000);
  }, 60_000);
});
