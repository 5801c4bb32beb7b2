/**
 * `npm run bench:features`: the feature bank's speed on a 2048 × 2048 16-bit synthetic image, preset `default`
 * (49 channels), ilastik convention, on 1 and 2 worker threads — and, where /usr/bin/python3 has vigra,
 * vigra's time on the same image in the same run (the reference recipe, ref_pixel_classify.py
 * --features-only) and the ratio. The machine is shared: figures are the best of a few runs, and mixel's
 * CPU seconds (all its threads) show how much of the wall time was ours when others load the machine.
 *
 *   npm run bench:features [-- --size 2048 --runs 2 --threads 1,2 --convention ilastik]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  featureChannelCount,
  presetSelection,
  type FeatureConvention,
} from '../src/core/features/selection.js';
import { makeSyntheticSample } from '../src/core/sample/syntheticCells.js';
import { WorkerPool } from '../src/main/engine/WorkerPool.js';
import { computeFeatureStack } from '../src/main/features/computeFeatureStack.js';
import { writeIntegerImage } from '../src/main/io/writeIntegerImage.js';

const PYTHON = '/usr/bin/python3';
const REFERENCE = '/work/shared/bench/ref_pixel_classify.py';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const size = Number(arg('size', '2048'));
const runs = Number(arg('runs', '2'));
const threadCounts = arg('threads', '1,2').split(',').map(Number);
const convention = arg('convention', 'ilastik') as FeatureConvention;
const sel = presetSelection('default');
const channels = featureChannelCount(sel, 1);
const mpx = (size * size) / 1e6;

function hasVigra(): boolean {
  if (!existsSync(PYTHON) || !existsSync(REFERENCE)) return false;
  return (
    spawnSync(PYTHON, ['-c', 'import vigra, sklearn, tifffile, threadpoolctl'], { stdio: 'ignore' })
      .status === 0
  );
}

/** vigra's feature seconds on the same image through the reference recipe, or null if it failed. */
function vigraSeconds(imagePath: string, threads: number): number | null {
  const mode = convention === 'direct' ? 'direct' : 'ilastik';
  const args = [REFERENCE, '--image', imagePath, '--features-only', '--json', '--threads', String(threads)];
  const result = spawnSync(PYTHON, [...args, '--feature-mode', mode], { encoding: 'utf8' });
  if (result.status !== 0) {
    console.log(`  vigra failed: ${result.stderr.trim().split('\n').at(-1)}`);
    return null;
  }
  const report = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as { features_vigra_s?: number };
  return report.features_vigra_s ?? null;
}

async function oursSeconds(
  image: { width: number; height: number; channels: Float32Array[] },
  threads: number,
) {
  const pool = new WorkerPool({ threads });
  try {
    // Warm-up: starts the threads and lets the JIT compile the passes before timing.
    const warm = makeSyntheticSample({ width: 512, height: 512, seed: 2 });
    await computeFeatureStack(
      pool,
      { width: 512, height: 512, channels: [Float32Array.from(warm.image)] },
      sel,
      convention,
    );
    let best = Infinity;
    let cpu = Infinity;
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      const usage = process.cpuUsage(); // all threads of this process: the workers' CPU time
      await computeFeatureStack(pool, image, sel, convention);
      best = Math.min(best, (performance.now() - t) / 1000);
      const used = process.cpuUsage(usage);
      cpu = Math.min(cpu, (used.user + used.system) / 1e6);
    }
    return { seconds: best, cpuSeconds: cpu };
  } finally {
    await pool.close();
  }
}

async function main(): Promise<void> {
  console.log(
    `feature bank: ${size}×${size} 16-bit synthetic cells, preset default (${channels} channels), ${convention} convention, best of ${runs}`,
  );
  const sample = makeSyntheticSample({ width: size, height: size, seed: 1 });
  const image = { width: size, height: size, channels: [Float32Array.from(sample.image)] };
  const withVigra = hasVigra();
  const dir = mkdtempSync(join(tmpdir(), 'mixel-bench-features-'));
  const imagePath = join(dir, 'cells.tif');
  if (withVigra) await writeIntegerImage(imagePath, sample.image, size, size);
  else console.log(`(vigra comparison skipped: ${PYTHON} with vigra or ${REFERENCE} not found)`);
  try {
    for (const threads of threadCounts) {
      const { seconds: ours, cpuSeconds } = await oursSeconds(image, threads);
      let line =
        `threads ${threads}: mixel ${ours.toFixed(2)} s (CPU ${cpuSeconds.toFixed(2)} s), ` +
        `${(mpx / ours).toFixed(2)} Mpx/s, ${((mpx * channels) / ours).toFixed(1)} channel-Mpx/s`;
      if (withVigra) {
        const vigra = vigraSeconds(imagePath, threads);
        if (vigra !== null) {
          line += ` | vigra ${vigra.toFixed(2)} s, ${(mpx / vigra).toFixed(2)} Mpx/s | mixel is ${(vigra / ours).toFixed(2)}× vigra`;
        }
      }
      console.log(line);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
