/**
 * `npm run bench:adapt`: per-image adaptation across images, the batch use case. For each public set,
 * train on the scribbles of the first image(s) (raw values, as `mixel train` does by default), predict
 * the set's other images whole and score mean IoU against the truth (as cross_image.py) — once as they
 * are, and once as a drift variant made here: per image a seeded gain and offset, a gamma, and a crop
 * chosen to change the object fraction most. Prints, per set, mean IoU without adaptation, with each
 * method forced (guards still apply), and with the automatic choice; then what auto chose and the time
 * adaptation took next to the image's prediction.
 *
 *   npm run bench:adapt [-- --sets isbi,hela,gowt1] [--verbose]
 *   npm run bench:adapt -- --cost     what adaptation adds to `mixel predict`'s time (adaptationCost.ts)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adaptClassifier } from '../src/core/classifier/adaptation/adaptClassifier.js';
import {
  ADAPTATION_METHODS,
  ADAPTATION_SAMPLE_PIXELS,
  type AdaptationChoice,
} from '../src/core/classifier/adaptation/adaptationConstants.js';
import { sampleFeatureRows } from '../src/core/classifier/adaptation/samplePixels.js';
import { simpleSegmentation } from '../src/core/classifier/outputs.js';
import {
  predictProbabilities,
  prepareClassifier,
  type FittedClassifier,
} from '../src/core/classifier/PixelClassifier.js';
import { presetSelection } from '../src/core/features/selection.js';
import type { PlanarImage } from '../src/core/image.js';
import { percentiles } from '../src/core/normalization.js';
import { SeededRandom } from '../src/core/random.js';
import { trainClassifier } from '../src/main/classify/trainClassifier.js';
import { WorkerPool } from '../src/main/engine/WorkerPool.js';
import { computeFeatureStack } from '../src/main/features/computeFeatureStack.js';
import { readImage } from '../src/main/io/openImage.js';
import { benchAdaptationCost } from './adaptationCost.js';
import { meanIou } from './meanIou.js';

const DATA = '/work/shared/data';
const SETS = [
  { key: 'isbi', dir: 'isbi2012_em_membrane', train: 2, every: 2 },
  { key: 'gowt1', dir: 'ctc_fluo_n2dh_gowt1', train: 2, every: 1 },
  { key: 'hela', dir: 'ctc_fluo_n2dl_hela', train: 1, every: 1 },
];
const CHOICES: AdaptationChoice[] = ['off', ...ADAPTATION_METHODS, 'auto'];
const selection = presetSelection('default');
const convention = 'ilastik' as const;
const verbose = process.argv.includes('--verbose');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface Scored {
  readonly image: PlanarImage;
  readonly gt: Uint8Array;
}

async function grey(path: string): Promise<PlanarImage> {
  return (await readImage(path)).image;
}

/**
 * The drift variant of one image: a crop (of 4 seeded candidates with 55–85 % of each side, the one whose
 * object fraction differs most from the whole image's), then u = (x − p1)/(p99 − p1), x' = p1 + span ·
 * (gain · u^γ + offset) with gain log-uniform in [0.5, 2], γ in [0.6, 1.6], offset in ±0.3.
 */
function drifted(scored: Scored, seed: number): Scored {
  const rng = new SeededRandom(seed);
  const { image, gt } = scored;
  const { width, height } = image;
  const fraction = (x0: number, y0: number, w: number, h: number) => {
    let obj = 0;
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) if (gt[y * width + x] === 2) obj++;
    return obj / (w * h);
  };
  const whole = fraction(0, 0, width, height);
  let crop = { x: 0, y: 0, w: width, h: height, diff: -1 };
  for (let t = 0; t < 4; t++) {
    const w = Math.round(width * (0.55 + 0.3 * rng.next()));
    const h = Math.round(height * (0.55 + 0.3 * rng.next()));
    const x = rng.nextInt(width - w + 1);
    const y = rng.nextInt(height - h + 1);
    const diff = Math.abs(fraction(x, y, w, h) - whole);
    if (diff > crop.diff) crop = { x, y, w, h, diff };
  }
  const gain = Math.exp(Math.log(0.5) + rng.next() * Math.log(4));
  const gamma = Math.exp(Math.log(0.6) + rng.next() * (Math.log(1.6) - Math.log(0.6)));
  const offset = (rng.next() - 0.5) * 0.6;
  const [p1, p99] = percentiles(image.channels[0], [1, 99]);
  const span = Math.max(1e-6, p99 - p1);
  const out = new Float32Array(crop.w * crop.h);
  const outGt = new Uint8Array(crop.w * crop.h);
  for (let y = 0; y < crop.h; y++) {
    for (let x = 0; x < crop.w; x++) {
      const src = (crop.y + y) * width + crop.x + x;
      const u = (image.channels[0][src] - p1) / span;
      const curved = u > 0 ? u ** gamma : u;
      out[y * crop.w + x] = p1 + span * (gain * curved + offset);
      outGt[y * crop.w + x] = gt[src];
    }
  }
  if (verbose) {
    console.log(
      `    drift seed ${seed}: gain ${gain.toFixed(2)} γ ${gamma.toFixed(2)} offset ${offset.toFixed(2)} crop ${crop.w}×${crop.h} object ${(100 * whole).toFixed(1)} → ${(100 * fraction(crop.x, crop.y, crop.w, crop.h)).toFixed(1)} %`,
    );
  }
  return { image: { width: crop.w, height: crop.h, channels: [out] }, gt: outGt };
}

