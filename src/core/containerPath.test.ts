import { describe, expect, it } from 'vitest';
import { containerFileOf } from './containerPath.js';
import { outputName } from './export/exportNames.js';
import { nicknameOf } from './project/Project.js';

describe('paths into HDF5 files', () => {
  it('the container file is the path up to the .h5 component', () => {
    expect(containerFileOf('/data/run 1/cells.h5/exported/data')).toBe('/data/run 1/cells.h5');
    expect(containerFileOf('rel/cells.HDF5/data')).toBe('rel/cells.HDF5');
    expect(containerFileOf('C:\\scans\\a.hdf\\raw')).toBe('C:\\scans\\a.hdf');
    expect(containerFileOf('/data/cells.h5')).toBe('/data/cells.h5');
    expect(containerFileOf('/data/cells.tif')).toBe('/data/cells.tif');
  });

  it('outputs are named after the file, as ilastik names them, not after the dataset', () => {
    expect(nicknameOf('/data/cells.h5/exported/data')).toBe('cells');
    expect(nicknameOf('/data/cells.h5')).toBe('cells');
    expect(nicknameOf('/data/cells.ome.tif')).toBe('cells');
  });

  it("ilastik's default output name puts a dataset's outputs beside its file", () => {
    const parts = {
      imagePath: '/data/cells.h5/exported/data',
      result: 'Simple Segmentation',
      format: 'tiff',
    } as const;
    expect(outputName('{dataset_dir}/{nickname}_{result_type}.{ext}', parts)).toBe(
      '/data/cells_Simple Segmentation.tif',
    );
  });
});
