/**
 * An ilastik user's headless script run against `mixel predict`: ilastik's option spellings give the same
 * files as Mixel's own, what Mixel cannot do is refused in one line before any work, and the exit code
 * tells a scheduler what happened (0 done, 1 some images failed, 2 usage, 130/143 stopped by a signal).
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticSample } from '../../src/main/sample/writeSyntheticSample.js';
import { TiffStripWriter } from '../../src/main/io/TiffStripWriter.js';
import { parseNpy } from '../io/parseTiff.js';
import { MIXEL_BIN, runMixel, trainSampleProject } from './cliHarness.js';

const SIZE = 96;
/** Big enough that predicting it on one thread takes seconds, so a signal arrives mid-image. */
const BIG = 2400;
let dir: string;
let image: string;
let project: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-ilastik-'));
  const sample = await writeSyntheticSample(join(dir, 'sample'), { width: SIZE, height: SIZE, seed: 5 });
  image = sample.image;
  project = join(dir, 'p.mixel');
  const train = await trainSampleProject(sample, project);
  expect(train.code).toBe(0);
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fresh folder holding a copy of the sample image, so each case sees only its own outputs. */
async function folderWithImage(name: string): Promise<{ folder: string; input: string }> {
  const folder = join(dir, name);
  await mkdir(folder, { recursive: true });
  const input = join(folder, 'cells.tif');
  await copyFile(image, input);
  return { folder, input };
}

