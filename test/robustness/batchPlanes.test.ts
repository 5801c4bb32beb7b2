/**
 * A multi-plane image that fails at a later plane (issue 10, defect 11) left the outputs of its earlier
 * planes, as if they were a result. Now every plane's outputs are committed together, after the last
 * plane: a failed image leaves no output at all, and the batch reports it. A stack is one file per
 * source (issue 11) unless the output name asks for one file per plane with {z}.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFloat32Tiff } from '../../src/main/io/writeFloat32Tiff.js';
import { runMixel } from '../cli/cliHarness.js';
import { FIXTURE_HEIGHT, FIXTURE_WIDTH, fixturePixels, trainedFixtureForFile } from './projectFixture.js';

const fixture = trainedFixtureForFile('mixel-planes-');

/** A three-plane z-stack of the fixture image; `poisonLast` puts a NaN into the last plane. */
async function zStack(name: string, poisonLast: boolean): Promise<string> {
  const folder = join(fixture.dir, name);
  await mkdir(folder);
  const pages = [0, 1, 2].map(() => Float32Array.from(fixturePixels()));
  if (poisonLast) pages[2][FIXTURE_WIDTH * 20 + 10] = NaN;
  const path = join(folder, 'stack.tif');
  await writeFloat32Tiff(path, pages, FIXTURE_WIDTH, FIXTURE_HEIGHT);
  return path;
}

/** `mixel predict` of a z-stack, by default exporting two result types. */
const predict = (image: string, exports = ['--export', 'Probabilities,Simple Segmentation']) =>
  runMixel([
    'predict',
    ...['--project', fixture.projectPath, '--threads', '1', '--axes', 'zyx'],
    ...exports,
    image,
  ]);

describe('a multi-plane image', () => {
  it('writes one stack file per source when all planes are good', async () => {
    const image = await zStack('good', false);
    const run = await predict(image);
    expect(run.code).toBe(0);
    const outputs = (await readdir(join(fixture.dir, 'good'))).filter((f) => f !== 'stack.tif').sort();
    expect(outputs).toEqual(['stack_Probabilities.tif', 'stack_Simple Segmentation.tif']);
  }, 30_000);

  it('writes one file per plane when the name holds {z}, as PNG too', async () => {
    const image = await zStack('good-png', false);
    const output = ['--output', '{dataset_dir}/{nickname}_{result_type}_z{z}.{ext}'];
    const run = await predict(image, ['--export', 'Simple Segmentation', '--format', 'png', ...output]);
    expect(run.code).toBe(0);
    const outputs = (await readdir(join(fixture.dir, 'good-png'))).filter((f) => f !== 'stack.tif').sort();
    expect(outputs).toEqual([0, 1, 2].map((z) => `stack_Simple Segmentation_z000${z}.png`));
  }, 30_000);

  it('refuses a stack as one PNG, naming {z} and tiff', async () => {
    const image = await zStack('stack-png', false);
    const run = await predict(image, ['--export', 'Simple Segmentation', '--format', 'png']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('has 3 planes (zyx) but a PNG holds one: put {z} or {t} in --output');
    expect(await readdir(join(fixture.dir, 'stack-png'))).toEqual(['stack.tif']);
  }, 30_000);

  it('failing at its last plane leaves no output at all, stacked or per plane', async () => {
    const image = await zStack('bad', true);
    for (const output of [[], ['--output', '{dataset_dir}/{nickname}_{result_type}_{z}.{ext}']]) {
      const run = await predict(image, ['--export', 'Probabilities,Simple Segmentation', ...output]);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(/NaN/);
      expect(await readdir(join(fixture.dir, 'bad'))).toEqual(['stack.tif']);
    }
  }, 30_000);
});
