/**
 * A z-stack is one file per source (issue 11): a multi-page TIFF hyperstack with its axes and pixel size,
 * one npy array with the z axis; one file per plane only when --output holds {z}.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openImage } from '../../src/main/io/openImage.js';
import { parseNpy, parseTiff } from '../io/parseTiff.js';
import { writeTaggedTiff } from '../io/writeTaggedTiff.js';
import { H, IMAGEJ_MICRONS, W, exportFixture } from './exportFixture.js';

const fx = exportFixture('mixel-export-stacks-');

describe('a z-stack', () => {
  const zStack = async (name: string) => {
    const path = join(fx.dir, `${name}.tif`);
    const plane = Uint16Array.from(fx.sample.image);
    const flipped = Uint16Array.from(plane).reverse();
    await writeTaggedTiff(path, {
      width: W,
      height: H,
      pages: [plane, flipped, plane],
      description: 'ImageJ=1.54f\nimages=3\nslices=3\nunit=micron\nspacing=2.5\n',
      ...IMAGEJ_MICRONS,
    });
    return path;
  };

  it('is predicted to one 3-page TIFF per source with its axes and pixel size; npy with the z axis', async () => {
    const stack = await zStack('stack');
    const out = join(fx.dir, 'stack-out');
    const output = ['--output', `${out}/{nickname}_{result_type}.{ext}`];
    const run = await fx.predict(['--export', 'Simple Segmentation,Probabilities', ...output], stack);
    expect(run.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['stack_Probabilities.tif', 'stack_Simple Segmentation.tif']);
    const segmentation = await openImage(join(out, 'stack_Simple Segmentation.tif'));
    expect(segmentation.info.axes).toBe('zyx');
    expect(segmentation.info.planes).toBe(3);
    expect(segmentation.metadata.pixelSize.x?.value).toBeCloseTo(0.645, 6);
    expect(segmentation.metadata.pixelSize.z?.value).toBeCloseTo(2.5, 6);
    const pages = parseTiff(await readFile(join(out, 'stack_Simple Segmentation.tif')));
    expect(pages).toHaveLength(3);
    // Planes 0 and 2 are the same image, plane 1 its mirror.
    expect(Array.from(pages[2].values)).toEqual(Array.from(pages[0].values));
    expect(Array.from(pages[1].values).reverse()).toEqual(Array.from(pages[0].values));
    const probabilities = await openImage(join(out, 'stack_Probabilities.tif'));
    expect(probabilities.info.axes).toBe('zcyx');
    expect(probabilities.info.pages).toBe(6);

    const npy = await fx.predict(
      ['--format', 'npy', '--output', `${fx.dir}/stack-npy/{nickname}_{result_type}.{ext}`],
      stack,
    );
    expect(npy.code).toBe(0);
    const array = parseNpy(await readFile(join(fx.dir, 'stack-npy', 'stack_Probabilities.npy')));
    expect(array.shape).toEqual([3, 2, H, W]);
  }, 90_000);

  it('is written one file per plane when --output holds {z}', async () => {
    const stack = await zStack('planes');
    const out = join(fx.dir, 'planes-out');
    const run = await fx.predict(
      ['--export', 'Simple Segmentation', '--output', `${out}/{nickname}_{result_type}_z{z}.{ext}`],
      stack,
    );
    expect(run.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(
      [0, 1, 2].map((z) => `planes_Simple Segmentation_z000${z}.tif`),
    );
    expect(parseTiff(await readFile(join(out, 'planes_Simple Segmentation_z0001.tif')))).toHaveLength(1);
  }, 60_000);
});
