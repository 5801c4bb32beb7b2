/**
 * The data folder (issue 10, defect 13): `MIXEL_DATA_DIR` under /proc hung `mixel serve` for ever (Node's
 * recursive mkdir retries ENOENT there without end). A folder that cannot hold files now stops `serve` at
 * once with one line naming it, before any worker starts.
 */
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../src/main/service/createBackend.js';

const MIXEL = new URL('../../bin/mixel.js', import.meta.url).pathname;
/** Far below "hangs": the CLI starts, checks the folder and exits in about a second. */
const FAIL_FAST_MS = 15_000;
const isLinux = process.platform === 'linux';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-data-dir-'));
  await writeFile(join(dir, 'a-file'), 'not a folder');
});

afterAll(async () => {
  await chmod(join(dir, 'read-only'), 0o700).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

function serveWith(dataDir: string) {
  const started = performance.now();
  const run = spawnSync(process.execPath, [MIXEL, 'serve', '--threads', '1'], {
    encoding: 'utf8',
    env: { ...process.env, MIXEL_DATA_DIR: dataDir },
    timeout: FAIL_FAST_MS,
  });
  return { ...run, ms: performance.now() - started };
}

describe('mixel serve with a data folder that cannot hold files', () => {
  it.runIf(isLinux).each([
    ['/proc/self/mixel', 'procfs'],
    ['/proc/no-such-process/mixel', 'procfs'],
    ['/sys/mixel', 'sysfs'],
  ])('MIXEL_DATA_DIR=%s fails at once with one line', (dataDir, fileSystem) => {
    const run = serveWith(dataDir);
    expect(run.error).toBeUndefined(); // a timeout would show here: the old hang
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `mixel: data folder ${dataDir} cannot hold Mixel's files (it is on ${fileSystem}, a kernel file system): ` +
        'set MIXEL_DATA_DIR to a writable folder\n',
    );
    expect(run.stdout).toBe('');
  });

  it('MIXEL_DATA_DIR naming a file fails at once with one line', () => {
    const file = join(dir, 'a-file');
    const run = serveWith(file);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `mixel: data folder ${file} cannot hold Mixel's files (it is not a folder): set MIXEL_DATA_DIR to a writable folder\n`,
    );
  });
});

describe('createBackend', () => {
  it.runIf(isLinux)('refuses a folder under /proc before starting any worker', () => {
    const started = performance.now();
    expect(() => createBackend({ dataDir: '/proc/self/mixel', threads: 1 })).toThrow(
      expect.objectContaining({ code: 'data-dir-unusable' }),
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a folder it cannot write to', async () => {
    const readOnly = join(dir, 'read-only');
    await mkdir(readOnly);
    await chmod(readOnly, 0o500);
    expect(() => createBackend({ dataDir: join(readOnly, 'data'), threads: 1 })).toThrow(
      /^data folder .*read-only\/data cannot hold Mixel's files \(EACCES/,
    );
  });

  it('creates a missing folder, parents included, and works there', async () => {
    const nested = join(dir, 'new', 'deeper', 'mixel');
    const backend = createBackend({ dataDir: nested, threads: 1 });
    try {
      expect((await stat(nested)).isDirectory()).toBe(true);
      const project = await backend.service.openSampleProject();
      expect(project.images[0].path).toBe(join(nested, 'sample', 'sample.tif'));
    } finally {
      await backend.close();
    }
  });
});
