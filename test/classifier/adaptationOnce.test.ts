/**
 * `mixel predict` of a plane whose features fit in memory computes them once (predictOnce.ts): the
 * adaptation's sample comes from them and the plane is predicted from them. It must choose what the
 * window path (features of sample windows, then prediction tile by tile) chooses and segment the image
 * the same. Workers run dist/: build first.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSyntheticSample } from '../../src/core/sample/syntheticCells.js';
import {
  ADAPTATION_WINDOW_COUNT,
  ADAPTATION_WINDOW_SIZE,
} from '../../src/core/classifier/adaptation/adaptationConstants.js';
import { predictBatch, type BatchEvent } from '../../src/main/batch/predictBatch.js';
import { fitsOnce } from '../../src/main/batch/predictOnce.js';
import { WorkerPool } from '../../src/main/engine/WorkerPool.js';
import { readImage } from '../../src/main/io/openImage.js';
import { writeIntegerImage } from '../../src/main/io/writeIntegerImage.js';
import { loadProject } from '../../src/main/project/projectFile.js';
import { writeSyntheticSample } from '../../src/main/sample/writeSyntheticSample.js';
import { trainSampleProject } from '../cli/cliHarness.js';
import { writeNoisyCopy } from './adaptationHelpers.js';

// Larger than the sample windows together, so the window path takes windows and not the image whole.
const WIDTH = 640;
const HEIGHT = 448;

describe('adaptation and prediction from features computed once', () => {
  let dir: string;
  let pool: WorkerPool;
  let projectPath: string;
  const images: Record<'brighter' | 'as trained' | 'noisier', string> = {
    brighter: '',
    'as trained': '',
    noisier: '',
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mixel-adapt-once-'));
    pool = new WorkerPool({ threads: 2 });
    const train = await writeSyntheticSample(join(dir, 'train'), { width: 384, height: 384, seed: 5 });
    projectPath = join(dir, 'p.mixel');
    expect((await trainSampleProject(train, projectPath)).code).toBe(0);
    const other = makeSyntheticSample({ width: WIDTH, height: HEIGHT, seed: 6 });
    images['as trained'] = join(dir, 'as-trained.tif');
    await writeIntegerImage(images['as trained'], other.image, WIDTH, HEIGHT);
    images.brighter = join(dir, 'brighter.tif');
    const brighter = Uint16Array.from(other.image, (v) => Math.min(65535, 1.8 * v + 600));
    await writeIntegerImage(images.brighter, brighter, WIDTH, HEIGHT);
    // Noise of 6 % of the range: noise matching widens the model, from the same noise estimate either way.
    images.noisier = join(dir, 'noisier.tif');
    await writeNoisyCopy(images.noisier, other.image, WIDTH, HEIGHT, 0.06, 4);
  }, 120_000);

  afterAll(async () => {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The plane's adaptation and its segmentation, by one path or the other. */
  async function predicted(image: string, path: 'once' | 'windows') {
    const events: BatchEvent[] = [];
    const summary = await predictBatch({
      project: await loadProject(projectPath),
      images: [image],
      targets: [
        { result: 'Simple Segmentation', format: 'tiff', sampleType: 'uint8' },
        { result: 'Features', format: 'tiff', sampleType: 'float32' },
      ],
      outputTemplate: join(dir, path, '{nickname}_{result_type}.{ext}'),
      pool,
      onceFeatureBytes: path === 'once' ? undefined : 0,
      onEvent: (e) => events.push(e),
    });
    expect(summary.failed).toEqual([]);
    const adapted = events.find((e) => e.type === 'adapted');
    const done = events.find((e) => e.type === 'done');
    if (adapted?.type !== 'adapted' || done?.type !== 'done') throw new Error('no adapted or done event');
    const labels = (await readImage(done.outputs[0])).image.channels[0];
    const features = (await readImage(done.outputs[1])).image.channels;
    return { applied: adapted.applied, reason: adapted.reason, labels, features };
  }

  it('is the path a plane of this size takes, one whose windows are not the whole image', () => {
    expect(fitsOnce(WIDTH, HEIGHT, 49)).toBe(true);
    expect(WIDTH * HEIGHT).toBeGreaterThan(ADAPTATION_WINDOW_COUNT * ADAPTATION_WINDOW_SIZE ** 2);
  });

  it.each(['brighter', 'as trained', 'noisier'] as const)(
    'chooses as the window path does, segments the same and exports the same features: %s',
    async (key) => {
      const once = await predicted(images[key], 'once');
      const windows = await predicted(images[key], 'windows');
      expect(once.applied).toBe(windows.applied);
      expect(once.reason).toBe(windows.reason);
      if (key === 'brighter') expect(once.applied).not.toBe('none');
      // The note gives both noise estimates to four digits: equal reasons, equal estimates.
      expect(/noise sd/.test(once.reason)).toBe(key === 'noisier');
      let differ = 0;
      for (let i = 0; i < once.labels.length; i++) if (once.labels[i] !== windows.labels[i]) differ++;
      expect(once.labels.length).toBe(WIDTH * HEIGHT);
      // The same model on the same features: a pixel may differ only by the float rounding of the fit.
      expect(differ).toBeLessThanOrEqual(1e-4 * WIDTH * HEIGHT);
      expect(new Set(once.labels).size).toBe(2);
      // The Features export writes the features the plane was predicted from, the same either way.
      expect(once.features.length).toBe(49);
      let unequal = 0;
      once.features.forEach((plane, c) => {
        const other = windows.features[c];
        for (let i = 0; i < plane.length; i++) if (plane[i] !== other[i]) unequal++;
      });
      expect(unequal).toBe(0);
    },
    120_000,
  );
});
