/**
 * Outputs that cannot be written (issue 10, defect 8): a file where a folder is expected and the reverse,
 * pseudo and read-only file systems, no permission, a full disk, a broken --project for serve. Each ends
 * the run with one line naming the path, a non-zero exit, and no partial output; a missing output folder
 * is created, as ilastik's export does.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainError, explainWorkerFailure } from '../../src/main/cli/explainError.js';
import { describeFileError } from '../../src/main/io/fileErrors.js';
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

const SIZE = 32;
/**
 * A block's tests run at once, each spawning mixel a few times: up to 17 s each in CI, up to 40 s on a
 * 2-core machine loaded several times over, where vitest's default 60 s is too close.
 */
const CONCURRENT_RUNS = { timeout: 150_000 };
const folder = temporaryFolderForFile('mixel-outputs-');
let image: string;
let labels: string;
let aFile: string;

beforeAll(async () => {
  image = await writeFloatImage(join(folder.path, 'img.tif'), SIZE, SIZE, (x, y) => x * 3 + y);
  labels = await writeLabels(join(folder.path, 'labels.png'), SIZE, SIZE);
  aFile = join(folder.path, 'a-file');
  await writeFile(aFile, 'not a folder');
});

const segment = (out: string) =>
  runCli(segmentArgs(image, labels, out, '--export', 'segmentation,uncertainty'));
const train = (out: string) => runCli(trainArgs(image, labels, out));
const features = (out: string) => runCli(['features', '--image', image, '--out', out, '--threads', '1']);

async function expectRefused(run: ReturnType<typeof runCli>, ...parts: string[]): Promise<void> {
  const result = await run;
  expect(result.code, result.stderr).not.toBe(0);
  const line = oneErrorLine(result);
  for (const part of parts) expect(line).toContain(part);
}

describe.concurrent('a missing output folder', CONCURRENT_RUNS, () => {
  it('is created by segment, train and features', async () => {
    const deep = join(folder.path, 'new', 'deeper');
    expect((await segment(join(deep, 'seg'))).code).toBe(0);
    expect(await listFolder(join(deep, 'seg'))).toEqual([
      'img_Simple Segmentation.tif',
      'img_Uncertainty.tif',
    ]);
    expect((await train(join(deep, 'p.mixel'))).code).toBe(0);
    expect((await features(join(deep, 'f.tif'))).code).toBe(0);
    expect(existsSync(join(deep, 'p.mixel')) && existsSync(join(deep, 'f.tif'))).toBe(true);
  });
});

describe.concurrent('a run that fails', CONCURRENT_RUNS, () => {
  it('removes the output folders it created (nothing written)', async () => {
    const bad = await writeFloatImage(join(folder.path, 'nan.tif'), SIZE, SIZE, (x) => (x === 3 ? NaN : x));
    const fresh = join(folder.path, 'fresh');
    const features = await runCli(['features', '--image', bad, '--out', join(fresh, 'a', 'f.tif')]);
    expect(oneErrorLine(features)).toContain('NaN');
    const train = await runCli(trainArgs(bad, labels, join(fresh, 'p.mixel')));
    expect(oneErrorLine(train)).toContain('NaN');
    expect(existsSync(fresh)).toBe(false);
  });

  it('train compares label and image sizes from their headers, before reading pixels', async () => {
    const other = await writeLabels(join(folder.path, 'other-size.png'), SIZE + 1, SIZE);
    const run = await runCli([
      'train',
      '--image',
      image,
      '--labels',
      other,
      '--out',
      join(folder.path, 'x.mixel'),
    ]);
    expect(oneErrorLine(run)).toContain(
      `${other}: labels are ${SIZE + 1} × ${SIZE} but ${image} is ${SIZE} × ${SIZE}`,
    );
  });
});

describe.concurrent('a file where a folder is expected (ENOTDIR)', CONCURRENT_RUNS, () => {
  it('is named by segment (its --out is a folder)', () =>
    expectRefused(segment(aFile), aFile, 'it is a file, not a folder'));
  it('is named by segment, train and features when it is a parent', async () => {
    await expectRefused(segment(join(aFile, 'out')), `${aFile} is a file, not a folder`);
    await expectRefused(train(join(aFile, 'p.mixel')), `${aFile} is a file, not a folder`);
    await expectRefused(features(join(aFile, 'f.tif')), `${aFile} is a file, not a folder`);
  });
});

describe.concurrent('--out naming an existing folder', CONCURRENT_RUNS, () => {
  it('is refused by train and features before any work', async () => {
    const taken = join(folder.path, 'taken.tif');
    await mkdir(taken, { recursive: true });
    await expectRefused(train(taken), taken, 'it is a folder');
    await expectRefused(features(taken), taken, 'it is a folder');
    expect(await readdir(taken)).toEqual([]);
  });
});

describe.concurrent('pseudo file systems', CONCURRENT_RUNS, () => {
  // Node's recursive mkdir never returns under /proc: segment hung there before.
  it('segment --out under /proc fails at once with one line', () =>
    expectRefused(segment('/proc/mixel-out'), '/proc/mixel-out', 'cannot create the folder'));
  it('predict --output and sample --out under /proc fail at once with one line (they hung)', async () => {
    const project = join(folder.path, 'for-predict.mixel');
    expect((await train(project)).code).toBe(0);
    const predict = await runCli(predictArgs(project, [image], '/proc/mixel-predicted'));
    expect(predict.code).toBe(1);
    expect(oneErrorLine(predict)).toContain('/proc/mixel-predicted: cannot create the folder');
    await expectRefused(runCli(['sample', '--out', '/proc/mixel-sample']), '/proc/mixel-sample');
  });
  it('train and features --out under /proc fail with one line', async () => {
    await expectRefused(train('/proc/mixel.mixel'), '/proc/mixel.mixel', 'cannot write it');
    await expectRefused(features('/proc/mixel.tif'), '/proc/mixel.tif', 'cannot write it');
  });
});

