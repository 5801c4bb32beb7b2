/**
 * One export path (issue 11): `mixel segment`, `mixel predict` and the window's Export write the same
 * sources under the same names (ilastik's `{nickname}_{result_type}`, `Simple Segmentation` spelt as
 * ilastik does); label outputs read as class values 1..K (a greyscale PNG by default, the palette PNG only
 * as `png-color`); a z-stack is one multi-page TIFF with its axes and pixel size; impossible requests
 * are refused before any work with exit code 2. Real CLI (child processes) and the real service.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSyntheticSample } from '../../src/core/sample/syntheticCells.js';
import { decodePalettePng } from '../../src/main/io/decodePalettePng.js';
import { openImage, readImage } from '../../src/main/io/openImage.js';
import { writeIntegerImage } from '../../src/main/io/writeIntegerImage.js';
import { createBackend } from '../../src/main/service/createBackend.js';
import { parseNpy, parseTiff } from '../io/parseTiff.js';
import { writeTaggedTiff } from '../io/writeTaggedTiff.js';
import { runMixel, trainSampleProject } from './cliHarness.js';

const W = 96;
const H = 80;
const sample = makeSyntheticSample({ width: W, height: H, seed: 5 });
let dir: string;
let image: string;
let scribbles: string;
let project: string;

/** An ImageJ TIFF at 0.645 µm per pixel, like HeLa's. */
const IMAGEJ_MICRONS = { xResolution: 1 / 0.645, yResolution: 1 / 0.645, resolutionUnit: 1 };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-export-paths-'));
  image = join(dir, 'cells.tif');
  await writeTaggedTiff(image, {
    width: W,
    height: H,
    pages: [Uint16Array.from(sample.image)],
    description: 'ImageJ=1.54f\nimages=1\nunit=micron\n',
    ...IMAGEJ_MICRONS,
  });
  scribbles = join(dir, 'scribbles.png');
  await writeIntegerImage(scribbles, sample.scribbles, W, H);
  project = join(dir, 'cells.mixel');
  const trained = await trainSampleProject({ image, scribbles }, project, { threads: 1 });
  expect(trained.code, trained.stderr).toBe(0);
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const segment = (args: string[]) =>
  runMixel(['segment', '--image', image, '--labels', scribbles, '--threads', '1', ...args]);
const predict = (args: string[], input = image) =>
  runMixel(['predict', '--project', project, '--threads', '1', ...args, input]);

/** The bytes of a PNG's IHDR: bit depth and colour type (0 grey, 3 palette). */
async function pngHeader(path: string): Promise<{ bitDepth: number; colourType: number }> {
  const bytes = await readFile(path);
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { bitDepth: bytes[24], colourType: bytes[25] };
}

/** `--json` lines as objects. */
function events(stdout: string): Record<string, unknown>[] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('one naming scheme for segment, predict and the window', () => {
  it('writes the same four files under the same names, Labels holding the scribbles', async () => {
    const sources = 'Probabilities,Simple Segmentation,Uncertainty,Labels';
    const seg = await segment(['--export', sources, '--output', `${dir}/seg/{nickname}_{result_type}.{ext}`]);
    expect(seg.code).toBe(0);
    const pred = await predict([
      '--export',
      sources,
      '--output',
      `${dir}/pred/{nickname}_{result_type}.{ext}`,
    ]);
    expect(pred.code).toBe(0);

    const backend = createBackend({ dataDir: join(dir, 'data'), threads: 1 });
    try {
      const state = await backend.service.openProject(project);
      const result = await backend.service.exportImages({
        requestId: 1,
        imageIds: [state.images[0].id],
        sources: ['probabilities', 'simple-segmentation', 'uncertainty', 'labels'],
        format: 'tiff',
        outputPattern: `${dir}/win/{nickname}_{result_type}.{ext}`,
      });
      expect(result.images[0].error).toBeUndefined();
    } finally {
      await backend.close();
    }

    const expected = [
      'cells_Labels.tif',
      'cells_Probabilities.tif',
      'cells_Simple Segmentation.tif',
      'cells_Uncertainty.tif',
    ];
    for (const folder of ['seg', 'pred', 'win']) {
      expect((await readdir(join(dir, folder))).sort()).toEqual(expected);
      const labels = (await readImage(join(dir, folder, 'cells_Labels.tif'))).image.channels[0];
      expect(Array.from(labels)).toEqual(Array.from(sample.scribbles));
      const segmentation = (await readImage(join(dir, folder, 'cells_Simple Segmentation.tif'))).image;
      expect(new Set(segmentation.channels[0])).toEqual(new Set([1, 2]));
      // Every output keeps the input's 0.645 µm.
      const { metadata } = await openImage(join(dir, folder, 'cells_Probabilities.tif'));
      expect(metadata.pixelSize.x?.value).toBeCloseTo(0.645, 6);
    }
  }, 120_000);
});

