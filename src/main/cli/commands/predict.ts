import type { Command } from 'commander';
import { parseThreads, parseTileSize } from '../workOptions.js';
import { UserError } from '../UserError.js';
import { EXIT_CODES } from '../exitCodes.js';
import {
  addIlastikAliases,
  checkOutputAxisOrder,
  ilastikRescale,
  refuseIlastikProject,
  translateIlastikAliases,
  translateOutputFilenameFormat,
  type IlastikAliasOptions,
} from '../ilastikAliases.js';
import { AXES_FLAGS, AXES_HELP, parseAxesArgument } from '../axesOption.js';
import { ADAPT_FLAGS, ADAPT_HELP, DEFAULT_ADAPT, parseAdaptArgument } from '../adaptOption.js';
import type { AdaptationChoice } from '../../../core/classifier/adaptation/adaptationConstants.js';
import { DEFAULT_OUTPUT_TEMPLATE, sequenceTemplate } from '../../../core/export/exportNames.js';
import { EXPORT_HELP, FORMAT_HELP, OUTPUT_HELP } from '../exportOptions.js';
import { PREDICTION_TILE_SIZE } from '../../../core/protocol/constants.js';

interface PredictOptions extends IlastikAliasOptions {
  project: string;
  export: string;
  format: string;
  dtype?: string;
  output: string;
  threads?: string;
  shard?: string;
  json?: boolean;
  axes?: string;
  tileSize: string;
  acceptChanged?: boolean;
  adapt: AdaptationChoice;
}

/**
 * `mixel predict --project P.mixel IMAGES…`: applies a trained project to images, writing ilastik's
 * export sources. Stateless per image, so it runs the same on a laptop, under Snakemake or on SLURM.
 */
