import { describe, expect, it } from 'vitest';
import { pageIndex, resolveImageMetadata } from './imageMetadata.js';
import {
  MAX_DESCRIPTION_CHARS,
  parseImageJDescription,
  parseOmeXml,
  pixelSizeFromResolution,
} from './imageMetadataParsers.js';

const ome = (pixels: string, rest = '') =>
  `<?xml version="1.0"?><OME xmlns="x"><Image ID="Image:0"><Pixels ${pixels}>${rest}</Pixels></Image></OME>`;

describe('OME-XML', () => {
  it('reads prefixed elements, single quotes, entities and units', () => {
    const xml =
      `<ome:OME xmlns:ome="x"><ome:Image><ome:Pixels DimensionOrder='XYZTC' SizeZ="4" SizeC="2" SizeT="3" ` +
      `PhysicalSizeX="120" PhysicalSizeXUnit="nm" PhysicalSizeY="0.12"><ome:Channel Name="a&lt;b&#x3bc;"/>` +
      `<ome:Channel Name='c'/></ome:Pixels></ome:Image><ome:Image><ome:Pixels><ome:Channel Name="other image"/>`;
    expect(parseOmeXml(xml)).toMatchObject({
      dimensionOrder: 'XYZTC',
      sizeZ: 4,
      sizeC: 2,
      sizeT: 3,
      physicalSizeX: { value: 120, unit: 'nm' },
      physicalSizeY: { value: 0.12, unit: 'µm' },
      channelNames: ['a<bμ', 'c'],
      imageCount: 2,
    });
  });

  it('refuses what is not a usable description', () => {
    expect(parseOmeXml('ImageJ=1.5')).toBeNull();
    expect(parseOmeXml(ome('DimensionOrder="XYZZT" SizeZ="2"'))).toBeNull();
    expect(parseOmeXml(ome('DimensionOrder="XYZCT" SizeZ="99999999999"'))).toBeNull();
    expect(parseOmeXml(ome('DimensionOrder="XYZCT" SizeZ="-2"'))).toBeNull();
    expect(parseOmeXml('<OME><Image><Pixels DimensionOrder="XYZCT"')).toBeNull();
    expect(parseOmeXml(`<OME>${' '.repeat(MAX_DESCRIPTION_CHARS)}`)).toBeNull();
  });

  it('a hostile 1 MB tag is scanned in linear time', () => {
    const xml = `<OME><Pixels ${'a'.repeat(MAX_DESCRIPTION_CHARS - 100)}>`;
    const started = performance.now();
    expect(parseOmeXml(xml)).toBeNull();
    // Linear: tens of milliseconds. A backtracking scan of 10⁶ characters takes hours, so a bound far
    // above the linear time (a loaded CI machine took 585 ms against 500) still tells the two apart.
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('an RGB OME-TIFF (SizeC = samples) has no channel pages', () => {
    const meta = resolveImageMetadata({
      pages: 5,
      samples: 3,
      description: ome('DimensionOrder="XYCZT" SizeZ="5" SizeC="3"', '<Channel SamplesPerPixel="3"/>'),
    });
    expect(meta).toMatchObject({ axes: 'zyxc', pageAxes: ['z'], pageSizes: [5], axesSource: 'OME-XML' });
  });
});

describe('ImageJ description and resolution tags', () => {
  it('reads counts, spacing and every spelling of µm', () => {
    for (const unit of ['micron', '\\u00B5m', 'µm', 'um']) {
      expect(
        parseImageJDescription(
          `ImageJ=1.54f\nimages=6\nchannels=2\nslices=3\nhyperstack=true\nspacing=0.5\nunit=${unit}\n`,
        ),
      ).toEqual({
        images: 6,
        channels: 2,
        slices: 3,
        frames: undefined,
        hyperstack: true,
        spacing: 0.5,
        unit: 'µm',
      });
    }
    expect(parseImageJDescription('ImageJ=\nunit=pixel\nslices=abc')).toMatchObject({
      unit: undefined,
      slices: undefined,
    });
    expect(parseImageJDescription('images=6')).toBeNull();
  });

  it('pixels per inch/cm become µm; placeholders (72 dpi, 10 px/cm) and unitless resolutions do not', () => {
    expect(pixelSizeFromResolution({ x: 300, y: 300, unit: 2 }, undefined)).toEqual({
      x: { value: 84.6667, unit: 'µm' },
      y: { value: 84.6667, unit: 'µm' },
    });
    expect(pixelSizeFromResolution({ x: 72, y: 72, unit: 2 }, undefined)).toEqual({});
    expect(pixelSizeFromResolution({ x: 10, y: 10, unit: 3 }, undefined)).toEqual({});
    expect(pixelSizeFromResolution({ x: 2, y: 2, unit: 1 }, undefined)).toEqual({});
    expect(pixelSizeFromResolution({ x: 2, y: 4, unit: 1 }, 'nm')).toEqual({
      x: { value: 0.5, unit: 'nm' },
      y: { value: 0.25, unit: 'nm' },
    });
  });
});

describe('deciding the axes', () => {
  it('guesses only when nothing says: few pages are channels, many are z', () => {
    expect(resolveImageMetadata({ pages: 3, samples: 1 })).toMatchObject({
      axes: 'cyx',
      axesSource: 'guessed',
    });
    expect(resolveImageMetadata({ pages: 10, samples: 1 })).toMatchObject({
      axes: 'zyx',
      axesSource: 'guessed',
    });
    expect(resolveImageMetadata({ pages: 1, samples: 3 })).toMatchObject({
      axes: 'yxc',
      axesSource: 'single page',
    });
  });

  it('pages run t slowest, then z, then c for ImageJ; pageIndex follows', () => {
    const meta = resolveImageMetadata({
      pages: 24,
      samples: 1,
      description: 'ImageJ=1.54f\nimages=24\nchannels=2\nslices=3\nframes=4\n',
    });
    expect(meta).toMatchObject({ axes: 'tzcyx', pageSizes: [4, 3, 2] });
    // plane 7 = t 2, z 1; channel 1 → page (2·3 + 1)·2 + 1.
    expect(pageIndex(meta, 7, 1)).toBe(15);
  });

  it('--axes in any order; refused with a message saying what fits', () => {
    const description = 'ImageJ=1.54f\nimages=6\nchannels=2\nslices=3\n';
    expect(resolveImageMetadata({ pages: 6, samples: 1, description, axesOption: 'CZYX' })).toMatchObject({
      axes: 'czyx',
      pageSizes: [2, 3],
      axesSource: '--axes',
    });
    expect(resolveImageMetadata({ pages: 6, samples: 1, description, axesOption: 'tzcyx' })).toMatchObject({
      pageSizes: [1, 3, 2],
    });
    const refuse =
      (axesOption: string, pages = 6, samples = 1) =>
      () =>
        resolveImageMetadata({ pages, samples, axesOption });
    expect(refuse('xy')).toThrow(/not understood/);
    expect(refuse('zzyx')).toThrow(/not understood/);
    expect(refuse('yx')).toThrow(/no page axis but the file has 6 pages/);
    expect(refuse('zyxc')).toThrow(/one sample per pixel/);
    expect(refuse('cyx', 6, 3)).toThrow(/pages as channels need one sample per pixel/);
    expect(refuse('cyxc', 6, 3)).toThrow(/pages as channels need one sample per pixel/);
    expect(refuse('zcyx')).toThrow(/names 2 page axes/);
  });
});
