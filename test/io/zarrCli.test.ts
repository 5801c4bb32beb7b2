/**
 * OME-Zarr through the command line, as a user runs it: `mixel info x.zarr` shows the axes, pixel size and
 * channel names of the multiscales metadata; train and predict on a Zarr image give the segmentation of
 * the same pixels as a TIFF; outputs of `x.zarr/0` are named after the image (`x`), not the level.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSyntheticSample } from '../../src/core/sample/syntheticCells.js';
import { expandImageArguments } from '../../src/main/batch/imageList.js';
import { openImage, readImage } from '../../src/main/io/openImage.js';
import { writeIntegerImage } from '../../src/main/io/writeIntegerImage.js';
import { runMixel } from '../cli/cliHarness.js';
import { writeOmeZarr, writeZarrV2Array, type OmeAxisSpec } from './zarrBuild.js';

/** Train and predict spawn several processes: on a loaded 2-core machine they take well over vitest's 60 s. */
const CLI_TIMEOUT_MS = 180_000;
const W = 96;
const H = 80;
const YX: OmeAxisSpec[] = [
  { name: 'y', type: 'space', unit: 'micrometer' },
  { name: 'x', type: 'space', unit: 'micrometer' },
];
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-zarr-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('mixel with OME-Zarr inputs', () => {
  it("a quoted pattern matches Zarr folders, not other folders or Mixel's own Zarr outputs", async () => {
    const batch = join(dir, 'batch');
    for (const folder of ['a.ome.zarr', 'b.zarr', 'notes', 'a_Probabilities.zarr'])
      await mkdir(join(batch, folder), { recursive: true });
    await writeFile(join(batch, 'c.tif'), '');
    expect((await expandImageArguments([`${batch}/*`])).map((m) => resolve(m))).toEqual(
      ['a.ome.zarr', 'b.zarr', 'c.tif'].map((name) => join(batch, name)),
    );
    expect((await expandImageArguments([`${batch}/*.zarr`])).map((m) => resolve(m))).toEqual(
      ['a.ome.zarr', 'b.zarr'].map((name) => join(batch, name)),
    );
  });

  it('info shows axes, pixel size and channel names from the multiscales metadata, and guesses for plain arrays', async () => {
    const path = join(dir, 'two.ome.zarr');
    const shape = [2, 30, 40];
    await writeOmeZarr(
      path,
      [{ name: 'c', type: 'channel' }, ...YX],
      [
        {
          path: '0',
          spec: { data: new Uint16Array(2400), shape, chunks: [1, 16, 16], dtype: '<u2' },
          scale: [1, 0.645, 0.645],
        },
      ],
      { channelLabels: ['DAPI', 'GFP'] },
    );
    const plain = join(dir, 'plain.zarr');
    await writeZarrV2Array(plain, {
      data: new Uint8Array(6 * 400),
      shape: [6, 20, 20],
      chunks: [1, 20, 20],
      dtype: '|u1',
    });
    const info = await runMixel(['info', path, plain]);
    expect(info.stderr).toBe('');
    expect(info.code).toBe(0);
    expect(info.stdout).toContain('axes      cyx (from OME-Zarr multiscales metadata)');
    expect(info.stdout).toContain('shape     c 2 × y 30 × x 40');
    expect(info.stdout).toContain('names     DAPI, GFP');
    expect(info.stdout).toContain('pixel size 0.645 × 0.645 µm (OME-Zarr scale of level 0)');
    expect(info.stdout).toContain('axes      zyx (guessed; set --axes to change)');
    const missing = await runMixel(['info', join(dir, 'gone.zarr')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.split('\n')[0]).toBe(`mixel: ${join(dir, 'gone.zarr')}: no such folder`);
  });

  it(
    'train and predict on a Zarr image give the segmentation of the same pixels as TIFF, named after the image',
    async () => {
      const sample = makeSyntheticSample({ width: W, height: H, seed: 11 });
      const pixels = Uint16Array.from(sample.image);
      const tiff = join(dir, 'cells.tif');
      await writeIntegerImage(tiff, pixels, W, H);
      const zarrImage = join(dir, 'cells.ome.zarr');
      await writeOmeZarr(zarrImage, YX, [
        {
          path: '0',
          spec: { data: pixels, shape: [H, W], chunks: [32, 32], dtype: '<u2' },
          scale: [0.5, 0.5],
        },
      ]);
      const scribbles = join(dir, 'scribbles.png');
      await writeIntegerImage(scribbles, sample.scribbles, W, H);
      const segmentations: Float32Array[] = [];
      for (const [name, image] of [
        ['tiff', tiff],
        ['zarr', join(zarrImage, '0')],
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
          ...['--output', `${dir}/out-${name}/{nickname}.{ext}`, image],
        ]);
        expect(predict.stderr).not.toMatch(/error|cannot|failed/i);
        expect(predict.code).toBe(0);
        expect(await readdir(out)).toEqual(['cells.tif']);
        segmentations.push((await readImage(join(out, 'cells.tif'))).image.channels[0]);
      }
      expect(new Set(segmentations[0]).size).toBe(2);
      expect(segmentations[1]).toEqual(segmentations[0]);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'predict --format zarr writes OME-Zarr with the input pixel size and a pyramid, and nothing when it fails',
    async () => {
      const train = makeSyntheticSample({ width: W, height: H, seed: 11 });
      const trainImage = join(dir, 'train.tif');
      const trainLabels = join(dir, 'train-scribbles.png');
      await writeIntegerImage(trainImage, Uint16Array.from(train.image), W, H);
      await writeIntegerImage(trainLabels, train.scribbles, W, H);
      const project = join(dir, 'wide.mixel');
      const trained = await runMixel([
        'train',
        ...['--image', trainImage, '--labels', trainLabels, '--classes', 'background,nucleus'],
        ...['--threads', '1', '--out', project],
      ]);
      expect(trained.code).toBe(0);
      // Wide and short: a three-level pyramid (1100, 550, 275 wide) at little cost.
      const width = 1100;
      const height = 40;
      const pixels = Uint16Array.from(makeSyntheticSample({ width, height, seed: 5 }).image);
      const tiff = join(dir, 'wide.tif');
      await writeIntegerImage(tiff, pixels, width, height);
      const input = join(dir, 'wide.ome.zarr');
      await writeOmeZarr(input, YX, [
        {
          path: '0',
          spec: { data: pixels, shape: [height, width], chunks: [32, 256], dtype: '<u2' },
          scale: [0.5, 0.5],
        },
      ]);
      const predict = (image: string, out: string, format: string) =>
        runMixel([
          'predict',
          ...['--project', project, '--export', 'Probabilities,Simple Segmentation', '--threads', '1'],
          ...['--format', format, '--output', `${out}/{nickname}_{result_type}.{ext}`, image],
        ]);
      const tiffRun = await predict(tiff, join(dir, 'wide-tiff'), 'tiff');
      expect(tiffRun.code).toBe(0);
      const zarrOut = join(dir, 'wide-zarr');
      const zarrRun = await predict(input, zarrOut, 'zarr');
      expect(zarrRun.stderr).not.toMatch(/error|cannot|failed/i);
      expect(zarrRun.code).toBe(0);
      const names = (await readdir(zarrOut)).sort();
      expect(names).toEqual(['wide_Probabilities.zarr', 'wide_Simple Segmentation.zarr']);

      const segmentation = await openImage(join(zarrOut, names[1]));
      expect(segmentation.info).toMatchObject({ axes: 'yx', sampleType: 'uint8', width, height });
      const fromTiff = (await readImage(join(dir, 'wide-tiff', names[1].replace('.zarr', '.tif')))).image;
      const fromZarr = await segmentation.readRegion({ x: 0, y: 0, width, height }, 0);
      expect(new Set(fromZarr.channels[0]).size).toBe(2);
      expect(fromZarr.channels[0]).toEqual(fromTiff.channels[0]);

      const probabilities = await openImage(join(zarrOut, names[0]));
      expect(probabilities.info).toMatchObject({ axes: 'cyx', channels: 2, sampleType: 'float32' });
      expect(probabilities.metadata.pixelSize.x).toEqual({ value: 0.5, unit: 'µm' });
      expect(probabilities.metadata.channelNames).toEqual(['background', 'nucleus']);
      const attrs = JSON.parse(await readFile(join(zarrOut, names[0], '.zattrs'), 'utf8'));
      expect(attrs.multiscales[0].datasets.map((d: { path: string }) => d.path)).toEqual(['0', '1', '2']);
      const level1 = await openImage(join(zarrOut, names[0], '1'));
      expect(level1.info).toMatchObject({ width: 550, height: 20 });
      expect(level1.metadata.pixelSize.x).toEqual({ value: 1, unit: 'µm' });

      // A chunk that cannot be decoded, met after the outputs' temporary folders exist: the run fails and
      // leaves neither an output nor a temporary folder.
      await writeFile(join(input, '0', '1', '4'), 'garbage');
      const failedOut = join(dir, 'failed');
      const failed = await predict(input, failedOut, 'zarr');
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/wide\.ome\.zarr: cannot read a chunk/);
      expect(await readdir(failedOut)).toEqual([]);
    },
    CLI_TIMEOUT_MS,
  );
});
