import type { Command } from 'commander';
import { resolve } from 'node:path';
import { DEFAULT_OUTPUT_TEMPLATE } from '../../../core/export/exportNames.js';
import { parseThreads } from '../workOptions.js';
import { UserError } from '../UserError.js';
import { EXPORT_HELP, FORMAT_HELP, OUTPUT_HELP } from '../exportOptions.js';

/** What segment writes unless told: ilastik's three prediction sources. */
const DEFAULT_EXPORTS = 'Probabilities,Simple Segmentation,Uncertainty';

interface SegmentOptions {
  image: string;
  labels: string;
  out?: string;
  output?: string;
  export: string;
  format: string;
  dtype?: string;
  features: string;
  threads?: string;
  seed: string;
  json?: boolean;
}

/**
 * `mixel segment`: one image, its scribbles, its outputs — train the Gaussian-mixture classifier on the
 * labeled pixels of IMG and predict every pixel, with no project file. Outputs, formats and file names are
 * those of `mixel predict` (ilastik's export names).
 */
export function registerSegment(program: Command): void {
  program
    .command('segment')
    .description('train on one image’s scribbles (LABELS: 0 unlabeled, 1..K classes) and segment the image')
    .requiredOption('--image <file>', 'image to segment (TIFF, PNG, JPEG)')
    .requiredOption('--labels <file>', 'label image of the same size: 0 = unlabeled, 1..K = class')
    .option('--out <dir>', 'output folder (as --output <dir>/{nickname}_{result_type}.{ext})')
    .option('--output <template>', `${OUTPUT_HELP} (default: ${DEFAULT_OUTPUT_TEMPLATE})`)
    .option('--export <list>', EXPORT_HELP, DEFAULT_EXPORTS)
    .option('--format <format>', FORMAT_HELP, 'tiff')
    .option('--dtype <type>', 'float32, uint8 or uint16 (probabilities scaled to the integer range)')
    .option('--features <preset>', 'feature selection: default (37 features, 49 channels) or all', 'default')
    .option('--threads <n>', 'worker threads (default: one per core)')
    .option('--seed <n>', 'random seed of the fit', '0')
    .option('--json', 'progress and the files written as one JSON object per line on stdout (as predict)')
    .action(async (opts: SegmentOptions) => {
      const { parseExportFormat, parseResultTypes, resolveTargets, checkDistinctNames } =
        await import('../../batch/exportTargets.js');
      if (opts.features !== 'default' && opts.features !== 'all') {
        throw new UserError(`--features must be "default" or "all" (got "${opts.features}")`);
      }
      if (opts.dtype && !['float32', 'uint8', 'uint16'].includes(opts.dtype)) {
        throw new UserError(`--dtype ${opts.dtype} is not known: use float32, uint8 or uint16`);
      }
      if (opts.out !== undefined && opts.output !== undefined) {
        throw new UserError('--out and --output both given: keep one of them');
      }
      const template =
        opts.output ??
        (opts.out === undefined ? DEFAULT_OUTPUT_TEMPLATE : `${opts.out}/{nickname}_{result_type}.{ext}`);
      let targets;
      try {
        const format = parseExportFormat(opts.format);
        targets = resolveTargets(parseResultTypes(opts.export), format, opts.dtype as 'uint8' | undefined);
        checkDistinctNames(template, targets);
      } catch (err) {
        throw new UserError((err as Error).message);
      }
      const threads = parseThreads(opts.threads);
      const { runSegment } = await import('../../classify/runSegment.js');
      const { explainWorkerFailure } = await import('../explainError.js');
      const { createProgressReporter } = await import('../progress.js');
      const { isPerPlaneTemplate } = await import('../../../core/export/exportNames.js');
      if (isPerPlaneTemplate(template)) {
        throw new UserError('--output: segment works on one 2-D image; leave {z}, {t} and {plane} out');
      }
      // The same events as `mixel predict --json`: start, progress, done (with the files), summary.
      const progress = opts.json ? createProgressReporter({ json: true }) : null;
      const started = performance.now();
      progress?.begin(opts.image, 0, { index: 1, of: 1 });
      let written: string[];
      try {
        written = await runSegment({
          imagePath: resolve(opts.image),
          labelsPath: resolve(opts.labels),
          outputTemplate: template,
          targets,
          preset: opts.features,
          threads,
          seed: Number(opts.seed),
          onTile: progress ? (done, total) => progress.step(done, total) : undefined,
        });
      } catch (err) {
        if (progress) {
          const error = (err as Error).message;
          const seconds = +((performance.now() - started) / 1000).toFixed(2);
          progress.fail(opts.image, error);
          progress.summary({
            message: `0 of 1 images segmented; 1 failed`,
            succeeded: 0,
            failed: 1,
            seconds,
            peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
            failures: [{ image: opts.image, error }],
          });
        }
        explainWorkerFailure(err, `segmenting ${opts.image}`);
        throw err;
      }
      const seconds = +((performance.now() - started) / 1000).toFixed(2);
      if (!progress) {
        for (const path of written) console.log(path);
        return;
      }
      progress.end(opts.image, { outputs: written, seconds });
      progress.summary({
        message: `1 of 1 images segmented in ${seconds.toFixed(1)} s`,
        succeeded: 1,
        failed: 0,
        seconds,
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        failures: [],
      });
    });
}