describe('label outputs read as class values', () => {
  it('segment --format png writes greyscale PNGs 1..K and --json lists them in the shape predict uses', async () => {
    const out = join(dir, 'png');
    const run = await segment([
      ...['--export', 'Simple Segmentation,Labels', '--format', 'png', '--json'],
      ...['--output', `${out}/{nickname}_{result_type}.{ext}`],
    ]);
    expect(run.code).toBe(0);
    const lines = events(run.stdout);
    const done = lines.find((e) => e.event === 'done');
    expect(done?.outputs).toEqual([
      join(out, 'cells_Simple Segmentation.png'),
      join(out, 'cells_Labels.png'),
    ]);
    const summary = lines.at(-1) as Record<string, unknown>;
    expect(summary).toMatchObject({ event: 'summary', succeeded: 1, failed: 0, failures: [] });

    const predicted = await predict(['--json', '--output', `${dir}/json/{nickname}_{result_type}.{ext}`]);
    expect(predicted.code).toBe(0);
    const predictLines = events(predicted.stdout);
    const keys = (e: Record<string, unknown> | undefined) => Object.keys(e ?? {}).sort();
    expect(keys(summary)).toEqual(keys(predictLines.at(-1)));
    expect(keys(done)).toEqual(keys(predictLines.find((e) => e.event === 'done')));

    // Colour type 0 (grey), 8 bits: imageio, scikit-image and napari read the values, not colours.
    const segmentationPng = join(out, 'cells_Simple Segmentation.png');
    expect(await pngHeader(segmentationPng)).toEqual({ bitDepth: 8, colourType: 0 });
    expect(await pngHeader(join(out, 'cells_Labels.png'))).toEqual({ bitDepth: 8, colourType: 0 });
    const read = (await readImage(segmentationPng)).image;
    expect(read.channels).toHaveLength(1);
    expect(new Set(read.channels[0])).toEqual(new Set([1, 2]));
    const labels = (await readImage(join(out, 'cells_Labels.png'))).image.channels[0];
    expect(Array.from(labels)).toEqual(Array.from(sample.scribbles));
  }, 60_000);

  it('--dtype uint16 gives a 16-bit grey PNG; png-color is the palette PNG, still 1..K to our reader', async () => {
    const out = join(dir, 'png16');
    const grey16 = await predict([
      ...['--export', 'Simple Segmentation', '--format', 'png', '--dtype', 'uint16'],
      ...['--output', `${out}/{nickname}_{result_type}.{ext}`],
    ]);
    expect(grey16.code).toBe(0);
    const path16 = join(out, 'cells_Simple Segmentation.png');
    expect(await pngHeader(path16)).toEqual({ bitDepth: 16, colourType: 0 });
    expect(new Set((await readImage(path16)).image.channels[0])).toEqual(new Set([1, 2]));

    const colour = await segment([
      ...['--export', 'Simple Segmentation', '--format', 'png-color'],
      ...['--output', `${dir}/colour/{nickname}_{result_type}.{ext}`],
    ]);
    expect(colour.code).toBe(0);
    const colourPath = join(dir, 'colour', 'cells_Simple Segmentation.png');
    expect(await pngHeader(colourPath)).toEqual({ bitDepth: 8, colourType: 3 });
    expect(new Set(decodePalettePng(await readFile(colourPath)).indices)).toEqual(new Set([1, 2]));
    expect(new Set((await readImage(colourPath)).image.channels[0])).toEqual(new Set([1, 2]));
  }, 60_000);
});

