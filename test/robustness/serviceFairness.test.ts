/**
 * predictTiles between windows (issue 10, defect 6): one window's call used to cancel every other
 * window's ("3143 of 3146 cancelled under 50 clients"). A call now supersedes only older calls of the same
 * view id, and each tile names the view it answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MixelService } from '../../src/core/protocol/MixelService.js';
import type { PredictRequest, ProbabilityTile, Rect } from '../../src/core/protocol/types.js';
import { serveBackend, type ServedBackend } from './serviceHarness.js';
import { connectClient, processKillers } from './serverHarness.js';

type Client = Awaited<ReturnType<typeof connectClient>>;

let served: ServedBackend;
let clients: Client[];
let imageId: string;
const tiles: Rect[] = [0, 256].flatMap((y) => [0, 256].map((x) => ({ x, y, width: 256, height: 256 })));

beforeAll(async () => {
  served = await serveBackend({ threads: 2 });
  clients = await Promise.all([1, 2, 3, 4, 5, 6].map(() => connectClient(served.server)));
  const first = clients[0].service;
  imageId = (await first.getProject()).images[0].id;
  const stroke = (id: string, classId: number, points: number[]) => ({
    id,
    kind: 'stroke' as const,
    imageId,
    classId,
    radiusPx: 4,
    mode: 'paint' as const,
    points: new Float32Array(points),
  });
  // The sample: nuclei (class 2) on a dark background (class 1); a model so predictions do real work.
  await first.applyLabelChange({
    added: [stroke('bg', 1, [10, 10, 60, 10, 60, 60]), stroke('fg', 2, [250, 250, 262, 262])],
    removed: [],
  });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await served.close();
  expect(processKillers).toEqual([]);
});

function request(requestId: number, viewId: string, stride = 1): PredictRequest {
  return { requestId, viewId, imageId, tiles, retrain: true, stride };
}

describe('predictTiles between windows', () => {
  it('two windows interleaving (even with the same request ids) do not cancel each other', async () => {
    const [a, b] = clients;
    const toA: ProbabilityTile[] = [];
    const toB: ProbabilityTile[] = [];
    const subs = [
      a.service.onDidUpdateTile((t) => toA.push(t)),
      b.service.onDidUpdateTile((t) => toB.push(t)),
    ];
    const results = await Promise.all([
      a.service.predictTiles(request(1, 'window-a')),
      b.service.predictTiles(request(1, 'window-b')),
      a.service.predictTiles(request(2, 'window-a', 2)), // supersedes a's first call only
    ]);
    for (const sub of subs) sub.dispose();
    expect(results[0]).toMatchObject({ isCancelled: true });
    expect(results[1]).toMatchObject({ isCancelled: false, hasModel: true, tilesDone: 4 });
    expect(results[2]).toMatchObject({ isCancelled: false, hasModel: true, tilesDone: 4 });
    // Every tile says which window asked for it; each window receives its own.
    expect(toB.map((t) => t.viewId)).toEqual(Array(4).fill('window-b'));
    expect(toA.filter((t) => t.requestId === 2).map((t) => t.viewId)).toEqual(Array(4).fill('window-a'));
  });

  it("the same window's newer call still supersedes its older one", async () => {
    const [a] = clients;
    const older = a.service.predictTiles(request(10, 'window-a'));
    const newer = a.service.predictTiles(request(11, 'window-a'));
    expect(await older).toMatchObject({ isCancelled: true });
    expect(await newer).toMatchObject({ isCancelled: false, tilesDone: 4 });
  });

  it('six windows panning at once: none of their calls is cancelled by another window', async () => {
    const pan = async (service: MixelService, view: string) => {
      const outcomes: boolean[] = [];
      for (let i = 0; i < 4; i++) {
        const result = await service.predictTiles(request(100 + i, view, 1 + (i % 3)));
        outcomes.push(result.isCancelled);
      }
      return outcomes;
    };
    const outcomes = (await Promise.all(clients.map((c, i) => pan(c.service, `window-${i}`)))).flat();
    expect(outcomes.filter(Boolean)).toHaveLength(0);
    expect(outcomes).toHaveLength(24);
  });

  it('refuses a view id that is not a short string', async () => {
    const [a] = clients;
    for (const viewId of ['', 'x'.repeat(65), 42]) {
      await expect(
        a.service.predictTiles({ ...request(1, 'x'), viewId: viewId as string }),
      ).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringContaining('viewId') });
    }
  });
});
