/**
 * `mixel predict --adapt auto` on an image far noisier than the one the project was trained on: the
 * model is widened to the extra noise (noise matching) and the image segments better than unadapted; an
 * image as noisy as the training one is left to the other adaptations; the project file is not changed.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/random.js';
import { readImage } from '../../src/main/io/openImage.js';
import { writeIntegerImage } from '../../src/main/io/writeIntegerImage.js';
import { writeSyntheticSample } from '../../src/main/sample/writeSyntheticSample.js';
import { runMixel, trainSampleProject } from '../cli/cliHarness.js';
import { meanIou } from './adaptationHelpers.js';

const SIZE = 192;
let dir: string;
let sample: { image: string; scribbles: string; truth: string };
let projectPath: string;
let noisy: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-noise-'));
  sample = await writeSyntheticSample(join(dir, 'sample'), { width: SIZE, height: SIZE, seed: 3 });
  projectPath = join(dir, 'p.mixel');
  expect((await trainSampleProject(sample, projectPath)).code).toBe(0);
  // The same scene from a noisier camera: Gaussian noise of 6 % of the intensity range on every pixel.
  const values = (await readImage(sample.image)).image.channels[0];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const rng = new SeededRandom(9);
  noisy = join(dir, 'noisy.tif');
  await writeIntegerImage(
    noisy,
    Uint16Array.from(values, (v) =>
      Math.max(0, Math.min(65535, Math.round(v + 0.06 * (hi - lo) * rng.nextNormal()))),
    ),
    SIZE,
    SIZE,
  );
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function predict(adapt: string, out: string) {
  const r = await runMixel([
    'predict',
    '--project',
    projectPath,
    '--adapt',
    adapt,
    '--export',
    'Simple Segmentation',
    '--json',
    '--output',
    join(dir, out, '{nickname}.{ext}'),
    sample.image,
    noisy,
  ]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const truth = Uint8Array.from((await readImage(sample.truth)).image.channels[0]);
  const score = async (name: string) =>
    meanIou(Uint8Array.from((await readImage(join(dir, out, `${name}.tif`))).image.channels[0]), truth);
  const events = r.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { event: string; reason?: string; image?: string });
  const reason = (image: string) => events.find((e) => e.event === 'adapted' && e.image === image)?.reason;
  return { noisy: await score('noisy'), reasonNoisy: reason(noisy), reasonOriginal: reason(sample.image) };
}

describe('mixel predict on a noisier image', () => {
  it('widens the model to the image noise and segments it better than unadapted', async () => {
    const before = createHash('sha256')
      .update(await readFile(projectPath))
      .digest('hex');
    const off = await predict('off', 'off');
    const auto = await predict('auto', 'auto');
    expect(auto.reasonNoisy).toMatch(/noise sd .* model widened/);
    expect(auto.reasonOriginal ?? '').not.toMatch(/noise/);
    expect(auto.noisy).toBeGreaterThan(off.noisy + 0.2);
    expect(
      createHash('sha256')
        .update(await readFile(projectPath))
        .digest('hex'),
    ).toBe(before);
  }, 120_000);
});
