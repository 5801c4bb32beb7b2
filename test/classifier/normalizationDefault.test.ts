/**
 * The normalization a new project gets (chosen on bench:transfer, README "Intensity normalization"):
 * `mixel train` without --normalize and the window's New project both use percentile normalization with the
 * square root, the project file remembers it with each image's range, and such a project segments an image
 * taken at another exposure without any adaptation.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_NORMALIZATION_MODE } from '../../src/core/normalization.js';
import { createBackend, type Backend } from '../../src/main/service/createBackend.js';
import { readImage } from '../../src/main/io/openImage.js';
import { writeIntegerImage } from '../../src/main/io/writeIntegerImage.js';
import { writeSyntheticSample } from '../../src/main/sample/writeSyntheticSample.js';
import { runMixel } from '../cli/cliHarness.js';
import { meanIou } from './adaptationHelpers.js';

const SIZE = 160;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-normalization-default-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('default normalization of a new project', () => {
  it('is percentile per image with the square root', () => {
    expect(DEFAULT_NORMALIZATION_MODE).toBe('percentile-sqrt');
  });

  it('mixel train without --normalize stores it with the image range, and the project transfers to another exposure', async () => {
    const sample = await writeSyntheticSample(join(dir, 'sample'), { width: SIZE, height: SIZE, seed: 5 });
    const project = join(dir, 'p.mixel');
    const train = await runMixel([
      'train',
      ...['--image', sample.image, '--labels', sample.scribbles, '--out', project, '--threads', '1'],
    ]);
    expect(train.code, train.stderr).toBe(0);
    const saved = JSON.parse(await readFile(project, 'utf8')) as {
      normalization: { mode: string };
      images: { normalization?: { low: number[]; high: number[] } }[];
    };
    expect(saved.normalization.mode).toBe('percentile-sqrt');
    expect(saved.images[0].normalization?.high[0]).toBeGreaterThan(saved.images[0].normalization!.low[0]);
    // The same scene with three times the gain on a camera offset 20000 higher.
    const values = (await readImage(sample.image)).image.channels[0];
    const brighter = join(dir, 'brighter.tif');
    await writeIntegerImage(
      brighter,
      Uint16Array.from(values, (v) => Math.min(65535, 3 * v + 20000)),
      SIZE,
      SIZE,
    );
    const predict = await runMixel([
      'predict',
      ...['--project', project, '--export', 'Simple Segmentation', '--adapt', 'off'],
      ...['--output', join(dir, 'out', '{nickname}.{ext}'), sample.image, brighter],
    ]);
    expect(predict.code, predict.stderr).toBe(0);
    const truth = Uint8Array.from((await readImage(sample.truth)).image.channels[0]);
    const score = async (name: string) =>
      meanIou(Uint8Array.from((await readImage(join(dir, 'out', `${name}.tif`))).image.channels[0]), truth);
    const original = await score('sample');
    expect(original).toBeGreaterThan(0.7);
    expect(await score('brighter')).toBeGreaterThan(original - 0.03);
  }, 120_000);

  it('the window starts a new project with the same normalization', async () => {
    const backend: Backend = createBackend({ dataDir: join(dir, 'data'), threads: 1 });
    try {
      expect((await backend.service.newProject()).normalization).toBe(DEFAULT_NORMALIZATION_MODE);
      await backend.service.setNormalization('none');
      // New project resets what the previous project chose.
      expect((await backend.service.newProject()).normalization).toBe(DEFAULT_NORMALIZATION_MODE);
    } finally {
      await backend.close();
    }
  }, 60_000);
});
