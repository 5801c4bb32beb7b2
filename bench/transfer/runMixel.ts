/**
 * The Mixel side of `npm run bench:transfer`: `mixel train` on the training images' scribbles and
 * `mixel predict` of the test images through the command line, as a user runs them (and as the reference's
 * cross_image.py does), once per adaptation choice; each segmentation is scored whole.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readImage } from '../../src/main/io/openImage.js';
import { meanIou } from './score.js';

const run = promisify(execFile);

export interface TestImage {
  readonly stem: string;
  readonly image: string;
  readonly truth: Uint8Array;
}

export interface MixelRun {
  /** Mean IoU per test image, in order. */
  readonly iou: number[];
  /** What adaptation applied, counted over the images ('none', 'standardize', …). */
  readonly applied: Map<string, number>;
  readonly trainSeconds: number;
  readonly predictSeconds: number;
}

const MAX_OUTPUT = 256 * 1024 * 1024;

export async function trainMixel(
  mixel: string,
  train: readonly { image: string; labels: string }[],
  normalize: string | undefined,
  out: string,
): Promise<number> {
  const args = [mixel, 'train', '--out', out, '--threads', '2'];
  for (const t of train) args.push('--image', t.image, '--labels', t.labels);
  if (normalize) args.push('--normalize', normalize);
  const started = performance.now();
  await run('node', args, { maxBuffer: MAX_OUTPUT });
  return (performance.now() - started) / 1000;
}

export async function predictMixel(
  mixel: string,
  project: string,
  tests: readonly TestImage[],
  adapt: string,
): Promise<Omit<MixelRun, 'trainSeconds'>> {
  const dir = await mkdtemp(join(tmpdir(), 'mixel-transfer-'));
  try {
    const started = performance.now();
    const { stdout } = await run(
      'node',
      [
        mixel,
        'predict',
        '--project',
        project,
        '--export',
        'Simple Segmentation',
        '--adapt',
        adapt,
        '--threads',
        '2',
        '--json',
        '--output',
        join(dir, '{nickname}_{result_type}.{ext}'),
        ...tests.map((t) => t.image),
      ],
      { maxBuffer: MAX_OUTPUT },
    );
    const predictSeconds = (performance.now() - started) / 1000;
    const applied = new Map<string, number>();
    for (const line of stdout.split('\n')) {
      if (!line.startsWith('{')) continue;
      const event = JSON.parse(line) as { event?: string; applied?: string };
      if (event.event === 'adapted' && event.applied) {
        applied.set(event.applied, (applied.get(event.applied) ?? 0) + 1);
      }
    }
    const written = await readdir(dir);
    const iou: number[] = [];
    for (const t of tests) {
      const file = written.find((f) => f.startsWith(`${t.stem}_Simple`));
      if (!file) throw new Error(`mixel predict wrote no segmentation for ${t.image}`);
      const seg = (await readImage(join(dir, file))).image.channels[0];
      iou.push(meanIou(Uint8Array.from(seg), t.truth));
    }
    return { iou, applied, predictSeconds };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
