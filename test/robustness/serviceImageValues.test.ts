/**
 * The window refuses images with NaN or ±Infinity as the command line does: adding one fails with one
 * line naming the file, and the project is unchanged (before, its overlays came out NaN).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFloat32Tiff } from '../../src/main/io/writeFloat32Tiff.js';
import { createBackend, type Backend } from '../../src/main/service/createBackend.js';

const SIZE = 32;

describe('the window adding a float image', () => {
  let dir: string;
  let backend: Backend;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mixel-service-values-'));
    backend = createBackend({ dataDir: join(dir, 'data'), threads: 1 });
    await backend.service.openSampleProject();
  });
  afterAll(async () => {
    await backend.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const [name, bad] of [
    ['NaN', Number.NaN],
    ['+Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ] as const) {
    it(`refuses an image holding ${name}, naming the file and the pixel`, async () => {
      const plane = new Float32Array(SIZE * SIZE).fill(100);
      plane[5 * SIZE + 7] = bad;
      const path = join(dir, `bad-${name}.tif`);
      await writeFloat32Tiff(path, [plane], SIZE, SIZE);
      const before = (await backend.service.getProject()).images.length;
      const error = await backend.service.addImage(path).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toContain(path);
      expect((error as Error).message).toMatch(/NaN or infinite values \(first at x=7, y=5/);
      expect((error as Error).message).not.toContain('\n');
      expect((await backend.service.getProject()).images.length).toBe(before);
    });
  }

  it('refuses values beyond what float32 features hold, naming the bound (before: its overlays came out NaN)', async () => {
    const plane = new Float32Array(SIZE * SIZE).fill(100);
    plane[3 * SIZE + 2] = 3e38;
    const path = join(dir, 'huge.tif');
    await writeFloat32Tiff(path, [plane], SIZE, SIZE);
    const error = await backend.service.addImage(path).catch((e: Error) => e);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(/value 3\.00e\+38 at x=2, y=3, channel 0 is beyond ±1\.15e\+18/);
    expect((error as Error).message).not.toContain('\n');
  });

  it('adds the same image once its values are finite', async () => {
    const plane = new Float32Array(SIZE * SIZE).fill(100);
    const path = join(dir, 'good.tif');
    await writeFloat32Tiff(path, [plane], SIZE, SIZE);
    const image = await backend.service.addImage(path);
    expect(image.width).toBe(SIZE);
  });
});
