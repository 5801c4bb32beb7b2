/**
 * HDF5 datasets as images, on files built in the test: axes from axistags, a guess or --axes; pixel size
 * from axistags or element_size_um; regions read right across chunks and bands; every refusal one line
 * naming the file and the dataset.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImage, readImage } from '../../src/main/io/openImage.js';
import { MAX_HDF5_SLICE_BYTES } from '../../src/main/io/hdf5/readHdf5Region.js';
import { ramp, writeHdf5 } from './hdf5Build.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-hdf5-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Value at (row, col) of a C-ordered array of `shape`, whatever its other coordinates. */
const at = (values: ArrayLike<number>, shape: number[], index: number[]) =>
  values[index.reduce((offset, i, d) => offset * shape[d] + i, 0)];

describe('HDF5 datasets', () => {
  it('a 2-D chunked gzip uint16 dataset: region across chunks, pixel size from element_size_um', async () => {
    const shape = [50, 70];
    const data = Uint16Array.from(ramp(50 * 70, 7));
    const path = join(dir, 'plain.h5');
    await writeHdf5(path, [
      { name: 'data', data, shape, chunks: [16, 16], gzip: true, elementSizeUm: [0.5, 0.25] },
    ]);
    const source = await openImage(`${path}/data`);
    expect(source.info).toMatchObject({
      width: 70,
      height: 50,
      channels: 1,
      planes: 1,
      sampleType: 'uint16',
      axes: 'yx',
      format: 'hdf5',
    });
    expect(source.isAxesGuessed).toBe(false);
    expect(source.metadata.pixelSize).toEqual({
      y: { value: 0.5, unit: 'µm' },
      x: { value: 0.25, unit: 'µm' },
    });
    const rect = { x: 13, y: 9, width: 40, height: 30 };
    const region = await source.readRegion(rect, 0);
    for (const [y, x] of [
      [0, 0],
      [6, 2],
      [7, 3],
      [29, 39],
      [20, 31],
    ]) {
      expect(region.channels[0][y * 40 + x]).toBe(at(data, shape, [rect.y + y, rect.x + x]));
    }
    // The one dataset of a file is used when the path names the file alone.
    expect((await readImage(path)).image.channels[0]).toEqual(Float32Array.from(data));
  });

  it('a zyx float32 stack with axistags: planes are z, pixel size and z step from the tags', async () => {
    const shape = [4, 20, 30];
    const data = ramp(4 * 20 * 30, 0.5);
    const path = join(dir, 'zyx.h5');
    await writeHdf5(path, [
      { name: 'exported/data', data, shape, axistags: { keys: 'zyx', resolution: [2, 0.65, 0.65] } },
    ]);
    const source = await openImage(`${path}/exported/data`);
    expect(source.info).toMatchObject({ width: 30, height: 20, planes: 4, channels: 1, axes: 'zyx' });
    expect(source.metadata.axesSource).toBe('axistags');
    expect(source.metadata.pixelSize).toEqual({
      z: { value: 2, unit: 'µm' },
      y: { value: 0.65, unit: 'µm' },
      x: { value: 0.65, unit: 'µm' },
    });
    const plane2 = await source.readRegion({ x: 0, y: 0, width: 30, height: 20 }, 2);
    expect(plane2.channels[0][5 * 30 + 7]).toBe(at(data, shape, [2, 5, 7]));
  });

  it('channels first (cyx, tagged) and channels last (yxc, guessed and said so) read the same pixels', async () => {
    const [C, H, W] = [3, 12, 17];
    const cyx = ramp(C * H * W, 3);
    const yxc = new Float32Array(cyx.length);
    for (let c = 0; c < C; c++) for (let i = 0; i < H * W; i++) yxc[i * C + c] = cyx[c * H * W + i];
    const path = join(dir, 'channels.h5');
    await writeHdf5(path, [
      { name: 'cyx', data: cyx, shape: [C, H, W], axistags: { keys: 'cyx' } },
      { name: 'yxc', data: yxc, shape: [H, W, C] },
    ]);
    const first = await readImage(`${path}/cyx`);
    const last = await readImage(`${path}/yxc`);
    expect(first.source.metadata.axesSource).toBe('axistags');
    expect(last.source.isAxesGuessed).toBe(true);
    expect(last.info).toMatchObject({ axes: 'yxc', channels: 3, planes: 1 });
    expect(first.info).toMatchObject({ axes: 'cyx', channels: 3, planes: 1 });
    expect(first.image.channels[1][4 * W + 9]).toBe(cyx[H * W + 4 * W + 9]);
    expect(last.image.channels).toEqual(first.image.channels);
  });

  it('--axes overrides the guess: a (z, c, y, x) stack read as zcyx', async () => {
    const shape = [3, 2, 8, 9];
    const data = Int16Array.from(ramp(3 * 2 * 8 * 9), (v) => v - 200);
    const path = join(dir, 'zcyx.h5');
    await writeHdf5(path, [{ name: 'data', data, shape }]);
    const guessed = await openImage(`${path}/data`);
    expect(guessed.info.axes).toBe('czyx');
    const source = await openImage(`${path}/data`, { axes: 'zcyx' });
    expect(source.info).toMatchObject({ planes: 3, channels: 2, sampleType: 'float32' });
    expect(source.metadata.notes).toContain('stored as int16, read as float32');
    const region = await source.readRegion({ x: 1, y: 2, width: 5, height: 4 }, 1);
    expect(region.channels[1][3 * 5 + 4]).toBe(at(data, shape, [1, 1, 5, 5]));
    expect(region.channels[0][0]).toBe(at(data, shape, [1, 0, 2, 1]));
    await expect(openImage(`${path}/data`, { axes: 'zyx' })).rejects.toThrow(
      /zcyx\.h5\/data: dataset \/data: axes "zyx" names 3 dimensions but the dataset has 4/,
    );
  });

  it('a region larger than one read band is assembled from several hyperslabs', async () => {
    const [H, W] = [1100, 4000];
    expect(H * W * 8).toBeGreaterThan(MAX_HDF5_SLICE_BYTES);
    const data = new Float64Array(H * W);
    for (let i = 0; i < data.length; i++) data[i] = (i % 9973) + (i % 7) / 8;
    const path = join(dir, 'large.h5');
    await writeHdf5(path, [{ name: 'data', data, shape: [H, W], chunks: [100, 500] }]);
    const { image } = await readImage(`${path}/data`);
    const expected = Float32Array.from(data);
    // A loop, not toEqual: a deep comparison of 4.4 M values takes vitest tens of seconds.
    const wrong = image.channels[0].findIndex((v, i) => v !== expected[i]);
    expect(wrong).toBe(-1);
  });

  it('a file with two datasets and no internal path: one line listing them', async () => {
    const path = join(dir, 'two.h5');
    await writeHdf5(path, [
      { name: 'raw', data: new Uint8Array(12), shape: [3, 4] },
      { name: 'labels/mask', data: new Uint8Array(12), shape: [3, 4] },
    ]);
    const error = await openImage(path).catch((err: Error) => err);
    expect((error as Error).message).toBe(
      `${path}: holds 2 datasets (/labels/mask, /raw); name one, as in ${path}/labels/mask`,
    );
    await expect(openImage(`${path}/nope`)).rejects.toThrow(
      `${path}/nope: has no dataset /nope (it holds /labels/mask, /raw)`,
    );
    expect((await openImage(`${path}/labels`)).info.width).toBe(4);
  });

  it('corrupt and truncated files fail with one line naming the file', async () => {
    const good = join(dir, 'good.h5');
    await writeHdf5(good, [
      { name: 'data', data: Uint16Array.from(ramp(64 * 64)), shape: [64, 64], chunks: [16, 16], gzip: true },
    ]);
    const bytes = await readFile(good);
    const garbage = join(dir, 'garbage.h5');
    await writeFile(garbage, Buffer.concat([bytes.subarray(0, 8), Buffer.alloc(200, 0x5a)]));
    const truncated = join(dir, 'truncated.h5');
    await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    for (const path of [garbage, truncated]) {
      const error = await readImage(`${path}/data`).catch((err: Error) => err);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message.startsWith(`${path}/data: `)).toBe(true);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('an absurd declared shape is refused from the header, before any pixel is read', async () => {
    const path = join(dir, 'absurd.h5');
    // Chunked, so HDF5 itself accepts any extent (unwritten chunks read as the fill value).
    await writeHdf5(path, [
      { name: 'data', data: new Uint8Array(7777 * 3), shape: [3, 7777], chunks: [3, 100] },
    ]);
    const bytes = await readFile(path);
    // The dataspace message stores each dimension as a 64-bit integer: 7777 becomes 2⁴⁰.
    const needle = Buffer.alloc(8);
    needle.writeBigUInt64LE(7777n);
    const huge = Buffer.alloc(8);
    huge.writeBigUInt64LE(2n ** 40n);
    let patched = 0;
    for (let i = bytes.indexOf(needle); i >= 0; i = bytes.indexOf(needle, i + 8)) {
      huge.copy(bytes, i);
      patched++;
    }
    expect(patched).toBeGreaterThan(0);
    await writeFile(path, bytes);
    await expect(openImage(`${path}/data`)).rejects.toThrow(
      `${path}/data: dataset /data declares shape 3 × 1099511627776, which is empty or beyond 2147483648 per axis (corrupt?)`,
    );
  });

  it('float64 values beyond float32 are refused naming the dataset, not read as infinity', async () => {
    const path = join(dir, 'float64.h5');
    const data = ramp(6 * 8);
    await writeHdf5(path, [
      { name: 'data', data: Float64Array.from(data, (v, i) => (i === 29 ? 1e300 : v)), shape: [6, 8] },
    ]);
    const error = await readImage(`${path}/data`).catch((err: Error) => err);
    expect((error as Error).message).toBe(
      `${path}/data: cannot read /data (float64 value 1.00e+300 is beyond float32's ±3.4e38, the precision Mixel computes in; rescale the data first)`,
    );
  });
});
