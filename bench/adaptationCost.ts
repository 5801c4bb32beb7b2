/**
 * `npm run bench:adapt -- --cost [--rounds 3] [--images 6] [--sets sample,isbi,gowt1,hela]`: what per-image
 * adaptation adds to prediction time (issue 14: at most +50 %). Per set, `mixel train` on the first image's
 * scribbles, then `mixel predict --adapt off` and `--adapt auto` over the set's other images as a user runs
 * them (one process per run, 2 threads), alternating which goes first each round so a machine's drift in
 * load hits both alike. Per image, the command's own seconds (its 'done' event: read, adaptation,
 * features, prediction, writing) — median over rounds — and auto/off per image; per run, the process's
 * wall clock and its CPU seconds (all threads; steadier than wall time on a shared machine).
 *
 * `--old DIR` (a copy of an older build: DIR/bin/mixel.js beside DIR/dist) measures that build in the same
 * rounds, its four runs interleaved with this build's, and prints its rows too: old and new compared under
 * the same load.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSyntheticSample } from '../src/main/sample/writeSyntheticSample.js';

const MIXEL = resolve(fileURLToPath(import.meta.url), '../../../bin/mixel.js');
const DATA = '/work/shared/data';
const THREADS = 2;
const COST_GOAL = 1.5;

interface CostSet {
  readonly key: string;
  /** The training image and its scribbles, and the images to predict. */
  readonly train: { image: string; labels: string };
  readonly predict: string[];
  /** Where predictions go: one file per image (the sample's images share a name, each in its folder). */
  readonly output: string;
}

interface Run {
  readonly wall: number;
  readonly cpu: number;
  /** Per image: the command's seconds, adaptation's seconds and what it applied. */
  readonly images: Map<string, { seconds: number; adapt: number; applied: string }>;
}

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function publicSet(key: string, dir: string, count: number, outDir: string): CostSet {
  const root = join(DATA, dir);
  const images = readFileSync(join(root, 'pairs.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((r) => join(root, r.split(',')[0]));
  const stem = (p: string) =>
    p
      .split('/')
      .pop()!
      .replace(/\.[^.]+$/, '');
  return {
    key,
    train: { image: images[0], labels: join(root, 'scribbles', `${stem(images[0])}.png`) },
    predict: images.slice(1, 1 + count),
    output: join(outDir, key, '{nickname}_{result_type}.{ext}'),
  };
}

async function sampleSet(dir: string, count: number): Promise<CostSet> {
  const size = 1024;
  const train = await writeSyntheticSample(join(dir, 'sample-train'), { width: size, height: size, seed: 1 });
  const predict: string[] = [];
  for (let i = 0; i < count; i++) {
    const s = await writeSyntheticSample(join(dir, `sample-${i}`), {
      width: size,
      height: size,
      seed: 2 + i,
    });
    predict.push(s.image);
  }
  const output = '{dataset_dir}/{nickname}_{result_type}.{ext}';
  return { key: `sample ${size}²`, train: { image: train.image, labels: train.scribbles }, predict, output };
}

/** Runs a command under bash, returning its wall seconds, its CPU seconds (user + system) and stdout. */
function measured(args: string[]): { wall: number; cpu: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', '"$@" > "$OUT_FILE"; status=$?; times; exit $status', 'bash', ...args], {
    encoding: 'utf8',
    env: { ...process.env, OUT_FILE: join(tmpdir(), `mixel-cost-${process.pid}.jsonl`) },
    maxBuffer: 64 * 1024 * 1024,
  });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0)
    throw new Error(`${args.slice(1, 3).join(' ')} failed: ${r.stderr.trim().split('\n').pop()}`);
  // `times`: the shell's then its children's user and system times, e.g. "0m1.234s 0m0.100s".
  const children = r.stdout.trim().split('\n').pop() ?? '';
  const cpu = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce(
    (s, m) => s + 60 * Number(m[1]) + Number(m[2]),
    0,
  );
  const out = join(tmpdir(), `mixel-cost-${process.pid}.jsonl`);
  const stdout = readFileSync(out, 'utf8');
  rmSync(out, { force: true });
  return { wall, cpu, stdout };
}

function predictRun(mixel: string, project: string, images: string[], adapt: string, output: string): Run {
  const { wall, cpu, stdout } = measured([
    process.execPath,
    mixel,
    'predict',
    '--project',
    project,
    '--adapt',
    adapt,
    '--threads',
    String(THREADS),
    '--json',
    '--output',
    output,
    ...images,
  ]);
  const result: Run = { wall, cpu, images: new Map() };
  const adapted = new Map<string, { adapt: number; applied: string }>();
  for (const line of stdout.split('\n').filter((l) => l.startsWith('{'))) {
    const e = JSON.parse(line) as { event: string; image: string; seconds: number; applied: string };
    if (e.event === 'adapted') adapted.set(e.image, { adapt: e.seconds, applied: e.applied });
    if (e.event === 'done') {
      const a = adapted.get(e.image) ?? { adapt: 0, applied: 'none' };
      result.images.set(e.image, { seconds: e.seconds, ...a });
    }
  }
  return result;
}

