/**
 * Outputs carry the input's geometry: a user opening a probability map in Fiji sees µm, one channel per
 * class; `mixel info` on an output of a 0.645 µm input says 0.645 µm. Checked with the test's own TIFF
 * parser (the tags as written) and with Mixel's reader (what a round trip gives back).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSyntheticSample } from '../../src/core/sample/syntheticCells.js';
import { openImage } from '../../src/main/io/openImage.js';
import { TiffStripWriter } from '../../src/main/io/TiffStripWriter.js';
import { outputGeometry } from '../../src/main/io/imagejGeometry.js';
import { writeIntegerImage } from '../../src/main/io/writeIntegerImage.js';
import { exportOneImage } from '../../src/main/service/exportImage.js';
import { runMixel, trainSampleProject } from '../cli/cliHarness.js';
import { parseTiff } from './parseTiff.js';
import { writeTaggedTiff } from './writeTaggedTiff.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-output-geometry-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const W = 96;
const H = 80;
const MICRONS = { value: 0.645, unit: '\u00b5m' };

async function writeProbabilities(path: string, geometry: ReturnType<typeof outputGeometry>) {
  const writer = await TiffStripWriter.create(path, {
    width: 4,
    height: 3,
    pages: 3,
    sampleType: 'float32',
    pageNames: ['a', 'b', 'c'],
    geometry,
  });
  for (let page = 0; page < 3; page++) await writer.writeRows(page, new Float32Array(12).fill(page / 4));
  await writer.close();
}

describe('TIFF outputs with the input geometry', () => {
  it('writes ImageJ resolution and hyperstack description; values unchanged', async () => {
    const path = join(dir, 'probabilities.tif');
    const geometry = outputGeometry(
      { pixelSize: { x: MICRONS, y: MICRONS, z: { value: 2, unit: '\u00b5m' } } },
      3,
    );
    await writeProbabilities(path, geometry);
    const pages = parseTiff(await readFile(path));
    expect(pages).toHaveLength(3);
    const [num, den] = pages[0].tags.get(282) as number[];
    expect(1 / (num / den)).toBeCloseTo(0.645, 6);
    expect(pages[2].tags.get(283)).toEqual(pages[0].tags.get(282));
    expect(pages[0].tags.get(296)).toEqual([1]);
    expect(pages[0].tags.get(270)).toBe(
      'ImageJ=1.11a\nimages=3\nchannels=3\nhyperstack=true\nmode=grayscale\nunit=micron\nspacing=2\nloop=false\n',
    );
    expect(pages[1].tags.has(270)).toBe(false);
    expect(Array.from(pages[1].values)).toEqual(new Array(12).fill(0.25));
    expect(pages.map((p) => p.pageName)).toEqual(['a', 'b', 'c']);
  });

  it('reads back with the pixel size and channels as axes', async () => {
    const path = join(dir, 'roundtrip.tif');
    await writeProbabilities(path, outputGeometry({ pixelSize: { x: MICRONS, y: MICRONS } }, 3));
    const { metadata, info } = await openImage(path);
    expect(info.axes).toBe('cyx');
    expect(metadata.axesSource).toBe('ImageJ');
    expect(metadata.pixelSize.x).toEqual(MICRONS);
    expect(metadata.pixelSize.y).toEqual(MICRONS);
  });

  it('an input without pixel size gives no resolution tags (no invented 1 mm pixels)', async () => {
    const path = join(dir, 'plain.tif');
    await writeProbabilities(path, outputGeometry({ pixelSize: {} }, 3));
    const pages = parseTiff(await readFile(path));
    expect(pages[0].tags.has(282)).toBe(false);
    expect(pages[0].tags.get(270)).not.toContain('unit=');
    expect((await openImage(path)).metadata.pixelSize).toEqual({});
  });

  it('refuses a geometry whose channels × slices × frames is not the page count', async () => {
    await expect(
      TiffStripWriter.create(join(dir, 'bad.tif'), {
        width: 2,
        height: 2,
        pages: 3,
        sampleType: 'uint8',
        geometry: { channels: 2, slices: 1, frames: 1 },
      }),
    ).rejects.toThrow(/2 channels .* 3 pages/);
  });
});

describe('mixel predict keeps the input pixel size', () => {
  it('`mixel info` on the outputs shows the input 0.645 µm and the class channels', async () => {
    const sample = makeSyntheticSample({ width: W, height: H, seed: 5 });
    const image = join(dir, 'hela.tif');
    await writeTaggedTiff(image, {
      width: W,
      height: H,
      pages: [Uint16Array.from(sample.image)],
      description: 'ImageJ=1.54f\nimages=1\nunit=micron\n',
      xResolution: 1 / 0.645,
      yResolution: 1 / 0.645,
      resolutionUnit: 1,
    });
    const scribbles = join(dir, 'scribbles.png');
    await writeIntegerImage(scribbles, sample.scribbles, W, H);
    const project = join(dir, 'p.mixel');
    const train = await trainSampleProject({ image: image, scribbles }, project, { threads: 1 });
    expect(train.code).toBe(0);
    const out = join(dir, 'out');
    const predict = await runMixel([
      'predict',
      ...['--project', project, '--export', 'Probabilities,Simple Segmentation', '--threads', '1'],
      ...['--output', `${out}/{nickname}_{result_type}.{ext}`, image],
    ]);
    expect(predict.code).toBe(0);
    const info = await runMixel([
      'info',
      '--json',
      join(out, 'hela_Probabilities.tif'),
      join(out, 'hela_Simple Segmentation.tif'),
    ]);
    expect(info.code).toBe(0);
    const [probabilities, segmentation] = info.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(JSON.stringify(probabilities)).toContain('0.645');
    expect(JSON.stringify(probabilities)).toMatch(/"axes":"cyx"/);
    expect(JSON.stringify(segmentation)).toContain('0.645');
    const labels = (await openImage(join(out, 'hela_Simple Segmentation.tif'))).readRegion(
      { x: 0, y: 0, width: W, height: H },
      0,
    );
    expect(new Set((await labels).channels[0])).toEqual(new Set([1, 2]));
  });
});

describe("the window's TIFF export", () => {
  it('writes deflate TIFFs with the input pixel size instead of the 1 mm sharp claimed', async () => {
    const image = join(dir, 'window.tif');
    await writeTaggedTiff(image, {
      width: 4,
      height: 3,
      pages: [new Uint8Array(12)],
      description: 'ImageJ=1.54f\nimages=1\nunit=micron\n',
      xResolution: 1 / 0.645,
      yResolution: 1 / 0.645,
      resolutionUnit: 1,
    });
    const classes = [
      { id: 1, name: 'background', color: '#00ff00' },
      { id: 2, name: 'nucleus', color: '#ff0000' },
    ];
    const paths = await exportOneImage({
      image: {
        id: 'i1',
        name: 'window.tif',
        path: image,
        width: 4,
        height: 3,
        channelCount: 1,
        sampleType: 'uint8',
        channelRanges: [{ min: 0, max: 0 }],
      },
      labelsOf: () => new Uint8Array(12),
      classes,
      request: {
        requestId: 1,
        imageIds: ['i1'],
        sources: ['simple-segmentation', 'probabilities'],
        format: 'tiff',
        outputPattern: `${dir}/window_{source}.{ext}`,
      },
      // Class 2 wins on the right half.
      predict: async (rect) => {
        const n = rect.width * rect.height;
        const out = new Float32Array(2 * n);
        for (let i = 0; i < n; i++) {
          const isRight = rect.x + (i % rect.width) >= 2;
          out[i] = isRight ? 0.2 : 0.8;
          out[n + i] = isRight ? 0.8 : 0.2;
        }
        return out;
      },
      onFraction: () => undefined,
    });
    expect(paths).toHaveLength(2);
    const [segmentation, probabilities] = await Promise.all(
      paths.map(async (p) => parseTiff(await readFile(p))),
    );
    expect(segmentation[0].tags.get(259)).toEqual([8]);
    expect(Array.from(segmentation[0].values)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2]);
    expect(probabilities[0].tags.get(270)).toContain('channels=2\n');
    // The ImageJ LUT (Fiji's colours): value 1 green, value 2 red, value 0 black; header 'IJIJ', 'luts'.
    expect(segmentation[0].tags.get(50838)).toEqual([12, 768]);
    expect(segmentation[0].tags.get(270)).toMatch(/unit=micron\nloop=false\nmin=0\nmax=255\n$/);
    const ij = segmentation[0].tags.get(50839) as number[];
    const rgb = (v: number) => [ij[12 + v], ij[12 + 256 + v], ij[12 + 512 + v]];
    expect(String.fromCharCode(...ij.slice(0, 8))).toBe('JIJIstul');
    expect([rgb(0), rgb(1), rgb(2)]).toEqual([
      [0, 0, 0],
      [0, 255, 0],
      [255, 0, 0],
    ]);
    expect(probabilities[0].tags.has(50839)).toBe(false);
    for (const path of paths) {
      expect((await openImage(path)).metadata.pixelSize.x).toEqual(MICRONS);
    }
  });
});
