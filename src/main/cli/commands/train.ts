import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { parseThreads } from '../workOptions.js';
import {
  DEFAULT_CLASSIFIER_OPTIONS,
  MAX_TAIL_BOUND,
  MIN_TAIL_BOUND,
} from '../../../core/classifier/classifierOptions.js';
import { DEFAULT_NORMALIZATION_MODE, NORMALIZATION_MODES } from '../../../core/normalization.js';
import { UserError } from '../UserError.js';
import { AXES_FLAGS, AXES_HELP, parseAxesArgument } from '../axesOption.js';
import { MAX_ANISOTROPY_FACTOR, MIN_ANISOTROPY_FACTOR } from '../../../core/features3d/featureLayout3d.js';

interface TrainOptions {
  image: string[];
  labels: string[];
  features: string;
  convention: string;
  classes?: string;
  normalize: string;
  axes?: string;
  threads?: string;
  out: string;
  json?: boolean;
  components: string;
  semiSupervised: string;
  priors: string;
  tailBound?: string;
  seed: string;
  dims: string;
  anisotropy: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `mixel train --image A.tif --labels A.png … --out P.mixel`: trains a project from label images. */
export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a project from images and label images (0 = unlabeled, 1..K = class)')
    .option('--image <file>', 'an image to train on (repeat, each followed by its --labels)', collect, [])
    .option('--labels <file>', 'the label image of the preceding --image', collect, [])
    .option(
      '--features <preset|file>',
      'feature selection: default, all, or a JSON file {scales, enabled}',
      'default',
    )
    .option('--convention <name>', 'ilastik (as ilastik computes) or direct (textbook filters)', 'ilastik')
    .option(
      '--classes <names>',
      'comma-separated class names in label-value order, e.g. "background,nucleus"',
    )
    .option(
      '--dims <2d|3d>',
      '2d: features per plane; 3d: 3-D features over z of each stack, per t frame',
      '2d',
    )
    .option(
      '--anisotropy <auto|off|z,y,x>',
      'with --dims 3d: σ factors per axis; auto from the file pixel size; off = isotropic (ilastik)',
      'off',
    )
    .option(
      '--normalize <mode>',
      'percentile-sqrt (per image 0.1–99.9 % → 0..1, then the square root), percentile (without the root) or none (raw values)',
      DEFAULT_NORMALIZATION_MODE,
    )
    .option(AXES_FLAGS, AXES_HELP, parseAxesArgument)
    .option('--threads <n>', 'worker threads (default: one per core)')
    // Defaults follow DEFAULT_CLASSIFIER_OPTIONS (8 components, semi-supervised on), the settings measured
    // best by bench:accuracy; 'auto' (BIC, cross-validation) is slower and measured worse there.
    .option('--components <n>', 'Gaussian components per class: a number, or auto (by BIC, up to 8)', '8')
    .option(
      '--semi-supervised <mode>',
      'refine with unlabeled pixels: on, off, or auto (if cross-validation over held-out scribbles says so)',
      'on',
    )
    .option(
      '--priors <mode>',
      'class priors: image (class shares estimated on the images), counts (of labeled pixels) or uniform',
      'image',
    )
    .option(
      '--tail-bound <σ|off>',
      `standard deviations beyond which one feature stops counting against a class; off: Gaussian tails (default: ${DEFAULT_CLASSIFIER_OPTIONS.tailBound} in 2-D, off with --dims 3d)`,
    )
    .option('--seed <n>', 'random seed of the fit', '0')
    .option('--json', 'progress and result as JSON lines on stdout')
    .requiredOption('--out <file>', 'the project file to write (.mixel)')
    .action(async (opts: TrainOptions) => {
      if (opts.image.length === 0) throw new UserError('give at least one --image A.tif --labels A.png pair');
      if (opts.image.length !== opts.labels.length) {
        throw new UserError(
          `${opts.image.length} --image but ${opts.labels.length} --labels: give one label image per image`,
        );
      }
      if (!['ilastik', 'direct'].includes(opts.convention)) {
        throw new UserError(`--convention ${opts.convention} is not known: use ilastik or direct`);
      }
      if (!(NORMALIZATION_MODES as readonly string[]).includes(opts.normalize)) {
        throw new UserError(
          `--normalize ${opts.normalize} is not known: use ${NORMALIZATION_MODES.join(', ')}`,
        );
      }
      const components = opts.components === 'auto' ? 'auto' : Number(opts.components);
      if (components !== 'auto' && !(Number.isInteger(components) && components >= 1)) {
        throw new UserError(`--components must be auto or a whole number ≥ 1 (got ${opts.components})`);
      }
      const semi = { auto: 'auto', on: true, off: false }[opts.semiSupervised] as
        boolean | 'auto' | undefined;
      if (semi === undefined) {
        throw new UserError(`--semi-supervised ${opts.semiSupervised} is not known: use auto, on or off`);
      }
      if (!['image', 'counts', 'uniform'].includes(opts.priors)) {
        throw new UserError(`--priors ${opts.priors} is not known: use image, counts or uniform`);
      }
      const tailBound =
        opts.tailBound === undefined ? undefined : opts.tailBound === 'off' ? null : Number(opts.tailBound);
      if (tailBound != null && !(tailBound >= MIN_TAIL_BOUND && tailBound <= MAX_TAIL_BOUND)) {
        throw new UserError(
          `--tail-bound must be off or ${MIN_TAIL_BOUND}..${MAX_TAIL_BOUND} standard deviations (got ${opts.tailBound})`,
        );
      }
      if (!['2d', '3d'].includes(opts.dims)) {
        throw new UserError(`--dims ${opts.dims} is not known: use 2d or 3d`);
      }
      const anisotropy = parseAnisotropy(opts.anisotropy);
      if (anisotropy !== undefined && opts.dims !== '3d') {
        throw new UserError(`--anisotropy ${opts.anisotropy} needs --dims 3d (2-D features have no z)`);
      }
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed)) throw new UserError(`--seed must be a whole number (got ${opts.seed})`);
      const threads = parseThreads(opts.threads);
      const { presetSelection, validateSelection } = await import('../../../core/features/selection.js');
      const { checkFeatureSelection } = await import('../../../core/project/projectSchema.js');
      const { DEFAULT_NORMALIZATION } = await import('../../../core/project/Project.js');
      const { trainProject } = await import('../../batch/trainProject.js');
      const { WorkerPool } = await import('../../engine/WorkerPool.js');
      const { createProgressReporter } = await import('../progress.js');

