/**
 * What `mixel train` reads from its files, whole planes at once: label values exactly (and the first
 * value that is no class named with its pixel), image values exactly, and the normalization range of a
 * single plane from all of its values (a NaN refused).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelRangeOf } from '../../src/core/normalization.js';
import { DEFAULT_NORMALIZATION } from '../../src/core/project/Project.js';
import { readLabelPlanes } from '../../src/main/batch/labelStacks.js';
import { measureChannelRange } from '../../src/main/io/imageStatistics.js';
import { openImage, readImage } from '../../src/main/io/openImage.js';
import { TiffStripWriter, type RasterArray } from '../../src/main/io/TiffStripWriter.js';

const W = 37;
const H = 23;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-train-inputs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeTiff(name: string, values: RasterArray): Promise<string> {
  const path = join(dir, name);
  const sampleType =
    values instanceof Uint8Array ? 'uint8' : values instanceof Uint16Array ? 'uint16' : 'float32';
  const writer = await TiffStripWriter.create(path, { width: W, height: H, pages: 1, sampleType });
  await writer.writeRows(0, values);
  await writer.close();
  return path;
}

const imageInfo = { width: W, height: H, planes: 1 } as Parameters<typeof readLabelPlanes>[1];

describe('training inputs', () => {
  it('reads label values exactly as bytes', async () => {
    const values = Uint16Array.from({ length: W * H }, (_, i) => [0, 1, 2, 255][i % 4]);
    const planes = await readLabelPlanes(await writeTiff('labels.tif', values), imageInfo, 'image.tif');
    expect([...planes.keys()]).toEqual([0]);
    expect(planes.get(0)).toEqual(Uint8Array.from(values));
  });

  it('names the first label value that is not a whole number 0..255, with its pixel', async () => {
    const wide = new Uint16Array(W * H).fill(1);
    wide[3 * W + 5] = 256;
    wide[4 * W + 1] = 300;
    await expect(readLabelPlanes(await writeTiff('wide.tif', wide), imageInfo, 'image.tif')).rejects.toThrow(
      /found 256 at x=5, y=3\)/,
    );
    const fractions = new Float32Array(W * H).fill(2);
    fractions[7 * W + 2] = 1.5;
    fractions[8 * W] = -1;
    const path = await writeTiff('fraction.tif', fractions);
    await expect(readLabelPlanes(path, imageInfo, 'image.tif')).rejects.toThrow(/found 1\.5 at x=2, y=7\)/);
    fractions[7 * W + 2] = 2;
    fractions[8 * W] = NaN;
    await writeTiff('fraction.tif', fractions);
    await expect(readLabelPlanes(path, imageInfo, 'image.tif')).rejects.toThrow(/found NaN at x=0, y=8\)/);
  });

  it('reads 16-bit image values exactly', async () => {
    const values = Uint16Array.from({ length: W * H }, (_, i) => (i * 7919) % 65536);
    const { image } = await readImage(await writeTiff('image16.tif', values));
    expect(image.channels[0]).toEqual(Float32Array.from(values));
  });

  it('measures the range of a single plane from all of its values and refuses a NaN', async () => {
    const values = Float32Array.from({ length: W * H }, (_, i) => ((i * 37) % 101) + 0.25);
    const source = await openImage(await writeTiff('float.tif', values));
    const range = await measureChannelRange(source, DEFAULT_NORMALIZATION);
    expect(range).toEqual(channelRangeOf([values], DEFAULT_NORMALIZATION));
    values[W * H - 1] = NaN;
    const withNaN = await openImage(await writeTiff('nan.tif', values));
    await expect(measureChannelRange(withNaN, DEFAULT_NORMALIZATION)).rejects.toThrow(/NaN or infinite/);
  });
});
