import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFloat32Tiff } from './writeFloat32Tiff.js';

const dirPromise = mkdtemp(join(tmpdir(), 'mixel-tiff-'));
afterAll(async () => rm(await dirPromise, { recursive: true, force: true }));

async function readPage(
  path: string,
  page: number,
): Promise<{ values: Float32Array; width: number; height: number }> {
  const { data, info } = await sharp(path, { page })
    .toColourspace('b-w') // sharp would otherwise expand one band to RGB
    .raw({ depth: 'float' })
    .toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(1);
  const values = new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4).slice();
  return { values, width: info.width, height: info.height };
}

describe('writeFloat32Tiff', () => {
  it('writes every page bit for bit, with its name, readable by sharp (libvips)', async () => {
    const dir = await dirPromise;
    const width = 37;
    const height = 2100; // tall enough for several strips per page
    const pages = [0, 1, 2].map((p) =>
      Float32Array.from(
        { length: width * height },
        (_, i) => (p - 1) * 1e-7 * i + Math.sin(i + p) * 12345.678,
      ),
    );
    const path = join(dir, 'features.tif');
    await writeFloat32Tiff(path, pages, width, height, {
      pageNames: ['Gaussian Smoothing (σ=0.3)', 'b', 'c'],
    });
    const meta = await sharp(path).metadata();
    expect(meta.pages).toBe(3);
    for (let p = 0; p < 3; p++) {
      const page = await readPage(path, p);
      expect([page.width, page.height]).toEqual([width, height]);
      expect(page.values.every((v, i) => Object.is(v, pages[p][i]))).toBe(true);
    }
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('accepts planes in shared memory', async () => {
    const dir = await dirPromise;
    const plane = new Float32Array(new SharedArrayBuffer(6 * 4 * 4));
    plane.set([1.5, -2, 3e-30, 4e30, 0, 7]);
    const path = join(dir, 'shared.tif');
    await writeFloat32Tiff(path, [plane], 6, 4);
    expect(Array.from((await readPage(path, 0)).values)).toEqual(Array.from(plane));
  });

  it('refuses pages of the wrong size, saying which size it expected', async () => {
    const dir = await dirPromise;
    await expect(writeFloat32Tiff(join(dir, 'bad.tif'), [new Float32Array(5)], 3, 2)).rejects.toThrow(
      /page has 5 values, expected 3×2/,
    );
  });
});