      let selection;
      if (opts.features === 'default' || opts.features === 'all') selection = presetSelection(opts.features);
      else {
        try {
          selection = JSON.parse(await readFile(opts.features, 'utf8'));
          validateSelection(selection);
          // The bounds a project file must keep (scales up to 32 px, …): refused here, naming this file.
          checkFeatureSelection(selection);
        } catch (err) {
          throw new UserError(
            `${opts.features}: not a feature selection (${(err as Error).message}); use default, all or a JSON file`,
          );
        }
      }
      const classNames = opts.classes
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const { prepareOutputFile, removeCreatedFolders } = await import('../../io/prepareOutput.js');
      const { asOutputError } = await import('../../io/fileErrors.js');
      const { explainWorkerFailure } = await import('../explainError.js');
      await checkTrainingInputs(opts.image, opts.labels, opts.axes, opts.normalize !== 'none');
      const createdFolders = await prepareOutputFile(opts.out);
      const progress = createProgressReporter({ json: opts.json });
      const pool = new WorkerPool({ threads });
      const started = performance.now();
      let stage = '';
      const stageStarted: Record<string, number> = {};
      try {
        const project = await trainProject({
          pairs: opts.image.map((image, i) => ({ image, labels: opts.labels[i] })),
          outPath: opts.out,
          pool,
          selection,
          convention: opts.convention as 'ilastik',
          dimensions: opts.dims as '2d' | '3d',
          anisotropy,
          normalization: { ...DEFAULT_NORMALIZATION, mode: opts.normalize as 'none' },
          classNames,
          axes: opts.axes,
          classifierOptions: {
            components,
            seed,
            priors: opts.priors as 'image',
            semiSupervised: { ...DEFAULT_CLASSIFIER_OPTIONS.semiSupervised, enabled: semi },
            // Not given: the default of 2-D training, off in 3-D (trainVolumes.ts says why).
            ...(tailBound === undefined ? {} : { tailBound }),
          },
          onDidRead: () => (stageStarted.features = performance.now()),
          onProgress: (s, done, total) => {
            if (s !== stage) {
              stage = s;
              stageStarted[s] ??= performance.now();
              progress.begin(s === 'features' ? 'features of labeled tiles' : 'fitting the mixtures', total);
            }
            progress.step(done, total);
          },
        });
        const now = performance.now();
        const seconds = +((now - started) / 1000).toFixed(2);
        const fitStart = stageStarted.fit ?? now;
        const featureStart = stageStarted.features ?? fitStart;
        progress.summary({
          message: `trained ${project.classes.length} classes on ${project.images.length} image(s) in ${seconds} s → ${opts.out}`,
          project: opts.out,
          classes: project.classes.map((c) => c.name),
          seconds,
          stageSeconds: {
            read: +((featureStart - started) / 1000).toFixed(2),
            features: +((fitStart - featureStart) / 1000).toFixed(2),
            fit: +((now - fitStart) / 1000).toFixed(2),
          },
          peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        });
      } catch (err) {
        const e = err as Error;
        await removeCreatedFolders(createdFolders);
        explainWorkerFailure(err, `training on ${opts.image.join(', ')}`);
        if (e.name === 'ImageReadError' || e instanceof RangeError) throw new UserError(e.message);
        throw asOutputError(opts.out, err);
      } finally {
        await pool.close();
      }
    });
}

