/**
 * TIFFs whose compression sharp's libtiff lacks: ZSTD and LZMA (as libtiff's tiffcp and tifffile write
 * them, test/fixtures/tiffCodecs/make_fixtures.py) read with Mixel's own strip and tile reader to exactly
 * the pixels of the same image uncompressed; other compressions are named in one line.
 */
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImage, readImage } from '../../src/main/io/openImage.js';
import { REPO_ROOT, runMixel } from '../cli/cliHarness.js';

const FIXTURES = join(REPO_ROOT, 'test/fixtures/tiffCodecs');
const fixture = (name: string) => join(FIXTURES, name);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-tiff-codecs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ZSTD and LZMA TIFFs', () => {
  const pairs: [compressed: string, reference: string][] = [
    ['u16_zstd_pred2.tif', 'u16.tif'],
    ['u16_zstd_pred2_bigendian.tif', 'u16.tif'],
    ['u16_lzma_pred2.tif', 'u16.tif'],
    ['u16_lzma_tifffile.tif', 'u16.tif'],
    ['f32_zstd_pred3_tiled.tif', 'f32.tif'],
    ['f32_lzma_pred3.tif', 'f32.tif'],
    ['rgb8_zstd_planar.tif', 'rgb8.tif'],
    // WebP stays with sharp, whose libvips bundles libwebp.
    ['rgb8_webp_lossless.tif', 'rgb8.tif'],
  ];
  for (const [compressed, reference] of pairs) {
    it(`${compressed} reads the pixels of ${reference}`, async () => {
      const expected = await readImage(fixture(reference));
      const actual = await readImage(fixture(compressed));
      expect(actual.info).toEqual(expected.info);
      expect(actual.image.channels.length).toBe(expected.image.channels.length);
      actual.image.channels.forEach((channel, c) => expect(channel).toEqual(expected.image.channels[c]));
    });
  }

  it('regions crossing strips and tiles equal the same regions of the uncompressed file', async () => {
    for (const [compressed, reference] of [
      ['u16_zstd_pred2.tif', 'u16.tif'],
      ['f32_zstd_pred3_tiled.tif', 'f32.tif'],
      ['rgb8_zstd_planar.tif', 'rgb8.tif'],
    ]) {
      const a = await openImage(fixture(compressed));
      const b = await openImage(fixture(reference));
      for (const rect of [
        { x: 13, y: 5, width: 20, height: 19 },
        { x: 40, y: 30, width: 5, height: 7 },
        { x: 0, y: 36, width: 45, height: 1 },
      ]) {
        expect((await a.readRegion(rect, 0)).channels).toEqual((await b.readRegion(rect, 0)).channels);
      }
    }
  });

  it('an LZMA ImageJ stack keeps its pages, axes and pixel size', async () => {
    const stack = await openImage(fixture('zyx8_lzma.tif'));
    const reference = await openImage(fixture('zyx8.tif'));
    expect(stack.info).toEqual(reference.info);
    expect(stack.metadata).toEqual(reference.metadata);
    expect(stack.info.planes).toBe(3);
    const rect = { x: 0, y: 0, width: 45, height: 37 };
    expect((await stack.readRegion(rect, 2)).channels).toEqual(
      (await reference.readRegion(rect, 2)).channels,
    );
  });

  it('mixel info names a compression neither reader decodes', async () => {
    const result = await runMixel(['info', fixture('f32_lerc.tif')]);
    expect(result.code).not.toBe(0);
    expect(result.stderr.split('\n')[0]).toBe(
      `mixel: ${fixture('f32_lerc.tif')}: compression 34887 (LERC) is not supported; re-save with deflate or LZW`,
    );
  });

  it('a damaged ZSTD strip fails the read with one line naming the file', async () => {
    const path = join(dir, 'damaged.tif');
    const bytes = await readFile(fixture('u16_zstd_pred2.tif'));
    // tiffcp writes the five strips right after the 8-byte header; scramble the second and third.
    for (let i = 70; i < 110; i++) bytes[i] ^= 0xa5;
    await writeFile(path, bytes);
    const error = await readImage(path).catch((err: Error) => err);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      new RegExp(`^${path}: the file is truncated or corrupt \\(a ZSTD strip or tile is damaged [^\\n]+$`),
    );
  });

  it('a strip declared larger than Mixel decodes at once is refused before reading it', async () => {
    const path = join(dir, 'bomb.tif');
    await copyFile(fixture('u16_lzma_pred2.tif'), path);
    const bytes = await readFile(path);
    // Classic little-endian TIFF: patch ImageWidth, ImageLength and RowsPerStrip of the first directory.
    const ifd = bytes.readUInt32LE(4);
    const count = bytes.readUInt16LE(ifd);
    for (let i = 0; i < count; i++) {
      const at = ifd + 2 + i * 12;
      const tag = bytes.readUInt16LE(at);
      if (tag === 256 || tag === 257 || tag === 278) {
        bytes.writeUInt16LE(4, at + 2); // LONG
        bytes.writeUInt32LE(1, at + 4);
        bytes.writeUInt32LE(60000, at + 8);
      }
    }
    await writeFile(path, bytes);
    await expect(openImage(path)).rejects.toThrow(
      `${path}: its strips or tiles hold 6866 MB each, more than the 256 MB Mixel decodes at once; re-save tiled or with smaller strips`,
    );
  });
});
