/**
 * The first complaint, end to end: an ImageJ ZCYX hyperstack (3 z-planes × 2 channels) used to be
 * read as "6 z-planes (guessed)" of one channel. Now `mixel predict` with a 2-channel project classifies it
 * as 3 planes of 2 channels, each plane equal to predicting that plane saved on its own.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSyntheticSample } from '../../src/core/sample/syntheticCells.js';
import { readImage } from '../../src/main/io/openImage.js';
import { writeIntegerImage } from '../../src/main/io/writeIntegerImage.js';
import { runMixel, trainSampleProject } from '../cli/cliHarness.js';
import { writeTaggedTiff } from './writeTaggedTiff.js';

const W = 96;
const H = 80;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-hyperstack-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Rows in reverse order: a plane that differs from the others but predicts to the flipped segmentation. */
function flipRows(values: Uint16Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let y = 0; y < H; y++) out.set(values.subarray(y * W, (y + 1) * W), (H - 1 - y) * W);
  return out;
}

describe('predicting an ImageJ hyperstack', () => {
  it('3 z-planes × 2 channels: three segmentations, each equal to the plane predicted alone', async () => {
    const sample = makeSyntheticSample({ width: W, height: H, seed: 5 });
    const nuclei = Uint16Array.from(sample.image);
    const inverted = nuclei.map((v) => 65535 - v);
    const scribbles = join(dir, 'scribbles.png');
    await writeIntegerImage(scribbles, sample.scribbles, W, H);
    const channels = 'ImageJ=1.54f\nimages=2\nchannels=2\nmode=composite\n';
    const single = join(dir, 'single.tif');
    await writeTaggedTiff(single, { width: W, height: H, pages: [nuclei, inverted], description: channels });
    const stack = join(dir, 'stack.tif');
    await writeTaggedTiff(stack, {
      width: W,
      height: H,
      pages: [nuclei, inverted, flipRows(nuclei), flipRows(inverted), nuclei, inverted],
      description: 'ImageJ=1.54f\nimages=6\nchannels=2\nslices=3\nhyperstack=true\nunit=micron\nspacing=2\n',
    });
    const project = join(dir, 'p.mixel');
    const train = await trainSampleProject({ image: single, scribbles }, project, { threads: 1 });
    expect(train.stderr).not.toMatch(/error/i);
    expect(train.code).toBe(0);
    const out = join(dir, 'out');
    const predict = await runMixel([
      'predict',
      ...['--project', project, '--export', 'Simple Segmentation', '--threads', '1'],
      ...['--output', `${out}/{nickname}_{plane}.{ext}`, single, stack],
    ]);
    expect(predict.stderr).not.toContain('guessed');
    expect(predict.code).toBe(0);
    const alone = (await readImage(join(out, 'single_0000.tif'))).image.channels[0];
    const planes = await Promise.all(
      [0, 1, 2].map(
        async (z) =>
          (await readImage(join(out, `stack_${z.toString().padStart(4, '0')}.tif`))).image.channels[0],
      ),
    );
    expect(new Set(alone).size).toBe(2);
    expect(planes[0]).toEqual(alone);
    expect(planes[2]).toEqual(alone);
    expect(Uint16Array.from(planes[1])).toEqual(flipRows(Uint16Array.from(alone)));
  });
});
