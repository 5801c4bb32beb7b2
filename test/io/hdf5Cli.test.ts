/**
 * HDF5 inputs through the command line, as a user runs it: `mixel info file.h5/data` shows axes and pixel
 * size from the dataset's attributes, and `mixel train` + `mixel predict` on a dataset give the same
 * segmentation as on the same pixels saved as a TIFF.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSyntheticSample } from '../../src/core/sample/syntheticCells.js';
import { readImage } from '../../src/main/io/openImage.js';
import { writeIntegerImage } from '../../src/main/io/writeIntegerImage.js';
import { runMixel } from '../cli/cliHarness.js';
import { ramp, writeHdf5 } from './hdf5Build.js';

const W = 96;
const H = 80;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-hdf5-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('mixel with HDF5 inputs', () => {
  it('info shows the axes and pixel size the dataset states, and names a missing dataset', async () => {
    const path = join(dir, 'stack.h5');
    await writeHdf5(path, [
      {
        name: 'exported/data',
        data: ramp(3 * 20 * 30),
        shape: [3, 20, 30],
        axistags: { keys: 'zyx', resolution: [2, 0.65, 0.65] },
      },
      {
        name: 'fiji',
        data: Uint8Array.from(ramp(20 * 30 * 2)),
        shape: [20, 30, 2],
        elementSizeUm: [1, 0.2, 0.2],
      },
    ]);
    const info = await runMixel(['info', `${path}/exported/data`, `${path}/fiji`]);
    expect(info.stderr).toBe('');
    expect(info.code).toBe(0);
    expect(info.stdout).toContain("axes      zyx (from the dataset's axistags)");
    expect(info.stdout).toContain('shape     z 3 × y 20 × x 30');
    expect(info.stdout).toContain('pixel size 0.65 × 0.65 µm (axistags)');
    expect(info.stdout).toContain('z step    2 µm (axistags)');
    expect(info.stdout).toContain('axes      yxc (guessed; set --axes to change)');
    expect(info.stdout).toContain('pixel size 0.2 × 0.2 µm (element_size_um)');
    const json = await runMixel(['info', '--json', '--axes', 'zyx', `${path}/fiji`]);
    expect(JSON.parse(json.stdout)).toMatchObject({ axes: 'zyx', planes: 20, channels: 1, format: 'hdf5' });
    const missing = await runMixel(['info', `${path}/raw`]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.split('\n')[0]).toBe(
      `mixel: ${path}/raw: has no dataset /raw (it holds /exported/data, /fiji)`,
    );
  });

  it('train and predict on an HDF5 dataset give the segmentation of the same pixels as TIFF', async () => {
    const sample = makeSyntheticSample({ width: W, height: H, seed: 11 });
    const pixels = Uint16Array.from(sample.image);
    const tiff = join(dir, 'cells.tif');
    await writeIntegerImage(tiff, pixels, W, H);
    const hdf5 = join(dir, 'cells.h5');
    await writeHdf5(hdf5, [{ name: 'raw/data', data: pixels, shape: [H, W], chunks: [32, 32], gzip: true }]);
    const scribbles = join(dir, 'scribbles.png');
    await writeIntegerImage(scribbles, sample.scribbles, W, H);
    const segmentations: Float32Array[] = [];
    for (const [name, image] of [
      ['tiff', tiff],
      ['hdf5', `${hdf5}/raw/data`],
    ]) {
      const project = join(dir, `${name}.mixel`);
      const train = await runMixel([
        'train',
        ...['--image', image, '--labels', scribbles, '--classes', 'background,nucleus'],
        ...['--threads', '1', '--out', project],
      ]);
      expect(train.stderr).not.toMatch(/error|cannot/i);
      expect(train.code).toBe(0);
      const out = join(dir, `out-${name}`);
      const predict = await runMixel([
        'predict',
        ...['--project', project, '--export', 'Simple Segmentation', '--threads', '1'],
        ...['--output', `${out}/{nickname}.{ext}`, image],
      ]);
      expect(predict.code).toBe(0);
      // Named after the file, as ilastik names HDF5 outputs.
      segmentations.push((await readImage(join(out, 'cells.tif'))).image.channels[0]);
    }
    expect(new Set(segmentations[0]).size).toBe(2);
    expect(segmentations[1]).toEqual(segmentations[0]);
    expect(await readFile(join(dir, 'hdf5.mixel'), 'utf8')).toContain('cells.h5/raw/data');
  });
});