/** `--anisotropy`: undefined for off, 'auto', or three σ factors z,y,x in the 3-D bank's range. */
function parseAnisotropy(text: string): readonly [number, number, number] | 'auto' | undefined {
  if (text === 'off') return undefined;
  if (text === 'auto') return 'auto';
  const parts = text.split(',').map((p) => Number(p.trim()));
  const [lo, hi] = [MIN_ANISOTROPY_FACTOR, MAX_ANISOTROPY_FACTOR];
  if (parts.length !== 3 || !parts.every((f) => Number.isFinite(f) && f >= lo && f <= hi)) {
    throw new UserError(
      `--anisotropy ${text}: use auto, off, or three σ factors z,y,x in [${lo}, ${hi}] (e.g. 0.25,1,1 for a z step 4× the pixel)`,
    );
  }
  return parts as [number, number, number];
}

/**
 * Checks the training set from the file headers, before any pixel is read: each label image has its
 * image's size, and all of them fit the memory budget.
 */
async function checkTrainingInputs(
  images: string[],
  labels: string[],
  axes: string | undefined,
  normalized: boolean,
) {
  const { openImage } = await import('../../io/openImage.js');
  const { checkMemoryBudget, trainPeakBytes } = await import('../memoryBudget.js');
  const header = async (path: string, options = {}) => {
    try {
      return (await openImage(path, options)).info;
    } catch (err) {
      if ((err as Error).name === 'ImageReadError') throw new UserError((err as Error).message);
      throw err;
    }
  };
  const shapes = [];
  for (const [i, path] of images.entries()) {
    const info = await header(path, { axes });
    const label = await header(labels[i]);
    if (label.width !== info.width || label.height !== info.height) {
      throw new UserError(
        `${labels[i]}: labels are ${label.width} × ${label.height} but ${path} is ${info.width} × ${info.height}`,
      );
    }
    shapes.push({ path, ...info });
  }
  const pixels = shapes.reduce((n, s) => n + s.width * s.height, 0);
  checkMemoryBudget(
    `training on ${images.length} image(s) of ${(pixels / 1e6).toFixed(0)} Mpx in all`,
    trainPeakBytes(shapes, normalized),
    'train holds every image whole; train on crops of the images (the labeled parts), then `mixel predict` streams any size',
  );
}