/** Root may mount small file systems: then the real EROFS and ENOSPC are tested, else only their words. */
function mountTmpfs(path: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', path], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const canMount = process.getuid?.() === 0 && existsSync('/bin/mount');

describe
  .runIf(canMount)
  .concurrent('read-only and full file systems (tmpfs mounts, as root)', CONCURRENT_RUNS, () => {
    const mounted: string[] = [];
    afterAll(() => {
      for (const path of mounted) execFileSync('umount', [path], { stdio: 'ignore' });
    });

    it('a read-only file system is named (EROFS) by segment, train and features', async () => {
      const ro = join(folder.path, 'ro');
      await mkdir(ro);
      if (!mountTmpfs(ro, 'ro,size=64k')) return expect.fail('mount failed');
      mounted.push(ro);
      await expectRefused(segment(join(ro, 'seg')), 'read-only file system (EROFS)');
      await expectRefused(train(join(ro, 'p.mixel')), join(ro, 'p.mixel'), 'read-only file system (EROFS)');
      await expectRefused(features(join(ro, 'f.tif')), join(ro, 'f.tif'), 'read-only file system (EROFS)');
    });

    it('a full disk is named (ENOSPC) and leaves no partial output', async () => {
      const tiny = join(folder.path, 'tiny');
      await mkdir(tiny);
      if (!mountTmpfs(tiny, 'size=4k')) return expect.fail('mount failed');
      mounted.push(tiny);
      await expectRefused(
        features(join(tiny, 'f.tif')),
        join(tiny, 'f.tif'),
        'no space left on the device (ENOSPC)',
      );
      await expectRefused(segment(join(tiny, 'seg')), 'no space left on the device (ENOSPC)');
      // Neither the outputs written before the disk filled up nor the folder made for them remain.
      expect(await readdir(tiny)).toEqual([]);
    });
  });

describe.concurrent('serve --project', CONCURRENT_RUNS, () => {
  it('a missing project file is one line naming it', () =>
    expectRefused(runCli(['serve', '--project', join(folder.path, 'missing.mixel')]), 'missing.mixel'));
  it('a broken project file is one line naming it', async () => {
    const broken = join(folder.path, 'broken.mixel');
    await writeFile(broken, '{"version": 1, "classes": [');
    await expectRefused(runCli(['serve', '--project', broken]), broken, 'not valid JSON');
  });
});

describe.concurrent(
  'a worker out of memory during train (heap capped at 4 MB by MIXEL_WORKER_HEAP_MB)',
  CONCURRENT_RUNS,
  () => {
    it('is one line saying what to try, with no project written', async () => {
      const out = join(folder.path, 'oom.mixel');
      const run = await runCli(trainArgs(image, labels, out), { env: { MIXEL_WORKER_HEAP_MB: '4' } });
      expect(run.code).not.toBe(0);
      expect(oneErrorLine(run)).toBe(
        `mixel: out of memory while training on ${image}: try --threads 1 or a smaller image (mixel predict streams images of any size)`,
      );
      expect(existsSync(out)).toBe(false);
    });
  },
);

describe.concurrent('--threads and --tile-size', CONCURRENT_RUNS, () => {
  it('a tile as large as an image (1e9 px) is refused: predict would read whole images in one band', async () => {
    const run = await runCli([
      'predict',
      '--project',
      join(folder.path, 'none.mixel'),
      image,
      '--tile-size',
      '1000000000',
    ]);
    expect(oneErrorLine(run)).toMatch(/--tile-size must be a whole number from 64 to \d+/);
  });

  it('a count no machine can use (100000 threads) is refused before any thread starts', async () => {
    for (const command of [['features', '--image', image, '--out', join(folder.path, 't.tif')], ['serve']]) {
      const run = await runCli([...command, '--threads', '100000']);
      expect(oneErrorLine(run)).toMatch(/--threads must be a whole number from 1 to \d+/);
      expect(run.peakRssMb).toBeLessThan(300);
    }
  });
});

describe.concurrent('one line for every failure', CONCURRENT_RUNS, () => {
  it('maps file-system codes to words in one place', () => {
    expect(describeFileError(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe(
      'no space left on the device (ENOSPC)',
    );
    expect(describeFileError(Object.assign(new Error('x'), { code: 'EROFS' }))).toBe(
      'read-only file system (EROFS)',
    );
    expect(describeFileError(new Error('no code'))).toBeUndefined();
  });

  it('a worker out of memory during train says what to try', () => {
    const oom = Object.assign(
      new Error('Worker terminated due to reaching memory limit: JS heap out of memory'),
      {
        code: 'ERR_WORKER_OUT_OF_MEMORY',
      },
    );
    expect(() => explainWorkerFailure(oom, 'training on a.tif')).toThrow(
      'out of memory while training on a.tif: try --threads 1 or a smaller image',
    );
    // As rebuilt by the pool from a worker's message: name and message only.
    const allocation = Object.assign(new Error('Array buffer allocation failed'), { name: 'RangeError' });
    expect(() => explainWorkerFailure(allocation, 'training on a.tif')).toThrow(/^out of memory while/);
  });

  it('an unexpected error is one line pointing at MIXEL_DEBUG, not a stack trace', () => {
    const { line, exitCode } = explainError(
      new TypeError('cannot read properties of undefined\n    at f (x.js:1)'),
    );
    expect(line).toBe(
      'internal error: cannot read properties of undefined; run with MIXEL_DEBUG=1 for the trace',
    );
    expect(exitCode).not.toBe(0);
  });
});
