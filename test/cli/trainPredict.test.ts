import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { computeFeatures } from '../../src/core/features/computeFeatures.js';
import { presetSelection } from '../../src/core/features/selection.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/main/project/projectFile.js';
import { readImage } from '../../src/main/io/openImage.js';
import { writeSyntheticSample } from '../../src/main/sample/writeSyntheticSample.js';
import { TiffStripWriter } from '../../src/main/io/TiffStripWriter.js';
import { writeIntegerImage } from '../../src/main/io/writeIntegerImage.js';
import { parseNpy, parseTiff } from '../io/parseTiff.js';
import { MIXEL_BIN, runMixel, trainSampleProject } from './cliHarness.js';

const SIZE = 160;
let dir: string;
let sample: { image: string; scribbles: string; truth: string };
let projectPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-cli-'));
  sample = await writeSyntheticSample(join(dir, 'sample'), { width: SIZE, height: SIZE, seed: 3 });
  projectPath = join(dir, 'p.mixel');
  const train = await trainSampleProject(sample, projectPath);
  expect(train.stderr).toContain('trained 2 classes on 1 image(s)');
  expect(train.code).toBe(0);
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function accuracy(segPath: string): Promise<number> {
  const seg = (await readImage(segPath)).image.channels[0];
  const truth = (await readImage(sample.truth)).image.channels[0];
  let same = 0;
  for (let i = 0; i < seg.length; i++) if (seg[i] === truth[i]) same++;
  return same / seg.length;
}

