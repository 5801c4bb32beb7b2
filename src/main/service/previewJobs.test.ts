/**
 * A preview after a stroke (every 4th pixel of the view's tiles) goes to the workers in one job per
 * thread once the tiles' features are cached, not one job per tile: each job's fixed cost was most of a
 * preview (2.5 ms of CPU per 256² tile at stride 4, against 14 ms for the whole tile); and from the second
 * preview on, each tile's strided planes are read whole from the cache instead of gathered from the full
 * ones. What it shows is unchanged: every preview pixel is the full-resolution overlay's pixel there.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ProbabilityTile } from '../../core/protocol/types.js';
import type { Rect } from '../../core/tiling.js';
import { paintedSample } from '../../../test/helpers/backendOverWire.js';
import { createBackend, type Backend } from './createBackend.js';
import type { ClassifierEngine, TrainedModel } from './ClassifierEngine.js';
import { FeatureTileCache } from './FeatureTileCache.js';
import type { PredictStridedInput } from './jobs/predictFeaturesJob.js';
import type { OpenImage } from './projectImage.js';
import { TilePredictor } from './TilePredictor.js';

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
  const imageId = await paintedSample(service);
  const tiles: Rect[] = [];
  for (let y = 0; y < 512; y += 128)
    for (let x = 0; x < 512; x += 128) tiles.push({ x, y, width: 128, height: 128 });
  const jobs: string[] = [];
  const strides: number[][] = [];
  const run = pool.run.bind(pool);
  pool.run = ((kind, input, options) => {
    // Full-resolution tiles (the pass a preview starts ahead, fullPassAhead.ts) are not the preview's.
    const isFullTile = kind === 'predictFeatureBytes' && !(input as { subsample?: unknown }).subsample;
    jobs.push(isFullTile ? 'full tile' : kind);
    if (kind === 'predictStridedBytes')
      strides.push((input as PredictStridedInput).tiles.map((t) => t.subsample.stride));
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
    expect(jobs.filter((k) => k === 'predictStridedBytes')).toHaveLength(THREADS);
    expect(jobs).not.toContain('predictFeatureBytes');
    // The first grouped preview kept each tile's strided planes: the next reads them whole (stride 1).
    expect(strides.flat()).toEqual(tiles.map(() => STRIDE));
    expect((await request(4, STRIDE)).tilesDone).toBe(tiles.length);
    expect(strides.slice(THREADS).flat()).toEqual(tiles.map(() => 1));
  } finally {
    subscription.dispose();
    pool.run = run;
  }

  const full = new Map(delivered.filter((t) => t.requestId === 2).map((t) => [`${t.rect.x},${t.rect.y}`, t]));
  const preview = delivered.filter((t) => t.requestId === 3 || t.requestId === 4);
  expect(
    preview
      .filter((t) => t.requestId === 3)
      .map((t) => `${t.rect.x},${t.rect.y}`)
      .sort(),
  ).toEqual([...full.keys()].sort());
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

it('keeps no strided planes of features the cache dropped during the preview (features changed)', async () => {
  const cache = new FeatureTileCache();
  const rect = { x: 0, y: 0, width: 8, height: 8 };
  const key = FeatureTileCache.key('a', rect);
  const planes = () => {
    const shared = new SharedArrayBuffer(2 * 64 * 4);
    return [0, 1].map((c) => new Float32Array(shared, c * 64 * 4, 64));
  };
  cache.set(key, planes());
  const engine = {
    predictStridedBytes: async () => {
      // The user changed the features while the job ran: the service cleared the cache, then the new
      // features of the tile were computed.
      cache.clear();
      cache.set(key, planes());
      return { probabilities: [new Uint8Array(4), new Uint8Array(4)], unexplained: null };
    },
  } as unknown as ClassifierEngine;
  const predictor = new TilePredictor(engine, cache);
  const image = { info: { id: 'a', width: 8, height: 8 } } as OpenImage;
  const model = { classIds: [1, 2], featureCount: 2, fitted: null, key: 'm' } as TrainedModel;
  const classes = [
    { id: 1, name: 'a', color: '#000000' },
    { id: 2, name: 'b', color: '#ffffff' },
  ];
  const selection = { scales: [1], enabled: [[true]] };
  const predicted = await predictor.predictStridedTiles(image, [rect], 4, model, classes, selection);
  expect(predicted).toHaveLength(1);
  expect(cache.size).toBe(1); // the new features only, no strided planes of the old ones
});
