/**
 * Reading Zarr folders built by hand (see zarrBuild.ts): OME-Zarr 0.4 and 0.5 images, a scale path, plain
 * arrays in C and F order, and hostile folders that must fail with one line naming the folder.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImage } from '../../src/main/io/openImage.js';
import { ChunkCache } from '../../src/main/io/zarr/ChunkCache.js';
import {
  indexRamp,
  writeOmeZarr,
  writeZarrV2Array,
  writeZarrV3Array,
  writeZarrV3ShardedArray,
  type OmeAxisSpec,
} from './zarrBuild.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-zarr-read-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const TCZYX: OmeAxisSpec[] = [
  { name: 't', type: 'time', unit: 'second' },
  { name: 'c', type: 'channel' },
  { name: 'z', type: 'space', unit: 'micrometer' },
  { name: 'y', type: 'space', unit: 'micrometer' },
  { name: 'x', type: 'space', unit: 'micrometer' },
];
const SHAPE = [2, 2, 3, 40, 50];
const ramp = (shape: number[]) => indexRamp(shape, (n) => new Uint16Array(n));

/** The value the ramp holds at (t, c, z, y, x). */
function expected(shape: number[], index: number[]): number {
  const offset = index.reduce((acc, i, d) => acc * shape[d] + i, 0);
  return (offset * 7) % 65521;
}

