/**
 * A multi-plane image that fails at a later plane (issue 10, defect 11) left the outputs of its earlier
 * planes, as if they were a result. Now every plane's outputs are committed together, after the last
 * plane: a failed image leaves no output at all, and the batch reports it.
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

/** `mixel predict` of a z-stack, by default exporting two result types: six files for three planes. */
const predict = (image: string, exports = ['--export', 'Probabilities,Simple Segmentation']) =>
  runMixel([
    'predict',
    ...['--project', fixture.projectPath, '--threads', '1', '--axes', 'zyx'],
    ...exports,
    image,
  ]);

describe('a multi-plane image', () => {
  it('writes every plane when all planes are good', async () => {
    const image = await zStack('good', false);
    const run = await predict(image);
    expect(run.code).toBe(0);
    const outputs = (await readdir(join(fixture.dir, 'good'))).filter((f) => f !== 'stack.tif');
    expect(outputs).toHaveLength(6);
  }, 30_000);

  it('writes every plane as PNG segmentations too', async () => {
    const image = await zStack('good-png', false);
    const run = await predict(image, ['--export', 'Simple Segmentation', '--format', 'png']);
    expect(run.code).toBe(0);
    const outputs = (await readdir(join(fixture.dir, 'good-png'))).filter((f) => f !== 'stack.tif').sort();
    expect(outputs).toEqual([0, 1, 2].map((z) => `stack_Simple_Segmentation_z000${z}.png`));
  }, 30_000);

  it('failing at its last plane leaves no output at all (planes 0 and 1 stayed before)', async () => {
    const image = await zStack('bad', true);
    const run = await predict(image);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/NaN/);
    expect(await readdir(join(fixture.dir, 'bad'))).toEqual(['stack.tif']);
  }, 30_000);
});