describe('ilastik headless spellings', () => {
  it('an ilastik command line writes the same file as the Mixel one, named by ilastik placeholders', async () => {
    const a = await folderWithImage('ilastik-seg');
    const b = await folderWithImage('mixel-seg');
    const [ilastik, mixel] = await Promise.all([
      runMixel([
        'predict',
        '--headless',
        `--project=${project}`,
        '--export_source=Simple Segmentation',
        '--output_format=tiff',
        '--output_filename_format={dataset_dir}/{nickname}_{result_type}',
        '--export_dtype=uint8',
        '--raw_data',
        a.input,
      ]),
      runMixel([
        'predict',
        '--project',
        project,
        '--export',
        'Simple Segmentation',
        '--dtype',
        'uint8',
        b.input,
      ]),
    ]);
    expect(ilastik.stderr).toContain('1 of 1 images predicted');
    expect(ilastik.code).toBe(0);
    expect(mixel.code).toBe(0);
    const written = join(a.folder, 'cells_Simple Segmentation.tif');
    expect(await readFile(written)).toEqual(await readFile(join(b.folder, 'cells_Simple Segmentation.tif')));
  }, 60_000);

  it('probabilities with ilastik ranges (0,1) → (0,255) and format numpy equal --dtype uint8 --format npy', async () => {
    const a = await folderWithImage('ilastik-prob');
    const b = await folderWithImage('mixel-prob');
    const [ilastik, mixel] = await Promise.all([
      runMixel([
        'predict',
        '--headless',
        '--project',
        project,
        '--export_source',
        'Probabilities',
        '--output_format',
        'numpy',
        '--export_dtype',
        'uint8',
        '--pipeline_result_drange',
        '(0.0,1.0)',
        '--export_drange',
        '(0,255)',
        '--output_axis_order',
        'tzcyx',
        '--output_filename_format',
        `${a.folder}/out_{nickname}.npy`,
        a.input,
      ]),
      runMixel(['predict', '--project', project, '--dtype', 'uint8', '--format', 'npy', b.input]),
    ]);
    expect(ilastik.code).toBe(0);
    expect(mixel.code).toBe(0);
    expect(await readFile(join(a.folder, 'out_cells.npy'))).toEqual(
      await readFile(join(b.folder, 'cells_Probabilities.npy')),
    );
  }, 60_000);

  it('--export_drange and --pipeline_result_drange rescale probabilities linearly, clipped to the export range', async () => {
    const { folder, input } = await folderWithImage('rescaled');
    const predict = (name: string, args: string[]) =>
      runMixel([
        'predict',
        '--project',
        project,
        '--output_format',
        'numpy',
        '--output_filename_format',
        `{dataset_dir}/${name}`,
        ...args,
        input,
      ]);
    const runs = await Promise.all([
      predict('float', []),
      predict('percent', ['--export_dtype', 'uint8', '--export_drange', '(0,100)']),
      predict('half', ['--export_dtype', 'uint16', '--pipeline_result_drange', '(0.0,0.5)']),
    ]);
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
    const read = async (name: string) =>
      parseNpy(new Uint8Array(await readFile(join(folder, `${name}.npy`))));
    const [float, percent, half] = await Promise.all([read('float'), read('percent'), read('half')]);
    expect([percent.descr, half.descr]).toEqual(['|u1', '<u2']);
    expect(percent.shape).toEqual(float.shape);
    const p = float.values;
    let maxPercent = 0;
    for (let i = 0; i < p.length; i++) {
      expect(percent.values[i]).toBe(Math.round(p[i] * 100));
      expect(half.values[i]).toBe(Math.round(Math.min(1, p[i] / 0.5) * 65535));
      maxPercent = Math.max(maxPercent, percent.values[i]);
    }
    // The sample has confident pixels: the top of the export range is reached, never passed.
    expect(maxPercent).toBe(100);
  }, 60_000);

  it('refuses what Mixel would do differently, in one line naming the option, before writing anything', async () => {
    const { folder, input } = await folderWithImage('refused');
    const cases: [string[], RegExp][] = [
      [
        ['--output_format', 'hdf5'],
        /^mixel: --output_format hdf5 is not supported yet: use tiff, png or numpy$/,
      ],
      [['--output_format', 'bmp'], /^mixel: --output_format bmp is not supported: use tiff, png or numpy$/],
      [
        ['--cutout_subregion', '[(0,0),(10,10)]'],
        /^mixel: --cutout_subregion \[\(0,0\),\(10,10\)\] is not supported yet/,
      ],
      [
        ['--export_dtype', 'uint8', '--export_drange', '(0,1000)'],
        /^mixel: --export_drange \(0,1000\) does not fit uint8 \(0\.\.255\)/,
      ],
      [['--export_drange', '(5,1)'], /^mixel: --export_drange \(5,1\) is not a range/],
      [
        ['--output_filename_format', 'x'.repeat(5000)],
        /^mixel: --output_filename_format is 5000 characters long; at most 4096$/,
      ],
      [['--pipeline_result_drange', '(0,nan)'], /^mixel: --pipeline_result_drange \(0,nan\) is not a range/],
      [
        ['--export_source', 'Simple Segmentation', '--export_drange', '(0,255)'],
        /^mixel: --export_drange does not apply to Simple Segmentation/,
      ],
      [
        ['--export_dtype', 'int32'],
        /^mixel: --export_dtype int32 is not supported: use uint8, uint16 or float32$/,
      ],
      [
        ['--output_axis_order', 'yxc'],
        /^mixel: --output_axis_order yxc is not supported yet: Mixel writes c, y, x/,
      ],
      [
        ['--output_filename_format', '{dataset_dir}/{nickname}_{roi}'],
        /^mixel: --output_filename_format: \{roi\} is not supported/,
      ],
      [
        ['--output_filename_format', '{dataset_dir}/{nickname}.h5'],
        /^mixel: --output_filename_format ends in \.h5 but the output format is tiff/,
      ],
      [['--export_source', 'Segmentations'], /^mixel: unknown export "Segmentations"/],
      [['--output_format', 'png'], /^mixel: Probabilities as PNG needs --dtype uint8 or uint16/],
      [
        ['--export', 'Uncertainty', '--export_source', 'Probabilities'],
        /^mixel: --export and --export_source both given/,
      ],
    ];
    const results = await Promise.all(
      cases.map(([args]) => runMixel(['predict', '--headless', '--project', project, ...args, input])),
    );
    results.forEach((r, i) => {
      expect({ args: cases[i][0], code: r.code }).toEqual({ args: cases[i][0], code: 2 });
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(cases[i][1]);
    });
    const ilp = join(folder, 'MyProject.ilp');
    await writeFile(ilp, '\x89HDF\r\n\x1a\n');
    const withIlp = await runMixel(['predict', '--headless', `--project=${ilp}`, input]);
    expect(withIlp.code).toBe(2);
    expect(withIlp.stderr.trim()).toBe(
      `mixel: ${ilp} is an ilastik project: Mixel cannot use its classifier; train a Mixel project (mixel train, or in the window) on the same scribbles`,
    );
    expect((await readdir(folder)).sort()).toEqual(['MyProject.ilp', 'cells.tif']);
  }, 60_000);
});

