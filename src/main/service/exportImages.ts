/**
 * The window's batch export: the requested images one after another, each with its own progress, a
 * failing image reported with its error while the others go on, and a cancel that stops between images.
 */
import type { ExportRequest, ExportResult, LabelClass, Progress } from '../../core/protocol/types.js';
import type { Rect } from '../../core/tiling.js';
import { exportOneImage } from './exportImage.js';
import type { OpenImage } from './projectImage.js';

export interface ExportContext {
  readonly image: (imageId: string) => OpenImage | undefined;
  readonly classes: readonly LabelClass[];
  /** Probabilities of a rectangle of an image, or null while there is no classifier. */
  readonly predict: ((image: OpenImage, rect: Rect) => Promise<Float32Array>) | null;
  readonly onProgress: (progress: Progress) => void;
}

export async function exportImagesInTurn(
  request: ExportRequest,
  signal: AbortSignal,
  context: ExportContext,
): Promise<ExportResult['images']> {
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
      if (request.sources.some((s) => s !== 'labels') && !predict) {
        throw new Error('no classifier yet: paint labels for at least two classes first');
      }
      const paths = await exportOneImage({
        image: image.info,
        labels: image.labels,
        classes: context.classes,
        request,
        predict: (rect) => predict!(image, rect),
        onFraction: (imageFraction) => report({ done: i, imageId, imageFraction }),
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
