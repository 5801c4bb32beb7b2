/**
 * Writes the export sources of one image (ilastik's names): Simple Segmentation (class ids), Probabilities,
 * Uncertainty (1 − (p1 − p2)) and Labels — deflate TIFFs through the command line's writer (float32 pages,
 * the input's pixel size as ImageJ metadata), or 8-bit PNGs scaled 255 = 1.
 * Prediction runs tile by tile through the caller's `predict`, so the feature cache is shared with the
 * live view.
 */
import { rm } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import { PREDICTION_TILE_SIZE } from '../../core/protocol/constants.js';
import type { ExportRequest, ExportSource, LabelClass, ProjectImage } from '../../core/protocol/types.js';
import { tileGrid, type Rect } from '../../core/tiling.js';
import { outputGeometry, type ImageJGeometry } from '../io/imagejGeometry.js';
import { openImage } from '../io/openImage.js';
import { TiffStripWriter, type RasterArray } from '../io/TiffStripWriter.js';
import { commitTemporaryFile, createTemporaryFile } from '../io/writeFileAtomic.js';
import { writeIntegerImage } from '../io/writeIntegerImage.js';
import { writeSegmentationPng } from '../io/writeSegmentationPng.js';
import { prepareOutputFolder } from '../io/prepareOutput.js';

export interface ExportOneImage {
  readonly image: ProjectImage;
  readonly labels: Uint8Array;
  readonly classes: readonly LabelClass[];
  readonly request: ExportRequest;
  /** Probabilities of a rectangle: classes.length planes of rect.width × rect.height. */
  readonly predict: (rect: Rect) => Promise<Float32Array>;
  readonly onFraction: (fraction: number) => void;
}

/** The fields an output pattern may hold; anything else in braces is refused, not written literally. */
export const EXPORT_PATTERN_FIELDS = ['dir', 'name', 'source', 'ext'] as const;

/** The first `{field}` of a pattern that is not one of EXPORT_PATTERN_FIELDS, or null. */
export function unknownPatternField(pattern: string): string | null {
  for (const match of pattern.matchAll(/\{([^}]*)\}/g)) {
    if (!(EXPORT_PATTERN_FIELDS as readonly string[]).includes(match[1])) return match[1];
  }
  return null;
}

/** PNG probabilities get one file per class, suffixed with the class name made file-safe. */
function classSuffix(cls: LabelClass): string {
  return `-${cls.name.replace(/[^A-Za-z0-9_-]+/g, '_')}`;
}

/** Every file an export of one image writes, with the source each holds, in writing order. */
export function exportOutputs(
  request: Pick<ExportRequest, 'sources' | 'format' | 'outputPattern'>,
  imagePath: string,
  classes: readonly LabelClass[],
): { source: ExportSource; path: string }[] {
  const ext = request.format === 'tiff' ? 'tif' : 'png';
  return request.sources.flatMap((source) =>
    source === 'probabilities' && request.format === 'png'
      ? classes.map((c) => ({
          source,
          path: outputPath(request.outputPattern, imagePath, source, ext, classSuffix(c)),
        }))
      : [{ source, path: outputPath(request.outputPattern, imagePath, source, ext) }],
  );
}

/** Fills the output pattern for one image and source. */
export function outputPath(
  pattern: string,
  imagePath: string,
  source: ExportSource,
  ext: string,
  suffix = '',
): string {
  const name = basename(imagePath, extname(imagePath));
  return pattern
    .replaceAll('{dir}', dirname(imagePath))
    .replaceAll('{name}', name)
    .replaceAll('{source}', source + suffix)
    .replaceAll('{ext}', ext);
}

