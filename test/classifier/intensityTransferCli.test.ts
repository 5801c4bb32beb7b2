/**
 * `mixel predict --adapt intensity` end to end: a project trained on one synthetic image meets a copy whose
 * intensities went through a gamma; the fitted intensity transfer is applied to the copy before its features
 * are computed, and the copy segments clearly better than without it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
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
let bent: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-intensity-'));
  sample = await writeSyntheticSample(join(dir, 'sample'), { width: SIZE, height: SIZE, seed: 3 });
  projectPath = join(dir, 'p.mixel');
  expect((await trainSampleProject(sample, projectPath)).code).toBe(0);
  // The same scene through a gamma of 0.4 on its own range: the dim background brightens the most.
  const values = (await readImage(sample.image)).image.channels[0];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  bent = join(dir, 'bent.tif');
  const curve = (v: number) => Math.round(lo + (hi - lo) * ((v - lo) / (hi - lo)) ** 0.4);
  await writeIntegerImage(bent, Uint16Array.from(values, curve), SIZE, SIZE);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function predict(adapt: string) {
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
    join(dir, adapt, '{nickname}.{ext}'),
    bent,
  ]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const truth = Uint8Array.from((await readImage(sample.truth)).image.channels[0]);
  const seg = Uint8Array.from((await readImage(join(dir, adapt, 'bent.tif'))).image.channels[0]);
  const adapted = r.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { event: string; applied?: string })
    .find((e) => e.event === 'adapted');
  return { iou: meanIou(seg, truth), applied: adapted?.applied };
}

describe('mixel predict --adapt intensity', () => {
  it('undoes a gamma of the intensities that the unadapted model segments worse', async () => {
    const off = await predict('off');
    const intensity = await predict('intensity');
    expect(intensity.applied).toBe('intensity');
    expect(intensity.iou).toBeGreaterThan(off.iou + 0.03);
  }, 120_000);
});
