/**
 * Writes the export sources of one image for the window — Simple Segmentation (class values), Probabilities,
 * Uncertainty (1 − (p1 − p2)) and Labels (the scribbles) — through the command line's export path: the same
 * sinks (deflate TIFFs with the input's pixel size, greyscale or palette PNGs, npy) under the same names
 * (core/export/exportNames.ts), so the window's `t13_Simple Segmentation.tif` is predict's file.
 * PNG has no floats: the window writes probabilities and uncertainty there as uint8 (255 = 1), one PNG per
 * class for probabilities, as `mixel predict --dtype uint8` does.
 * Prediction runs tile by tile through the caller's `predict`, so the feature cache is shared with the
 * live view (and a 3-D project's export reads the same 3-D feature blocks the window shows). A z-stack or
 * time-lapse is written plane by plane into one stack file per source with its t and z axes, as `mixel
 * predict` writes it (batch/stackOutputs.ts), or one file per plane when the pattern holds {z}/{t}/{plane}.
 */
import { PREDICTION_TILE_SIZE } from '../../core/protocol/constants.js';
import type { ExportRequest, ExportSource, LabelClass, ProjectImage } from '../../core/protocol/types.js';
import { classFileSuffix, type ResultType } from '../../core/export/exportNames.js';
import type { ImageMetadata } from '../../core/imageMetadata.js';
import { tileGrid, type Rect } from '../../core/tiling.js';
import { outputPath, resolveTargets, type ExportTarget } from '../batch/exportTargets.js';
import { convertSamples } from '../batch/predictStreaming.js';
import { createRasterSink, type RasterSink } from '../batch/RasterSink.js';
import {
  stackOutputLayout,
  type StackInput,
  type StackOutputLayout,
  type StackWording,
} from '../batch/stackOutputs.js';
import { openImage } from '../io/openImage.js';
import { predictExportPlane } from './exportPlanePrediction.js';

/** How the window names the pattern and the stack format when it refuses a stack as PNG. */
const WINDOW_WORDING: StackWording = { pattern: 'the output pattern', stackFormat: 'TIFF' };

export interface ExportOneImage {
  readonly image: ProjectImage;
  /** The scribbles of one plane (flat index t · Z + z), or none (all unlabeled). */
  readonly labelsOf: (plane: number) => Uint8Array | undefined;
  readonly classes: readonly LabelClass[];
  readonly request: ExportRequest;
  /** Probabilities of a rectangle of a plane: classes.length planes of rect.width × rect.height. */
  readonly predict: (rect: Rect, plane: number) => Promise<Float32Array>;
  /** Feature planes of a rectangle of a plane (the live view's feature bank), for the Features source. */
  readonly features?: (rect: Rect, plane: number) => Promise<Float32Array[]>;
  /** Over all planes of the image. */
  readonly onFraction: (fraction: number) => void;
  /** After each plane is written. */
  readonly onPlaneDone?: (plane: number) => void;
  /** Stops between planes (the caller's predict and features stop within one). */
  readonly signal?: AbortSignal;
}

/** The window's source ids and the export sources (ilastik's names) they stand for. */
export const SOURCE_RESULTS: Record<ExportSource, ResultType> = {
  probabilities: 'Probabilities',
  'simple-segmentation': 'Simple Segmentation',
  uncertainty: 'Uncertainty',
  features: 'Features',
  labels: 'Labels',
};

/**
 * What the request writes, as the command line resolves it: PNG probabilities and uncertainty as uint8.
 * Throws (RangeError) what a format cannot hold, e.g. Probabilities as png-color.
 */
export function exportTargets(request: Pick<ExportRequest, 'sources' | 'format'>): ExportTarget[] {
  const results = request.sources.map((s) => SOURCE_RESULTS[s]);
  return resolveTargets(results, request.format, request.format === 'png' ? 'uint8' : undefined);
}

