import { spawnSync } from 'node:child_process';

export interface MixelRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the `mixel` entry point (bin/mixel.js → compiled dist/) in a child process, as a user would. */
export function runMixel(args: string[], options: { cwd?: string; timeoutMs?: number } = {}): MixelRun {
  const r = spawnSync(process.execPath, [new URL('../../bin/mixel.js', import.meta.url).pathname, ...args], {
    encoding: 'utf8',
    cwd: options.cwd,
    timeout: options.timeoutMs ?? 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
