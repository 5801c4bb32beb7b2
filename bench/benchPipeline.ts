/**
 * `npm run bench:pipeline [-- SIZE]`: the whole pipeline as a user runs it — `mixel train` (read, features
 * of labeled tiles, EM fit, save) then `mixel predict` (read, features, E-step, write probabilities and
 * segmentation) — on the synthetic sample (default 2048², 16-bit, default features, 2 threads), beside the
 * reference (vigra features + ilastik's random forest, `ref_pixel_classify.py --classifier vrf`) on the same
 * files in the same run. Wall-clock seconds of whole processes on both sides; goal: Mixel ≤ 0.5× reference.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readImage } from '../src/main/io/openImage.js';
import { writeSyntheticSample } from '../src/main/sample/writeSyntheticSample.js';
import { meanIou } from './meanIou.js';

const PYTHON = '/usr/bin/python3';
const REFERENCE = '/work/shared/bench/ref_pixel_classify.py';
const THREADS = 2;
const MIXEL = resolve(fileURLToPath(import.meta.url), '../../../bin/mixel.js');

interface Timed {
  seconds: number;
  stdout: string;
  stderr: string;
  status: number | null;
}

function timed(command: string, args: string[]): Timed {
  const t0 = performance.now();
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { seconds: (performance.now() - t0) / 1000, stdout: r.stdout, stderr: r.stderr, status: r.status };
}

function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'));
  return JSON.parse(lines[lines.length - 1] ?? '{}') as Record<string, unknown>;
}

/** Mean intersection over union of a segmentation file against a truth file. */
async function meanIoU(segPath: string, truthPath: string): Promise<number> {
  const seg = (await readImage(segPath)).image.channels[0];
  const truth = (await readImage(truthPath)).image.channels[0];
  return meanIou(seg, truth);
}

function hasReference(): boolean {
  if (!existsSync(PYTHON) || !existsSync(REFERENCE)) return false;
  return spawnSync(PYTHON, ['-c', 'import vigra, sklearn, tifffile'], { encoding: 'utf8' }).status === 0;
}

interface PipelineRun {
  train: number;
  predict: number;
  total: number;
  meanIoU: number;
}

/** `mixel train` then `mixel predict`, as separate processes, timed by the wall clock. */
async function runMixelPipeline(
  label: string,
  sample: { image: string; scribbles: string; truth: string },
  dir: string,
  trainArgs: string[],
): Promise<PipelineRun> {
  const project = join(dir, `${label}.mixel`);
  const out = join(dir, label);
  const train = timed(process.execPath, [
    MIXEL,
    'train',
    '--image',
    sample.image,
    '--labels',
    sample.scribbles,
    '--classes',
    'background,nucleus',
    '--threads',
    String(THREADS),
    '--json',
    '--out',
    project,
    ...trainArgs,
  ]);
  if (train.status !== 0) throw new Error(`mixel train failed: ${train.stderr}`);
  const predict = timed(process.execPath, [
    MIXEL,
    'predict',
    '--project',
    project,
    '--export',
    'Probabilities,Simple Segmentation',
    '--threads',
    String(THREADS),
    '--json',
    '--output',
    `${out}/{nickname}_{result_type}.{ext}`,
    sample.image,
  ]);
  if (predict.status !== 0) throw new Error(`mixel predict failed: ${predict.stderr}`);
  const total = train.seconds + predict.seconds;
  // ilastik's result type is "Simple Segmentation"; match the file whatever separator the template used.
  const segmentation = readdirSync(out).find((f) => /^sample_Simple.Segmentation\.tif$/.test(f));
  if (!segmentation)
    throw new Error(`mixel predict wrote no segmentation in ${out}: ${readdirSync(out).join(', ')}`);
  const meanIoUValue = await meanIoU(join(out, segmentation), sample.truth);
  const stages = lastJson(train.stdout).stageSeconds as Record<string, number>;
  console.log(`mixel (${label})`);
  console.log(
    `  train    ${train.seconds.toFixed(2)} s (process wall clock; read ${stages.read}, features ${stages.features}, ` +
      `fit ${stages.fit}; peak RSS ${Number(lastJson(train.stdout).peakRssMb)} MB)`,
  );
  console.log(
    `  predict  ${predict.seconds.toFixed(2)} s (peak RSS ${Number(lastJson(predict.stdout).peakRssMb)} MB)`,
  );
  console.log(`  total    ${total.toFixed(2)} s, mean IoU ${meanIoUValue.toFixed(3)}`);
  return { train: train.seconds, predict: predict.seconds, total, meanIoU: meanIoUValue };
}

async function main(): Promise<void> {
  const size = Number(process.argv[2] ?? 2048);
  const dir = await mkdtemp(join(tmpdir(), 'mixel-bench-pipeline-'));
  try {
    const sample = await writeSyntheticSample(dir, { width: size, height: size, seed: 1 });
    console.log(`pipeline on the synthetic sample ${size}², default features, ${THREADS} threads`);
    const mixel = await runMixelPipeline('defaults', sample, dir, []);
    // Supervised EM only (no semi-supervised refinement chosen by cross-validation): the fit's lower bound.
    const supervised = await runMixelPipeline('supervised-only', sample, dir, ['--semi-supervised', 'off']);
    // Gaussian tails (no tail bound): what the bound's capped distances cost prediction.
    const gaussian = await runMixelPipeline('gaussian-tails', sample, dir, ['--tail-bound', 'off']);
    console.log(
      `tail bound: predict ${mixel.predict.toFixed(2)} s against ${gaussian.predict.toFixed(2)} s with Gaussian tails (×${(mixel.predict / gaussian.predict).toFixed(2)})`,
    );
    const mixelTotal = mixel.total;
    if (!hasReference()) {
      console.log(
        'reference skipped: /usr/bin/python3 with vigra, sklearn and tifffile or ref_pixel_classify.py is missing',
      );
      return;
    }
    const refMask = join(dir, 'ref_mask.png');
    const ref = timed(PYTHON, [
      REFERENCE,
      '--image',
      sample.image,
      '--labels',
      sample.scribbles,
      '--out-prob',
      join(dir, 'ref_prob.tif'),
      '--out-mask',
      refMask,
      '--classifier',
      'vrf',
      '--threads',
      String(THREADS),
      '--json',
    ]);
    if (ref.status !== 0) {
      console.log(`reference failed (skipped): ${ref.stderr.trim().split('\n').pop()}`);
      return;
    }
    const refJson = lastJson(ref.stdout) as { seconds: Record<string, number>; peak_rss_mb: number };
    const refIoU = await meanIoU(refMask, sample.truth);
    console.log(
      `reference      ${ref.seconds.toFixed(2)} s (process wall clock; its own total ${refJson.seconds.total} s: ` +
        `features ${refJson.seconds.features}, train ${refJson.seconds.train}, predict ${refJson.seconds.predict}; ` +
        `peak RSS ${refJson.peak_rss_mb} MB), mean IoU ${refIoU.toFixed(3)}`,
    );
    const ratio = mixelTotal / ref.seconds;
    console.log(`ratio mixel / reference = ${ratio.toFixed(2)} (goal ≤ 0.5)`);
    console.log(`ratio mixel (supervised only) / reference = ${(supervised.total / ref.seconds).toFixed(2)}`);
    console.log(
      JSON.stringify({
        bench: 'pipeline',
        size,
        threads: THREADS,
        mixel,
        supervisedOnly: supervised,
        reference: { wall: ref.seconds, ...refJson.seconds, meanIoU: refIoU },
        ratio,
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