describe('OME-Zarr input', () => {
  it('reads axes, pixel size, channel names and the pixels of any plane and region (v0.4)', async () => {
    const path = join(dir, 'stack.ome.zarr');
    const half = [2, 2, 3, 20, 25];
    await writeOmeZarr(
      path,
      TCZYX,
      [
        {
          path: '0',
          spec: { data: ramp(SHAPE), shape: SHAPE, chunks: [1, 1, 2, 16, 16], dtype: '<u2' },
          scale: [1, 1, 2, 0.5, 0.5],
        },
        {
          path: '1',
          spec: { data: ramp(half), shape: half, chunks: [1, 1, 2, 16, 16], dtype: '<u2' },
          scale: [1, 1, 2, 1, 1],
        },
      ],
      { channelLabels: ['DAPI', 'GFP'] },
    );
    const image = await openImage(path);
    expect(image.info).toMatchObject({
      width: 50,
      height: 40,
      channels: 2,
      planes: 6,
      axes: 'tczyx',
      sampleType: 'uint16',
    });
    expect(image.isAxesGuessed).toBe(false);
    expect(image.metadata.axesSource).toBe('OME-Zarr');
    expect(image.metadata.pixelSize).toEqual({
      x: { value: 0.5, unit: 'µm' },
      y: { value: 0.5, unit: 'µm' },
      z: { value: 2, unit: 'µm' },
    });
    expect(image.metadata.channelNames).toEqual(['DAPI', 'GFP']);
    // Plane 4 = t 1, z 1; a region crossing chunk borders in y and x.
    const rect = { x: 13, y: 14, width: 30, height: 21 };
    const region = await image.readRegion(rect, 4);
    for (const [c, y, x] of [
      [0, 0, 0],
      [1, 5, 7],
      [1, 20, 29],
      [0, 2, 3],
    ]) {
      expect(region.channels[c][y * rect.width + x]).toBe(expected(SHAPE, [1, c, 1, rect.y + y, rect.x + x]));
    }
    const level1 = await openImage(join(path, '1'));
    expect(level1.info).toMatchObject({ width: 25, height: 20, axes: 'tczyx' });
    expect(level1.metadata.pixelSize.x).toEqual({ value: 1, unit: 'µm' });
    expect(level1.metadata.channelNames).toEqual(['DAPI', 'GFP']);
  });

  it('reads an OME-Zarr 0.5 image (zarr v3, zarr.json)', async () => {
    const path = join(dir, 'v05.ome.zarr');
    const shape = [3, 33, 45];
    await writeOmeZarr(
      path,
      [
        { name: 'c', type: 'channel' },
        { name: 'y', type: 'space', unit: 'nanometer' },
        { name: 'x', type: 'space', unit: 'nanometer' },
      ],
      [
        {
          path: '0',
          spec: { data: ramp(shape), shape, chunks: [1, 16, 16], dtype: '<u2' },
          scale: [1, 80, 80],
        },
      ],
      { version: '0.5' },
    );
    const image = await openImage(path);
    expect(image.info).toMatchObject({ width: 45, height: 33, channels: 3, planes: 1, axes: 'cyx' });
    expect(image.metadata.pixelSize.x).toEqual({ value: 80, unit: 'nm' });
    const region = await image.readRegion({ x: 0, y: 0, width: 45, height: 33 }, 0);
    expect(region.channels[2][32 * 45 + 44]).toBe(expected(shape, [2, 32, 44]));
    expect(region.channels[1][17 * 45 + 16]).toBe(expected(shape, [1, 17, 16]));
  });

  it('reads plain arrays: guessed axes said to be guessed, --axes over them, F order and "." keys', async () => {
    const path = join(dir, 'plain.zarr');
    const shape = [5, 30, 20];
    await writeZarrV2Array(path, {
      data: ramp(shape),
      shape,
      chunks: [2, 7, 9],
      dtype: '<u2',
      order: 'F',
      separator: '.',
      compressor: 'zlib',
    });
    const guessed = await openImage(path);
    expect(guessed.info.axes).toBe('zyx');
    expect(guessed.isAxesGuessed).toBe(true);
    const given = await openImage(path, { axes: 'tyx' });
    expect(given.info).toMatchObject({ axes: 'tyx', planes: 5 });
    expect(given.isAxesGuessed).toBe(false);
    const region = await given.readRegion({ x: 3, y: 4, width: 15, height: 20 }, 3);
    expect(region.channels[0][0]).toBe(expected(shape, [3, 4, 3]));
    expect(region.channels[0][19 * 15 + 14]).toBe(expected(shape, [3, 23, 17]));
    await expect(openImage(path, { axes: 'yx' })).rejects.toThrow(
      `${path}: axes "yx" name 2 dimensions but the array has 3`,
    );
  });

  it('reads a float64 zarr v3 array as float32 and says so', async () => {
    const path = join(dir, 'float.zarr');
    const shape = [20, 10];
    const data = Float64Array.from({ length: 200 }, (_, i) => i / 8);
    await writeZarrV3Array(path, { data, shape, chunks: [8, 8], dtype: '<f8' });
    const image = await openImage(path);
    expect(image.info).toMatchObject({ width: 10, height: 20, sampleType: 'float32', axes: 'yx' });
    expect(image.metadata.notes).toContain('stored as float64, read as float32');
    const region = await image.readRegion({ x: 0, y: 0, width: 10, height: 20 }, 0);
    expect(region.channels[0][199]).toBe(199 / 8);
  });

  it('reads a sharded zarr v3 array, each region from the inner chunks it touches', async () => {
    const path = join(dir, 'sharded.zarr');
    const shape = [70, 90];
    await writeZarrV3ShardedArray(
      path,
      { data: ramp(shape), shape, chunks: [16, 16], dtype: '<u2' },
      [32, 48],
    );
    const image = await openImage(path);
    expect(image.info).toMatchObject({ width: 90, height: 70, axes: 'yx', format: 'zarr v3' });
    const region = await image.readRegion({ x: 40, y: 30, width: 50, height: 40 }, 0);
    let mismatches = 0;
    for (let y = 0; y < 40; y++)
      for (let x = 0; x < 50; x++)
        if (region.channels[0][y * 50 + x] !== expected(shape, [30 + y, 40 + x])) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('decodes only the chunks a region touches', async () => {
    const path = join(dir, 'partly-broken.zarr');
    const shape = [64, 64];
    await writeZarrV2Array(path, { data: ramp(shape), shape, chunks: [32, 32], dtype: '<u2' });
    await writeFile(join(path, '1', '1'), 'not gzip at all');
    const image = await openImage(path);
    const top = await image.readRegion({ x: 0, y: 0, width: 64, height: 32 }, 0);
    expect(top.channels[0][31 * 64 + 63]).toBe(expected(shape, [31, 63]));
    await expect(image.readRegion({ x: 30, y: 30, width: 4, height: 4 }, 0)).rejects.toThrow(
      new RegExp(`^${path}: cannot read a chunk \\(.*gzip`),
    );
  });
});

describe('hostile Zarr folders fail with one line naming the folder', () => {
  async function failure(name: string, build: (path: string) => Promise<void>): Promise<string> {
    const path = join(dir, name);
    await build(path);
    const err = await openImage(path).then(
      () => null,
      (e: Error) => e,
    );
    expect(err).not.toBeNull();
    const message = (err as Error).message;
    expect(message.startsWith(`${path}: `)).toBe(true);
    expect(message).not.toContain('\n');
    return message;
  }

  it('refuses chunks, shapes and metadata beyond their bounds before decoding', async () => {
    const zarray = (fields: Record<string, unknown>) => ({
      zarr_format: 2,
      shape: [10, 10],
      chunks: [10, 10],
      dtype: '<u2',
      compressor: { id: 'gzip', level: 1 },
      fill_value: 0,
      filters: null,
      order: 'C',
      ...fields,
    });
    const write = (fields: Record<string, unknown>) => async (path: string) => {
      await writeZarrV2Array(path, {
        data: new Uint16Array(100),
        shape: [10, 10],
        chunks: [10, 10],
        dtype: '<u2',
      });
      await writeFile(join(path, '.zarray'), JSON.stringify(zarray(fields)));
    };
    expect(
      await failure('huge-chunk.zarr', write({ shape: [100000, 100000], chunks: [100000, 100000] })),
    ).toMatch(/chunks of 19073 MB, more than the 256 MB/);
    expect(await failure('negative.zarr', write({ shape: [-5, 10] }))).toMatch(/shape|dimension/);
    expect(await failure('int64.zarr', write({ dtype: '<i8' }))).toMatch(/holds int64 values/);
    expect(
      await failure('big-json.zarr', async (path) => {
        await write({})(path);
        await writeFile(join(path, '.zattrs'), JSON.stringify({ pad: 'x'.repeat(5 * 1024 * 1024) }));
      }),
    ).toMatch(/\.zattrs is \d+ bytes, more than the 4194304/);
    expect(
      await failure('not-json.zarr', async (path) => {
        await write({})(path);
        await writeFile(join(path, '.zarray'), '{"zarr_format": 2,');
      }),
    ).toMatch(/\.zarray is not JSON/);
  });

  it('refuses a gzip bomb: a chunk that inflates beyond its shape', async () => {
    const message = await failure('bomb.zarr', async (path) => {
      await writeZarrV2Array(path, {
        data: new Uint16Array(64),
        shape: [8, 8],
        chunks: [8, 8],
        dtype: '<u2',
      });
      await writeFile(join(path, '0', '0'), gzipSync(new Uint8Array(8 * 1024 * 1024)));
    });
    expect(message).toMatch(/cannot be decoded .*more than its chunk shape allows/);
  });

  it('refuses dataset paths leading outside the image and multiscales without datasets', async () => {
    const group = (multiscales: unknown) => async (path: string) => {
      await writeZarrV2Array(join(path, '0'), {
        data: new Uint16Array(4),
        shape: [2, 2],
        chunks: [2, 2],
        dtype: '<u2',
      });
      await writeFile(join(path, '.zgroup'), '{"zarr_format": 2}');
      await writeFile(join(path, '.zattrs'), JSON.stringify({ multiscales }));
    };
    const axes = [{ name: 'y' }, { name: 'x' }];
    expect(await failure('escape.zarr', group([{ axes, datasets: [{ path: '../../etc' }] }]))).toMatch(
      /dataset path "..\/..\/etc" is not a folder inside the image/,
    );
    expect(await failure('empty.zarr', group([{ axes, datasets: [] }]))).toMatch(/datasets" is empty/);
    expect(
      await failure(
        'bad-axis.zarr',
        group([{ axes: [{ name: 'angle' }, { name: 'x' }], datasets: [{ path: '0' }] }]),
      ),
    ).toMatch(/axis "angle" is not one of t, c, z, y, x/);
    expect(
      await failure('no-zarr', async (path) => {
        await writeFile(join(dir, 'placeholder'), '');
        await import('node:fs/promises').then((fs) => fs.mkdir(path));
      }),
    ).toMatch(/not a Zarr array or OME-Zarr image/);
  });
});

describe('the decoded-chunk cache', () => {
  it('holds no more than its budget, keeps the chunks used last and decodes a chunk once for readers at once', async () => {
    const cache = new ChunkCache<Uint8Array>(100, (chunk) => chunk.length);
    let decodes = 0;
    const load = () => {
      decodes++;
      return Promise.resolve(new Uint8Array(40));
    };
    const [a, b] = await Promise.all([cache.get('a', load), cache.get('a', load)]);
    expect(a).toBe(b);
    expect(decodes).toBe(1);
    for (const key of ['b', 'c']) await cache.get(key, load);
    await cache.get('a', load);
    await cache.get('d', load);
    await Promise.resolve();
    expect(cache.heldBytes).toBeLessThanOrEqual(100);
    decodes = 0;
    await cache.get('a', load);
    await cache.get('d', load);
    expect(decodes).toBe(0);
    await cache.get('b', load);
    expect(decodes).toBe(1);
  });
});
