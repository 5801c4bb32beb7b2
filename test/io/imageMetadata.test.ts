/**
 * Axes, pixel size and channel names come from the file's own metadata: ImageJ hyperstacks and OME-TIFFs
 * built here byte by byte are read plane by plane and channel by channel as Fiji and tifffile read them,
 * and `mixel info` prints what was found and where it came from.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImage } from '../../src/main/io/openImage.js';
import { runMixel } from '../cli/cliHarness.js';
import { writeTaggedTiff } from './writeTaggedTiff.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-meta-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const W = 9;
const H = 7;
/** Page `p` holds the value 1000 + 10·p everywhere but pixel (2, 3), which holds p: every page is recognizable. */
function page(p: number): Uint16Array {
  const values = new Uint16Array(W * H).fill(1000 + 10 * p);
  values[3 * W + 2] = p;
  return values;
}
const pages = (n: number) => Array.from({ length: n }, (_, p) => page(p));
const WHOLE = { x: 0, y: 0, width: W, height: H };

/** ImageJ's hyperstack description as ImageJ 1.x writes it. */
function imagejDescription(fields: Record<string, string | number | boolean>): string {
  return ['ImageJ=1.54f', ...Object.entries(fields).map(([k, v]) => `${k}=${v}`), ''].join('\n');
}

function omeXml(pixels: string, channels: string[]): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06" Creator="test">',
    '<Image ID="Image:0" Name="cells">',
    `<Pixels ID="Pixels:0" ${pixels} Type="uint16" SizeX="${W}" SizeY="${H}">`,
    ...channels.map((name, i) => `<Channel ID="Channel:0:${i}" Name="${name}" SamplesPerPixel="1"/>`),
    '<TiffData/>',
    '</Pixels></Image></OME>',
  ].join('\n');
}

describe('ImageJ hyperstacks', () => {
  it('channels=2 slices=3: 2 channels × 3 z-planes, c fastest, pixel size and z step in µm', async () => {
    const path = join(dir, 'zcyx.tif');
    await writeTaggedTiff(path, {
      width: W,
      height: H,
      pages: pages(6),
      description: imagejDescription({
        images: 6,
        channels: 2,
        slices: 3,
        hyperstack: true,
        mode: 'composite',
        unit: 'micron',
        spacing: 2,
        loop: false,
      }),
      xResolution: 1 / 0.645,
      yResolution: 1 / 0.645,
      resolutionUnit: 1,
    });
    const source = await openImage(path);
    expect(source.info).toMatchObject({ pages: 6, channels: 2, planes: 3, axes: 'zcyx' });
    expect(source.isAxesGuessed).toBe(false);
    expect(source.metadata.axesSource).toBe('ImageJ');
    expect(source.metadata.pixelSize).toEqual({
      x: { value: 0.645, unit: 'µm' },
      y: { value: 0.645, unit: 'µm' },
      z: { value: 2, unit: 'µm' },
    });
    // Plane z = 1 holds pages 2 (c0) and 3 (c1).
    const z1 = await source.readRegion(WHOLE, 1);
    expect(z1.channels.map((c) => c[3 * W + 2])).toEqual([2, 3]);
    const z2 = await source.readRegion(WHOLE, 2);
    expect(z2.channels.map((c) => c[0])).toEqual([1040, 1050]);
  });

  it('frames=4 (TYX) is a time series, not z; `\\u00B5m` is µm', async () => {
    const path = join(dir, 'tyx.tif');
    await writeTaggedTiff(path, {
      width: W,
      height: H,
      pages: pages(4),
      description: imagejDescription({ images: 4, frames: 4, unit: '\\u00B5m', finterval: 0.5 }),
      xResolution: 4,
      yResolution: 5,
      resolutionUnit: 1,
    });
    const source = await openImage(path);
    expect(source.info).toMatchObject({ channels: 1, planes: 4, axes: 'tyx' });
    expect(source.metadata.pixelSize).toEqual({
      x: { value: 0.25, unit: 'µm' },
      y: { value: 0.2, unit: 'µm' },
    });
    expect((await source.readRegion(WHOLE, 3)).channels[0][3 * W + 2]).toBe(3);
  });

  it('frames=2 slices=2 channels=3: planes t-major, channels fastest (TZCYX)', async () => {
    const path = join(dir, 'tzcyx.tif');
    await writeTaggedTiff(path, {
      width: W,
      height: H,
      pages: pages(12),
      description: imagejDescription({ images: 12, channels: 3, slices: 2, frames: 2, hyperstack: true }),
    });
    const source = await openImage(path);
    expect(source.info).toMatchObject({ channels: 3, planes: 4, axes: 'tzcyx' });
    // Plane 3 is t = 1, z = 1: pages 9, 10, 11.
    const plane = await source.readRegion(WHOLE, 3);
    expect(plane.channels.map((c) => c[3 * W + 2])).toEqual([9, 10, 11]);
    expect(source.metadata.pixelSizeSource).toBeNull();
  });

  it('--axes overrides the metadata: czyx re-reads the same 6 pages with z fastest', async () => {
    const path = join(dir, 'zcyx.tif');
    const source = await openImage(path, { axes: 'czyx' });
    expect(source.info).toMatchObject({ channels: 2, planes: 3, axes: 'czyx' });
    expect(source.metadata.axesSource).toBe('--axes');
    const z1 = await source.readRegion(WHOLE, 1);
    expect(z1.channels.map((c) => c[3 * W + 2])).toEqual([1, 4]);
    const allZ = await openImage(path, { axes: 'zyx' });
    expect(allZ.info).toMatchObject({ channels: 1, planes: 6 });
  });

  it('metadata that does not match the page count is ignored with a note, and the axes are guessed', async () => {
    const path = join(dir, 'wrong-count.tif');
    await writeTaggedTiff(path, {
      width: W,
      height: H,
      pages: pages(6),
      description: imagejDescription({ images: 8, channels: 2, slices: 4 }),
    });
    const source = await openImage(path);
    expect(source.isAxesGuessed).toBe(true);
    expect(source.info).toMatchObject({ planes: 6, axes: 'zyx' });
    expect(source.metadata.notes[0]).toMatch(/8 pages but the file has 6/);
  });
});

