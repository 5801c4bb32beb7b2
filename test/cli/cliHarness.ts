/** Runs the built `mixel` command (bin/mixel.js → dist/) as a user would, capturing its output. */
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const MIXEL_BIN = resolve(REPO_ROOT, 'bin/mixel.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runMixel(args: string[], cwd = REPO_ROOT): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [MIXEL_BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
  });
}

/** `mixel train` of a two-class image (background, nucleus) from its scribbles into `out`. */
export function trainSampleProject(
  sample: { image: string; scribbles: string },
  out: string,
  options: { threads?: number; normalize?: 'none' | 'percentile'; tailBound?: 'off' } = {},
): Promise<CliResult> {
  return runMixel([
    'train',
    '--image',
    sample.image,
    '--labels',
    sample.scribbles,
    '--classes',
    'background,nucleus',
    // Raw values unless asked, as these fixtures were written for (exports compared with raw features,
    // adaptation of a raw model); the default normalization is checked in normalizationDefault.test.ts.
    '--normalize',
    options.normalize ?? 'none',
    '--threads',
    String(options.threads ?? 2),
    ...(options.tailBound ? ['--tail-bound', options.tailBound] : []),
    '--out',
    out,
  ]);
}