describe('mixel train', () => {
  it('writes a project with classes, the image by checksum, labels and a model', async () => {
    const project = await loadProject(projectPath);
    expect(project.classes.map((c) => c.name)).toEqual(['background', 'nucleus']);
    expect(project.images[0]).toMatchObject({
      path: 'sample/sample.tif',
      width: SIZE,
      height: SIZE,
      sampleType: 'uint16',
    });
    expect(project.images[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(project.labels)).toEqual([project.images[0].id]);
    expect((project.model as { format: string }).format).toBe('mixel-gmm-classifier');
  });

  it('refuses labels beyond the classes and labels of another size, writing nothing', async () => {
    const labels = new Uint8Array(SIZE * SIZE);
    labels.fill(1, 0, 500);
    labels.fill(3, 9000, 9100);
    const beyond = join(dir, 'beyond.png');
    await writeIntegerImage(beyond, labels, SIZE, SIZE);
    const out = join(dir, 'never.mixel');
    const r1 = await runMixel([
      'train',
      '--image',
      sample.image,
      '--labels',
      beyond,
      '--classes',
      'bg,fg',
      '--out',
      out,
    ]);
    expect(r1.code).not.toBe(0);
    expect(r1.stderr.trim()).toMatch(
      /beyond\.png: holds the label value 3 but only 2 classes are named \(bg, fg\)/,
    );
    const small = join(dir, 'small.png');
    await writeIntegerImage(small, new Uint8Array(50 * 40).fill(1), 50, 40);
    const r2 = await runMixel(['train', '--image', sample.image, '--labels', small, '--out', out]);
    expect(r2.code).not.toBe(0);
    expect(r2.stderr.trim()).toMatch(/small\.png: labels are 50 × 40 but .*sample\.tif is 160 × 160/);
    expect(r2.stderr.trim().split('\n')).toHaveLength(1);
    const nan = Float32Array.from({ length: SIZE * SIZE }, (_, i) => i % 50);
    nan[123] = NaN;
    const nanPath = join(dir, 'nan_train.tif');
    const writer = await TiffStripWriter.create(nanPath, {
      width: SIZE,
      height: SIZE,
      pages: 1,
      sampleType: 'float32',
    });
    await writer.writeRows(0, nan);
    await writer.close();
    const r3 = await runMixel(['train', '--image', nanPath, '--labels', sample.scribbles, '--out', out]);
    expect(r3.code).not.toBe(0);
    expect(r3.stderr.trim()).toMatch(/nan_train\.tif: contains NaN or infinite values/);
    expect((await readdir(dir)).filter((f) => f.includes('never'))).toEqual([]);
  });

  it('estimates class priors on the image by default; --priors counts keeps the scribbles’ shares', async () => {
    type Model = { mixture: { weights: number[] }; componentClass: number[] };
    const backgroundShare = (model: Model) =>
      model.mixture.weights.reduce((s, w, j) => s + (model.componentClass[j] === 0 ? w : 0), 0);
    const truth = (await readImage(sample.truth)).image.channels[0];
    const truthShare = truth.filter((v) => v === 1).length / truth.length;
    const fromImage = backgroundShare((await loadProject(projectPath)).model as Model);
    const out = join(dir, 'counts.mixel');
    const base = ['train', '--image', sample.image, '--labels', sample.scribbles, '--out', out];
    // Without semi-supervised EM nothing else moves the class weights away from the counts.
    expect((await runMixel([...base, '--priors', 'counts', '--semi-supervised', 'off'])).code).toBe(0);
    const scribbles = (await readImage(sample.scribbles)).image.channels[0];
    const labeled = scribbles.filter((v) => v > 0);
    const countsShare = labeled.filter((v) => v === 1).length / labeled.length;
    expect(backgroundShare((await loadProject(out)).model as Model)).toBeCloseTo(countsShare, 6);
    // The sample's scribbles are 75 % background, its pixels 87 %: the image's estimate is much closer.
    expect(Math.abs(fromImage - truthShare)).toBeLessThan(Math.abs(countsShare - truthShare) / 3);
    const bad = await runMixel([...base, '--priors', 'guess']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--priors guess is not known: use image, counts or uniform');
  });
});

describe('mixel predict', () => {
  it('writes all exports as TIFF, readable by sharp and a second decoder, accurate on the sample', async () => {
    const out = join(dir, 'tiff');
    const r = await runMixel([
      'predict',
      '--project',
      projectPath,
      '--export',
      'Probabilities,Simple Segmentation,Uncertainty,Features',
      '--output',
      `${out}/{nickname}_{result_type}.{ext}`,
      '--threads',
      '2',
      sample.image,
    ]);
    expect(r.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual([
      'sample_Features.tif',
      'sample_Probabilities.tif',
      'sample_Simple Segmentation.tif',
      'sample_Uncertainty.tif',
    ]);
    const probs = parseTiff(new Uint8Array(await readFile(join(out, 'sample_Probabilities.tif'))));
    expect(probs.map((p) => p.pageName)).toEqual(['background', 'nucleus']);
    for (let i = 0; i < SIZE * SIZE; i += 97)
      expect(probs[0].values[i] + probs[1].values[i]).toBeCloseTo(1, 5);
    const seg = parseTiff(new Uint8Array(await readFile(join(out, 'sample_Simple Segmentation.tif'))))[0];
    expect(seg.bitsPerSample).toBe(8);
    expect(new Set(seg.values)).toEqual(new Set([1, 2]));
    expect(await accuracy(join(out, 'sample_Simple Segmentation.tif'))).toBeGreaterThan(0.85);
    const features = parseTiff(new Uint8Array(await readFile(join(out, 'sample_Features.tif'))));
    expect(features).toHaveLength(49);
    expect(features[0].pageName).toMatch(/Gaussian Smoothing/);
    // Computed tile by tile on the pool, the pages equal the feature bank over the whole image.
    const whole = computeFeatures(
      (await readImage(sample.image)).image,
      presetSelection('default'),
      'ilastik',
    );
    for (const c of [0, 20, 48]) expect(Array.from(features[c].values)).toEqual(Array.from(whole[c]));
  });

  it('gives the same probabilities whatever the tile size (tiles with halos are exact)', async () => {
    const run = async (tileSize: string) => {
      const out = join(dir, `tiles${tileSize}`);
      const r = await runMixel([
        'predict',
        '--project',
        projectPath,
        '--tile-size',
        tileSize,
        '--output',
        `${out}/{nickname}_{result_type}.{ext}`,
        sample.image,
      ]);
      expect(r.code).toBe(0);
      return parseTiff(new Uint8Array(await readFile(join(out, 'sample_Probabilities.tif'))));
    };
    const [small, whole] = await Promise.all([run('64'), run('512')]);
    expect(small[1].values).toEqual(whole[1].values);
  });

  it('writes PNG segmentations and uint8 npy probabilities', async () => {
    const out = join(dir, 'other');
    const png = await runMixel([
      'predict',
      '--project',
      projectPath,
      '--export',
      'Simple Segmentation',
      '--format',
      'png',
      '--output',
      `${out}/{nickname}_{result_type}.{ext}`,
      sample.image,
    ]);
    expect(png.code).toBe(0);
    const segPath = join(out, 'sample_Simple Segmentation.png');
    expect((await sharp(segPath).metadata()).format).toBe('png');
    expect(await accuracy(segPath)).toBeGreaterThan(0.85);
    const npy = await runMixel([
      'predict',
      '--project',
      projectPath,
      '--format',
      'npy',
      '--dtype',
      'uint8',
      '--output',
      `${out}/{nickname}_{result_type}.{ext}`,
      sample.image,
    ]);
    expect(npy.code).toBe(0);
    const parsed = parseNpy(new Uint8Array(await readFile(join(out, 'sample_Probabilities.npy'))));
    expect(parsed.descr).toBe('|u1');
    expect(parsed.shape).toEqual([2, SIZE, SIZE]);
    for (let i = 0; i < SIZE * SIZE; i += 101) {
      expect(Math.abs(parsed.values[i] + parsed.values[SIZE * SIZE + i] - 255)).toBeLessThanOrEqual(1);
    }
  });

  it('finishes its outputs when the reader of its --json lines goes away (… | head)', async () => {
    const out = join(dir, 'piped');
    const child = spawn(process.execPath, [
      MIXEL_BIN,
      'predict',
      '--project',
      projectPath,
      '--json',
      '--output',
      `${out}/{nickname}_{result_type}.{ext}`,
      sample.image,
    ]);
    // Read the first line, then close the pipe as `head -1` would.
    await new Promise<void>((done) => child.stdout.once('data', () => done()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(code).toBe(0);
    // The default export, complete, and no temporary file left behind.
    expect(await readdir(out)).toEqual(['sample_Probabilities.tif']);
    expect(parseTiff(new Uint8Array(await readFile(join(out, 'sample_Probabilities.tif'))))).toHaveLength(2);
  });

  it('isolates failures: bad images fail alone with their name, good ones are written, exit 1', async () => {
    const batch = join(dir, 'batch');
    await mkdir(batch, { recursive: true });
    await copyFile(sample.image, join(batch, 'good.tif'));
    await writeFile(join(batch, 'empty.tif'), '');
    await writeFile(join(batch, 'corrupt.tif'), Buffer.from('II*\0 this is not really a tiff file at all'));
    const truncated = await readFile(sample.image);
    await writeFile(join(batch, 'truncated.tif'), truncated.subarray(0, truncated.length >> 1));
    const nan = Float32Array.from({ length: SIZE * SIZE }, (_, i) => i % 100);
    nan[SIZE * 80 + 7] = NaN;
    const writer = await TiffStripWriter.create(join(batch, 'nan.tif'), {
      width: SIZE,
      height: SIZE,
      pages: 1,
      sampleType: 'float32',
    });
    await writer.writeRows(0, nan);
    await writer.close();
    const rgb = new Uint8Array(SIZE * SIZE * 3);
    await sharp(rgb, { raw: { width: SIZE, height: SIZE, channels: 3 } })
      .png()
      .toFile(join(batch, 'rgb.png'));
    // A small TIFF whose header claims 100000 × 100000 pixels.
    const huge = new Uint8Array(await readFile(join(batch, 'good.tif')));
    patchTiffSize(huge, 100000, 100000);
    await writeFile(join(batch, 'huge.tif'), huge);

    const r = await runMixel([
      'predict',
      '--project',
      projectPath,
      '--export',
      'Probabilities,Simple Segmentation',
      '--json',
      `${batch}/*.{tif,png}`,
    ]);
    expect(r.code, r.stderr).toBe(1);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const failed = events.filter((e) => e.event === 'failed').map((e) => String(e.error));
    expect(failed).toHaveLength(6);
    for (const name of ['empty.tif', 'corrupt.tif', 'truncated.tif', 'nan.tif', 'rgb.png', 'huge.tif']) {
      const message = failed.find((m) => m.includes(name));
      expect(message, name).toBeDefined();
      expect(message).not.toContain('\n');
    }
    expect(failed.find((m) => m.includes('nan.tif'))).toMatch(/NaN or infinite values \(first at x=7, y=80/);
    expect(failed.find((m) => m.includes('huge.tif'))).toMatch(/huge\.tif: the file is truncated or corrupt/);
    expect(failed.find((m) => m.includes('rgb.png'))).toMatch(
      /has 3 channel\(s\) but the project was trained on images with 1/,
    );
    expect(events.at(-1)).toMatchObject({ event: 'summary', succeeded: 1, failed: 6 });
    const files = (await readdir(batch)).sort();
    expect(files.filter((f) => f.includes('_'))).toEqual([
      'good_Probabilities.tif',
      'good_Simple Segmentation.tif',
    ]);
    expect(files.filter((f) => f.startsWith('.'))).toEqual([]); // no temporary leftovers
  });

  it('splits a glob into shards that together cover every image once', async () => {
    const shardDir = join(dir, 'shards');
    await mkdir(shardDir, { recursive: true });
    for (const name of ['a', 'b', 'c']) await copyFile(sample.image, join(shardDir, `${name}.tif`));
    const outputs: string[] = [];
    for (const shard of ['1/2', '2/2']) {
      const r = await runMixel([
        'predict',
        '--project',
        projectPath,
        '--shard',
        shard,
        '--json',
        '--export',
        'Simple Segmentation',
        `${shardDir}/*.tif`,
      ]);
      expect(r.code).toBe(0);
      const done = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .filter((e) => e.event === 'done');
      outputs.push(...done.map((e) => String(e.image).split('/').pop() as string));
    }
    // The first shard's outputs sit beside the images; the second shard's pattern skips them.
    expect(outputs.sort()).toEqual(['a.tif', 'b.tif', 'c.tif']);
    const none = await runMixel(['predict', '--project', projectPath, `${shardDir}/*.jpg`]);
    expect(none.code).not.toBe(0);
    expect(none.stderr.trim()).toMatch(/the pattern ".*\*\.jpg" matches no image files$/);
  });

  it('fails at once on a bad option or a project without a model', async () => {
    const r = await runMixel(['predict', '--project', projectPath, '--format', 'gif', sample.image]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--format gif is not known');
    const project = await loadProject(projectPath);
    const untrained = join(dir, 'untrained.mixel');
    await writeFile(untrained, JSON.stringify({ ...project, model: null }));
    const r2 = await runMixel(['predict', '--project', untrained, sample.image]);
    expect(r2.code).not.toBe(0);
    expect(r2.stderr).toMatch(/untrained\.mixel: the project has no trained model/);
  });
});

describe('planes and normalization', () => {
  it('predicts each z-plane of a stack on its own (--axes zyx), equal to predicting the plane alone', async () => {
    const { image } = await readImage(sample.image);
    const plane0 = Uint16Array.from(image.channels[0]);
    const plane1 = Uint16Array.from(plane0, (v, i) => (i % SIZE < SIZE / 2 ? v : 400));
    const stackPath = join(dir, 'stack', 'stack.tif');
    await mkdir(join(dir, 'stack'), { recursive: true });
    const writer = await TiffStripWriter.create(stackPath, {
      width: SIZE,
      height: SIZE,
      pages: 2,
      sampleType: 'uint16',
    });
    await writer.writeRows(0, plane0);
    await writer.writeRows(1, plane1);
    await writer.close();
    const r = await runMixel([
      'predict',
      '--project',
      projectPath,
      '--axes',
      'zyx',
      '--export',
      'Simple Segmentation',
      stackPath,
    ]);
    expect(r.code).toBe(0);
    // One stack file per image and source, its pages the planes.
    expect((await readdir(join(dir, 'stack'))).sort()).toEqual([
      'stack.tif',
      'stack_Simple Segmentation.tif',
    ]);
    const alone = await runMixel([
      'predict',
      '--project',
      projectPath,
      '--export',
      'Simple Segmentation',
      '--output',
      `${dir}/alone/{nickname}.{ext}`,
      sample.image,
    ]);
    expect(alone.code).toBe(0);
    const pages = parseTiff(
      new Uint8Array(await readFile(join(dir, 'stack', 'stack_Simple Segmentation.tif'))),
    );
    expect(pages).toHaveLength(2);
    const z0 = Float32Array.from(pages[0].values);
    expect(z0).toEqual((await readImage(join(dir, 'alone', 'sample.tif'))).image.channels[0]);
    expect(Float32Array.from(pages[1].values)).not.toEqual(z0);
  });

  it('percentile normalization makes a model trained at one offset work on images at another', async () => {
    const p = join(dir, 'normalized.mixel');
    const t = await runMixel([
      'train',
      '--image',
      sample.image,
      '--labels',
      sample.scribbles,
      '--normalize',
      'percentile',
      '--out',
      p,
    ]);
    expect(t.code).toBe(0);
    const project = await loadProject(p);
    expect(project.normalization.mode).toBe('percentile');
    expect(project.images[0].normalization?.low[0]).toBeGreaterThan(300);
    // Raw values with Gaussian tails: the tail bound alone already keeps a raw model at 0.91 here (its
    // intensity features fall silent, the derivative ones decide), which is not what this test is about.
    const rawPath = join(dir, 'raw-gaussian.mixel');
    const raw = await runMixel([
      'train',
      ...['--image', sample.image, '--labels', sample.scribbles],
      ...['--normalize', 'none', '--tail-bound', 'off', '--out', rawPath],
    ]);
    expect(raw.code).toBe(0);
    // The same scene on a camera offset 30000 higher, with twice the gain.
    const { image } = await readImage(sample.image);
    const shifted = Uint16Array.from(image.channels[0], (v) => Math.min(65535, 30000 + 2 * v));
    const shiftedPath = join(dir, 'shifted', 'shifted.tif');
    await mkdir(join(dir, 'shifted'), { recursive: true });
    await writeIntegerImage(shiftedPath, shifted, SIZE, SIZE);
    for (const [project_, name] of [
      [p, 'normalized'],
      [rawPath, 'raw'],
    ]) {
      const r = await runMixel([
        'predict',
        '--project',
        project_,
        '--export',
        'Simple Segmentation',
        '--output',
        `${dir}/shifted/{nickname}_${name}.{ext}`,
        // Without per-image adaptation, which would rescue the raw model too (adaptationCli.test.ts).
        '--adapt',
        'off',
        shiftedPath,
      ]);
      expect(r.code).toBe(0);
    }
    expect(await accuracy(join(dir, 'shifted', 'shifted_normalized.tif'))).toBeGreaterThan(0.85);
    expect(await accuracy(join(dir, 'shifted', 'shifted_raw.tif'))).toBeLessThan(0.85);
  }, 120_000);
});

describe('mixel info and repair', () => {
  it('info prints size, dtype and value range', async () => {
    const r = await runMixel(['info', sample.image]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/size +160 × 160/);
    expect(r.stdout).toMatch(/dtype +uint16 \(tiff\)/);
    expect(r.stdout).toMatch(/range +\d+\.\.\d+/);
  });

  it('trains on two images; repair relinks the one that moved, found by checksum', async () => {
    const folder = join(dir, 'moving');
    await mkdir(join(folder, 'img'), { recursive: true });
    await copyFile(sample.image, join(folder, 'cells.tif'));
    const second = await writeSyntheticSample(join(folder, 'second'), { width: 128, height: 96, seed: 9 });
    const p = join(folder, 'p.mixel');
    const train = await runMixel([
      'train',
      '--image',
      join(folder, 'cells.tif'),
      '--labels',
      sample.scribbles,
      '--image',
      second.image,
      '--labels',
      second.scribbles,
      '--out',
      p,
    ]);
    expect(train.code).toBe(0);
    const trained = await loadProject(p);
    expect(trained.images.map((im) => [im.id, im.path, im.width])).toEqual([
      ['cells', 'cells.tif', SIZE],
      ['sample', 'second/sample.tif', 128],
    ]);
    expect(Object.keys(trained.labels)).toEqual(['cells', 'sample']);
    await copyFile(join(folder, 'cells.tif'), join(folder, 'img', 'moved.tif'));
    await rm(join(folder, 'cells.tif'));
    const before = await runMixel(['predict', '--project', p]);
    expect(before.code).not.toBe(0);
    expect(before.stderr).toMatch(/p\.mixel: 1 project image\(s\) not found .*run `mixel repair/);
    const r = await runMixel(['repair', p]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/cells: relinked to .*img\/moved\.tif/);
    expect((await loadProject(p)).images[0].path).toBe('img/moved.tif');
    const after = await runMixel(['predict', '--project', p, '--export', 'Simple Segmentation']);
    expect(after.code).toBe(0);
    expect(await readdir(join(folder, 'img'))).toContain('moved_Simple Segmentation.tif');
    expect(await readdir(join(folder, 'second'))).toContain('sample_Simple Segmentation.tif');
  });
});

/** Rewrites ImageWidth/ImageLength (SHORT or LONG) in the first directory of a little-endian classic TIFF. */
function patchTiffSize(bytes: Uint8Array, width: number, height: number): void {
  const view = new DataView(bytes.buffer);
  const ifd = view.getUint32(4, true);
  for (let i = 0; i < view.getUint16(ifd, true); i++) {
    const at = ifd + 2 + i * 12;
    const tag = view.getUint16(at, true);
    if (tag !== 256 && tag !== 257) continue;
    view.setUint16(at + 2, 4, true); // LONG: 100000 does not fit a SHORT
    view.setUint32(at + 8, tag === 256 ? width : height, true);
  }
}
