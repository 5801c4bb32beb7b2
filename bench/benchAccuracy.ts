/**
 * `npm run bench:accuracy`: the within-image task of /work/shared/bench on the real data sets (train on an
 * image's scribbles, score its unlabeled pixels against the truth: mean IoU over the classes and
 * foreground F1, as score.py --exclude-labels), against the reference forest; then the speed of training
 * and prediction on a 2048² synthetic image with 49 feature channels on 2 threads.
 *
 *   npm run bench:accuracy [-- --sets isbi,hela,gowt1] [--skip-speed] [--skip-accuracy] [--option JSON]
 *                          [--normalize none|percentile|percentile-sqrt]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClassifierOptions } from '../src/core/classifier/classifierOptions.js';
import type { FittedClassifier } from '../src/core/classifier/PixelClassifier.js';
import { classWeights } from '../src/core/classifier/imagePriors.js';
import { presetSelection } from '../src/core/features/selection.js';
import type { PlanarImage } from '../src/core/image.js';
import { applyNormalization, DEFAULT_NORMALIZATION_MODE, percentiles } from '../src/core/normalization.js';
import { makeSyntheticSample } from '../src/core/sample/syntheticCells.js';
import { DEFAULT_TILE_SIZE, tileGrid } from '../src/core/tiling.js';
import { featureHaloPx } from '../src/core/features/computeFeatures.js';
import { predictImage } from '../src/main/classify/predictImage.js';
import { cropTile } from '../src/main/classify/tileCrops.js';
import { trainClassifier } from '../src/main/classify/trainClassifier.js';
import { WorkerPool } from '../src/main/engine/WorkerPool.js';
import { readImage } from '../src/main/io/openImage.js';
import { scoreUnlabeled } from './scoreUnlabeled.js';

const DATA = '/work/shared/data';
const THREADS = 2;
const SETS = [
  { key: 'isbi', dir: 'isbi2012_em_membrane', step: 3, forest: 0.606 },
  { key: 'hela', dir: 'ctc_fluo_n2dl_hela', step: 1, forest: 0.843 },
  { key: 'gowt1', dir: 'ctc_fluo_n2dh_gowt1', step: 1, forest: 0.823 },
];
/** Per-image percentiles mapped to 0..1: HeLa sits on a ~33000 offset that would otherwise flatten it. */
const NORMALIZE_PERCENTILES = [0.1, 99.9];

const selection = presetSelection('default');
const convention = 'ilastik' as const;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function readGrey(path: string): Promise<PlanarImage> {
  return (await readImage(path)).image;
}

/** `--normalize none|percentile|percentile-sqrt` as `mixel train`; its default by default. */
function normalize(image: PlanarImage): PlanarImage {
  const mode = arg('normalize') ?? DEFAULT_NORMALIZATION_MODE;
  if (mode === 'none') return image;
  if (mode !== 'percentile' && mode !== 'percentile-sqrt')
    throw new Error(`--normalize ${mode} is not known`);
  const [lo, hi] = percentiles(image.channels[0], NORMALIZE_PERCENTILES);
  return applyNormalization(image, { low: [lo], high: [hi] }, mode);
}

