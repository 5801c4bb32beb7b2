/**
 * Files written by tifffile (test/fixtures/metadata/make_fixtures.py), as napari and scikit-image users
 * save them: Mixel reads the same axes, planes, channels and pixel size tifffile wrote. Every pixel there is
 * 1000·t + 100·z + 10·c + x, so a wrong page order shows as a wrong value.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openImage } from '../../src/main/io/openImage.js';
import { REPO_ROOT } from '../cli/cliHarness.js';

const FIXTURES = join(REPO_ROOT, 'test/fixtures/metadata');
const WHOLE = { x: 0, y: 0, width: 8, height: 6 };

/** Value at (x = 3, y = 2) of every channel of `plane`. */
async function probe(path: string, plane: number, axes?: string): Promise<number[]> {
  const source = await openImage(path, { axes });
  const region = await source.readRegion(WHOLE, plane);
  return region.channels.map((c) => c[2 * 8 + 3]);
}

describe('tifffile-written fixtures', () => {
  it('ImageJ ZCYX (imagej=True): 3 planes × 2 channels, 0.645 µm pixels, 2 µm z step', async () => {
    const path = join(FIXTURES, 'imagej_zcyx.tif');
    const source = await openImage(path);
    expect(source.info).toMatchObject({
      width: 8,
      height: 6,
      pages: 6,
      planes: 3,
      channels: 2,
      axes: 'zcyx',
    });
    expect(source.metadata).toMatchObject({
      axesSource: 'ImageJ',
      pixelSize: {
        x: { value: 0.645, unit: 'µm' },
        y: { value: 0.645, unit: 'µm' },
        z: { value: 2, unit: 'µm' },
      },
    });
    expect(await probe(path, 0)).toEqual([3, 13]);
    expect(await probe(path, 2)).toEqual([203, 213]);
  });

  it('ImageJ TYX: 4 time points, not z', async () => {
    const path = join(FIXTURES, 'imagej_tyx.tif');
    const source = await openImage(path);
    expect(source.info).toMatchObject({ planes: 4, channels: 1, axes: 'tyx' });
    expect(source.metadata.pixelSize.x).toEqual({ value: 0.5, unit: 'µm' });
    expect(await probe(path, 3)).toEqual([3003]);
  });

  for (const name of ['ome_zcyx.ome.tif', 'ome_zcyx_bigendian.ome.tif']) {
    it(`OME-TIFF ZCYX (ome=True): named channels and PhysicalSizeX/Y/Z (${name})`, async () => {
      const path = join(FIXTURES, name);
      const source = await openImage(path);
      expect(source.info).toMatchObject({ planes: 3, channels: 2, axes: 'zcyx' });
      expect(source.metadata).toMatchObject({
        axesSource: 'OME-XML',
        channelNames: ['DAPI', 'GFP'],
        pixelSize: { x: { value: 0.325, unit: 'µm' }, z: { value: 1.5, unit: 'µm' } },
      });
      expect(await probe(path, 1)).toEqual([103, 113]);
    });
  }
});