/** The files of one target: one, or one PNG per class for probabilities. */
function targetPaths(
  pattern: string,
  imagePath: string,
  target: ExportTarget,
  classes: readonly LabelClass[],
  plane: { plane?: number; z?: number; t?: number } = {},
): string[] {
  const parts = { imagePath, result: target.result, format: target.format, ...plane };
  if (target.result === 'Probabilities' && target.format === 'png') {
    return classes.map((c) => outputPath(pattern, { ...parts, resultSuffix: classFileSuffix(c.name) }));
  }
  return [outputPath(pattern, parts)];
}

/** Every file an export of one image writes, with the source each holds, in writing order. */
export function exportOutputs(
  request: Pick<ExportRequest, 'sources' | 'format' | 'outputPattern'>,
  imagePath: string,
  classes: readonly LabelClass[],
): { source: ExportSource; path: string }[] {
  const targets = exportTargets(request);
  return request.sources.flatMap((source, i) =>
    targetPaths(request.outputPattern, imagePath, targets[i], classes).map((path) => ({ source, path })),
  );
}

export async function exportOneImage(job: ExportOneImage): Promise<string[]> {
  const { image, classes, request } = job;
  const { width, height } = image;
  const targets = exportTargets(request);
  const stack = stackSizesOf(image);
  let layout: StackOutputLayout;
  try {
    layout = stackOutputLayout(
      { ...stack, metadata: await inputMetadata(image.path) },
      request.outputPattern,
      targets.map((t) => t.format),
      WINDOW_WORDING,
    );
  } catch (err) {
    throw new Error(`${image.name}: ${(err as Error).message}`);
  }
  const needsPrediction = request.sources.some((s) => s !== 'labels' && s !== 'features');
  const wantsFeatures = request.sources.includes('features');
  // Class values keep their colours: a TIFF's ImageJ LUT, png-color's palette.
  const classColors: string[] = [];
  for (const c of classes) classColors[c.id - 1] = c.color;
  // Every file is finished under a reserved temporary name and all are renamed into place at the end, so
  // an image failing at its last plane or third file leaves none of its outputs (nor half-replaced old ones).
  const created: RasterSink[] = [];
  const stackSinks = new Map<ExportTarget, RasterSink>();
  /** The sink a plane of `target` goes to and the plane's index in it, created on first use. */
  const sinkFor = async (target: ExportTarget, plane: number, channels: number) => {
    const existing = stackSinks.get(target);
    if (existing) return { sink: existing, index: plane };
    const isLabels = target.result === 'Simple Segmentation' || target.result === 'Labels';
    const paths = targetPaths(
      request.outputPattern,
      image.path,
      target,
      classes,
      layout.isPerPlane ? layout.planeName(plane) : {},
    );
    const sink = await createRasterSink({
      path: paths[0],
      channelPaths: paths.length > 1 ? paths : undefined,
      format: target.format,
      width,
      height,
      channels,
      sampleType: target.sampleType,
      channelNames:
        target.result === 'Probabilities'
          ? classes.map((c) => c.name)
          : target.result === 'Uncertainty'
            ? ['Uncertainty']
            : undefined,
      planeShape: layout.isPerPlane ? [] : layout.stackShape,
      // ImageJ reads a LUT only from an ImageJ file: a label export of an image without geometry gets a bare one.
      geometry: layout.geometry(channels),
      classColors: isLabels ? classColors : undefined,
    });
    created.push(sink);
    if (!layout.isPerPlane) stackSinks.set(target, sink);
    return { sink, index: layout.isPerPlane ? 0 : plane };
  };
  try {
    for (let plane = 0; plane < stack.planes; plane++) {
      job.signal?.throwIfAborted();
      // Steps of this plane: its prediction tiles, then its feature bands.
      const parts = (needsPrediction ? 1 : 0) + (wantsFeatures ? 1 : 0);
      let partsDone = 0;
      const onPart = (fraction: number) =>
        job.onFraction((plane + (partsDone + fraction) / Math.max(1, parts)) / stack.planes);
      const predicted = needsPrediction
        ? await predictExportPlane(
            width,
            height,
            classes,
            request.sources.includes('probabilities'),
            (rect) => job.predict(rect, plane),
            onPart,
          )
        : null;
      if (predicted) partsDone++;
      const labels = job.labelsOf(plane) ?? new Uint8Array(width * height);
      const planesOf: Record<Exclude<ResultType, 'Features'>, () => (Float32Array | Uint8Array)[]> = {
        Probabilities: () => predicted!.probabilities,
        'Simple Segmentation': () => [predicted!.segmentation],
        Uncertainty: () => [predicted!.uncertainty],
        Labels: () => [labels],
      };
      const planeSinks: RasterSink[] = [];
      for (const target of targets) {
        const isLabels = target.result === 'Simple Segmentation' || target.result === 'Labels';
        const convert = (band: (Float32Array | Uint8Array)[]) =>
          band.map((p) => convertSamples(p, target.sampleType, isLabels));
        if (target.result === 'Features') {
          // Streamed band by band: all feature channels of a whole plane would not fit in memory.
          for await (const band of featureBands(job, plane, onPart)) {
            const { sink, index } = await sinkFor(target, plane, band.planes.length);
            if (!planeSinks.includes(sink)) planeSinks.push(sink);
            await sink.writeBand(band.y, convert(band.planes), index);
          }
          continue;
        }
        const planes = planesOf[target.result]();
        const { sink, index } = await sinkFor(target, plane, planes.length);
        planeSinks.push(sink);
        await sink.writeBand(0, convert(planes), index);
      }
      if (layout.isPerPlane) for (const sink of planeSinks) await sink.finish();
      job.onPlaneDone?.(plane);
    }
    if (!layout.isPerPlane) for (const sink of created) await sink.finish();
    for (const sink of created) await sink.commit();
  } catch (err) {
    await Promise.all(created.map((s) => s.abort()));
    throw err;
  }
  return created.flatMap((s) => s.paths);
}

