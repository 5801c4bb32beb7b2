/**
 * Writes the export sources of one image for the window — Simple Segmentation (class values), Probabilities,
 * Uncertainty (1 − (p1 − p2)) and Labels (the scribbles) — through the command line's export path: the same
 * sinks (deflate TIFFs with the input's pixel size, greyscale or palette PNGs, npy) under the same names
 * (core/export/exportNames.ts), so the window's `t13_Simple Segmentation.tif` is predict's file.
 * PNG has no floats: the window writes probabilities and uncertainty there as uint8 (255 = 1), one PNG per
 * class for probabilities, as `mixel predict --dtype uint8` does.
 * Prediction runs tile by tile through the caller's `predict`, so the feature cache is shared with the
 * live view.
 */
import { PREDICTION_TILE_SIZE } from '../../core/protocol/constants.js';
import type { ExportRequest, ExportSource, LabelClass, ProjectImage } from '../../core/protocol/types.js';
import { classFileSuffix, type ResultType } from '../../core/export/exportNames.js';
import { tileGrid, type Rect } from '../../core/tiling.js';
import { outputPath, resolveTargets, type ExportTarget } from '../batch/exportTargets.js';
import { convertSamples } from '../batch/predictStreaming.js';
import { createRasterSink, type RasterSink } from '../batch/RasterSink.js';
import { outputGeometry, type ImageJGeometry } from '../io/imagejGeometry.js';
import { openImage } from '../io/openImage.js';

export interface ExportOneImage {
  readonly image: ProjectImage;
  readonly labels: Uint8Array;
  readonly classes: readonly LabelClass[];
  readonly request: ExportRequest;
  /** Probabilities of a rectangle: classes.length planes of rect.width × rect.height. */
  readonly predict: (rect: Rect) => Promise<Float32Array>;
  /** Feature planes of a rectangle (the live view's feature bank), for the Features source. */
  readonly features?: (rect: Rect) => Promise<Float32Array[]>;
  readonly onFraction: (fraction: number) => void;
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
): string[] {
  const parts = { imagePath, result: target.result, format: target.format };
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
  const n = width * height;
  const targets = exportTargets(request);
  const needsPrediction = request.sources.some((s) => s !== 'labels' && s !== 'features');
  const segmentation = new Uint8Array(n);
  const uncertainty = new Float32Array(needsPrediction ? n : 0);
  const probabilities = request.sources.includes('probabilities')
    ? classes.map(() => new Float32Array(n))
    : [];
  if (needsPrediction) {
    const tiles = tileGrid(width, height, PREDICTION_TILE_SIZE, 0);
    for (const [t, { core }] of tiles.entries()) {
      const probs = await job.predict(core);
      const m = core.width * core.height;
      for (let y = 0; y < core.height; y++) {
        for (let x = 0; x < core.width; x++) {
          const local = y * core.width + x;
          const global = (core.y + y) * width + core.x + x;
          let best = -1;
          let bestP = -1;
          let second = 0;
          for (let c = 0; c < classes.length; c++) {
            const p = probs[c * m + local];
            if (p > bestP) {
              second = Math.max(second, bestP);
              bestP = p;
              best = c;
            } else if (p > second) second = p;
            if (probabilities.length) probabilities[c][global] = p;
          }
          segmentation[global] = classes[best].id;
          uncertainty[global] = 1 - (bestP - Math.max(0, second));
        }
      }
      job.onFraction((t + 1) / tiles.length);
    }
  }
  const planesOf: Record<ResultType, () => (Float32Array | Uint8Array)[]> = {
    Probabilities: () => probabilities,
    'Simple Segmentation': () => [segmentation],
    Uncertainty: () => [uncertainty],
    Labels: () => [job.labels],
    // Streamed band by band below: all feature channels of a whole image would not fit in memory.
    Features: () => [],
  };
  // Class values keep their colours: a TIFF's ImageJ LUT, png-color's palette.
  const classColors: string[] = [];
  for (const c of classes) classColors[c.id - 1] = c.color;
  const geometry = await inputGeometry(image.path);
  // Every file is finished under a reserved temporary name and all are renamed into place at the end, so
  // an image failing at its third file leaves none of its outputs (nor half-replaced old ones).
  const sinks: RasterSink[] = [];
  try {
    for (const target of targets) {
      const isLabels = target.result === 'Simple Segmentation' || target.result === 'Labels';
      const isFeatures = target.result === 'Features';
      const bands = isFeatures ? featureBands(job) : null;
      const first = bands ? await bands.next() : null;
      const planes = first && !first.done ? first.value.planes : planesOf[target.result]();
      const paths = targetPaths(request.outputPattern, image.path, target, classes);
      const sink = await createRasterSink({
        path: paths[0],
        channelPaths: paths.length > 1 ? paths : undefined,
        format: target.format,
        width,
        height,
        channels: planes.length,
        sampleType: target.sampleType,
        channelNames:
          target.result === 'Probabilities'
            ? classes.map((c) => c.name)
            : target.result === 'Uncertainty'
              ? ['Uncertainty']
              : undefined,
        // ImageJ reads a LUT only from an ImageJ file: a label export of an image without geometry gets a bare one.
        geometry: { ...(geometry ?? outputGeometry(undefined, 1)), channels: planes.length },
        classColors: isLabels ? classColors : undefined,
      });
      sinks.push(sink);
      const convert = (band: (Float32Array | Uint8Array)[]) =>
        band.map((p) => convertSamples(p, target.sampleType, isLabels));
      if (bands && first && !first.done) {
        await sink.writeBand(first.value.y, convert(first.value.planes));
        for await (const band of bands) await sink.writeBand(band.y, convert(band.planes));
      } else {
        await sink.writeBand(0, convert(planes));
      }
      await sink.finish();
    }
    for (const sink of sinks) await sink.commit();
  } catch (err) {
    await Promise.all(sinks.map((s) => s.abort()));
    throw err;
  }
  return sinks.flatMap((s) => s.paths);
}

/** The image's feature planes a row of tiles at a time, each band stitched from its tiles. */
async function* featureBands(job: ExportOneImage): AsyncGenerator<{ y: number; planes: Float32Array[] }> {
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
      const parts = await features(core);
      if (planes.length === 0) planes = parts.map(() => new Float32Array(bandHeight * width));
      parts.forEach((part, k) => {
        for (let row = 0; row < bandHeight; row++) {
          planes[k].set(part.subarray(row * core.width, (row + 1) * core.width), row * width + core.x);
        }
      });
    }
    job.onFraction((i + 1) / rows.length);
    yield { y, planes };
  }
}

/**
 * Pixel size and z step of the image file as it is now (header only); none when it can no longer be read,
 * which the export does not need (the pixels are in memory).
 */
async function inputGeometry(path: string): Promise<ImageJGeometry | undefined> {
  try {
    return outputGeometry((await openImage(path)).metadata, 1);
  } catch {
    return undefined;
  }
}
