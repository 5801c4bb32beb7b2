/**
 * Runs the built `mixel` (dist/) in a child process with its own environment and reports its peak memory
 * (maxRSS from process.resourceUsage, which counts worker threads too), for the CLI robustness tests.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { expect } from 'vitest';
import { writeFloat32Tiff } from '../../src/main/io/writeFloat32Tiff.js';
import { REPO_ROOT } from '../cli/cliHarness.js';

const CLI_MAIN = pathToFileURL(resolve(REPO_ROOT, 'dist/src/main/cli/main.js')).href;

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Peak resident memory of the whole process, in MB. */
  readonly peakRssMb: number;
}

/**
 * The same entry as bin/mixel.js, plus one last line on stderr with the process's peak RSS. A file, not
 * `node -e`: worker threads inherit the parent's flags, and `--input-type` breaks them.
 */
const WRAPPER = [
  `import { runCli } from ${JSON.stringify(CLI_MAIN)};`,
  `process.on('exit', () => process.stderr.write('\\nPEAK_RSS_KB=' + process.resourceUsage().maxRSS + '\\n'));`,
  `process.exitCode = await runCli(['node', 'mixel', ...process.argv.slice(2)]);`,
].join('\n');

let wrapperPath: Promise<string> | undefined;

export async function runCli(
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliRun> {
  wrapperPath ??= mkdtemp(join(tmpdir(), 'mixel-cli-wrapper-')).then(async (folder) => {
    const path = join(folder, 'mixel-rss.mjs');
    await writeFile(path, WRAPPER);
    return path;
  });
  const script = await wrapperPath;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 50_000);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const match = /\n?PEAK_RSS_KB=(\d+)\n$/.exec(stderr);
      resolvePromise({
        code: code ?? (signal ? 128 : -1),
        stdout,
        stderr: match ? stderr.slice(0, match.index) : stderr,
        peakRssMb: match ? Number(match[1]) / 1024 : NaN,
      });
    });
  });
}

/** `mixel train` on one image, one thread and one component (about a second on a test image). */
export function trainArgs(image: string, labels: string, out: string, ...extra: string[]): string[] {
  const inputs = ['--image', image, '--labels', labels];
  // Raw values unless `extra` says otherwise (a later --normalize wins): these tests are about raw inputs.
  const raw = ['--normalize', 'none'];
  return ['train', ...inputs, '--out', out, '--threads', '1', '--components', '1', ...raw, ...extra];
}

/** `mixel segment` on one image, one thread, into the folder `out`. */
export function segmentArgs(image: string, labels: string, out: string, ...extra: string[]): string[] {
  return ['segment', '--image', image, '--labels', labels, '--out', out, '--threads', '1', ...extra];
}

/** `mixel predict`, one thread, writing `<nickname>_<result type>` files into the folder `out`. */
export function predictArgs(project: string, images: string[], out: string, ...extra: string[]): string[] {
  const output = `${out}/{nickname}_{result_type}.{ext}`;
  return ['predict', '--project', project, '--output', output, '--threads', '1', ...extra, ...images];
}

/** The error output is exactly one line starting with `mixel:` (no stack trace, no second message). */
export function oneErrorLine(run: CliRun): string {
  const lines = run.stderr.split('\n').filter((l) => l.trim() !== '' && !l.includes('…'));
  const errors = lines.filter((l) => l.startsWith('mixel: '));
  if (errors.length !== 1 || lines.some((l) => /^\s+at /.test(l))) {
    throw new Error(`expected one "mixel: …" line, got:\n${run.stderr}`);
  }
  return errors[0];
}

/** The whole of a run's error output, which must be exactly one line (no stack trace, no second message). */
export function soleStderrLine(run: { readonly stderr: string }): string {
  const lines = run.stderr.trim().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  return lines[0];
}

/** A W × H float32 TIFF written by the project's own writer, values from f(x, y). */
export async function writeFloatImage(
  path: string,
  width: number,
  height: number,
  f: (x: number, y: number) => number,
): Promise<string> {
  const plane = new Float32Array(width * height);
  for (let i = 0; i < plane.length; i++) plane[i] = f(i % width, Math.floor(i / width));
  await writeFloat32Tiff(path, [plane], width, height);
  return path;
}

/** A greyscale 8-bit PNG label image: 0 unlabeled, class 1 in the left, class 2 in the right quarter strips. */
export async function writeLabels(path: string, width: number, height: number): Promise<string> {
  const labels = Buffer.alloc(width * height);
  for (let y = 2; y < height - 2; y += 3) {
    labels[y * width + 3] = 1;
    labels[y * width + width - 4] = 2;
  }
  await sharp(labels, { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toFile(path);
  return path;
}

/** Names in a folder, or [] if it does not exist. */
export async function listFolder(path: string): Promise<string[]> {
  return readdir(path).catch(() => []);
}
