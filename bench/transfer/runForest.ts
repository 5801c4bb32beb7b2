/**
 * The reference forest for `npm run bench:transfer`, run by bench/transfer/forest.py (vigra features +
 * scikit-learn, as /work/shared/bench/cross_image.py): across images, and within each test image.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const PYTHON = '/usr/bin/python3';

export interface ForestJob {
  readonly reference: string;
  readonly train: readonly (readonly [image: string, scribbles: string])[];
  readonly test: readonly (readonly [stem: string, image: string, truth: string, scribbles: string])[];
  readonly within: boolean;
}

export interface ForestResult {
  readonly across: number[];
  /** Per test image, or empty when not computed. */
  readonly within: number[];
  readonly seconds: number;
}

export async function runForest(script: string, job: ForestJob): Promise<ForestResult> {
  const dir = await mkdtemp(join(tmpdir(), 'mixel-forest-'));
  try {
    const jobFile = join(dir, 'job.json');
    await writeFile(jobFile, JSON.stringify(job));
    const started = performance.now();
    const { stdout } = await run(PYTHON, [script, jobFile], { maxBuffer: 64 * 1024 * 1024 });
    const rows = stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { image: string; across: number; within?: number });
    if (rows.length !== job.test.length) {
      throw new Error(`forest.py scored ${rows.length} of ${job.test.length} images`);
    }
    return {
      across: rows.map((r) => r.across),
      within: rows.flatMap((r) => (r.within === undefined ? [] : [r.within])),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
