/**
 * Stacks (uncompressed or deflate, grey or RGB) are read by Mixel's own TIFF reader rather than sharp: a
 * 3-D block reads a small rectangle of every plane, and sharp re-opened the file and walked its page chain
 * for each (3.5× the CPU). The route must not change a single value or the metadata, and a stack Mixel's
 * reader refuses (a page of another size) still opens through sharp as before.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImage } from '../../src/main/io/openImage.js';
import { openWithSharp } from '../../src/main/io/openSharpImage.js';
import { tiffRoute } from '../../src/main/io/tiff/openTiffImage.js';
import { REPO_ROOT } from '../cli/cliHarness.js';
import { writeTaggedTiff } from './writeTaggedTiff.js';

const STACKS = [
  'test/fixtures/metadata/imagej_zcyx.tif',
  'test/fixtures/metadata/imagej_tyx.tif',
  'test/fixtures/metadata/ome_zcyx.ome.tif',
  'test/fixtures/metadata/ome_zcyx_bigendian.ome.tif',
  'test/fixtures/tiffCodecs/zyx8.tif',
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-tiff-route-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("stacks read by Mixel's TIFF reader", () => {
  it.each(STACKS)('%s: the same axes, pixel size and values as sharp reads', async (file) => {
    const path = join(REPO_ROOT, file);
    expect(await tiffRoute(path)).toBe('own-stack');
    const mine = await openImage(path);
    const theirs = await openWithSharp(path);
    expect(mine.info).toEqual(theirs.info);
    expect(mine.metadata).toEqual(theirs.metadata);
    const { width, height } = mine.info;
    // A rectangle off the origin, as 3-D blocks read them, and the whole plane.
    const rects = [
      { x: 0, y: 0, width, height },
      { x: 1, y: 2, width: width - 2, height: height - 3 },
    ];
    for (let plane = 0; plane < mine.info.planes; plane++)
      for (const rect of rects)
        expect(await mine.readRegion(rect, plane)).toEqual(await theirs.readRegion(rect, plane));
  });

  it('a stack with a thumbnail page of another size opens through sharp, as before', async () => {
    const path = join(dir, 'with-thumbnail.tif');
    const page = (value: number, n: number) => new Uint16Array(n).fill(value);
    await writeTaggedTiff(path, {
      width: 16,
      height: 12,
      pages: [page(100, 192), page(200, 192), page(300, 192), page(7, 12)],
      pageSizes: { 3: { width: 4, height: 3 } },
    });
    expect(await tiffRoute(path)).toBe('own-stack');
    const source = await openImage(path);
    // Mixel's reader refuses mixed page sizes; the file opens as it did before the route, through sharp.
    expect(source.info).toEqual((await openWithSharp(path)).info);
    expect(source.info.width).toBe(16);
  });

  it('a single page keeps going to sharp', async () => {
    expect(await tiffRoute(join(REPO_ROOT, 'test/fixtures/tiffCodecs/u16.tif'))).toBe('sharp');
  });
});
