/**
 * The OME-Zarr writer as predict uses it: bands of rows streamed in (not aligned to chunks), a pyramid of
 * 2× levels (mean for probabilities, most frequent class for labels), the input's pixel size carried,
 * and nothing left behind by an aborted or unfinished write. Outputs are read back with Mixel's reader and
 * checked in their JSON as napari and zarr-python read it.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImage } from '../../src/main/io/openImage.js';
import { createZarrSink } from '../../src/main/io/zarr/zarrSink.js';
import { removeStaleTemporaryFolders } from '../../src/main/io/zarr/temporaryFolder.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-zarr-write-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const W = 1100;
const H = 700;
const BAND = 200;
const micron = { channels: 3, slices: 1, frames: 1, pixelWidth: 0.645, pixelHeight: 0.645, unit: 'micron' };

function probability(c: number, y: number, x: number): number {
  return ((x * 3 + y * 5 + c * 11) % 97) / 96;
}

async function writeProbabilities(path: string): Promise<void> {
  const sink = await createZarrSink({
    path,
    width: W,
    height: H,
    channels: 3,
    sampleType: 'float32',
    channelNames: ['bg', 'cell', 'edge'],
    geometry: micron,
  });
  for (let y0 = 0; y0 < H; y0 += BAND) {
    const rows = Math.min(BAND, H - y0);
    const bands = [0, 1, 2].map((c) => {
      const band = new Float32Array(rows * W);
      for (let y = 0; y < rows; y++) for (let x = 0; x < W; x++) band[y * W + x] = probability(c, y0 + y, x);
      return band;
    });
    await sink.writeBand(y0, bands);
  }
  await sink.close();
}

describe('OME-Zarr output', () => {
  it('streams probabilities into a c,y,x image with the pixel size, class names and a mean pyramid', async () => {
    const path = join(dir, 'cells_Probabilities.zarr');
    await writeProbabilities(path);
    const attrs = JSON.parse(await readFile(join(path, '.zattrs'), 'utf8'));
    const multiscale = attrs.multiscales[0];
    expect(multiscale.version).toBe('0.4');
    expect(multiscale.axes).toEqual([
      { name: 'c', type: 'channel' },
      { name: 'y', type: 'space', unit: 'micrometer' },
      { name: 'x', type: 'space', unit: 'micrometer' },
    ]);
    expect(multiscale.datasets.map((d: { path: string }) => d.path)).toEqual(['0', '1', '2']);
    expect(multiscale.datasets[1].coordinateTransformations[0].scale).toEqual([1, 1.29, 1.29]);
    expect(attrs.omero.channels.map((c: { label: string }) => c.label)).toEqual(['bg', 'cell', 'edge']);
    const zarray = JSON.parse(await readFile(join(path, '0', '.zarray'), 'utf8'));
    expect(zarray).toMatchObject({
      shape: [3, H, W],
      chunks: [1, 512, 512],
      dtype: '<f4',
      dimension_separator: '/',
      compressor: { id: 'gzip' },
    });

    const image = await openImage(path);
    expect(image.info).toMatchObject({
      width: W,
      height: H,
      channels: 3,
      axes: 'cyx',
      sampleType: 'float32',
    });
    expect(image.metadata.pixelSize.x).toEqual({ value: 0.645, unit: 'µm' });
    expect(image.metadata.channelNames).toEqual(['bg', 'cell', 'edge']);
    const all = await image.readRegion({ x: 0, y: 0, width: W, height: H }, 0);
    let mismatches = 0;
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++)
          if (all.channels[c][y * W + x] !== Math.fround(probability(c, y, x))) mismatches++;
    expect(mismatches).toBe(0);

    const level1 = await openImage(join(path, '1'));
    expect(level1.info).toMatchObject({ width: 550, height: 350 });
    expect(level1.metadata.pixelSize.x?.value).toBeCloseTo(1.29, 10);
    const half = await level1.readRegion({ x: 0, y: 0, width: 550, height: 350 }, 0);
    for (const [c, y, x] of [
      [0, 0, 0],
      [1, 300, 260],
      [2, 349, 549],
      [1, 255, 256],
    ]) {
      const mean =
        [0, 1]
          .flatMap((dy) => [0, 1].map((dx) => Math.fround(probability(c, 2 * y + dy, 2 * x + dx))))
          .reduce((a, b) => a + b) / 4;
      expect(half.channels[c][y * 550 + x]).toBeCloseTo(mean, 6);
    }
    const level2 = await openImage(join(path, '2'));
    expect(level2.info).toMatchObject({ width: 275, height: 175 });
  });

  it('writes labels as y,x uint8 with image-label colours and a most-frequent-class pyramid', async () => {
    const path = join(dir, 'cells_Simple_Segmentation.zarr');
    const width = 1030;
    const height = 521;
    const label = (y: number, x: number) => (x % 2 === 0 && y % 2 === 0 ? 3 : 1 + (x >= 600 ? 1 : 0));
    const sink = await createZarrSink({
      path,
      width,
      height,
      channels: 1,
      sampleType: 'uint8',
      classColors: ['#ff0000', '#00ff00', undefined],
    });
    for (let y0 = 0; y0 < height; y0 += 512) {
      const rows = Math.min(512, height - y0);
      const band = new Uint8Array(rows * width);
      for (let y = 0; y < rows; y++) for (let x = 0; x < width; x++) band[y * width + x] = label(y0 + y, x);
      await sink.writeBand(y0, [band]);
    }
    await sink.close();
    const attrs = JSON.parse(await readFile(join(path, '.zattrs'), 'utf8'));
    expect(attrs['image-label'].colors).toEqual([
      { 'label-value': 1, rgba: [255, 0, 0, 255] },
      { 'label-value': 2, rgba: [0, 255, 0, 255] },
    ]);
    expect(attrs.multiscales[0].axes.map((a: { name: string }) => a.name)).toEqual(['y', 'x']);
    const image = await openImage(path);
    expect(image.info).toMatchObject({ axes: 'yx', sampleType: 'uint8', width, height });
    const full = await image.readRegion({ x: 590, y: 510, width: 20, height: 11 }, 0);
    expect(full.channels[0][0]).toBe(label(510, 590));
    expect(full.channels[0][10 * 20 + 19]).toBe(label(520, 609));
    // Each 2 × 2 block holds one 3 and three of 1 (or 2): the mode is never the mean-like 2 or 3.
    const level1 = await openImage(join(path, '1'));
    expect(level1.info).toMatchObject({ width: 515, height: 261 });
    const half = await level1.readRegion({ x: 0, y: 0, width: 515, height: 261 }, 0);
    expect(half.channels[0][10 * 515 + 10]).toBe(1);
    expect(half.channels[0][10 * 515 + 400]).toBe(2);
    // The bottom row of the odd height has one input row: 3 and 1 tie, and the top-left pixel (3) wins.
    expect(half.channels[0][260 * 515 + 10]).toBe(3);
  });

  it('writes a z-stack as z,y,x with the z step, planes arriving one after another', async () => {
    const path = join(dir, 'stack.zarr');
    const geometry = {
      channels: 1,
      slices: 3,
      frames: 1,
      pixelWidth: 0.2,
      pixelHeight: 0.2,
      spacing: 1.5,
      unit: 'micron',
    };
    const sink = await createZarrSink({
      path,
      width: 40,
      height: 30,
      channels: 1,
      sampleType: 'uint16',
      planeShape: [3],
      geometry,
    });
    for (let plane = 0; plane < 3; plane++)
      await sink.writeBand(0, [new Uint16Array(1200).fill(1000 + plane)], plane);
    await sink.close();
    const image = await openImage(path);
    expect(image.info).toMatchObject({ axes: 'zyx', planes: 3, width: 40, height: 30 });
    expect(image.metadata.pixelSize.z).toEqual({ value: 1.5, unit: 'µm' });
    // No made-up channel names: the output says none when the export has none.
    expect(image.metadata.channelNames).toBeNull();
    expect((await image.readRegion({ x: 39, y: 29, width: 1, height: 1 }, 2)).channels[0][0]).toBe(1002);
  });

  it('leaves nothing behind when aborted or unfinished, and replaces an older output whole', async () => {
    const out = join(dir, 'abort');
    await mkdir(out);
    const path = join(out, 'x.zarr');
    const sink = await createZarrSink({ path, width: 600, height: 600, channels: 2, sampleType: 'float32' });
    await sink.writeBand(0, [new Float32Array(600 * 512), new Float32Array(600 * 512)]);
    await expect(sink.finish()).rejects.toThrow(`${path}: plane 0 received 512 of 600 rows`);
    expect((await readdir(out)).length).toBe(1);
    await sink.abort();
    expect(await readdir(out)).toEqual([]);

    await writeProbabilities(path);
    const again = await createZarrSink({
      path,
      width: 10,
      height: 10,
      channels: 1,
      sampleType: 'uint8',
      classColors: [],
    });
    await again.writeBand(0, [new Uint8Array(100).fill(2)]);
    await again.close();
    expect(await readdir(out)).toEqual(['x.zarr']);
    expect(await readdir(path)).toEqual(expect.arrayContaining(['0', '.zattrs', '.zgroup']));
    await expect(stat(join(path, '1'))).rejects.toThrow();
    expect((await openImage(path)).info).toMatchObject({ width: 10, height: 10, axes: 'yx' });
  });

  it('an abort during a write (Ctrl-C) leaves nothing, even with chunks still being compressed', async () => {
    const out = join(dir, 'interrupted');
    await mkdir(out);
    const sink = await createZarrSink({
      path: join(out, 'x.zarr'),
      width: 2048,
      height: 1024,
      channels: 2,
      sampleType: 'float32',
    });
    const band = () => Float32Array.from({ length: 2048 * 512 }, (_, i) => Math.sin(i));
    const writing = sink.writeBand(0, [band(), band()]).catch(() => 'failed');
    await sink.abort();
    await writing;
    await new Promise((r) => setTimeout(r, 200));
    expect(await readdir(out)).toEqual([]);
  });

  it('never replaces a folder or file that is not a Zarr image', async () => {
    const out = join(dir, 'precious');
    await mkdir(join(out, 'data'), { recursive: true });
    await writeFile(join(out, 'data', 'thesis.tex'), 'years of work');
    await writeFile(join(out, 'file.zarr'), 'not a folder');
    for (const path of [join(out, 'data'), join(out, 'file.zarr')]) {
      await expect(
        createZarrSink({ path, width: 4, height: 4, channels: 1, sampleType: 'uint8', classColors: [] }),
      ).rejects.toThrow(`${path} exists and is not a Zarr image`);
    }
    expect(await readFile(join(out, 'data', 'thesis.tex'), 'utf8')).toBe('years of work');
    expect((await readdir(out)).sort()).toEqual(['data', 'file.zarr']);
  });

  it('removes the temporary folders of a killed run, and only those', async () => {
    const out = join(dir, 'stale');
    const deadPid = 2 ** 22 + 12345;
    const stale = join(out, `.a.zarr.mixel-${deadPid}-0123456789abcdef.tmp`);
    const live = join(out, `.b.zarr.mixel-${process.pid}-0123456789abcdef.tmp`);
    const user = join(out, 'keep.zarr');
    for (const folder of [stale, live, user]) await mkdir(join(folder, '0'), { recursive: true });
    expect(await removeStaleTemporaryFolders(out)).toEqual([`.a.zarr.mixel-${deadPid}-0123456789abcdef.tmp`]);
    expect((await readdir(out)).sort()).toEqual([
      `.b.zarr.mixel-${process.pid}-0123456789abcdef.tmp`,
      'keep.zarr',
    ]);
  });
});
