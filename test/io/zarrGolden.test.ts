/**
 * OME-Zarr images written by zarr-python 2.13 with its codecs (blosc lz4 + shuffle, zstd, gzip), made by
 * test/fixtures/zarr/make_goldens.py: Mixel reads their axes, pixel size, channel names and every value.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openImage } from '../../src/main/io/openImage.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/zarr/', import.meta.url));
const SHAPE = [2, 2, 20, 24];

function expected(c: number, z: number, y: number, x: number): number {
  const index = ((c * SHAPE[1] + z) * SHAPE[2] + y) * SHAPE[3] + x;
  return (index * 7) % 65521;
}

describe.each(['blosc', 'zstd', 'gzip'])('zarr-python golden (%s)', (codec) => {
  it('reads axes, pixel size, channel names and every value', async () => {
    const image = await openImage(join(FIXTURES, `${codec}.ome.zarr`));
    expect(image.info).toMatchObject({
      axes: 'czyx',
      width: 24,
      height: 20,
      channels: 2,
      planes: 2,
      sampleType: 'uint16',
    });
    expect(image.metadata.pixelSize).toEqual({
      x: { value: 0.325, unit: 'µm' },
      y: { value: 0.325, unit: 'µm' },
      z: { value: 2, unit: 'µm' },
    });
    expect(image.metadata.channelNames).toEqual(['DAPI', 'Actin']);
    let mismatches = 0;
    for (let z = 0; z < 2; z++) {
      const plane = await image.readRegion({ x: 0, y: 0, width: 24, height: 20 }, z);
      for (let c = 0; c < 2; c++)
        for (let y = 0; y < 20; y++)
          for (let x = 0; x < 24; x++)
            if (plane.channels[c][y * 24 + x] !== expected(c, z, y, x)) mismatches++;
    }
    expect(mismatches).toBe(0);
    const level1 = await openImage(join(FIXTURES, `${codec}.ome.zarr`, '1'));
    expect(level1.info).toMatchObject({ width: 12, height: 10 });
    expect(level1.metadata.pixelSize.x).toEqual({ value: 0.65, unit: 'µm' });
    const corner = await level1.readRegion({ x: 11, y: 9, width: 1, height: 1 }, 1);
    expect(corner.channels[1][0]).toBe(expected(1, 1, 18, 22));
  });
});
