/**
 * `mixel predict --adapt` end to end: a project trained on one synthetic image segments a copy whose
 * exposure changed (gain and offset of the 16-bit intensities) as well as the original, where without
 * adaptation the copy is lost; the project file is not changed by prediction.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../../src/main/io/openImage.js';
import { writeIntegerImage } from '../../src/main/io/writeIntegerImage.js';
import { writeSyntheticSample } from '../../src/main/sample/writeSyntheticSample.js';
import { runMixel, trainSampleProject } from '../cli/cliHarness.js';
import { meanIou } from './adaptationHelpers.js';

const SIZE = 192;
let dir: string;
let sample: { image: string; scribbles: string; truth: string };
let projectPath: string;
let shifted: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-adapt-'));
  sample = await writeSyntheticSample(join(dir, 'sample'), { width: SIZE, height: SIZE, seed: 3 });
  projectPath = join(dir, 'p.mixel');
  const train = await trainSampleProject(sample, projectPath);
  expect(train.code).toBe(0);
  // The same scene under a brighter exposure: twice the signal on a higher camera offset.
  const values = (await readImage(sample.image)).image.channels[0];
  shifted = join(dir, 'brighter.tif');
  await writeIntegerImage(
    shifted,
    Uint16Array.from(values, (v) => Math.min(65535, 2 * v + 800)),
    SIZE,
    SIZE,
  );
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

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
    shifted,
  ]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const truth = Uint8Array.from((await readImage(sample.truth)).image.channels[0]);
  const score = async (name: string) =>
    meanIou(Uint8Array.from((await readImage(join(dir, out, `${name}.tif`))).image.channels[0]), truth);
  const events = r.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { event: string; applied?: string; image?: string });
  const applied = (image: string) => events.find((e) => e.event === 'adapted' && e.image === image)?.applied;
  return {
    original: await score('sample'),
    shifted: await score('brighter'),
    appliedToShifted: applied(shifted),
  };
}

describe('mixel predict --adapt', () => {
  it('segments a brightness-shifted copy as well as the original, and leaves the project as it was', async () => {
    const before = await sha(projectPath);
    const off = await predict('off', 'off');
    const auto = await predict('auto', 'auto');
    // Without adaptation the copy is lost: the drift is real.
    expect(off.shifted).toBeLessThan(off.original - 0.2);
    expect(auto.appliedToShifted).not.toBe('none');
    expect(auto.shifted).toBeGreaterThan(off.original - 0.05);
    // The image trained on is not made worse by auto.
    expect(auto.original).toBeGreaterThanOrEqual(off.original - 0.01);
    expect(await sha(projectPath)).toBe(before);
  }, 120_000);

  it('refuses an unknown method as a usage error', async () => {
    const r = await runMixel(['predict', '--project', projectPath, '--adapt', 'sometimes', sample.image]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sometimes is not known: use auto, off/);
  });
});
