/**
 * Per-image adaptation runs on the worker pool (job 'adaptModel'): it gives the model the same calls in
 * one thread give, and the window's server answers requests while an image's adaptation is being fitted
 * (in-thread, no request could be answered until the fit ended). Workers run dist/: build first.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdaptationChoice } from '../../src/core/classifier/adaptation/adaptationConstants.js';
import type { FittedClassifier } from '../../src/core/classifier/PixelClassifier.js';
import {
  adaptedResult,
  adaptModelInThread,
  type AdaptModelInput,
} from '../../src/main/engine/jobs/adaptModelJob.js';
import { WorkerPool } from '../../src/main/engine/WorkerPool.js';
import { readImage } from '../../src/main/io/openImage.js';
import { writeIntegerImage } from '../../src/main/io/writeIntegerImage.js';
import { writeSyntheticSample } from '../../src/main/sample/writeSyntheticSample.js';
import { createBackend, type Backend } from '../../src/main/service/createBackend.js';
import { trainSampleProject } from '../cli/cliHarness.js';
import { testImage, trainOn } from './adaptationHelpers.js';

const brighter = (v: number) => 1.8 * v + 500;

describe("job 'adaptModel'", () => {
  let pool: WorkerPool;
  let model: FittedClassifier;

  beforeAll(() => {
    pool = new WorkerPool({ threads: 2 });
    model = trainOn(1);
  }, 60_000);

  afterAll(() => pool.close());

  const images = new Map<string, ReturnType<typeof testImage>>();
  const imageOf = (key: 'brighter' | 'as is') => {
    if (!images.has(key)) images.set(key, key === 'brighter' ? testImage(2, brighter) : testImage(3));
    return images.get(key)!;
  };

  // Both outcomes are compared: a fit that adapts (auto on the brighter copy, the EM-fitted affine map)
  // and one that leaves the model as it is (auto on an image without drift).
  const cases: [string, 'brighter' | 'as is', AdaptationChoice, boolean][] = [
    ['a brighter copy, auto', 'brighter', 'auto', true],
    ['an image without drift, auto', 'as is', 'auto', false],
    ['a brighter copy, the EM-fitted affine map', 'brighter', 'affine', true],
  ];

  it.each(cases)(
    'gives the in-thread fit exactly: %s',
    async (_name, key, choice, isAdapted) => {
      const image = imageOf(key);
      const input: AdaptModelInput = { model, planes: image.features, choice, classNames: ['bg', 'nuclei'] };
      const inThread = adaptModelInThread(input);
      expect(inThread.applied !== 'none').toBe(isAdapted);
      const copies = image.features.map((p) => p.slice());
      const output = await pool.run(
        'adaptModel',
        { ...input, planes: copies },
        { transfer: copies.map((p) => p.buffer as ArrayBuffer) },
      );
      const onPool = adaptedResult(model, output);
      expect(onPool).toEqual(inThread);
      if (isAdapted) {
        expect(onPool.model).not.toBe(model);
      } else {
        // Callers recognise "not adapted" by identity: the trained model itself, not a copy from the worker.
        expect(output.adapted).toBeNull();
        expect(onPool.model).toBe(model);
      }
    },
    60_000,
  );
});

describe('the window while an image is being adapted', () => {
  const SIZE = 384;
  let dir: string;
  let backend: Backend;
  let projectPath: string;
  let copyPath: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mixel-adapt-pool-'));
    const sample = await writeSyntheticSample(join(dir, 'sample'), { width: SIZE, height: SIZE, seed: 3 });
    projectPath = join(dir, 'p.mixel');
    expect((await trainSampleProject(sample, projectPath)).code).toBe(0);
    const values = (await readImage(sample.image)).image.channels[0];
    copyPath = join(dir, 'brighter.tif');
    await writeIntegerImage(
      copyPath,
      Uint16Array.from(values, (v) => Math.min(65535, 2 * v + 800)),
      SIZE,
      SIZE,
    );
    backend = createBackend({ dataDir: dir, threads: 2 });
  }, 120_000);

  afterAll(async () => {
    await backend.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves image tiles between the start and the end of the adaptation fit', async () => {
    const service = backend.service;
    await service.openProject(projectPath);
    const copy = (await service.addImage(copyPath)).id;
    // Watch the pool for the fit: when it was handed over and when its result came back.
    const fit = { start: 0, end: 0, jobs: 0 };
    const run = backend.pool.run.bind(backend.pool);
    backend.pool.run = ((kind, input, options) => {
      if (kind !== 'adaptModel') return run(kind, input, options);
      fit.jobs++;
      fit.start = performance.now();
      return run(kind, input, options).finally(() => (fit.end = performance.now()));
    }) as typeof backend.pool.run;

    const exported = service.exportImages({
      requestId: 41,
      imageIds: [copy],
      sources: ['simple-segmentation'],
      format: 'tiff',
      outputPattern: join(dir, 'export', '{name}_{source}.{ext}'),
    });
    let isDone = false;
    void exported.finally(() => (isDone = true));
    const served: { start: number; end: number }[] = [];
    while (!isDone) {
      const start = performance.now();
      const tile = await service.getImageTile({
        imageId: copy,
        level: 0,
        rect: { x: 0, y: 0, width: 64, height: 64 },
      });
      expect(tile.width).toBe(64);
      served.push({ start, end: performance.now() });
      // A window asks again on its next frame, not in a tight microtask loop.
      await new Promise((resolve) => setTimeout(resolve, 4));
    }
    const result = await exported;
    expect(result.images[0].paths?.length).toBe(1);
    expect(fit.jobs).toBe(1);
    const during = served.filter((s) => s.start >= fit.start && s.end <= fit.end);
    const latencies = during.map((s) => s.end - s.start).sort((a, b) => a - b);
    console.log(
      `adaptation fit on the pool ${(fit.end - fit.start).toFixed(0)} ms; ${during.length} image tiles ` +
        `served meanwhile, latency median ${latencies[latencies.length >> 1]?.toFixed(1)} ms, ` +
        `max ${latencies[latencies.length - 1]?.toFixed(1)} ms`,
    );
    expect(during.length).toBeGreaterThan(0);
  }, 120_000);
});
