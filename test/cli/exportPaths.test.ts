/**
 * One export path (issue 11): `mixel segment`, `mixel predict` and the window's Export write the same
 * sources under the same names (ilastik's `{nickname}_{result_type}`, `Simple Segmentation` spelt as
 * ilastik does), and impossible requests are refused before any work with exit code 2. Real CLI (child
 * processes) and the real service.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openImage, readImage } from '../../src/main/io/openImage.js';
import { createBackend } from '../../src/main/service/createBackend.js';
import { exportFixture } from './exportFixture.js';

const fx = exportFixture('mixel-export-paths-');

describe('one naming scheme for segment, predict and the window', () => {
  it('writes the same five sources under the same names, Labels holding the scribbles', async () => {
    const sources = 'Probabilities,Simple Segmentation,Uncertainty,Features,Labels';
    const [seg, pred] = await Promise.all([
      fx.segment(['--export', sources, '--output', `${fx.dir}/seg/{nickname}_{result_type}.{ext}`]),
      fx.predict(['--export', sources, '--output', `${fx.dir}/pred/{nickname}_{result_type}.{ext}`]),
    ]);
    expect(seg.code, seg.stderr).toBe(0);
    expect(pred.code, pred.stderr).toBe(0);

    const backend = createBackend({ dataDir: join(fx.dir, 'data'), threads: 1 });
    try {
      const state = await backend.service.openProject(fx.project);
      const result = await backend.service.exportImages({
        requestId: 1,
        imageIds: [state.images[0].id],
        sources: ['probabilities', 'simple-segmentation', 'uncertainty', 'features', 'labels'],
        format: 'tiff',
        outputPattern: `${fx.dir}/win/{nickname}_{result_type}.{ext}`,
      });
      expect(result.images[0].error).toBeUndefined();
    } finally {
      await backend.close();
    }

    const expected = [
      'cells_Features.tif',
      'cells_Labels.tif',
      'cells_Probabilities.tif',
      'cells_Simple Segmentation.tif',
      'cells_Uncertainty.tif',
    ];
    for (const folder of ['seg', 'pred', 'win']) {
      expect((await readdir(join(fx.dir, folder))).sort()).toEqual(expected);
      const labels = (await readImage(join(fx.dir, folder, 'cells_Labels.tif'))).image.channels[0];
      expect(Array.from(labels)).toEqual(Array.from(fx.sample.scribbles));
      const segmentation = (await readImage(join(fx.dir, folder, 'cells_Simple Segmentation.tif'))).image;
      expect(new Set(segmentation.channels[0])).toEqual(new Set([1, 2]));
      // Every output keeps the input's 0.645 µm.
      const { metadata } = await openImage(join(fx.dir, folder, 'cells_Probabilities.tif'));
      expect(metadata.pixelSize.x?.value).toBeCloseTo(0.645, 6);
    }
    // The project's feature bank: as many pages from the window as from predict.
    const featurePages = async (folder: string) =>
      (await openImage(join(fx.dir, folder, 'cells_Features.tif'))).info.pages;
    expect(await featurePages('win')).toBe(await featurePages('pred'));
  }, 120_000);
});

describe('the window exporting OME-Zarr', () => {
  it('writes its segmentation as an OME-Zarr image under predict’s name, equal to its TIFF, with the pixel size', async () => {
    const pred = await fx.predict([
      '--export',
      'Simple Segmentation',
      '--format',
      'zarr',
      '--output',
      `${fx.dir}/zpred/{nickname}_{result_type}.{ext}`,
    ]);
    expect(pred.code, pred.stderr).toBe(0);
    const backend = createBackend({ dataDir: join(fx.dir, 'data-zarr'), threads: 1 });
    try {
      const state = await backend.service.openProject(fx.project);
      for (const format of ['zarr', 'tiff'] as const) {
        const result = await backend.service.exportImages({
          requestId: format === 'zarr' ? 2 : 3,
          imageIds: [state.images[0].id],
          sources: ['simple-segmentation'],
          format,
          outputPattern: `${fx.dir}/zwin/{nickname}_{result_type}.{ext}`,
        });
        expect(result.images[0].error).toBeUndefined();
      }
    } finally {
      await backend.close();
    }
    const name = 'cells_Simple Segmentation';
    expect((await readdir(join(fx.dir, 'zpred'))).sort()).toEqual([`${name}.zarr`]);
    const zarr = await readImage(join(fx.dir, 'zwin', `${name}.zarr`));
    const tiff = await readImage(join(fx.dir, 'zwin', `${name}.tif`));
    expect(Array.from(zarr.image.channels[0])).toEqual(Array.from(tiff.image.channels[0]));
    expect(new Set(zarr.image.channels[0])).toEqual(new Set([1, 2]));
    expect(zarr.source.metadata.pixelSize.x?.value).toBeCloseTo(0.645, 6);
  }, 120_000);
});

describe('impossible requests', () => {
  it('are refused before any work with exit code 2 and one line, nothing written', async () => {
    const out = join(fx.dir, 'refused');
    const output = ['--output', `${out}/{nickname}_{result_type}.{ext}`];
    const cases: [Promise<{ code: number; stderr: string }>, RegExp][] = [
      [
        fx.segment(['--export', 'Probabilities', '--format', 'png-color', ...output]),
        /png-color colours class values: it holds Simple Segmentation or Labels, not Probabilities/,
      ],
      [
        fx.segment(['--export', 'Probabilities', '--format', 'png', ...output]),
        /Probabilities as PNG needs --dtype uint8 or uint16/,
      ],
      [
        fx.predict(['--export', 'Uncertainty', '--format', 'png-color', ...output]),
        /not Uncertainty; use --format png or tiff/,
      ],
      [
        fx.predict(['--export', 'Features', '--format', 'png', '--dtype', 'uint8', ...output]),
        /Features have many float channels and cannot be a PNG/,
      ],
      [fx.segment(['--out', out, '--output', `${out}/{nickname}.{ext}`]), /--out and --output both given/],
      [fx.segment(['--format', 'gif', '--out', out]), /--format gif is not known/],
    ];
    for (const [run, message] of cases) {
      const { code, stderr } = await run;
      expect({ code, stderr: stderr.trim() }).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(message),
      });
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
