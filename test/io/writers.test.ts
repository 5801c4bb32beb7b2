import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NpyWriter } from '../../src/main/io/NpyWriter.js';
import { TiffStripWriter } from '../../src/main/io/TiffStripWriter.js';
import { readImage } from '../../src/main/io/openImage.js';
import { parseNpy, parseTiff } from './parseTiff.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-write-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const W = 301; // odd widths catch row-stride mistakes
const H = 157;

function probabilityPages(k: number): Float32Array[] {
  return Array.from({ length: k }, (_, c) =>
    Float32Array.from({ length: W * H }, (_, i) => ((i * (c + 3)) % 1000) / 999),
  );
}

/** Feeds pages in bands of `band` rows, interleaving pages as the tile-row exporter does. */
async function writeInBands(
  writer: TiffStripWriter,
  pages: Float32Array[] | Uint16Array[] | Uint8Array[],
  band: number,
) {
  for (let y = 0; y < H; y += band) {
    const rows = Math.min(band, H - y);
    for (let p = 0; p < pages.length; p++)
      await writer.writeRows(p, pages[p].subarray(y * W, (y + rows) * W));
  }
}

describe('TiffStripWriter', () => {
  for (const compression of ['deflate', 'none'] as const) {
    for (const bigTiff of [false, true]) {
      it(`float32, 3 named pages, ${compression}${bigTiff ? ', BigTIFF' : ''}: two decoders read exact values`, async () => {
        const pages = probabilityPages(3);
        const path = join(dir, `p_${compression}_${bigTiff}.tif`);
        const writer = await TiffStripWriter.create(path, {
          width: W,
          height: H,
          pages: 3,
          sampleType: 'float32',
          compression,
          bigTiff,
          pageNames: ['background', 'nucleus', 'membrane'],
        });
        await writeInBands(writer, pages, 40);
        await writer.close();
        const parsed = parseTiff(new Uint8Array(await readFile(path)));
        expect(parsed.map((p) => p.pageName)).toEqual(['background', 'nucleus', 'membrane']);
        parsed.forEach((page, k) => {
          expect(page).toMatchObject({ width: W, height: H, bitsPerSample: 32, sampleFormat: 3 });
          expect(page.values).toEqual(pages[k]);
        });
        const meta = await sharp(path).metadata();
        expect(meta.pages).toBe(3);
        const viaSharp = await readImage(path, { axes: 'cyx' });
        expect(viaSharp.image.channels[2]).toEqual(pages[2]);
      });
    }
  }

  it('uint16 and uint8 single pages round-trip through sharp exactly', async () => {
    const u16 = Uint16Array.from({ length: W * H }, (_, i) => (i * 4099) % 65536);
    const u8 = Uint8Array.from({ length: W * H }, (_, i) => 1 + (i % 3));
    for (const [name, data, type] of [
      ['u16.tif', u16, 'uint16'],
      ['u8.tif', u8, 'uint8'],
    ] as const) {
      const path = join(dir, name);
      const writer = await TiffStripWriter.create(path, { width: W, height: H, pages: 1, sampleType: type });
      await writeInBands(writer, [data] as Uint8Array[], 64);
      await writer.close();
      const { info, image } = await readImage(path);
      expect(info.sampleType).toBe(type);
      expect(Array.from(image.channels[0])).toEqual(Array.from(data));
      expect(Array.from(parseTiff(new Uint8Array(await readFile(path)))[0].values)).toEqual(Array.from(data));
    }
  });

  it('refuses to close a page with missing rows and leaves no file', async () => {
    const path = join(dir, 'partial.tif');
    const writer = await TiffStripWriter.create(path, { width: W, height: H, pages: 2, sampleType: 'uint8' });
    await writer.writeRows(0, new Uint8Array(W * H));
    await expect(writer.close()).rejects.toThrow(/page 1 got 0 of 157 rows/);
    const files = await readdir(dir);
    expect(files).not.toContain('partial.tif');
    expect(files.filter((f) => f.includes('partial'))).toEqual([]);
  });
});

describe('NpyWriter', () => {
  it('writes (channels, height, width) float32 that parses back exactly', async () => {
    const pages = probabilityPages(2);
    const path = join(dir, 'p.npy');
    const writer = await NpyWriter.create(path, { width: W, height: H, channels: 2, sampleType: 'float32' });
    for (let y = 0; y < H; y += 50) {
      const rows = Math.min(50, H - y);
      for (let c = 0; c < 2; c++) await writer.writeRows(c, y, pages[c].subarray(y * W, (y + rows) * W));
    }
    await writer.close();
    const bytes = new Uint8Array(await readFile(path));
    expect((10 + (bytes[8] | (bytes[9] << 8))) % 64).toBe(0);
    const parsed = parseNpy(bytes);
    expect(parsed.descr).toBe('<f4');
    expect(parsed.shape).toEqual([2, H, W]);
    expect(parsed.values.subarray(W * H)).toEqual(pages[1]);
  });

  it('writes (height, width) uint8 for one channel', async () => {
    const data = Uint8Array.from({ length: W * H }, (_, i) => i % 7);
    const path = join(dir, 's.npy');
    const writer = await NpyWriter.create(path, { width: W, height: H, channels: 1, sampleType: 'uint8' });
    await writer.writeRows(0, 0, data);
    await writer.close();
    const parsed = parseNpy(new Uint8Array(await readFile(path)));
    expect(parsed).toMatchObject({ descr: '|u1', shape: [H, W] });
    expect(parsed.values).toEqual(data);
  });
});
