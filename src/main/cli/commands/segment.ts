import type { Command } from 'commander';
import { basename, extname, join, resolve } from 'node:path';
import { parseThreads } from '../workOptions.js';
import { UserError } from '../UserError.js';

const EXPORTS = ['probabilities', 'segmentation', 'uncertainty'] as const;
type ExportName = (typeof EXPORTS)[number];

interface SegmentOptions {
  image: string;
  labels: string;
  out: string;
  export: string;
  features: string;
  threads?: string;
  seed: string;
}

/**
 * `mixel segment`: one image, its scribbles, its outputs — train the Gaussian-mixture classifier on the
 * labeled pixels of IMG and predict every pixel, with no project file. Outputs use ilastik's export names.
 */
export function registerSegment(program: Command): void {
  program
    .command('segment')
    .description('train on one image’s scribbles (LABELS: 0 unlabeled, 1..K classes) and segment the image')
    .requiredOption('--image <file>', 'image to segment (TIFF, PNG, JPEG)')
    .requiredOption('--labels <file>', 'label image of the same size: 0 = unlabeled, 1..K = class')
    .requiredOption('--out <dir>', 'output folder')
    .option('--export <list>', `outputs, comma-separated: ${EXPORTS.join(', ')}`, EXPORTS.join(','))
    .option('--features <preset>', 'feature selection: default (37 features, 49 channels) or all', 'default')
    .option('--threads <n>', 'worker threads (default: one per core)')
    .option('--seed <n>', 'random seed of the fit', '0')
    .action(async (opts: SegmentOptions) => {
      const exports = parseExports(opts.export);
      if (opts.features !== 'default' && opts.features !== 'all') {
        throw new UserError(`--features must be "default" or "all" (got "${opts.features}")`);
      }
      const threads = parseThreads(opts.threads);
      const { runSegment } = await import('../../classify/runSegment.js');
      const { explainWorkerFailure } = await import('../explainError.js');
      const written = await runSegment({
        imagePath: resolve(opts.image),
        labelsPath: resolve(opts.labels),
        outDir: resolve(opts.out),
        exports,
        preset: opts.features,
        threads,
        seed: Number(opts.seed),
        name: basename(opts.image, extname(opts.image)),
        join,
      }).catch((err: unknown) => {
        explainWorkerFailure(err, `segmenting ${opts.image}`);
        throw err;
      });
      for (const path of written) console.log(path);
    });
}

function parseExports(list: string): ExportName[] {
  const names = list
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const n of names) {
    if (!(EXPORTS as readonly string[]).includes(n)) {
      throw new UserError(`--export: unknown output "${n}" (choose from ${EXPORTS.join(', ')})`);
    }
  }
  if (names.length === 0) throw new UserError(`--export needs at least one of ${EXPORTS.join(', ')}`);
  return names as ExportName[];
}
