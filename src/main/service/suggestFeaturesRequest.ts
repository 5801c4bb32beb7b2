/**
 * MixelService.suggestFeatures on the service's state: picks the preview crop (centre of the view), hands
 * the images' labels and pixels to suggestFeatureSets, scores on the pool (in-process for engines
 * without it) and reports progress as "Suggesting features".
 */
import { PREDICTION_TILE_SIZE } from '../../core/protocol/constants.js';
import type {
  FeatureMatrix,
  Progress,
  Rect,
  SuggestFeaturesRequest,
  SuggestFeaturesResult,
} from '../../core/protocol/types.js';
import type { ClassifierEngine } from './ClassifierEngine.js';
import { scoreFeatureSetsJob } from '../engine/jobs/scoreFeatureSetsJob.js';
import type { PlanarImage } from '../../core/image.js';
import { labelledPlanes, labelsOf } from './planeLabels.js';
import type { OpenImage } from './projectImage.js';
import { SUGGEST_PREVIEW_PX } from './suggestFeatureConstants.js';
import { suggestFeatureSets, universeCells } from './suggestFeatures.js';

export interface SuggestContext {
  readonly engine: ClassifierEngine;
  readonly images: readonly OpenImage[];
  /** The image on screen (already checked to be in the project). */
  readonly image: OpenImage;
  readonly classIds: readonly number[];
  readonly features: FeatureMatrix;
  readonly onProgress: (progress: Progress) => void;
  /** Features of a grid tile of one plane under the project's current selection, from the service's cache. */
  readonly cachedTileFeatures: (
    image: OpenImage,
    core: Rect,
    signal: AbortSignal,
    plane: number,
  ) => Promise<Float32Array[]>;
  /** The pixels the features read of one plane (after normalization: a stack's by its frame's range). */
  readonly planePixels: (image: OpenImage, plane: number) => Promise<PlanarImage>;
}

export async function runSuggestFeatures(
  request: SuggestFeaturesRequest,
  context: SuggestContext,
  signal: AbortSignal,
): Promise<SuggestFeaturesResult> {
  const started = performance.now();
  const previewRect = previewCrop(request.viewRect, context.image.info.width, context.image.info.height);
  const { engine } = context;
  const plane = request.plane ?? 0;
  const byId = new Map(context.images.map((im) => [im.info.id, im]));
  try {
    const outcome = await suggestFeatureSets(
      {
        // Every labelled plane of every image, each with its own 2-D features.
        images: context.images.flatMap((im) =>
          [...new Set([0, ...labelledPlanes(im)])].map((labelled) => ({
            id: im.info.id,
            plane: labelled,
            width: im.info.width,
            height: im.info.height,
            labels: labelsOf(im, labelled),
            pixels: context.planePixels(im, labelled),
          })),
        ),
        classIds: context.classIds,
        current: context.features,
        // The previews segment the plane on screen.
        preview: {
          pixels: await context.planePixels(context.image, plane),
          rect: previewRect,
        },
        tileSize: PREDICTION_TILE_SIZE,
      },
      {
        computeFeatures: (image, core, features, s) => engine.computeTileFeatures(image, core, features, s),
        // The usual case: the project still computes ilastik's default matrix, so painting has cached
        // the scribbled tiles' features already.
        gridTileFeatures: sameMatrix(context.features, universeCells(1).universe)
          ? (imageId, plane, core, s) => context.cachedTileFeatures(byId.get(imageId)!, core, s, plane)
          : undefined,
        scoreSets: (input, s) =>
          engine.scoreFeatureSets
            ? engine.scoreFeatureSets(input, s)
            : Promise.resolve(scoreFeatureSetsJob(input)),
        onProgress: (done, total) =>
          context.onProgress({ requestId: request.requestId, task: 'Suggesting features', done, total }),
      },
      signal,
    );
    return {
      requestId: request.requestId,
      isCancelled: false,
      suggestions: outcome.suggestions,
      current: outcome.current,
      previewRect,
      sampleCount: outcome.sampleCount,
      totalMs: performance.now() - started,
    };
  } catch (err) {
    if (!signal.aborted) throw err;
    // The status line must not keep showing a task that stopped.
    context.onProgress({ requestId: request.requestId, task: 'Suggesting features', done: 1, total: 1 });
    return {
      requestId: request.requestId,
      isCancelled: true,
      suggestions: [],
      current: null,
      previewRect,
      sampleCount: 0,
      totalMs: performance.now() - started,
    };
  }
}

/** The centre of the view, at most SUGGEST_PREVIEW_PX square, inside the image. */
export function previewCrop(view: Rect, width: number, height: number): Rect {
  const w = Math.min(SUGGEST_PREVIEW_PX, width);
  const h = Math.min(SUGGEST_PREVIEW_PX, height);
  const cx = view.x + view.width / 2;
  const cy = view.y + view.height / 2;
  const x = Math.max(0, Math.min(width - w, Math.round(cx - w / 2)));
  const y = Math.max(0, Math.min(height - h, Math.round(cy - h / 2)));
  return { x, y, width: w, height: h };
}

function sameMatrix(a: FeatureMatrix, b: FeatureMatrix): boolean {
  return (
    a.scales.length === b.scales.length &&
    a.scales.every((s, j) => s === b.scales[j]) &&
    a.enabled.length === b.enabled.length &&
    a.enabled.every(
      (row, r) => row.length === b.enabled[r].length && row.every((on, j) => on === b.enabled[r][j]),
    )
  );
}
