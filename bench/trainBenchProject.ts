/** The big-image benchmarks' model: `mixel train` (a child process, as a user runs it) on the 512² sample. */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSyntheticSample } from '../src/main/sample/writeSyntheticSample.js';

export const MIXEL = resolve(fileURLToPath(import.meta.url), '../../../bin/mixel.js');

/** Trains `dir/big.mixel` on a synthetic 512² sample; returns the project's path. */
export async function trainBenchProject(dir: string, threads: number): Promise<string> {
  const train = await writeSyntheticSample(join(dir, 'train'), { width: 512, height: 512, seed: 2 });
  const project = join(dir, 'big.mixel');
  const args = ['train', '--image', train.image, '--labels', train.scribbles, '--threads', String(threads)];
  const t = spawnSync(process.execPath, [MIXEL, ...args, '--out', project], { encoding: 'utf8' });
  if (t.status !== 0) throw new Error(`mixel train failed: ${t.stderr}`);
  return project;
}