/** A build to measure: its label and its `mixel` script. */
interface Build {
  readonly label: string;
  readonly mixel: string;
}

async function measureSet(
  set: CostSet,
  dir: string,
  rounds: number,
  builds: readonly Build[],
): Promise<void> {
  const project = join(dir, `${set.key.split(' ')[0]}.mixel`);
  const train = spawnSync(
    process.execPath,
    [MIXEL, 'train', '--image', set.train.image, '--labels', set.train.labels].concat([
      '--threads',
      String(THREADS),
      '--out',
      project,
    ]),
    { encoding: 'utf8' },
  );
  if (train.status !== 0) throw new Error(`mixel train (${set.key}) failed: ${train.stderr}`);
  const configs = builds.flatMap((build) => (['off', 'auto'] as const).map((adapt) => ({ build, adapt })));
  const runs = new Map(configs.map((c) => [c, [] as Run[]]));
  for (let r = 0; r < rounds; r++) {
    // Each round starts at another configuration, so a drift in load hits all alike.
    for (let i = 0; i < configs.length; i++) {
      const c = configs[(i + r) % configs.length];
      runs.get(c)!.push(predictRun(c.build.mixel, project, set.predict, c.adapt, set.output));
    }
  }
  for (const build of builds) {
    const of = (adapt: 'off' | 'auto') =>
      runs.get(configs.find((c) => c.build === build && c.adapt === adapt)!)!;
    console.log(
      costRow(builds.length > 1 ? `${set.key} (${build.label})` : set.key, set, of('off'), of('auto')),
    );
  }
}

function costRow(key: string, set: CostSet, offRuns: Run[], autoRuns: Run[]): string {
  const runs = { off: offRuns, auto: autoRuns };
  const perImage = (adapt: 'off' | 'auto', image: string, field: 'seconds' | 'adapt') =>
    median(runs[adapt].map((run) => run.images.get(image)?.[field] ?? NaN));
  const ratios = set.predict.map((img) => perImage('auto', img, 'seconds') / perImage('off', img, 'seconds'));
  const off = median(set.predict.map((img) => perImage('off', img, 'seconds')));
  const auto = median(set.predict.map((img) => perImage('auto', img, 'seconds')));
  const adapt = median(set.predict.map((img) => perImage('auto', img, 'adapt')));
  const chosen = new Map<string, number>();
  for (const { applied } of runs.auto[0].images.values()) chosen.set(applied, (chosen.get(applied) ?? 0) + 1);
  const wallRatio = median(runs.auto.map((a, r) => a.wall / runs.off[r].wall));
  const cpuRatio = median(runs.auto.map((a, r) => a.cpu / runs.off[r].cpu));
  return (
    `| ${key} | ${set.predict.length} | ${off.toFixed(2)} | ${auto.toFixed(2)} | ${adapt.toFixed(2)} | ` +
    `${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) | ` +
    `${wallRatio.toFixed(2)} | ${cpuRatio.toFixed(2)} | ${[...chosen].map(([m, k]) => `${m}×${k}`).join(' ')} |`
  );
}

export async function benchAdaptationCost(argv: string[]): Promise<void> {
  const arg = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : fallback;
  };
  const rounds = Number(arg('rounds', '3'));
  const count = Number(arg('images', '6'));
  const wanted = arg('sets', 'sample,isbi,gowt1,hela').split(',');
  const old = arg('old', '');
  const builds: Build[] = [{ label: 'this build', mixel: MIXEL }];
  if (old) builds.unshift({ label: `old: ${old}`, mixel: resolve(old, 'bin/mixel.js') });
  const dir = mkdtempSync(join(tmpdir(), 'mixel-bench-adapt-cost-'));
  const header =
    '| set | images | off: s per image (median) | auto: s per image | adaptation s | auto/off per image, median (range) | auto/off process wall | auto/off process CPU | auto chose |';
  console.log(
    `adaptation cost: ${rounds} alternating rounds, ${THREADS} threads, goal auto/off ≤ ${COST_GOAL}, ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}\n`,
  );
  console.log(header);
  console.log('|---|---|---|---|---|---|---|---|---|');
  try {
    const sets: CostSet[] = [];
    if (wanted.includes('sample')) sets.push(await sampleSet(dir, Math.min(count, 3)));
    if (wanted.includes('isbi')) sets.push(publicSet('isbi', 'isbi2012_em_membrane', count, dir));
    if (wanted.includes('gowt1')) sets.push(publicSet('gowt1', 'ctc_fluo_n2dh_gowt1', count, dir));
    if (wanted.includes('hela')) sets.push(publicSet('hela', 'ctc_fluo_n2dl_hela', count, dir));
    for (const set of sets) await measureSet(set, dir, rounds, builds);
    console.log(
      `\nload average at the end ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