export function registerPredict(program: Command): void {
  const command = program
    .command('predict')
    .description(
      'apply a trained project to images and write probabilities, segmentations, uncertainty or features',
    )
    .argument(
      '[images...]',
      'image files or glob patterns (quoted globs are expanded by mixel); default: the project images',
    )
    .requiredOption('--project <file>', 'the trained project (.mixel)')
    .option('--export <list>', EXPORT_HELP, 'Probabilities')
    .option('--format <format>', FORMAT_HELP, 'tiff')
    .option('--dtype <type>', 'float32, uint8 or uint16 (probabilities scaled to the integer range)')
    .option('--output <template>', OUTPUT_HELP, DEFAULT_OUTPUT_TEMPLATE)
    .option('--threads <n>', 'worker threads (default: one per core)')
    .option('--shard <i/n>', 'process only the i-th of n equal parts of the sorted file list (1 ≤ i ≤ n)')
    .option(AXES_FLAGS, AXES_HELP, parseAxesArgument)
    // The window's tile: with 2 workers a 2048² image ends with less idle time than with 512² tiles.
    .option('--tile-size <px>', 'tile edge in pixels', String(PREDICTION_TILE_SIZE))
    .option(ADAPT_FLAGS, ADAPT_HELP, parseAdaptArgument, DEFAULT_ADAPT)
    .option('--accept-changed', 'predict project images whose content changed since training (sha256)')
    .option('--json', 'progress as one JSON object per line on stdout');
  addIlastikAliases(command).action(
    async (positionalImages: string[], rawOpts: PredictOptions, cmd: Command) => {
      const { opts, images } = withIlastikAliases(positionalImages, rawOpts, cmd);
      const {
        resolveTargets,
        parseResultTypes,
        parseExportFormat,
        checkDistinctNames,
        checkOutputCollisions,
      } = await import('../../batch/exportTargets.js');
      const { expandImageArguments, selectShard, parseShard } = await import('../../batch/imageList.js');
      const { loadProject, resolveImagePath } = await import('../../project/projectFile.js');
      const { predictBatch, projectModel } = await import('../../batch/predictBatch.js');
      const { createProgressReporter } = await import('../progress.js');
      const { WorkerPool } = await import('../../engine/WorkerPool.js');

      let format;
      try {
        format = parseExportFormat(opts.format);
      } catch (err) {
        throw new UserError((err as Error).message);
      }
      if (opts.dtype && !['float32', 'uint8', 'uint16'].includes(opts.dtype)) {
        throw new UserError(`--dtype ${opts.dtype} is not known: use float32, uint8 or uint16`);
      }
      const tileSize = parseTileSize(opts.tileSize, 64) as number;
      const threads = parseThreads(opts.threads);
      let targets;
      let shard;
      try {
        const results = parseResultTypes(opts.export);
        if (opts.output_axis_order !== undefined) {
          checkOutputAxisOrder(
            opts.output_axis_order,
            results.some((r) => r === 'Probabilities' || r === 'Features'),
          );
        }
        targets = resolveTargets(
          results,
          format,
          opts.dtype as 'uint8' | undefined,
          ilastikRescale(opts, results),
        );
        if (opts.output_filename_format !== undefined) {
          opts.output = translateOutputFilenameFormat(opts.output_filename_format, format);
        }
        // ilastik's "tif sequence" is one file per plane; its plain formats a stack per file, as Mixel.
        if (opts.output_format !== undefined && /sequence/i.test(opts.output_format)) {
          opts.output = sequenceTemplate(opts.output);
        }
        checkDistinctNames(opts.output, targets);
        shard = opts.shard ? parseShard(opts.shard) : undefined;
      } catch (err) {
        if (err instanceof UserError) throw err;
        throw new UserError((err as Error).message);
      }
      refuseIlastikProject(opts.project);
      let project;
      try {
        project = await loadProject(opts.project);
        projectModel(project);
      } catch (err) {
        throw new UserError(
          (err as Error).message.startsWith(opts.project)
            ? (err as Error).message
            : `${opts.project}: ${(err as Error).message}`,
        );
      }
      let list: string[];
      try {
        list =
          images.length > 0
            ? await expandImageArguments(images)
            : project.images.map((im) => resolveImagePath(opts.project, im));
      } catch (err) {
        throw new UserError((err as Error).message);
      }
      if (images.length === 0) {
        const { existsSync } = await import('node:fs');
        const missing = list.filter((path) => !existsSync(path));
        if (missing.length > 0) {
          throw new UserError(
            `${opts.project}: ${missing.length} project image(s) not found (first: ${missing[0]}); moved? run \`mixel repair ${opts.project}\``,
          );
        }
        // The project's own images are predicted as it recorded them: a file whose content changed since
        // (sha256) is refused unless accepted, as `mixel repair` does.
        const { checkProjectImages } = await import('../../project/projectImages.js');
        const changed = (await checkProjectImages(opts.project, project)).filter(
          (c) => c.status === 'changed',
        );
        if (changed.length > 0 && !opts.acceptChanged) {
          throw new UserError(
            `${opts.project}: ${changed[0].path} changed since the project was trained (sha256 differs)${changed.length > 1 ? ` and ${changed.length - 1} more` : ''}; pass --accept-changed to predict anyway`,
          );
        }
        for (const c of changed)
          console.error(`${c.path}: changed since the project was trained; predicting it anyway`);
      }
      if (list.length === 0)
        throw new UserError('no images given and the project has none: name image files to predict');
      // On the whole list, before sharding: shards running as separate jobs would overwrite each other too.
      try {
        checkOutputCollisions(list, opts.output, targets);
      } catch (err) {
        throw new UserError((err as Error).message);
      }
      if (shard) list = selectShard(list, shard);

      const progress = createProgressReporter({ json: opts.json });
      const pool = new WorkerPool({ threads });
      const interruption = stopOnSignals();
      let summary;
      try {
        summary = await predictBatch({
          project,
          images: list,
          targets,
          outputTemplate: opts.output,
          pool,
          axes: opts.axes,
          tileSize,
          signal: interruption.signal,
          adapt: opts.adapt,
          labelsOf: await projectLabels(opts.project, project),
          onEvent: (event) => {
            if (event.type === 'start') {
              progress.begin(event.image, 0, {
                width: event.width,
                height: event.height,
                index: event.index + 1,
                of: event.total,
              });
              if (event.isAxesGuessed)
                progress.note('axes', {
                  image: event.image,
                  guessed: event.axes,
                  hint: '(set --axes to change)',
                });
            } else if (event.type === 'tiles') progress.step(event.done, event.total);
            else if (event.type === 'adapted') {
              // JSON: every plane, as fields; text: only the planes that were adapted, as one line.
              if (opts.json)
                progress.note('adapted', {
                  image: event.image,
                  plane: event.plane,
                  applied: event.applied,
                  reason: event.reason,
                  seconds: +event.seconds.toFixed(2),
                });
              else if (event.applied !== 'none')
                progress.note('adapted', {
                  image: `${event.image}${event.plane > 0 ? ` plane ${event.plane}` : ''}:`,
                  reason: `${event.reason} (${event.seconds.toFixed(1)} s)`,
                });
            } else if (event.type === 'done')
              progress.end(event.image, { outputs: event.outputs, seconds: +event.seconds.toFixed(2) });
            // An image cut short by the interruption is not a failure of that image.
            else if (!interruption.signal.aborted) progress.fail(event.image, event.error);
          },
        });
      } finally {
        interruption.dispose();
        await pool.close();
      }
      if (interruption.exitCode !== undefined) {
        const done = summary.succeeded.length;
        const message = `interrupted after ${done} of ${list.length} images; their outputs are complete, no partial output was left`;
        console.error(`mixel: ${message}`);
        // A --json reader gets its summary too, saying the run did not finish.
        if (opts.json) {
          progress.summary({
            message,
            interrupted: true,
            succeeded: done,
            failed: summary.failed.length,
            seconds: +summary.seconds.toFixed(2),
          });
        }
        process.exitCode = interruption.exitCode;
        return;
      }
      const ok = summary.succeeded.length;
      const failed = summary.failed.length;
      progress.summary({
        message: `${ok} of ${list.length} images predicted in ${summary.seconds.toFixed(1)} s${failed ? `; ${failed} failed` : ''}`,
        succeeded: ok,
        failed,
        seconds: +summary.seconds.toFixed(2),
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        failures: summary.failed,
      });
      if (failed > 0) process.exitCode = EXIT_CODES.someImagesFailed;
    },
  );
}

