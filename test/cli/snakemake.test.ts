import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticSample } from '../../src/main/sample/writeSyntheticSample.js';
import { MIXEL_BIN, REPO_ROOT, runMixel } from './cliHarness.js';

const hasSnakemake = spawnSync('snakemake', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasSnakemake) {
  console.warn(
    'snakemake is not installed: skipping the examples/Snakefile test (apt-get install snakemake)',
  );
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-snakemake-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!hasSnakemake)('examples/Snakefile', () => {
  it('runs mixel predict per image with --cores 2 and matches a direct run byte for byte', async () => {
    const train = await writeSyntheticSample(join(dir, 'train'), { width: 128, height: 128, seed: 11 });
    const project = join(dir, 'cells.mixel');
    const t = await runMixel([
      'train',
      '--image',
      train.image,
      '--labels',
      train.scribbles,
      '--threads',
      '2',
      '--out',
      project,
    ]);
    expect(t.code).toBe(0);
    const images = join(dir, 'images');
    await mkdir(images);
    for (const [name, seed] of [
      ['one', 21],
      ['two', 22],
      ['three', 23],
    ] as const) {
      const s = await writeSyntheticSample(join(dir, name), { width: 96, height: 80, seed });
      await copyFile(s.image, join(images, `${name}.tif`));
    }
    const snake = spawnSync(
      'snakemake',
      [
        '-s',
        join(REPO_ROOT, 'examples/Snakefile'),
        '--cores',
        '2',
        '--directory',
        dir,
        '--config',
        `project=${project}`,
        'input=images',
        'output=results',
        `mixel=${process.execPath} ${MIXEL_BIN}`,
        'threads=1',
      ],
      { encoding: 'utf8', cwd: dir },
    );
    expect(snake.status, snake.stderr).toBe(0);
    const results = (await readdir(join(dir, 'results'))).filter((f) => f.endsWith('.tif')).sort();
    expect(results).toEqual([
      'one_Probabilities.tif',
      'one_Simple Segmentation.tif',
      'three_Probabilities.tif',
      'three_Simple Segmentation.tif',
      'two_Probabilities.tif',
      'two_Simple Segmentation.tif',
    ]);
    const direct = await runMixel([
      'predict',
      '--project',
      project,
      '--export',
      'Probabilities,Simple Segmentation',
      '--output',
      `${dir}/direct/{nickname}_{result_type}.{ext}`,
      `${images}/*.tif`,
    ]);
    expect(direct.code).toBe(0);
    for (const file of results) {
      expect(
        Buffer.compare(await readFile(join(dir, 'results', file)), await readFile(join(dir, 'direct', file))),
        file,
      ).toBe(0);
    }
  }, 180_000);
});
