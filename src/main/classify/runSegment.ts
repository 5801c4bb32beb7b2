/**
 * The `mixel segment` pipeline: read the image and its label image, normalize intensities, train on the
 * labeled pixels, then export through the same path as `mixel predict` — the image streamed band by band
 * into the same sinks under the same names (core/export/exportNames.ts), so every source and format
 * predict writes, segment writes alike.
 */
import { dirname } from 'node:path';
import { DEFAULT_CLASS_COLORS } from '../../core/project/Project.js';
import { featureHaloPx } from '../../core/features/computeFeatures.js';
import { featureOffsets } from '../../core/features/featureOffset.js';
import { featureChannelNames, presetSelection } from '../../core/features/selection.js';
import { cropPlane, type PlanarImage } from '../../core/image.js';
import type { ImageSource } from '../../core/imageSource.js';
import { applyNormalization, DEFAULT_PERCENTILE_MODE, percentiles } from '../../core/normalization.js';
import { DEFAULT_TILE_SIZE } from '../../core/tiling.js';
import {
  checkOutputCollisions,
  outputChannelCount,
  outputPath,
  type ExportTarget,
} from '../batch/exportTargets.js';
import { predictStreaming, type StreamOutput } from '../batch/predictStreaming.js';
import { createRasterSink, type RasterSink } from '../batch/RasterSink.js';
import { checkMemoryBudget, describeShape, segmentPeakBytes } from '../cli/memoryBudget.js';
import { UserError } from '../cli/UserError.js';
import { WorkerPool } from '../engine/WorkerPool.js';
import { assertFeatureInput, assertFiniteSamples } from '../io/checkImageValues.js';
import { ImageReadError } from '../io/ImageReadError.js';
import { asOutputError } from '../io/fileErrors.js';
import { outputGeometry } from '../io/imagejGeometry.js';
import { openImage, readImage } from '../io/openImage.js';
import { prepareOutputFolder, removeCreatedFolders } from '../io/prepareOutput.js';
import { modelKeyOf } from './predictImage.js';
import { trainClassifier } from './trainClassifier.js';
import { classFileSuffix } from '../../core/export/exportNames.js';

export interface SegmentRequest {
  readonly imagePath: string;
  readonly labelsPath: string;
  /** Output file name template (exportNames.ts), e.g. `out/{nickname}_{result_type}.{ext}`. */
  readonly outputTemplate: string;
  readonly targets: readonly ExportTarget[];
  readonly preset: 'default' | 'all';
  readonly threads?: number;
  readonly seed: number;
  readonly onTile?: (done: number, total: number) => void;
}

/**
 * Per-image percentiles mapped to 0..1 before features: training and prediction see the same image, so
 * this only guards precision and 16-bit data on a large camera offset (HeLa: ~33000) — it never changes
 * which pixels look alike.
 */
const NORMALIZE_PERCENTILES = [0.1, 99.9];

/** Trains on the image's scribbles and writes the requested exports; returns the files written. */
export async function runSegment(req: SegmentRequest): Promise<string[]> {
  const opened = await explainImageErrors(() => openImage(req.imagePath));
  const { info } = opened;
  const shape = { path: req.imagePath, ...info };
  // Two classes at least: the class count is known only once the labels are read.
  checkMemoryBudget(describeShape(shape), segmentPeakBytes(shape, 2), SEGMENT_MEMORY_REMEDY);
  explainOutputErrors(() =>
    checkOutputCollisions([req.imagePath, req.labelsPath], req.outputTemplate, req.targets),
  );
  const raw = await readOrExplain(req.imagePath);
  const image = explainImageErrors(() => {
    assertFiniteSamples(req.imagePath, raw);
    const normalized = normalize(raw);
    assertFeatureInput(req.imagePath, normalized, SEGMENT_RANGE_REMEDY);
    return normalized;
  });
  const labels = checkLabels(await readOrExplain(req.labelsPath), image, req.labelsPath);
  const selection = presetSelection(req.preset);
  const convention = 'ilastik' as const;
  const paths = req.targets.map((t) =>
    outputPath(req.outputTemplate, { imagePath: req.imagePath, result: t.result, format: t.format }),
  );
  const createdFolders: string[] = [];
  for (const folder of new Set(paths.map((p) => dirname(p)))) {
    createdFolders.push(...(await prepareOutputFolder(folder)));
  }
  const pool = new WorkerPool(req.threads ? { threads: req.threads } : {});
  const sinks: RasterSink[] = [];
  try {
    const model = await trainClassifier(pool, [{ image, labels }], selection, convention, { seed: req.seed });
    const modelKey = modelKeyOf(model);
    const classNames = model.classes.map((c) => `class ${c}`);
    const outputs: StreamOutput[] = [];
    for (const [i, target] of req.targets.entries()) {
      const channels = outputChannelCount(target.result, model);
      const sink = await createRasterSink({
        path: paths[i],
        channelPaths:
          target.format === 'png' && channels > 1
            ? classNames.map((name) =>
                outputPath(req.outputTemplate, {
                  imagePath: req.imagePath,
                  result: target.result,
                  format: target.format,
                  resultSuffix: classFileSuffix(name),
                }),
              )
            : undefined,
        format: target.format,
        width: image.width,
        height: image.height,
        channels,
        sampleType: target.sampleType,
        channelNames:
          target.result === 'Probabilities'
            ? classNames
            : target.result === 'Features'
              ? featureChannelNames(selection, image.channels.length)
              : undefined,
        geometry: outputGeometry(opened.metadata, channels),
        classColors:
          target.result === 'Simple Segmentation' || target.result === 'Labels'
            ? DEFAULT_CLASS_COLORS
            : undefined,
      });
      sinks.push(sink);
      outputs.push({ result: target.result, sampleType: target.sampleType, sink, rescale: target.rescale });
    }
    // One offset per image channel, shared by its tiles (featureOffset.ts).
    const offsets = featureOffsets(image.channels);
    await predictStreaming({
      source: memorySource(req.imagePath, image),
      plane: 0,
      tileSize: DEFAULT_TILE_SIZE,
      haloPx: featureHaloPx(selection, convention),
      normalize: (band) => band,
      classifyTile: async (tile) =>
        (
          await pool.run(
            'classifyTile',
            { ...tile, selection, convention, model, modelKey, offsets },
            { transfer: tile.planes.map((p) => p.buffer as ArrayBuffer) },
          )
        ).probabilities,
      computeTileFeatures: async (tile) =>
        (
          await pool.run(
            'featureTile',
            { ...tile, selection, convention, offsets },
            { transfer: tile.planes.map((p) => p.buffer as ArrayBuffer) },
          )
        ).planes,
      classValues: model.classes,
      outputs,
      labelRows: (y0, rows) => labels.subarray(y0 * image.width, (y0 + rows) * image.width),
      onTile: req.onTile,
    });
    // All outputs or none: a half-written set would pass for a finished run.
    for (const sink of sinks) await sink.finish().catch((err: unknown) => failOutput(sink, err));
    for (const sink of sinks) await sink.commit().catch((err: unknown) => failOutput(sink, err));
    return sinks.flatMap((sink) => sink.paths);
  } catch (err) {
    await Promise.all(sinks.map((sink) => sink.abort()));
    await removeCreatedFolders(createdFolders);
    throw err;
  } finally {
    await pool.close();
  }
}