async function accuracy(pool: WorkerPool, options: Partial<ClassifierOptions>): Promise<void> {
  const wanted = (arg('sets') ?? 'isbi,hela,gowt1').split(',');
  const rows: string[] = [];
  for (const set of SETS.filter((s) => wanted.includes(s.key))) {
    const dir = join(DATA, set.dir);
    const pairs = readFileSync(join(dir, 'pairs.csv'), 'utf8').trim().split('\n').slice(1);
    let sumIou = 0;
    let sumF1 = 0;
    let n = 0;
    const started = performance.now();
    for (let i = 0; i < pairs.length; i += set.step) {
      const imagePath = pairs[i].split(',')[0];
      const stem = imagePath
        .split('/')
        .pop()!
        .replace(/\.[^.]+$/, '');
      const image = normalize(await readGrey(join(dir, imagePath)));
      const scribbles = Uint8Array.from((await readGrey(join(dir, 'scribbles', `${stem}.png`))).channels[0]);
      const gt = Uint8Array.from((await readGrey(join(dir, 'gt', `${stem}.png`))).channels[0]);
      const model = await trainClassifier(
        pool,
        [{ image, labels: scribbles }],
        selection,
        convention,
        options,
      );
      const { segmentation } = await predictImage(pool, image, model, selection, convention);
      const s = scoreUnlabeled(segmentation, gt, scribbles);
      console.log(
        `  ${set.dir}/${stem}: mIoU ${s.miou.toFixed(4)}  F1 ${s.f1.toFixed(4)}  ${describe(model)}`,
      );
      sumIou += s.miou;
      sumF1 += s.f1;
      n++;
    }
    const miou = sumIou / n;
    const seconds = (performance.now() - started) / 1000 / n;
    rows.push(
      `| ${set.dir} | ${n} | ${set.forest.toFixed(3)} | ${miou.toFixed(3)} | ${(miou - set.forest >= 0 ? '+' : '') + (miou - set.forest).toFixed(3)} | ${(sumF1 / n).toFixed(3)} | ${seconds.toFixed(1)} |`,
    );
  }
  console.log('\n| set | images | forest mIoU | Mixel mIoU | Δ | Mixel fg F1 | s/image |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

function describe(model: FittedClassifier): string {
  const t = model.training;
  const cv = t.lambdaScores.map((s) => `${s.lambda}:${s.score.toFixed(3)}`).join(' ');
  const priors = classWeights(model.mixture.weights, model.componentClass, model.classes.length)
    .map((w) => w.toFixed(3))
    .join('/');
  return `components ${t.componentsPerClass.join('+')} λ ${t.lambda}${cv ? ` (cv ${cv})` : ''} priors ${priors}`;
}

async function speed(pool: WorkerPool, options: Partial<ClassifierOptions>): Promise<void> {
  const size = Number(arg('size') ?? 2048);
  const sample = makeSyntheticSample({ width: size, height: size, seed: 1 });
  const image = normalize({ width: size, height: size, channels: [Float32Array.from(sample.image)] });
  // Features alone: the same tiles through the pool with no labels to gather.
  const tiles = tileGrid(size, size, DEFAULT_TILE_SIZE, featureHaloPx(selection, convention));
  let t = performance.now();
  let cpu = process.cpuUsage();
  const cpuSeconds = (): number => {
    const used = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    return (used.user + used.system) / 1e6;
  };
  await Promise.all(
    tiles.map((tile) => {
      const crop = cropTile(image, tile);
      return pool.run('trainingSamples', {
        ...crop,
        labels: new Uint8Array(tile.core.width * tile.core.height),
        selection,
        convention,
        unlabeledFraction: 0,
        seed: 0,
        origin: { x: 0, y: 0 },
        imageWidth: size,
        groupBase: 0,
      });
    }),
  );
  const features = (performance.now() - t) / 1000;
  const featuresCpu = cpuSeconds();
  t = performance.now();
  const model = await trainClassifier(
    pool,
    [{ image, labels: sample.scribbles }],
    selection,
    convention,
    options,
  );
  const train = (performance.now() - t) / 1000;
  const trainCpu = cpuSeconds();
  t = performance.now();
  const { segmentation } = await predictImage(pool, image, model, selection, convention);
  const predict = (performance.now() - t) / 1000;
  const predictCpu = cpuSeconds();
  const s = scoreUnlabeled(segmentation, sample.truth, sample.scribbles);
  const labeled = sample.scribbles.reduce((a, v) => a + (v > 0 ? 1 : 0), 0);
  console.log(
    `\nSpeed: ${size}² synthetic, ${model.featureCount} feature channels, ${THREADS} threads, ${labeled} labeled pixels`,
  );
  console.log(`(${describe(model)}; mIoU on unlabeled pixels ${s.miou.toFixed(3)})\n`);
  // CPU seconds of the whole process (main thread and workers) over the thread count: what the wall time
  // would be on an otherwise idle machine; wall times stretch when other work shares the cores.
  const idle = (c: number): string => (c / THREADS).toFixed(2);
  console.log('| stage | wall s | CPU s / threads |');
  console.log('|---|---|---|');
  console.log(`| features alone (whole image) | ${features.toFixed(2)} | ${idle(featuresCpu)} |`);
  console.log(`| train (features of labeled tiles + EM) | ${train.toFixed(2)} | ${idle(trainCpu)} |`);
  console.log(`| predict (features + posteriors) | ${predict.toFixed(2)} | ${idle(predictCpu)} |`);
  const classifierOnly = train + predict - 2 * features;
  const classifierOnlyCpu = (trainCpu + predictCpu - 2 * featuresCpu) / THREADS;
  console.log(
    `| train + predict without features | ${classifierOnly.toFixed(2)} | ${classifierOnlyCpu.toFixed(2)} |`,
  );
  console.log(
    `| train + predict, all included | ${(train + predict).toFixed(2)} | ${idle(trainCpu + predictCpu)} |`,
  );
  console.log(
    `\nClassifier (CPU s / threads) vs goal 5 s: ${(classifierOnlyCpu / 5).toFixed(2)}×; vs forest 16.7 s: ${(classifierOnlyCpu / 16.7).toFixed(2)}×`,
  );
}

async function main(): Promise<void> {
  const options = arg('option') ? (JSON.parse(arg('option')!) as Partial<ClassifierOptions>) : {};
  const pool = new WorkerPool({ threads: THREADS });
  try {
    if (!process.argv.includes('--skip-accuracy')) {
      if (existsSync(DATA)) await accuracy(pool, options);
      else console.log(`skipping accuracy: ${DATA} not found`);
    }
    if (!process.argv.includes('--skip-speed')) await speed(pool, options);
  } finally {
    await pool.close();
  }
}

await main();
