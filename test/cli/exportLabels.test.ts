/**
 * Label outputs read as class values (issue 11): Simple Segmentation and Labels as greyscale PNGs 1..K by
 * default (imageio, scikit-image and napari read values, not the palette's colours), 16-bit with --dtype
 * uint16, the palette PNG only as `--format png-color`; `segment --json` speaks predict's events.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePalettePng } from '../../src/main/io/decodePalettePng.js';
import { readImage } from '../../src/main/io/openImage.js';
import { exportFixture, jsonEvents, pngHeader } from './exportFixture.js';

const fx = exportFixture('mixel-export-labels-');

describe('label outputs read as class values', () => {
  it('segment --format png writes greyscale PNGs 1..K and --json lists them in the shape predict uses', async () => {
    const out = join(fx.dir, 'png');
    const run = await fx.segment([
      ...['--export', 'Simple Segmentation,Labels', '--format', 'png', '--json'],
      ...['--output', `${out}/{nickname}_{result_type}.{ext}`],
    ]);
    expect(run.code).toBe(0);
    const lines = jsonEvents(run.stdout);
    const done = lines.find((e) => e.event === 'done');
    expect(done?.outputs).toEqual([
      join(out, 'cells_Simple Segmentation.png'),
      join(out, 'cells_Labels.png'),
    ]);
    const summary = lines.at(-1) as Record<string, unknown>;
    expect(summary).toMatchObject({ event: 'summary', succeeded: 1, failed: 0, failures: [] });

    const predicted = await fx.predict([
      '--json',
      '--output',
      `${fx.dir}/json/{nickname}_{result_type}.{ext}`,
    ]);
    expect(predicted.code).toBe(0);
    const predictLines = jsonEvents(predicted.stdout);
    const keys = (e: Record<string, unknown> | undefined) => Object.keys(e ?? {}).sort();
    expect(keys(summary)).toEqual(keys(predictLines.at(-1)));
    expect(keys(done)).toEqual(keys(predictLines.find((e) => e.event === 'done')));

    // Colour type 0 (grey), 8 bits: imageio, scikit-image and napari read the values, not colours.
    const segmentationPng = join(out, 'cells_Simple Segmentation.png');
    expect(await pngHeader(segmentationPng)).toEqual({ bitDepth: 8, colourType: 0 });
    expect(await pngHeader(join(out, 'cells_Labels.png'))).toEqual({ bitDepth: 8, colourType: 0 });
    const read = (await readImage(segmentationPng)).image;
    expect(read.channels).toHaveLength(1);
    expect(new Set(read.channels[0])).toEqual(new Set([1, 2]));
    const labels = (await readImage(join(out, 'cells_Labels.png'))).image.channels[0];
    expect(Array.from(labels)).toEqual(Array.from(fx.sample.scribbles));
  }, 60_000);

  it('--dtype uint16 gives a 16-bit grey PNG; png-color is the palette PNG, still 1..K to our reader', async () => {
    const out = join(fx.dir, 'png16');
    const grey16 = await fx.predict([
      ...['--export', 'Simple Segmentation', '--format', 'png', '--dtype', 'uint16'],
      ...['--output', `${out}/{nickname}_{result_type}.{ext}`],
    ]);
    expect(grey16.code).toBe(0);
    const path16 = join(out, 'cells_Simple Segmentation.png');
    expect(await pngHeader(path16)).toEqual({ bitDepth: 16, colourType: 0 });
    expect(new Set((await readImage(path16)).image.channels[0])).toEqual(new Set([1, 2]));

    const colour = await fx.segment([
      ...['--export', 'Simple Segmentation', '--format', 'png-color'],
      ...['--output', `${fx.dir}/colour/{nickname}_{result_type}.{ext}`],
    ]);
    expect(colour.code).toBe(0);
    const colourPath = join(fx.dir, 'colour', 'cells_Simple Segmentation.png');
    expect(await pngHeader(colourPath)).toEqual({ bitDepth: 8, colourType: 3 });
    expect(new Set(decodePalettePng(await readFile(colourPath)).indices)).toEqual(new Set([1, 2]));
    expect(new Set((await readImage(colourPath)).image.channels[0])).toEqual(new Set([1, 2]));
  }, 60_000);
});