function failOutput(sink: RasterSink, err: unknown): never {
  throw asOutputError(sink.path, err);
}

/** The normalized image, held whole, as an ImageSource the streaming export reads bands of. */
function memorySource(name: string, image: PlanarImage): ImageSource {
  const { width, height } = image;
  return {
    name,
    info: {
      width,
      height,
      pages: 1,
      channels: image.channels.length,
      planes: 1,
      sampleType: 'float32',
      axes: image.channels.length > 1 ? 'yxc' : 'yx',
      format: 'memory',
    },
    readRegion: async (rect) => ({
      width: rect.width,
      height: rect.height,
      channels: image.channels.map((p) => cropPlane(p, width, rect.x, rect.y, rect.width, rect.height)),
    }),
  };
}

/** An output name that would overwrite the image or its labels is a usage error. */
function explainOutputErrors(run: () => void): void {
  try {
    run();
  } catch (err) {
    throw new UserError((err as Error).message.replace('change --output', 'change --output or --out'));
  }
}

const SEGMENT_MEMORY_REMEDY =
  'segment holds the whole image; train a project on a crop (`mixel train`) and run `mixel predict`, which streams images of any size';

/** Outliers far outside the percentiles stay outside after normalization (see applyNormalization). */
const SEGMENT_RANGE_REMEDY =
  'segment maps the 0.1–99.9 % percentiles to 0..1 first, so this pixel is an extreme outlier: clip the outliers';

async function readOrExplain(path: string): Promise<PlanarImage> {
  return explainImageErrors(async () => (await readImage(path)).image);
}

/** Image problems become one-line user errors naming the file. */
function explainImageErrors<T>(run: () => T): T {
  const explain = (err: unknown): never => {
    if (err instanceof ImageReadError) throw new UserError(err.message);
    throw err;
  };
  try {
    const result = run();
    return result instanceof Promise ? (result.catch(explain) as T) : result;
  } catch (err) {
    return explain(err);
  }
}

function normalize(image: PlanarImage): PlanarImage {
  const low: number[] = [];
  const high: number[] = [];
  for (const plane of image.channels) {
    const [lo, hi] = percentiles(plane, NORMALIZE_PERCENTILES);
    low.push(lo);
    high.push(hi);
  }
  return applyNormalization(image, { low, high }, DEFAULT_PERCENTILE_MODE);
}

/** The label image as classes 1..K (0 unlabeled), or a one-line error naming the file and the fix. */
export function checkLabels(labelImage: PlanarImage, image: PlanarImage, path: string): Uint8Array {
  if (labelImage.width !== image.width || labelImage.height !== image.height) {
    throw new UserError(
      `${path}: labels are ${labelImage.width} × ${labelImage.height} but the image is ${image.width} × ${image.height}; paint the labels on the same image`,
    );
  }
  if (labelImage.channels.length !== 1) {
    throw new UserError(
      `${path}: labels need one channel (got ${labelImage.channels.length}); save them as a greyscale PNG`,
    );
  }
  const plane = labelImage.channels[0];
  const labels = new Uint8Array(plane.length);
  const present = new Set<number>();
  for (let i = 0; i < plane.length; i++) {
    const v = plane[i];
    if (!(Number.isInteger(v) && v >= 0 && v <= 255)) {
      throw new UserError(
        `${path}: label value ${v} is not a class (use 0 for unlabeled and 1..K for the classes)`,
      );
    }
    labels[i] = v;
    if (v > 0) present.add(v);
  }
  const classes = [...present].sort((a, b) => a - b);
  if (classes.length < 2) {
    throw new UserError(
      `${path}: labels hold ${classes.length === 0 ? 'no class' : `only class ${classes[0]}`}; paint at least two classes (1..K)`,
    );
  }
  const k = classes.length;
  if (classes[k - 1] !== k) {
    throw new UserError(
      `${path}: label values ${classes.join(', ')} go beyond the ${k} classes present; number the classes 1..${k} (0 = unlabeled)`,
    );
  }
  return labels;
}
