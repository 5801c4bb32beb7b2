import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rect } from '../../src/core/tiling.js';
import { holdPlanes } from '../../src/main/io/heldPlaneSource.js';
import { openImage } from '../../src/main/io/openImage.js';
import type { OpenedImage } from '../../src/main/io/OpenedImage.js';
import { TiffStripWriter } from '../../src/main/io/TiffStripWriter.js';

const W = 61;
const H = 47;
const PAGES = 3;

let dir: string;
let path: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-held-'));
  path = join(dir, 'stack.tif');
  const writer = await TiffStripWriter.create(path, {
    width: W,
    height: H,
    pages: PAGES,
    sampleType: 'uint16',
  });
  for (let p = 0; p < PAGES; p++) {
    await writer.writeRows(
      p,
      Uint16Array.from({ length: W * H }, (_, i) => 30000 + p * 1000 + ((i * 7919) % 997)),
    );
  }
  await writer.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The file's own reader, counting the regions it is asked for. */
async function countingSource(): Promise<{ source: OpenedImage; reads: Rect[] }> {
  const opened = await openImage(path, { axes: 'zyx' });
  const reads: Rect[] = [];
  const source: OpenedImage = {
    ...opened,
    readRegion: (rect, plane) => {
      reads.push(rect);
      return opened.readRegion(rect, plane);
    },
  };
  return { source, reads };
}

const regions: Rect[] = [
  { x: 0, y: 0, width: W, height: H },
  { x: 0, y: 10, width: W, height: 20 },
  { x: 13, y: 5, width: 17, height: 31 },
  { x: W - 1, y: H - 1, width: 1, height: 1 },
];

describe('a held plane is decoded once and serves every region of it exactly', () => {
  it('regions of each plane equal the file’s, from one whole read per plane', async () => {
    const { source, reads } = await countingSource();
    const held = holdPlanes(source);
    expect(held.info).toBe(source.info);
    expect(held.metadata).toBe(source.metadata);
    for (let plane = 0; plane < PAGES; plane++) {
      for (const rect of regions) {
        const fromHeld = await held.readRegion(rect, plane);
        const fromFile = await source.readRegion(rect, plane);
        expect(fromHeld.width).toBe(rect.width);
        expect(fromHeld.height).toBe(rect.height);
        expect(fromHeld.channels).toEqual(fromFile.channels);
      }
    }
    // Per plane: one whole read by the held source, plus the comparison's own reads.
    const wholeReads = reads.filter((r) => r.width === W && r.height === H).length;
    expect(reads.length).toBe(PAGES * (1 + regions.length));
    expect(wholeReads).toBe(PAGES * 2);
  });

  it('hands out copies: changing one region read does not change the next', async () => {
    const held = holdPlanes((await countingSource()).source);
    const first = await held.readRegion({ x: 0, y: 0, width: 8, height: 8 }, 1);
    const before = first.channels[0][0];
    first.channels[0].fill(-1);
    const again = await held.readRegion({ x: 0, y: 0, width: 8, height: 8 }, 1);
    expect(again.channels[0][0]).toBe(before);
  });

  it('release lets the held plane go: the next region of it is decoded again', async () => {
    const { source, reads } = await countingSource();
    const held = holdPlanes(source);
    await held.readRegion({ x: 0, y: 0, width: 4, height: 4 }, 0);
    await held.readRegion({ x: 4, y: 4, width: 4, height: 4 }, 0);
    expect(reads).toHaveLength(1);
    held.release();
    const again = await held.readRegion({ x: 0, y: 0, width: 4, height: 4 }, 0);
    expect(reads).toHaveLength(2);
    expect(again.channels).toEqual(
      (await source.readRegion({ x: 0, y: 0, width: 4, height: 4 }, 0)).channels,
    );
  });

  it('a plane larger than the bound is read region by region, as without holding', async () => {
    const { source, reads } = await countingSource();
    const held = holdPlanes(source, W * H * 4 - 1);
    await held.readRegion({ x: 3, y: 4, width: 5, height: 6 }, 0);
    expect(reads).toEqual([{ x: 3, y: 4, width: 5, height: 6 }]);
  });

  it('a region outside the image or a missing plane fails with the reader’s own message', async () => {
    const { source } = await countingSource();
    const held = holdPlanes(source);
    await held.readRegion({ x: 0, y: 0, width: 4, height: 4 }, 0);
    const outside = { x: W - 2, y: 0, width: 4, height: 4 };
    const expected = await source.readRegion(outside, 0).catch((e: Error) => e.message);
    await expect(held.readRegion(outside, 0)).rejects.toThrow(expected as string);
    await expect(held.readRegion({ x: 0, y: 0, width: 4, height: 4 }, PAGES)).rejects.toThrow(path);
    // A failed plane is not remembered: plane 0 is still served.
    expect((await held.readRegion({ x: 0, y: 0, width: 2, height: 1 }, 0)).channels[0].length).toBe(2);
  });
});
