/**
 * Stacks through the command line: a time-lapse of z-stacks (tzyx) trained with 3-D features from labels
 * on one plane of its second frame, predicted to one stack per source that keeps t and z; and the one-line
 * refusals a user meets first (a scale that does not fit z, a label stack of the wrong length).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImage } from '../../src/main/io/openImage.js';
import { runMixel } from '../helpers/runMixel.js';
import { writeTaggedTiff } from '../io/writeTaggedTiff.js';
import { BACKGROUND, makeSpheresAndRods, scribblesOnPlane, SMALL_SELECTION } from './volumeFixtures.js';

const T = 2;
const Z = 20;
const SIZE = 64;
const stack = makeSpheresAndRods(SIZE, SIZE, Z, T);
/** The labelled plane: frame 1, middle z (flat index t·Z + z). */
const LABELLED = 1 * Z + stack.middle;
let dir = '';

const u16 = (plane: Float32Array) => Uint16Array.from(plane);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-volume-cli-'));
  await writeTaggedTiff(join(dir, 'timelapse.tif'), {
    width: SIZE,
    height: SIZE,
    pages: stack.planes.map(u16),
    description: `ImageJ=1.54f\nimages=${T * Z}\nslices=${Z}\nframes=${T}\nhyperstack=true\nunit=micron\nspacing=2\n`,
    xResolution: 1 / 0.5,
    yResolution: 1 / 0.5,
    resolutionUnit: 1,
  });
  const labels = scribblesOnPlane(stack);
  const pages = stack.planes.map((_, p) => (p === LABELLED ? labels : new Uint8Array(SIZE * SIZE)));
  await writeTaggedTiff(join(dir, 'labels.tif'), { width: SIZE, height: SIZE, pages });
  await writeTaggedTiff(join(dir, 'short-labels.tif'), {
    width: SIZE,
    height: SIZE,
    pages: pages.slice(0, 7),
  });
  await writeFile(join(dir, 'small.json'), JSON.stringify(SMALL_SELECTION));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const train = (...args: string[]) =>
  runMixel(
    [
      'train',
      '--image',
      join(dir, 'timelapse.tif'),
      '--threads',
      '2',
      '--classes',
      'background,sphere,rod',
      ...args,
    ],
    {
      timeoutMs: 180_000,
    },
  );

