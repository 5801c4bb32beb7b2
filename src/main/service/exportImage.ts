/**
 * Writes the export sources of one image (ilastik's names): Simple Segmentation (class ids), Probabilities
 * (one 8-bit file per class, 255 = 1), Uncertainty (8-bit, 255 = 1, where 1 − (p1 − p2)) and Labels.
 * Prediction runs tile by tile through the caller's `predict`, so the feature cache is shared with the
 * live view.
 */
import { mkdir } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import { PREDICTION_TILE_SIZE } from '../../core/protocol/constants.js';
import type { ExportRequest, ExportSource, LabelClass, ProjectImage } from '../../core/protocol/types.js';
import { tileGrid, type Rect } from '../../core/tiling.js';
import { writeIntegerImage } from '../io/writeIntegerImage.js';

export interface ExportOneImage {
  readonly image: ProjectImage;
  readonly labels: Uint8Array;
  readonly classes: readonly LabelClass[];
  readonly request: ExportRequest;
  /** Probabilities of a rectangle: classes.length planes of rect.width × rect.height. */
  readonly predict: (rect: Rect) => Promise<Float32Array>;
  readonly onFraction: (fraction: number) => void;
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
  const ext = request.format === 'tiff' ? 'tif' : 'png';
  const needsPrediction = request.sources.some((s) => s !== 'labels');
  const segmentation = new Uint8Array(n);
  const uncertainty = new Uint8Array(n);
  const probabilities = request.sources.includes('probabilities') ? classes.map(() => new Uint8Array(n)) : [];
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
            if (probabilities.length) probabilities[c][global] = Math.round(p * 255);
          }
          segmentation[global] = classes[best].id;
          uncertainty[global] = Math.round((1 - (bestP - Math.max(0, second))) * 255);
        }
      }
      job.onFraction((t + 1) / tiles.length);
    }
  }
  const written: string[] = [];
  const write = async (path: string, pixels: Uint8Array) => {
    await mkdir(dirname(path), { recursive: true });
    await writeIntegerImage(path, pixels, width, height);
    written.push(path);
  };
  for (const source of request.sources) {
    if (source === 'simple-segmentation')
      await write(outputPath(request.outputPattern, image.path, source, ext), segmentation);
    if (source === 'uncertainty')
      await write(outputPath(request.outputPattern, image.path, source, ext), uncertainty);
    if (source === 'labels')
      await write(outputPath(request.outputPattern, image.path, source, ext), job.labels);
    if (source === 'probabilities') {
      for (const [c, cls] of classes.entries()) {
        const suffix = `-${cls.name.replace(/[^A-Za-z0-9_-]+/g, '_')}`;
        await write(outputPath(request.outputPattern, image.path, source, ext, suffix), probabilities[c]);
      }
    }
  }
  return written;
}