describe('exit codes a scheduler can tell apart', () => {
  it('0 when every image is done, 1 when some failed (the others written), 2 for usage errors', async () => {
    const { folder, input } = await folderWithImage('codes');
    const broken = join(folder, 'broken.tif');
    await writeFile(broken, 'not a tiff at all');
    const [allDone, someFailed, unknownOption, missingValue, noProject, badField] = await Promise.all([
      runMixel(['predict', '--project', project, '--export', 'Uncertainty', input]),
      runMixel(['predict', '--project', project, '--output', '{dir}/{nickname}_b.{ext}', input, broken]),
      runMixel(['predict', '--project', project, '--no-such-option', input]),
      runMixel(['predict', '--project', project, input, '--tile-size']),
      runMixel(['predict', '--project', join(folder, 'missing.mixel'), input]),
      runMixel(['predict', '--project', project, '--output', '{dir}/{title}.{ext}', input]),
    ]);
    expect(allDone.code).toBe(0);
    expect(someFailed.code).toBe(1);
    expect(someFailed.stderr).toContain('broken.tif');
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain("unknown option '--no-such-option'");
    expect(missingValue.code).toBe(2);
    expect(noProject.code).toBe(2);
    expect(badField.code).toBe(2);
    expect(badField.stderr).toContain('unknown field {title}');
    // Help is not an error; the parser's refusals are usage errors in every command.
    const [help, trainUnknown, segmentMissing, trainNoImage] = await Promise.all([
      runMixel(['predict', '--help']),
      runMixel(['train', '--bogus']),
      runMixel(['segment', '--image', input]),
      runMixel([
        'train',
        '--image',
        join(folder, 'absent.tif'),
        '--labels',
        input,
        '--out',
        join(folder, 'p.mixel'),
      ]),
    ]);
    expect(help.code).toBe(0);
    expect([trainUnknown.code, segmentMissing.code, trainNoImage.code]).toEqual([2, 2, 2]);
    expect(segmentMissing.stderr).toContain("required option '--labels <file>' not specified");
    expect(trainNoImage.stderr).toContain('absent.tif');
    expect((await readdir(folder)).sort()).toEqual(
      ['broken.tif', 'cells.tif', 'cells_Uncertainty.tif', 'cells_b.tif'].sort(),
    );
  }, 60_000);

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${code} when stopped by ${signal}: the finished image is kept, nothing partial is left`, async () => {
      const { folder, input } = await folderWithImage(`stopped-${signal}`);
      const big = join(folder, 'big.tif');
      const writer = await TiffStripWriter.create(big, {
        width: BIG,
        height: BIG,
        pages: 1,
        sampleType: 'uint16',
      });
      const pixels = new Uint16Array(BIG * BIG);
      for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 2654435761) >>> 20;
      await writer.writeRows(0, pixels);
      await writer.close();
      const child = spawn(
        process.execPath,
        [MIXEL_BIN, 'predict', '--project', project, '--threads', '1', '--json', input, big],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      let sent = false;
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        // Stop once the big image has tiles under way.
        if (!sent && /"event":"start","image":"[^"]*big\.tif"[\s\S]*"event":"progress"/.test(stdout)) {
          sent = true;
          child.kill(signal);
        }
      });
      const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(sent).toBe(true);
      expect(exitCode).toBe(code);
      expect(stderr).toContain('interrupted after 1 of 2 images');
      const summary = JSON.parse(stdout.trim().split('\n').pop() as string) as Record<string, unknown>;
      expect(summary).toMatchObject({ event: 'summary', interrupted: true, succeeded: 1 });
      expect((await readdir(folder)).sort()).toEqual(['big.tif', 'cells.tif', 'cells_Probabilities.tif']);
    }, 90_000);
  }
});