/**
 * Merges ilastik's spellings into Mixel's options. Giving both spellings of one option is refused unless
 * they agree, so a script never runs with a value it did not mean.
 */
function withIlastikAliases(
  positional: string[],
  opts: PredictOptions,
  cmd: Command,
): { opts: PredictOptions; images: string[] } {
  const equivalents = translateIlastikAliases(opts);
  const merged: PredictOptions = { ...opts };
  const pairs = [
    ['export', 'export_source'],
    ['format', 'output_format'],
    ['dtype', 'export_dtype'],
    ['axes', 'input_axes'],
    ['output', 'output_filename_format'],
  ] as const;
  for (const [mixel, ilastik] of pairs) {
    if (opts[ilastik] === undefined) continue;
    if (cmd.getOptionValueSource(mixel) === 'cli') {
      throw new UserError(`--${mixel} and --${ilastik} both given: keep one of them`);
    }
    if (mixel !== 'output') {
      const value = equivalents[mixel];
      if (value !== undefined) merged[mixel] = value;
    }
  }
  return { opts: merged, images: [...positional, ...equivalents.images] };
}

/**
 * Ctrl-C (SIGINT) or SIGTERM stop the run cleanly: no further image starts, the current one's jobs are
 * cancelled and its temporary files removed, and the exit code says which signal (130 or 143). A second
 * signal ends the process at once.
 */
function stopOnSignals(): { signal: AbortSignal; exitCode?: number; dispose: () => void } {
  const controller = new AbortController();
  const state: { signal: AbortSignal; exitCode?: number; dispose: () => void } = {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onTerminate);
    },
  };
  const stop = (code: number) => {
    if (state.exitCode !== undefined) process.exit(code);
    state.exitCode = code;
    console.error('mixel: stopping: removing the unfinished outputs (signal again to quit at once)');
    controller.abort();
  };
  const onInterrupt = () => stop(EXIT_CODES.interrupted);
  const onTerminate = () => stop(EXIT_CODES.terminated);
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerminate);
  return state;
}

/** The scribbles of the project's own images by their resolved path, for the Labels export. */
async function projectLabels(
  projectPath: string,
  project: import('../../../core/project/Project.js').Project,
): Promise<(imagePath: string, plane: number) => Uint8Array | undefined> {
  const { resolve } = await import('node:path');
  const { getLabels } = await import('../../../core/project/Project.js');
  const { resolveImagePath } = await import('../../project/projectFile.js');
  const ids = new Map(project.images.map((im) => [resolve(resolveImagePath(projectPath, im)), im.id]));
  const planesOf = new Map(project.images.map((im) => [im.id, im.planes]));
  return (imagePath, plane) => {
    const id = ids.get(resolve(imagePath));
    if (id === undefined || plane >= (planesOf.get(id) ?? 1)) return undefined;
    return getLabels(project, id, plane);
  };
}