describe('a time-lapse of z-stacks on the command line', () => {
  it('trains with 3-D features from one labelled plane and predicts one tzyx stack per source', async () => {
    const project = join(dir, 'volume.mixel');
    const trained = train(
      '--labels',
      join(dir, 'labels.tif'),
      '--features',
      join(dir, 'small.json'),
      '--dims',
      '3d',
      '--anisotropy',
      'auto',
      '--semi-supervised',
      'off',
      '--out',
      project,
    );
    expect(trained.status, trained.stderr).toBe(0);
    const saved = JSON.parse(await readFile(project, 'utf8'));
    // 3-D features need version 2, the default square-root normalization version 3.
    expect(saved.version).toBe(3);
    expect(saved.features.dimensions).toBe('3d');
    // z step 2 µm, pixel 0.5 µm: σ along z counts a quarter as many planes.
    expect(saved.features.anisotropy).toEqual([0.25, 1, 1]);
    expect(Object.keys(saved.planeLabels.timelapse)).toEqual([String(LABELLED)]);

    const out = join(dir, 'out');
    const predicted = runMixel(
      [
        'predict',
        '--project',
        project,
        '--threads',
        '2',
        '--export',
        'Simple Segmentation,Probabilities',
        '--output',
        `${out}/{nickname}_{result_type}.{ext}`,
        join(dir, 'timelapse.tif'),
      ],
      { timeoutMs: 180_000 },
    );
    expect(predicted.status, predicted.stderr).toBe(0);
    const segmentation = await openImage(join(out, 'timelapse_Simple Segmentation.tif'));
    expect(segmentation.info.axes).toBe('tzyx');
    expect(segmentation.metadata.pageSizes).toEqual([T, Z]);
    expect([segmentation.info.width, segmentation.info.height]).toEqual([SIZE, SIZE]);
    expect(segmentation.metadata.pixelSize.z?.value).toBeCloseTo(2, 6);
    const probabilities = await openImage(join(out, 'timelapse_Probabilities.tif'));
    expect(probabilities.info.axes).toBe('tzcyx');
    expect(probabilities.info.pages).toBe(T * Z * 3);
    // Both frames are classified: the background corner and the objects' centres on the first frame
    // (never labelled), and every object is found on the middle plane of both frames.
    for (let t = 0; t < T; t++) {
      const plane = (
        await segmentation.readRegion({ x: 0, y: 0, width: SIZE, height: SIZE }, t * Z + stack.middle)
      ).channels[0];
      expect(plane[0]).toBe(BACKGROUND);
      for (const o of stack.objects) expect(plane[o.y * SIZE + o.x]).not.toBe(BACKGROUND);
    }

    // One file per plane when asked ({t}, {z}): the Labels export holds the project's scribbles on the
    // labelled plane (frame 1, middle z) and nothing on the same plane of frame 0.
    const perPlane = join(dir, 'planes');
    const labelsRun = runMixel(
      [
        'predict',
        '--project',
        project,
        '--threads',
        '2',
        '--export',
        'Labels',
        '--output',
        `${perPlane}/{nickname}_{result_type}_t{t}_z{z}.{ext}`,
        join(dir, 'timelapse.tif'),
      ],
      { timeoutMs: 180_000 },
    );
    expect(labelsRun.status, labelsRun.stderr).toBe(0);
    const z = String(stack.middle).padStart(4, '0');
    const read = async (t: number) => {
      const file = await openImage(join(perPlane, `timelapse_Labels_t000${t}_z${z}.tif`));
      return (await file.readRegion({ x: 0, y: 0, width: SIZE, height: SIZE }, 0)).channels[0];
    };
    expect(Array.from(await read(1))).toEqual(Array.from(scribblesOnPlane(stack)));
    expect((await read(0)).every((v) => v === 0)).toBe(true);
  }, 400_000);

  it('refuses a scale that does not fit the z axis in one line naming the stack, scale and axis', () => {
    const run = train('--labels', join(dir, 'labels.tif'), '--dims', '3d', '--out', join(dir, 'x.mixel'));
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(
      'timelapse.tif: scale 10 does not fit the z axis: it needs 36 planes (⌈3.5·σ⌉ + 1) and the z axis has 20',
    );
  }, 120_000);

  it('refuses a label stack that does not have one page per plane', () => {
    const run = train(
      '--labels',
      join(dir, 'short-labels.tif'),
      '--dims',
      '3d',
      '--out',
      join(dir, 'y.mixel'),
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /short-labels\.tif: labels have 7 pages but .*timelapse\.tif has 40 plane\(s\) \(tzyx\)/,
    );
  }, 120_000);

  it('refuses an unknown --dims and anisotropy without 3-D features, naming the argument', () => {
    const labels = ['--labels', join(dir, 'labels.tif'), '--out', join(dir, 'z.mixel')];
    const dims = train(...labels, '--dims', '4d');
    expect(dims.status).toBe(2);
    expect(dims.stderr.trim()).toBe('mixel: --dims 4d is not known: use 2d or 3d');
    const flat = train(...labels, '--anisotropy', '0.25,1,1');
    expect(flat.status).toBe(2);
    expect(flat.stderr.trim()).toBe('mixel: --anisotropy 0.25,1,1 needs --dims 3d (2-D features have no z)');
  }, 60_000);

  it('trains 2-D features from a label stack: the labelled plane of the second frame trains', async () => {
    const project = join(dir, 'planes2d.mixel');
    const run = train(
      '--labels',
      join(dir, 'labels.tif'),
      '--features',
      join(dir, 'small.json'),
      '--out',
      project,
    );
    expect(run.status, run.stderr).toBe(0);
    const saved = JSON.parse(await readFile(project, 'utf8'));
    expect(saved.features.dimensions).toBeUndefined();
    expect(Object.keys(saved.planeLabels.timelapse)).toEqual([String(LABELLED)]);
    // Four one-channel and two two-channel (2-D eigenvalue) features at three scales.
    expect(saved.model.featureNames).toHaveLength(4 * 3 + 2 * 2 * 3);
  }, 120_000);
});
