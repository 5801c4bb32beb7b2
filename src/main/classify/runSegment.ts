/**
 * The `mixel segment` pipeline: read the image and its label image, normalize intensities, train on the
 * labeled pixels, predict every pixel and write the chosen outputs under ilastik's export names.
 */
import { rm } from 'node:fs/promises';
import { presetSelection } from '../../core/features/selection.js';
import type { PlanarImage } from '../../core/image.js';
import { applyNormalization, percentiles } from '../../core/normalization.js';
import { checkMemoryBudget, describeShape, segmentPeakBytes } from '../cli/memoryBudget.js';
import { UserError } from '../cli/UserError.js';
import { WorkerPool } from '../engine/WorkerPool.js';
import { assertFeatureInput, assertFiniteSamples } from '../io/checkImageValues.js';
import { ImageReadError } from '../io/ImageReadError.js';
import { asOutputError } from '../io/fileErrors.js';
import { openImage, readImage } from '../io/openImage.js';
import { prepareOutputFolder, removeCreatedFolders } from '../io/prepareOutput.js';
import { TiffStripWriter } from '../io/TiffStripWriter.js';
import { writeSegmentationPng } from '../io/writeSegmentationPng.js';
import { predictImage } from './predictImage.js';
import { trainClassifier } from './trainClassifier.js';

export interface SegmentRequest {
  readonly imagePath: string;
  readonly labelsPath: string;
  readonly outDir: string;
  readonly exports: readonly ('probabilities' | 'segmentation' | 'uncertainty')[];
  readonly preset: 'default' | 'all';
  readonly threads?: number;
  readonly seed: number;
  /** Output file stem (the image's name without extension). */
  readonly name: string;
  readonly join: (...parts: string[]) => string;
}

/**
 * Per-image percentiles mapped to 0..1 before features: training and prediction see the same image, so
 * this only guards precision and 16-bit data on a large camera offset (HeLa: ~33000) — it never changes
 * which pixels look alike.
 */
const NORMALIZE_PERCENTILES = [0.1, 99.9];

export async function runSegment(req: SegmentRequest): Promise<string[]> {
  const { info } = await explainImageErrors(() => openImage(req.imagePath));
  const shape = { path: req.imagePath, ...info };
  // Two classes at least: the class count is known only once the labels are read.
  checkMemoryBudget(describeShape(shape), segmentPeakBytes(shape, 2), SEGMENT_MEMORY_REMEDY);
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
  const createdFolders = await prepareOutputFolder(req.outDir);
  const pool = new WorkerPool(req.threads ? { threads: req.threads } : {});
  try {
    const model = await trainClassifier(pool, [{ image, labels }], selection, convention, { seed: req.seed });
    const result = await predictImage(pool, image, model, selection, convention);
    const { width, height } = image;
    const outputs: { path: string; write: (path: string) => Promise<void> }[] = [];
    const outPath = (suffix: string) => req.join(req.outDir, `${req.name}_${suffix}`);
    if (req.exports.includes('segmentation')) {
      outputs.push({
        path: outPath('Simple Segmentation.png'),
        write: (path) => writeSegmentationPng(path, result.segmentation, width, height),
      });
    }
    if (req.exports.includes('probabilities')) {
      const names = model.classes.map((c) => `class ${c}`);
      outputs.push({
        path: outPath('Probabilities.tif'),
        write: (path) => writeFloatTiff(path, result.probabilities, width, height, names),
      });
    }
    if (req.exports.includes('uncertainty')) {
      outputs.push({
        path: outPath('Uncertainty.tif'),
        write: (path) => writeFloatTiff(path, [result.uncertainty], width, height, ['Uncertainty']),
      });
    }
    const written: string[] = [];
    for (const { path, write } of outputs) {
      try {
        await write(path);
        written.push(path);
      } catch (err) {
        // All outputs or none: a half-written set would pass for a finished run.
        await Promise.all(written.map((done) => rm(done, { force: true })));
        throw asOutputError(path, err);
      }
    }
    return written;
  } catch (err) {
    await removeCreatedFolders(createdFolders);
    throw err;
  } finally {
    await pool.close();
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
  return applyNormalization(image, { low, high });
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

async function writeFloatTiff(
  path: string,
  pages: Float32Array[],
  width: number,
  height: number,
  pageNames: string[],
): Promise<void> {
  const writer = await TiffStripWriter.create(path, {
    width,
    height,
    pages: pages.length,
    sampleType: 'float32',
    pageNames,
  });
  try {
    for (let p = 0; p < pages.length; p++) await writer.writeRows(p, pages[p]);
    await writer.close();
  } catch (err) {
    await writer.abort();
    throw err;
  }
}
