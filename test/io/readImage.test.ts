import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImage, readImage } from '../../src/main/io/openImage.js';
import { scanImage } from '../../src/main/io/imageStatistics.js';
import {
  TiffStripWriter,
  type RasterArray,
  type RasterSampleType,
} from '../../src/main/io/TiffStripWriter.js';
import { writeIntegerImage } from '../../src/main/io/writeIntegerImage.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-read-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const W = 37;
const H = 23;
/** Values that use the whole range of a type, on a large offset for 16-bit as real cameras give. */
function ramp16(): Uint16Array {
  return Uint16Array.from({ length: W * H }, (_, i) => 33000 + ((i * 977) % 32000));
}
function ramp8(): Uint8Array {
  return Uint8Array.from({ length: W * H }, (_, i) => (i * 31) % 256);
}

async function writeTiff(name: string, type: RasterSampleType, pages: RasterArray[]): Promise<string> {
  const path = join(dir, name);
  const writer = await TiffStripWriter.create(path, {
    width: W,
    height: H,
    pages: pages.length,
    sampleType: type,
  });
  for (let p = 0; p < pages.length; p++) await writer.writeRows(p, pages[p]);
  await writer.close();
  return path;
}

describe('readImage keeps raw values', () => {
  for (const [name, pixels] of [
    ['g8.png', ramp8()],
    ['g16.png', ramp16()],
    ['g8.tif', ramp8()],
    ['g16.tif', ramp16()],
  ] as const) {
    it(`${name}: one channel, exact values`, async () => {
      const path = join(dir, name);
      await writeIntegerImage(path, pixels, W, H);
      const { info, image } = await readImage(path);
      expect(info).toMatchObject({ width: W, height: H, channels: 1, planes: 1, pages: 1, axes: 'yx' });
      expect(info.sampleType).toBe(pixels instanceof Uint16Array ? 'uint16' : 'uint8');
      expect(Array.from(image.channels[0])).toEqual(Array.from(pixels));
    });
  }

  it('float32 TIFF: negative and fractional values exact', async () => {
    const values = Float32Array.from({ length: W * H }, (_, i) => (i - 300) / 7);
    const path = await writeTiff('f32.tif', 'float32', [values]);
    const { info, image } = await readImage(path);
    expect(info.sampleType).toBe('float32');
    expect(image.channels[0]).toEqual(values);
  });

  it('RGB PNG: three channels, not mixed', async () => {
    const rgb = new Uint8Array(W * H * 3);
    for (let i = 0; i < W * H; i++) rgb.set([i % 256, (i * 3) % 256, 255 - (i % 256)], i * 3);
    const path = join(dir, 'rgb.png');
    await sharp(rgb, { raw: { width: W, height: H, channels: 3 } })
      .png()
      .toFile(path);
    const { info, image } = await readImage(path);
    expect(info).toMatchObject({ channels: 3, axes: 'yxc' });
    expect(image.channels[2][10]).toBe(245);
    expect(image.channels[1][10]).toBe(30);
  });

  it('JPEG: grey stays one channel', async () => {
    const path = join(dir, 'g.jpg');
    await sharp(ramp8(), { raw: { width: W, height: H, channels: 1 } })
      .toColourspace('b-w')
      .jpeg({ quality: 100 })
      .toFile(path);
    const { info, image } = await readImage(path);
    expect(info).toMatchObject({ format: 'jpeg', channels: 1, sampleType: 'uint8' });
    expect(image.channels[0].length).toBe(W * H);
  });

  it('multi-page 16-bit: few pages are guessed as channels, --axes zyx makes planes', async () => {
    const pages = [0, 1, 2].map((k) => ramp16().map((v) => v + k));
    const path = await writeTiff('stack.tif', 'uint16', pages);
    const guessed = await openImage(path);
    expect(guessed.info).toMatchObject({ pages: 3, channels: 3, planes: 1, axes: 'cyx' });
    expect(guessed.isAxesGuessed).toBe(true);
    const asChannels = await guessed.readRegion({ x: 0, y: 0, width: W, height: H }, 0);
    expect(Array.from(asChannels.channels[2])).toEqual(Array.from(pages[2]));
    const z = await openImage(path, { axes: 'zyx' });
    expect(z.info).toMatchObject({ channels: 1, planes: 3, axes: 'zyx' });
    const plane1 = await z.readRegion({ x: 3, y: 4, width: 5, height: 6 }, 1);
    expect(plane1.channels[0][0]).toBe(pages[1][4 * W + 3]);
    await expect(openImage(path, { axes: 'yx' })).rejects.toThrow(
      /has no page axis but the file has 3 pages/,
    );
  });

  it('readRegion equals the crop of the whole image', async () => {
    const path = join(dir, 'g16.tif');
    const whole = (await readImage(path)).image.channels[0];
    const region = await (await openImage(path)).readRegion({ x: 5, y: 7, width: 11, height: 9 }, 0);
    for (let y = 0; y < 9; y++) {
      for (let x = 0; x < 11; x++) expect(region.channels[0][y * 11 + x]).toBe(whole[(y + 7) * W + x + 5]);
    }
  });

  it('scanImage reports the value range and NaN count of a float image', async () => {
    const values = Float32Array.from({ length: W * H }, (_, i) => i);
    values[17] = NaN;
    values[18] = -5;
    const path = await writeTiff('nan.tif', 'float32', [values]);
    const stats = await scanImage(await openImage(path));
    expect(stats.nonFiniteCount).toBe(1);
    expect(stats.ranges[0]).toEqual({ min: -5, max: W * H - 1 });
  });
});

