/**
 * The window's batch export: the requested images one after another, each with its own progress (over all
 * planes of a stack), a failing image reported with its error while the others go on, and a cancel that
 * stops between planes and images.
 */
import { resolve } from 'node:path';
import { ServiceError } from '../../core/protocol/ServiceError.js';
import type { ExportRequest, ExportResult, LabelClass, Progress } from '../../core/protocol/types.js';
import type { Rect } from '../../core/tiling.js';
import { templateFields } from '../../core/export/exportNames.js';
import { exportOneImage, exportOutputs, exportTargets } from './exportImage.js';
import type { OpenImage } from './projectImage.js';

export interface ExportContext {
  readonly image: (imageId: string) => OpenImage | undefined;
  readonly classes: readonly LabelClass[];
  /** Probabilities of a rectangle of a plane of an image, or null while there is no classifier. */
  readonly predict: ((image: OpenImage, rect: Rect, plane: number) => Promise<Float32Array>) | null;
  /** Feature planes of a rectangle of a plane (the live view's feature bank), for the Features source. */
  readonly features?: (image: OpenImage, rect: Rect, plane: number) => Promise<Float32Array[]>;
  readonly onProgress: (progress: Progress) => void;
  /** Called as an image's export begins, and after each of its planes is written (to free its features). */
  readonly onImageStart?: (image: OpenImage) => void;
  readonly onPlaneDone?: (image: OpenImage, plane: number) => void;
}

export async function exportImagesInTurn(
  request: ExportRequest,
  signal: AbortSignal,
  context: ExportContext,
): Promise<ExportResult['images']> {
  checkExportPlan(request, context);
  const results: ExportResult['images'][number][] = [];
  const total = request.imageIds.length;
  const report = (p: Omit<Progress, 'requestId' | 'task' | 'total'>) =>
    context.onProgress({ requestId: request.requestId, task: 'Exporting', total, ...p });
  for (const [i, imageId] of request.imageIds.entries()) {
    if (signal.aborted) break;
    const image = context.image(imageId);
    try {
      if (!image) throw new Error(`image ${imageId} is not in the project`);
      const predict = context.predict;
      if (request.sources.some((s) => s !== 'labels' && s !== 'features') && !predict) {
        throw new Error('no classifier yet: paint labels for at least two classes first');
      }
      context.onImageStart?.(image);
      const paths = await exportOneImage({
        image: image.info,
        // Each plane's own scribbles; a plane never painted has no raster (all unlabeled).
        labelsOf: (plane) => (plane === 0 ? image.labels : image.labelPlanes.get(plane)),
        classes: context.classes,
        request,
        predict: (rect, plane) => predict!(image, rect, plane),
        features: context.features && ((rect, plane) => context.features!(image, rect, plane)),
        onFraction: (imageFraction) => report({ done: i, imageId, imageFraction }),
        onPlaneDone: (plane) => context.onPlaneDone?.(image, plane),
        signal,
      });
      results.push({ imageId, paths });
      report({ done: i + 1, imageId, imageFraction: 1 });
    } catch (err) {
      if (signal.aborted) break;
      const error = (err as Error).message;
      results.push({ imageId, paths: [], error });
      report({ done: i + 1, imageId, error });
    }
  }
  return results;
}

/**
 * Refuses, before anything is written, a pattern with an unknown `{field}` (it was written literally), a
 * source the format cannot hold (Probabilities as png-color), and a request in which two images, sources
 * or classes map to one file (the later silently overwrote the earlier). The one-line message names both
 * and the file.
 */
export function checkExportPlan(
  request: ExportRequest,
  context: Pick<ExportContext, 'image' | 'classes'>,
): void {
  try {
    templateFields(request.outputPattern);
  } catch (err) {
    throw new ServiceError('export-pattern', `the output pattern has an ${(err as Error).message}`);
  }
  try {
    exportTargets(request);
  } catch (err) {
    throw new ServiceError('export-format', (err as Error).message.replace(/--format /g, ''));
  }
  const owners = new Map<string, string>();
  for (const imageId of request.imageIds) {
    const image = context.image(imageId);
    if (!image) continue; // reported per image by the export itself
    owners.set(resolve(image.info.path), `the image ${image.info.path}`);
  }
  for (const imageId of request.imageIds) {
    const image = context.image(imageId);
    if (!image) continue;
    for (const { source, path } of exportOutputs(request, image.info.path, context.classes)) {
      const key = resolve(path);
      const owner = `${source} of ${image.info.path}`;
      const previous = owners.get(key);
      if (previous !== undefined) {
        throw new ServiceError(
          'export-collision',
          `${previous} and ${owner} would both be written to ${path}: add {nickname}, {result_type} or {dataset_dir} to the pattern`,
        );
      }
      owners.set(key, owner);
    }
  }
}