describe('OME-TIFF', () => {
  it('XYCZT with SizeC=2 SizeZ=3: 2 named channels × 3 planes, pixel size from PhysicalSizeX/Y/Z', async () => {
    const path = join(dir, 'ome.tif');
    await writeTaggedTiff(path, {
      width: W,
      height: H,
      pages: pages(6),
      description: omeXml(
        'DimensionOrder="XYCZT" SizeZ="3" SizeC="2" SizeT="1" PhysicalSizeX="0.325" PhysicalSizeXUnit="µm" PhysicalSizeY="0.325" PhysicalSizeZ="1.5"',
        ['DAPI', 'GFP &amp; mCherry'],
      ),
      // tifffile also writes resolution tags; OME-XML wins over them.
      xResolution: 100,
      yResolution: 100,
      resolutionUnit: 3,
    });
    const source = await openImage(path);
    expect(source.info).toMatchObject({ channels: 2, planes: 3, axes: 'zcyx' });
    expect(source.metadata).toMatchObject({
      axesSource: 'OME-XML',
      channelNames: ['DAPI', 'GFP & mCherry'],
      pixelSizeSource: 'OME-XML',
      pixelSize: {
        x: { value: 0.325, unit: 'µm' },
        y: { value: 0.325, unit: 'µm' },
        z: { value: 1.5, unit: 'µm' },
      },
    });
    expect((await source.readRegion(WHOLE, 2)).channels.map((c) => c[3 * W + 2])).toEqual([4, 5]);
  });

  it('XYZCT (z fastest) reads channel 1 of plane 0 from page SizeZ', async () => {
    const path = join(dir, 'ome-zfirst.tif');
    await writeTaggedTiff(path, {
      width: W,
      height: H,
      pages: pages(6),
      description: omeXml('DimensionOrder="XYZCT" SizeZ="3" SizeC="2" SizeT="1"', ['a', 'b']),
    });
    const source = await openImage(path);
    expect(source.info).toMatchObject({ channels: 2, planes: 3, axes: 'czyx' });
    expect((await source.readRegion(WHOLE, 0)).channels.map((c) => c[3 * W + 2])).toEqual([0, 3]);
  });
});

describe('damaged metadata never stops a readable file from opening', () => {
  /** Rewrites the count or the offset of the first page's ImageDescription entry. */
  async function damageDescription(path: string, field: 'count' | 'offset', value: number): Promise<void> {
    const bytes = await readFile(path);
    const ifd = bytes.readUInt32LE(4);
    for (let i = 0; i < bytes.readUInt16LE(ifd); i++) {
      const at = ifd + 2 + i * 12;
      if (bytes.readUInt16LE(at) === 270) bytes.writeUInt32LE(value, at + (field === 'count' ? 4 : 8));
    }
    await writeFile(path, bytes);
  }

  for (const [field, value] of [
    ['offset', 0xffffff00],
    ['count', 0x7fffffff],
  ] as const) {
    it(`an ImageDescription with an absurd ${field}: opens as if it had none, axes guessed`, async () => {
      const path = join(dir, `bad-${field}.tif`);
      await writeTaggedTiff(path, {
        width: W,
        height: H,
        pages: pages(6),
        description: imagejDescription({ images: 6, channels: 2, slices: 3, hyperstack: true }),
      });
      await damageDescription(path, field, value);
      const source = await openImage(path);
      expect(source.isAxesGuessed).toBe(true);
      expect(source.info).toMatchObject({ planes: 6, channels: 1 });
      // The pixels are intact: Mixel's stack reader reads them (libtiff, through sharp, refused the page).
      const plane = await source.readRegion(WHOLE, 5);
      expect(plane.channels[0][3 * W + 2]).toBe(5);
      expect(plane.channels[0][0]).toBe(1050);
    });
  }
});