describe('impossible requests', () => {
  it('are refused before any work with exit code 2 and one line, nothing written', async () => {
    const out = join(dir, 'refused');
    const output = ['--output', `${out}/{nickname}_{result_type}.{ext}`];
    const cases: [Promise<{ code: number; stderr: string }>, RegExp][] = [
      [
        segment(['--export', 'Probabilities', '--format', 'png-color', ...output]),
        /png-color colours class values: it holds Simple Segmentation or Labels, not Probabilities/,
      ],
      [
        segment(['--export', 'Probabilities', '--format', 'png', ...output]),
        /Probabilities as PNG needs --dtype uint8 or uint16/,
      ],
      [
        predict(['--export', 'Uncertainty', '--format', 'png-color', ...output]),
        /not Uncertainty; use --format png or tiff/,
      ],
      [
        predict(['--export', 'Features', '--format', 'png', '--dtype', 'uint8', ...output]),
        /Features have many float channels and cannot be a PNG/,
      ],
      [segment(['--out', out, '--output', `${out}/{nickname}.{ext}`]), /--out and --output both given/],
      [segment(['--format', 'gif', '--out', out]), /--format gif is not known/],
    ];
    for (const [run, message] of cases) {
      const { code, stderr } = await run;
      expect({ code, stderr: stderr.trim() }).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(message),
      });
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});

describe('a z-stack', () => {
  const zStack = async (name: string) => {
    const path = join(dir, `${name}.tif`);
    const plane = Uint16Array.from(sample.image);
    const flipped = Uint16Array.from(plane).reverse();
    await writeTaggedTiff(path, {
      width: W,
      height: H,
      pages: [plane, flipped, plane],
      description: 'ImageJ=1.54f\nimages=3\nslices=3\nunit=micron\nspacing=2.5\n',
      ...IMAGEJ_MICRONS,
    });
    return path;
  };

  it('is predicted to one 3-page TIFF per source with its axes and pixel size; npy with the z axis', async () => {
    const stack = await zStack('stack');
    const out = join(dir, 'stack-out');
    const output = ['--output', `${out}/{nickname}_{result_type}.{ext}`];
    const run = await predict(['--export', 'Simple Segmentation,Probabilities', ...output], stack);
    expect(run.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['stack_Probabilities.tif', 'stack_Simple Segmentation.tif']);
    const segmentation = await openImage(join(out, 'stack_Simple Segmentation.tif'));
    expect(segmentation.info.axes).toBe('zyx');
    expect(segmentation.info.planes).toBe(3);
    expect(segmentation.metadata.pixelSize.x?.value).toBeCloseTo(0.645, 6);
    expect(segmentation.metadata.pixelSize.z?.value).toBeCloseTo(2.5, 6);
    const pages = parseTiff(await readFile(join(out, 'stack_Simple Segmentation.tif')));
    expect(pages).toHaveLength(3);
    // Planes 0 and 2 are the same image, plane 1 its mirror.
    expect(Array.from(pages[2].values)).toEqual(Array.from(pages[0].values));
    expect(Array.from(pages[1].values).reverse()).toEqual(Array.from(pages[0].values));
    const probabilities = await openImage(join(out, 'stack_Probabilities.tif'));
    expect(probabilities.info.axes).toBe('zcyx');
    expect(probabilities.info.pages).toBe(6);

    const npy = await predict(
      ['--format', 'npy', '--output', `${dir}/stack-npy/{nickname}_{result_type}.{ext}`],
      stack,
    );
    expect(npy.code).toBe(0);
    const array = parseNpy(await readFile(join(dir, 'stack-npy', 'stack_Probabilities.npy')));
    expect(array.shape).toEqual([3, 2, H, W]);
  }, 90_000);

  it('is written one file per plane when --output holds {z}', async () => {
    const stack = await zStack('planes');
    const out = join(dir, 'planes-out');
    const run = await predict(
      ['--export', 'Simple Segmentation', '--output', `${out}/{nickname}_{result_type}_z{z}.{ext}`],
      stack,
    );
    expect(run.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(
      [0, 1, 2].map((z) => `planes_Simple Segmentation_z000${z}.tif`),
    );
    expect(parseTiff(await readFile(join(out, 'planes_Simple Segmentation_z0001.tif')))).toHaveLength(1);
  }, 60_000);
});