interface Tally {
  iou: Map<AdaptationChoice, number[]>;
  chosen: Map<string, number>;
  adaptSeconds: number;
  predictSeconds: number;
}

async function evaluate(
  pool: WorkerPool,
  model: FittedClassifier,
  scored: Scored,
  tally: Tally,
  label: string,
): Promise<void> {
  const { image, gt } = scored;
  const pixels = image.width * image.height;
  let t = performance.now();
  const features = await computeFeatureStack(pool, image, selection, convention);
  const featureSeconds = (performance.now() - t) / 1000;
  const line: string[] = [];
  for (const choice of CHOICES) {
    t = performance.now();
    const sample = sampleFeatureRows(features, pixels, ADAPTATION_SAMPLE_PIXELS, 1);
    const result = adaptClassifier(model, sample.rows, sample.n, choice);
    const adaptSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const probs = predictProbabilities(prepareClassifier(result.model), features, pixels);
    const predictSeconds = (performance.now() - t) / 1000;
    const iou = meanIou(simpleSegmentation(probs, model.classes), gt);
    tally.iou.get(choice)!.push(iou);
    line.push(`${choice} ${iou.toFixed(3)}`);
    if (choice === 'auto') {
      tally.chosen.set(result.applied, (tally.chosen.get(result.applied) ?? 0) + 1);
      tally.adaptSeconds += adaptSeconds;
      // Prediction on one thread plus the features on the pool: what the image costs unadapted.
      tally.predictSeconds += predictSeconds + featureSeconds;
      if (verbose) {
        const gains = result.candidates
          .map((c) => `${c.method} ${c.gain.toFixed(2)}${c.refused ? '✗' : ''}`)
          .join(', ');
        console.log(`    ${label}: auto → ${result.applied} (${result.reason}); gains ${gains}`);
        console.log(`    shares unadapted ${result.unadaptedShares.map((s) => s.toFixed(3)).join('/')}`);
      }
    }
  }
  console.log(`  ${label}: ${line.join('  ')}`);
}

async function main(): Promise<void> {
  if (process.argv.includes('--cost')) return benchAdaptationCost(process.argv);
  const wanted = (arg('sets') ?? 'isbi,gowt1,hela').split(',');
  const pool = new WorkerPool({ threads: 2 });
  const table: string[] = [];
  try {
    for (const set of SETS.filter((s) => wanted.includes(s.key))) {
      const dir = join(DATA, set.dir);
      const rows = readFileSync(join(dir, 'pairs.csv'), 'utf8').trim().split('\n').slice(1);
      const stems = rows.map((r) =>
        r
          .split(',')[0]
          .split('/')
          .pop()!
          .replace(/\.[^.]+$/, ''),
      );
      const imagePath = (i: number) => join(dir, rows[i].split(',')[0]);
      const inputs = [];
      for (let i = 0; i < set.train; i++) {
        const labels = Uint8Array.from((await grey(join(dir, 'scribbles', `${stems[i]}.png`))).channels[0]);
        inputs.push({ image: await grey(imagePath(i)), labels });
      }
      const model = await trainClassifier(pool, inputs, selection, convention, {});
      console.log(`${set.dir}: trained on ${set.train} image(s)`);
      for (const variant of ['as is', 'drift'] as const) {
        const tally: Tally = {
          iou: new Map(CHOICES.map((c) => [c, []])),
          chosen: new Map(),
          adaptSeconds: 0,
          predictSeconds: 0,
        };
        for (let i = set.train; i < rows.length; i += set.every) {
          const original: Scored = {
            image: await grey(imagePath(i)),
            gt: Uint8Array.from((await grey(join(dir, 'gt', `${stems[i]}.png`))).channels[0]),
          };
          const scored = variant === 'drift' ? drifted(original, 1000 + i) : original;
          await evaluate(pool, model, scored, tally, `${stems[i]} ${variant}`);
        }
        const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
        const cells = CHOICES.map((c) => mean(tally.iou.get(c)!).toFixed(3));
        const chosen = [...tally.chosen].map(([m, k]) => `${m}×${k}`).join(' ');
        const share = (100 * tally.adaptSeconds) / tally.predictSeconds;
        table.push(
          `| ${set.key} ${variant} | ${tally.iou.get('off')!.length} | ${cells.join(' | ')} | ${chosen} | ${tally.adaptSeconds.toFixed(1)} s (${share.toFixed(0)} %) |`,
        );
      }
    }
  } finally {
    await pool.close();
  }
  console.log(`\nMean IoU across images (sample ${ADAPTATION_SAMPLE_PIXELS} pixels per image):\n`);
  console.log(
    `| set | images | ${CHOICES.join(' | ')} | auto chose | auto's time (vs features + 1-thread prediction) |`,
  );
  console.log(`|---|---|${CHOICES.map(() => '---|').join('')}---|---|`);
  for (const row of table) console.log(row);
}

await main();
