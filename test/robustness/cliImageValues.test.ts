/**
 * NaN, ±Infinity and extreme finite values in float images (issue 10, defects 7 and 8): every command
 * refuses non-finite input with one line naming the file and writes nothing; extreme finite values are
 * either computed in a range-safe way (percentile normalization) or refused with the named bound, and no
 * output ever holds NaN or Infinity.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_FEATURE_INPUT_MAGNITUDE } from '../../src/core/features/featureInputRange.js';
import { parseTiff } from '../io/parseTiff.js';
import {
  listFolder,
  oneErrorLine,
  predictArgs,
  runCli,
  segmentArgs,
  trainArgs,
  writeFloatImage,
  writeLabels,
} from './cliRobustnessHarness.js';
import { temporaryFolderForFile } from './temporaryFolder.js';

const SIZE = 48;
const EXPORT_PROBABILITIES = ['--export', 'Probabilities,Uncertainty'];
const folder = temporaryFolderForFile('mixel-values-');
let labels: string;
let project: string;
const images: Record<string, string> = {};

beforeAll(async () => {
  labels = await writeLabels(join(folder.path, 'labels.png'), SIZE, SIZE);
  const at = (x: number, y: number, bad: number, v: number) => (x === 5 && y === 7 ? bad : v);
  images.ok = await writeFloatImage(join(folder.path, 'ok.tif'), SIZE, SIZE, (x, y) => x + y);
  images.nan = await writeFloatImage(join(folder.path, 'nan.tif'), SIZE, SIZE, (x, y) =>
    at(x, y, NaN, x + y),
  );
  images.inf = await writeFloatImage(join(folder.path, 'inf.tif'), SIZE, SIZE, (x, y) =>
    at(x, y, -Infinity, x),
  );
  // ±3e38 halves: the structure tensor's squares overflow float32 (NaN features before the fix).
  images.huge = await writeFloatImage(join(folder.path, 'huge.tif'), SIZE, SIZE, (x) =>
    x < SIZE / 2 ? 3e38 : -3e38,
  );
  // 3e38, 1e-38 and -3e38 interleaved.
  images.mixed = await writeFloatImage(
    join(folder.path, 'mixed.tif'),
    SIZE,
    SIZE,
    (x, y) => [3e38, 1e-38, -3e38][(x * 7 + y * 3) % 3],
  );
  // ±1e12 checkerboard quarters: beyond what the float32 filter stages square without overflow (NaN before).
  images.bright = await writeFloatImage(join(folder.path, 'bright.tif'), SIZE, SIZE, (x, y) =>
    (x + y) % 2 ? 1e12 : x < SIZE / 2 ? -1e12 : 1e6,
  );
  project = join(folder.path, 'ok.mixel');
  const train = await runCli(trainArgs(images.ok, labels, project));
  expect(train.code, train.stderr).toBe(0);
});

async function expectFinitePages(path: string): Promise<number> {
  const pages = parseTiff(new Uint8Array(await readFile(path)));
  let values = 0;
  for (const page of pages) {
    for (const v of page.values) expect(Number.isFinite(v)).toBe(true);
    values += page.values.length;
  }
  return values;
}

/** The probabilities (two classes) and uncertainty that `out` holds for `nickname` are all finite. */
async function expectFiniteProbabilitiesAndUncertainty(out: string, nickname: string): Promise<void> {
  expect(await expectFinitePages(join(out, `${nickname}_Probabilities.tif`))).toBe(2 * SIZE * SIZE);
  expect(await expectFinitePages(join(out, `${nickname}_Uncertainty.tif`))).toBe(SIZE * SIZE);
}