describe('bad image files fail with one line naming the file', () => {
  it('a missing file', async () => {
    await expect(readImage(join(dir, 'nope.tif'))).rejects.toThrow(/nope\.tif: no such file/);
  });

  it('an empty file', async () => {
    const path = join(dir, 'empty.tif');
    await writeFile(path, '');
    await expect(readImage(path)).rejects.toThrow(/empty\.tif: the file is empty/);
  });

  it('a file of random bytes', async () => {
    const path = join(dir, 'garbage.png');
    await writeFile(path, Buffer.from(Array.from({ length: 500 }, (_, i) => (i * 7919) % 251)));
    const err = await readImage(path).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/garbage\.png: /);
    expect((err as Error).message).toMatch(/not an image file sharp can read/);
    expect((err as Error).message).not.toContain('\n');
  });

  it('a truncated TIFF', async () => {
    const path = await writeTiff('whole.tif', 'uint16', [ramp16()]);
    const bytes = await readFile(path);
    const cut = join(dir, 'cut.tif');
    // Keep the header and the first strip's start; the directory at the end is gone.
    await writeFile(cut, bytes.subarray(0, 300));
    const err = (await readImage(cut).catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(/cut\.tif: .*(corrupt|truncated)/);
    expect(err.message).not.toContain('\n');
  });

  it('a TIFF header claiming 100000 × 100000 pixels', async () => {
    const path = await writeTiff('small.tif', 'uint8', [ramp8()]);
    const bytes = new Uint8Array(await readFile(path));
    patchTiffSize(bytes, 100000, 100000);
    const huge = join(dir, 'huge.tif');
    await writeFile(huge, bytes);
    await expect(readImage(huge)).rejects.toThrow(
      /huge\.tif: 100000 × 100000 × 1 pixels is too large to read whole/,
    );
    const source = await openImage(huge);
    const err = (await source
      .readRegion({ x: 0, y: 50000, width: 512, height: 512 }, 0)
      .catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(/huge\.tif: the file is truncated or corrupt/);
  });

  it('leaves no temporary files behind', async () => {
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

/** Rewrites ImageWidth/ImageLength of the first directory of a little-endian classic TIFF. */
function patchTiffSize(bytes: Uint8Array, width: number, height: number): void {
  const view = new DataView(bytes.buffer);
  const ifd = view.getUint32(4, true);
  const n = view.getUint16(ifd, true);
  for (let i = 0; i < n; i++) {
    const at = ifd + 2 + i * 12;
    const tag = view.getUint16(at, true);
    if (tag === 256) view.setUint32(at + 8, width, true);
    if (tag === 257) view.setUint32(at + 8, height, true);
  }
}

describe('indexed PNGs are label images', () => {
  it('reads the class values of a palette PNG, not its colours', async () => {
    const { writeSegmentationPng } = await import('../../src/main/io/writeSegmentationPng.js');
    const values = Uint8Array.from({ length: W * H }, (_, i) => 1 + ((i * 7) % 3));
    const path = join(dir, 'seg_palette.png');
    await writeSegmentationPng(path, values, W, H, ['#ff0000', '#00ff00', '#0000ff']);
    const { info, image } = await readImage(path);
    expect(info).toMatchObject({ channels: 1, sampleType: 'uint8' });
    expect(Array.from(image.channels[0])).toEqual(Array.from(values));
  });

  for (const colours of [2, 4, 16]) {
    it(`decodes ${colours}-colour (sub-byte) palettes consistently with sharp's colours`, async () => {
      const rgb = new Uint8Array(W * H * 3);
      for (let i = 0; i < W * H; i++) {
        const k = (i * 5 + Math.floor(i / W)) % colours;
        rgb.set([(k * 53) % 256, (k * 97) % 256, (k * 151) % 256], i * 3);
      }
      const path = join(dir, `q${colours}.png`);
      await sharp(rgb, { raw: { width: W, height: H, channels: 3 } })
        .png({ palette: true, colours, dither: 0 })
        .toFile(path);
      const indices = (await readImage(path)).image.channels[0];
      const { data } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const colourOf = new Map<number, string>();
      for (let i = 0; i < W * H; i++) {
        const c = `${data[i * 3]},${data[i * 3 + 1]},${data[i * 3 + 2]}`;
        const seen = colourOf.get(indices[i]);
        if (seen === undefined) colourOf.set(indices[i], c);
        else expect(seen).toBe(c);
      }
      expect(new Set(colourOf.values()).size).toBe(colourOf.size);
    });
  }
});