export async function exportOneImage(job: ExportOneImage): Promise<string[]> {
  const { image, classes, request } = job;
  const { width, height } = image;
  const n = width * height;
  const isTiff = request.format === 'tiff';
  const ext = isTiff ? 'tif' : 'png';
  const needsPrediction = request.sources.some((s) => s !== 'labels');
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
  // Every file is written under a reserved temporary name and all are renamed into place at the end, so
  // an image failing at its third file leaves none of its outputs (nor half-replaced old ones).
  const staged: { tmpPath: string; path: string }[] = [];
  const target = async (source: ExportSource, suffix = '') => {
    const path = outputPath(request.outputPattern, image.path, source, ext, suffix);
    await prepareOutputFolder(dirname(path));
    const { tmpPath, handle } = await createTemporaryFile(path);
    await handle.close();
    staged.push({ tmpPath, path });
    return tmpPath;
  };
  try {
    const geometry = isTiff ? await inputGeometry(image.path) : undefined;
    await writeSources(job, target, segmentation, uncertainty, probabilities, geometry);
    for (const { tmpPath, path } of staged) await commitTemporaryFile(tmpPath, path);
  } catch (err) {
    await Promise.all(staged.map(({ tmpPath }) => rm(tmpPath, { force: true })));
    throw err;
  }
  return staged.map(({ path }) => path);
}

/** Writes each requested source of one image to the (temporary) paths `target` hands out. */
async function writeSources(
  job: ExportOneImage,
  target: (source: ExportSource, suffix?: string) => Promise<string>,
  segmentation: Uint8Array,
  uncertainty: Float32Array,
  probabilities: Float32Array[],
  geometry: ImageJGeometry | undefined,
): Promise<void> {
  const { classes, request } = job;
  const { width, height } = job.image;
  const writeTiff = (path: string, pages: RasterArray[], pageNames?: string[], colors?: string[]) =>
    writeTiffPages(path, pages, width, height, { pageNames, geometry, classColors: colors });
  const isTiff = request.format === 'tiff';
  const format = isTiff ? 'tiff' : 'png';
  // TIFF keeps probabilities and uncertainty exact (float32, one page per class, as ilastik exports);
  // PNG holds 8 bits, so they are scaled to 0..255 there, one file per class.
  const toBytes = (plane: Float32Array) => Uint8Array.from(plane, (v) => Math.round(v * 255));
  // Class values as they are, in the class colours: TIFF with an ImageJ LUT (Fiji), PNG with a palette.
  const classColors: string[] = [];
  for (const c of classes) classColors[c.id - 1] = c.color;
  const writeClassValues = async (path: string, values: Uint8Array) =>
    isTiff
      ? writeTiff(path, [values], undefined, classColors)
      : writeSegmentationPng(path, values, width, height, classColors);
  for (const source of request.sources) {
    if (source === 'simple-segmentation') await writeClassValues(await target(source), segmentation);
    if (source === 'labels') await writeClassValues(await target(source), job.labels);
    if (source === 'uncertainty') {
      if (isTiff) await writeTiff(await target(source), [uncertainty], ['Uncertainty']);
      else await writeIntegerImage(await target(source), toBytes(uncertainty), width, height, format);
    }
    if (source === 'probabilities') {
      if (isTiff) {
        await writeTiff(
          await target(source),
          probabilities,
          classes.map((c) => c.name),
        );
      } else {
        for (const [c, cls] of classes.entries()) {
          await writeIntegerImage(
            await target(source, classSuffix(cls)),
            toBytes(probabilities[c]),
            width,
            height,
          );
        }
      }
    }
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

/** One TIFF page per array (all float32 or all uint8), deflated, with the input's geometry. */
async function writeTiffPages(
  path: string,
  pages: RasterArray[],
  width: number,
  height: number,
  extra: { pageNames?: string[]; geometry?: ImageJGeometry; classColors?: string[] },
): Promise<void> {
  const { pageNames, classColors } = extra;
  // ImageJ reads a LUT only from an ImageJ file: a label export of an image without geometry gets a bare one.
  const geometry = extra.geometry ?? (classColors ? outputGeometry(undefined, 1) : undefined);
  const writer = await TiffStripWriter.create(path, {
    width,
    height,
    pages: pages.length,
    sampleType: pages[0] instanceof Float32Array ? 'float32' : 'uint8',
    pageNames,
    geometry: geometry && { ...geometry, channels: pages.length },
    classColors,
  });
  try {
    for (const [page, values] of pages.entries()) await writer.writeRows(page, values);
    await writer.close();
  } catch (err) {
    await writer.abort();
    throw err;
  }
}