describe('TIFF resolution tags alone', () => {
  it('pixels per cm give the pixel size in µm; 72 dpi (a default, not a measurement) gives none', async () => {
    const measured = join(dir, 'res-cm.tif');
    await writeTaggedTiff(measured, {
      width: W,
      height: H,
      pages: [page(0)],
      xResolution: 15503.876,
      yResolution: 15503.876,
      resolutionUnit: 3,
    });
    const source = await openImage(measured);
    expect(source.metadata.pixelSize.x?.value).toBeCloseTo(0.645, 6);
    expect(source.metadata).toMatchObject({
      pixelSizeSource: 'TIFF resolution tags',
      axesSource: 'single page',
    });
    const placeholder = join(dir, 'res-72dpi.tif');
    await writeTaggedTiff(placeholder, {
      width: W,
      height: H,
      pages: [page(0)],
      xResolution: 72,
      yResolution: 72,
      resolutionUnit: 2,
    });
    expect((await openImage(placeholder)).metadata.pixelSize).toEqual({});
  });

  it("sharp's own TIFFs (libvips' 1 px/mm default) state no pixel size", async () => {
    const path = join(dir, 'sharp.tif');
    await sharp(Buffer.alloc(W * H, 7), { raw: { width: W, height: H, channels: 1 } })
      .toColourspace('b-w')
      .tiff()
      .toFile(path);
    const source = await openImage(path);
    expect(source.metadata).toMatchObject({ pixelSize: {}, pixelSizeSource: null });
  });
});

describe('mixel info shows axes, sizes, pixel size and their sources', () => {
  it('an ImageJ ZCYX hyperstack and an OME-TIFF', async () => {
    const r = await runMixel(['info', join(dir, 'zcyx.tif'), join(dir, 'ome.tif'), join(dir, 'tyx.tif')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [imagej, ome, tyx] = r.stdout.split(/\n(?=\S)/);
    expect(imagej).toMatch(/axes +zcyx \(from ImageJ metadata\)/);
    expect(imagej).toMatch(/shape +z 3 × c 2 × y 7 × x 9/);
    expect(imagej).toMatch(/channels +2\n/);
    expect(imagej).toMatch(/planes +3\n/);
    expect(imagej).toContain('pixel size 0.645 × 0.645 µm (ImageJ)');
    expect(imagej).toContain('z step    2 µm');
    expect(imagej).not.toContain('guessed');
    expect(ome).toMatch(/axes +zcyx \(from OME-XML metadata\)/);
    expect(ome).toMatch(/names +DAPI, GFP & mCherry/);
    expect(ome).toContain('pixel size 0.325 × 0.325 µm (OME-XML)');
    expect(tyx).toMatch(/axes +tyx \(from ImageJ metadata\)/);
    expect(tyx).toMatch(/planes +4\n/);
  });

  it('--axes is named as the source; a guess says so; --json carries the same', async () => {
    const given = await runMixel(['info', '--axes', 'czyx', join(dir, 'zcyx.tif')]);
    expect(given.stdout).toMatch(/axes +czyx \(from --axes\)/);
    const guessed = await runMixel(['info', join(dir, 'wrong-count.tif')]);
    expect(guessed.stdout).toMatch(/axes +zyx \(guessed; set --axes to change\)/);
    expect(guessed.stdout).toMatch(/note +ImageJ metadata describes/);
    const json = await runMixel(['info', '--json', join(dir, 'ome.tif')]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      axes: 'zcyx',
      axesSource: 'OME-XML',
      sizes: { z: 3, c: 2, y: H, x: W },
      pixelSize: { x: { value: 0.325, unit: 'µm' } },
      channelNames: ['DAPI', 'GFP & mCherry'],
    });
  });

  it('an --axes that does not fit fails with one line naming the file', async () => {
    const r = await runMixel(['info', '--axes', 'zcyx', join(dir, 'tyx.tif')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/tyx\.tif: axes "zcyx" names 2 page axes/);
  });
});
