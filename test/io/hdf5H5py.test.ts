/**
 * Files written by h5py (test/fixtures/hdf5/make_fixtures.py), the writer of ilastik and most Python
 * pipelines: big-endian gzip + shuffle chunks, axistags as a variable-length string, Fiji-style
 * element_size_um. Pixels are 1000*z + 100*c + 10*y + x, so a misread plane, channel or row shows.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openImage } from '../../src/main/io/openImage.js';
import { REPO_ROOT } from '../cli/cliHarness.js';

const FILE = join(REPO_ROOT, 'test/fixtures/hdf5/h5py_ilastik.h5');
const expected = (z: number, c: number, y: number, x: number) => 1000 * z + 100 * c + 10 * y + x;

describe('HDF5 written by h5py', () => {
  it("ilastik's zyxc export: axes and pixel size from axistags, big-endian values right", async () => {
    const source = await openImage(`${FILE}/exported_data`);
    expect(source.info).toMatchObject({ width: 7, height: 9, planes: 3, channels: 2, axes: 'zyxc' });
    expect(source.metadata.axesSource).toBe('axistags');
    expect(source.metadata.pixelSize).toEqual({
      z: { value: 2, unit: 'µm' },
      y: { value: 0.5, unit: 'µm' },
      x: { value: 0.5, unit: 'µm' },
    });
    const rect = { x: 2, y: 3, width: 5, height: 6 };
    const region = await source.readRegion(rect, 2);
    for (const c of [0, 1]) {
      for (const [y, x] of [
        [0, 0],
        [5, 4],
        [2, 3],
      ]) {
        expect(region.channels[c][y * rect.width + x]).toBe(expected(2, c, rect.y + y, rect.x + x));
      }
    }
  });

  it("Fiji's one-channel zyx dataset: z from the three-value element_size_um", async () => {
    const source = await openImage(`${FILE}/t0/channel1`);
    expect(source.info).toMatchObject({ axes: 'zyx', planes: 3, channels: 1, sampleType: 'float32' });
    expect(source.metadata.pixelSize).toEqual({
      z: { value: 1.5, unit: 'µm' },
      y: { value: 0.25, unit: 'µm' },
      x: { value: 0.25, unit: 'µm' },
    });
    const plane = await source.readRegion({ x: 0, y: 0, width: 7, height: 9 }, 1);
    expect(plane.channels[0][8 * 7 + 6]).toBe(expected(1, 1, 8, 6));
  });

  it("a dataset compressed with a filter plugin (h5py's lzf) is refused at open, naming the filter", async () => {
    const path = join(REPO_ROOT, 'test/fixtures/hdf5/h5py_lzf.h5');
    // Its first chunk is stored unfiltered (too small to compress), so only the header tells.
    await expect(openImage(path)).rejects.toThrow(
      `${path}: dataset /data is compressed with HDF5 filter 32000 (lzf), which Mixel's HDF5 library does not include; re-save it with gzip`,
    );
  });
});
