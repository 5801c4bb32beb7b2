/**
 * `mixel train --tail-bound`: the bound is stored with the model (4 by default in 2-D), `off` trains with
 * Gaussian tails, and a bad value is refused in one line before anything is read.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticSample } from '../../src/main/sample/writeSyntheticSample.js';
import { runMixel } from '../cli/cliHarness.js';

let dir: string;
let sample: { image: string; scribbles: string };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-tail-bound-'));
  sample = await writeSyntheticSample(join(dir, 'sample'), { width: 96, height: 96, seed: 2 });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function train(extra: string[]) {
  const out = join(dir, `p${extra.join('')}.mixel`);
  const args = ['--image', sample.image, '--labels', sample.scribbles, '--threads', '1', '--out', out];
  const run = await runMixel(['train', ...args, ...extra]);
  const model =
    run.code === 0
      ? (JSON.parse(await readFile(out, 'utf8')) as { model: { tailBound?: number } }).model
      : null;
  return { run, model };
}

describe('mixel train --tail-bound', () => {
  it('stores 4 by default, none with off, the value given otherwise', async () => {
    expect((await train([])).model?.tailBound).toBe(4);
    const off = await train(['--tail-bound', 'off']);
    expect(off.run.code).toBe(0);
    expect(off.model).not.toBeNull();
    expect(off.model?.tailBound).toBeUndefined();
    expect((await train(['--tail-bound', '6'])).model?.tailBound).toBe(6);
  }, 120_000);

  it('refuses a bound below one standard deviation in one line naming the option', async () => {
    const { run } = await train(['--tail-bound', '0.5']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/--tail-bound must be off or 1\.\.1000/);
  });
});