describe.concurrent.each(['nan', 'inf'])('an image holding %s', (name) => {
  const expectRefused = (run: Awaited<ReturnType<typeof runCli>>) => {
    expect(run.code).not.toBe(0);
    const line = oneErrorLine(run);
    expect(line).toContain(images[name]);
    expect(line).toContain('NaN or infinite');
    expect(line).toContain('x=5, y=7');
  };

  it('is refused by segment, with nothing written', async () => {
    const out = join(folder.path, `seg-${name}`);
    expectRefused(await runCli(segmentArgs(images[name], labels, out)));
    expect(await listFolder(out)).toEqual([]);
  });

  it('is refused by train, with no project written', async () => {
    const out = join(folder.path, `${name}.mixel`);
    expectRefused(await runCli(trainArgs(images[name], labels, out)));
    expect(existsSync(out)).toBe(false);
  });

  it('is refused by features, with no TIFF written', async () => {
    const out = join(folder.path, `features-${name}.tif`);
    expectRefused(await runCli(['features', '--image', images[name], '--out', out, '--threads', '1']));
    expect(existsSync(out)).toBe(false);
  });

  it('is refused by predict, with no output written', async () => {
    const out = join(folder.path, `pred-${name}`);
    const run = await runCli(predictArgs(project, [images[name]], out));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`${images[name]}: contains NaN or infinite values`);
    expect(await listFolder(out)).toEqual([]);
  });

  it('is reported, not refused, by info', async () => {
    const run = await runCli(['info', images[name]]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('1 NaN or infinite values');
  });
});

describe.concurrent('bright finite values (±1e12), computed range-safely', () => {
  it('features writes finite pages', async () => {
    const out = join(folder.path, 'features-bright.tif');
    const run = await runCli(['features', '--image', images.bright, '--out', out, '--threads', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect(await expectFinitePages(out)).toBe(49 * SIZE * SIZE);
  });

  it('predict with a raw-value project writes finite probabilities and uncertainty', async () => {
    const out = join(folder.path, 'pred-bright');
    const run = await runCli(predictArgs(project, [images.bright], out, ...EXPORT_PROBABILITIES));
    expect(run.code, run.stderr).toBe(0);
    await expectFiniteProbabilitiesAndUncertainty(out, 'bright');
  });

  it('train on them in raw values succeeds', async () => {
    const run = await runCli(trainArgs(images.bright, labels, join(folder.path, 'bright.mixel')));
    expect(run.code, run.stderr).toBe(0);
  });
});

describe.concurrent('finite values near the float32 limit (±3e38)', () => {
  it('are refused by features, naming the file and the bound, instead of writing NaN pages', async () => {
    const out = join(folder.path, 'features-huge.tif');
    const run = await runCli(['features', '--image', images.huge, '--out', out, '--threads', '1']);
    expect(run.code).not.toBe(0);
    const line = oneErrorLine(run);
    expect(line).toContain(images.huge);
    expect(line).toContain(`±${MAX_FEATURE_INPUT_MAGNITUDE.toPrecision(3)}`);
    expect(existsSync(out)).toBe(false);
  });

  it('are refused by train without normalization, suggesting --normalize percentile', async () => {
    const out = join(folder.path, 'huge.mixel');
    const run = await runCli(trainArgs(images.mixed, labels, out));
    expect(run.code).not.toBe(0);
    expect(oneErrorLine(run)).toContain('--normalize percentile');
    expect(existsSync(out)).toBe(false);
  });

  it('are refused by predict with a raw-value project instead of writing NaN probabilities', async () => {
    const out = join(folder.path, 'pred-huge');
    const run = await runCli(predictArgs(project, [images.huge], out));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`${images.huge}: value 3.00e+38`);
    expect(await listFolder(out)).toEqual([]);
  });

  it('are segmented with finite probabilities and uncertainty (percentile normalization keeps them in range)', async () => {
    const out = join(folder.path, 'seg-mixed');
    const run = await runCli(segmentArgs(images.mixed, labels, out));
    expect(run.code, run.stderr).toBe(0);
    await expectFiniteProbabilitiesAndUncertainty(out, 'mixed');
  });

  it('train with --normalize percentile and predict give finite probabilities', async () => {
    const trained = join(folder.path, 'percentile.mixel');
    const train = await runCli(trainArgs(images.huge, labels, trained, '--normalize', 'percentile'));
    expect(train.code, train.stderr).toBe(0);
    const out = join(folder.path, 'pred-percentile');
    const run = await runCli(predictArgs(trained, [images.mixed], out, ...EXPORT_PROBABILITIES));
    expect(run.code, run.stderr).toBe(0);
    await expectFiniteProbabilitiesAndUncertainty(out, 'mixed');
  });
});