/** Planes, z and t of the image as the window indexes them (p = t · z + z); a stack of z alone if they disagree. */
function stackSizesOf(image: ProjectImage): StackInput {
  const planes = Math.max(1, image.planes ?? 1);
  const zSize = image.sizeZ ?? planes;
  const tSize = image.sizeT ?? 1;
  const axes = image.axes ?? (planes > 1 ? 'zyx' : 'yx');
  return zSize * tSize === planes
    ? { planes, zSize, tSize, axes }
    : { planes, zSize: planes, tSize: 1, axes };
}

/** The image's feature planes a row of tiles at a time, each band stitched from its tiles. */
async function* featureBands(
  job: ExportOneImage,
  plane: number,
  onFraction: (fraction: number) => void,
): AsyncGenerator<{ y: number; planes: Float32Array[] }> {
  const features = job.features;
  if (!features) throw new Error('no features to export: the classifier has not computed any yet');
  const { width, height } = job.image;
  const tiles = tileGrid(width, height, PREDICTION_TILE_SIZE, 0).map((t) => t.core);
  const rows = [...new Set(tiles.map((t) => t.y))];
  for (const [i, y] of rows.entries()) {
    const band = tiles.filter((t) => t.y === y);
    const bandHeight = band[0].height;
    let planes: Float32Array[] = [];
    for (const core of band) {
      const parts = await features(core, plane);
      if (planes.length === 0) planes = parts.map(() => new Float32Array(bandHeight * width));
      parts.forEach((part, k) => {
        for (let row = 0; row < bandHeight; row++) {
          planes[k].set(part.subarray(row * core.width, (row + 1) * core.width), row * width + core.x);
        }
      });
    }
    onFraction((i + 1) / rows.length);
    yield { y, planes };
  }
}

/**
 * Pixel size and z step of the image file as it is now (header only); none when it can no longer be read,
 * which the export does not need (the pixels are in memory).
 */
async function inputMetadata(path: string): Promise<ImageMetadata | undefined> {
  try {
    return (await openImage(path)).metadata;
  } catch {
    return undefined;
  }
}
