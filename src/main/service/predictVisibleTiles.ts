/**
 * predictTiles of the service: retrain when asked (the quick fit for a preview, the live fit for full
 * resolution), then stream the requested tiles' probabilities to the window as they are predicted.
 */
import type { Emitter } from '../../core/protocol/Event.js';
import type { PredictRequest, PredictResult, ProbabilityTile, Progress } from '../../core/protocol/types.js';
import { TILE_JOBS_PER_THREAD } from './constants.js';
import { checkPlane } from './planeLabels.js';
import type { ProjectSession } from './ProjectSession.js';
import type { RunningRequests } from './RunningRequests.js';
import { streamPredictedTiles } from './streamPredictedTiles.js';

export interface PredictOutlets {
  readonly tiles: Emitter<ProbabilityTile>;
  readonly progress: Emitter<Progress>;
  /** Tiles predicted at once. */
  readonly concurrency: number;
}

export async function predictVisibleTiles(
  project: ProjectSession,
  requests: RunningRequests,
  request: PredictRequest,
  outlets: PredictOutlets,
): Promise<PredictResult> {
  const started = performance.now();
  const { controller, done } = requests.beginPredict(request.requestId, request.viewId);
  const { signal } = controller;
  let trainMs = 0;
  const delivered = { count: 0 };
  const result = (isCancelled: boolean): PredictResult => ({
    requestId: request.requestId,
    tilesDone: delivered.count,
    isCancelled,
    hasModel: project.live.current !== null,
    trainMs,
    totalMs: performance.now() - started,
  });
  try {
    const image = project.requireImage(request.imageId);
    const plane = request.plane ?? 0;
    checkPlane(image, plane, 'predictTiles');
    const isPreview = (request.stride ?? 1) > 1;
    // The window sends a stroke and its retraining request together, without waiting for the stroke's
    // answer (that round trip waited behind the window's own repaint of the stroke, 15–50 ms): the
    // stroke, queued first, is applied before this request trains.
    if (request.retrain) await project.strokes.settled();
    if (signal.aborted) return result(true);
    if (request.retrain && project.live.needsTraining(isPreview)) {
      const t0 = performance.now();
      await project.train(signal, project.live.levelFor(isPreview));
      trainMs = performance.now() - t0;
    }
    const liveModel = project.live.current;
    if (!liveModel) return result(false);
    const model = await project.adaptation.modelFor(image, liveModel, project.features);
    const { predictor, classes, features } = project;
    await streamPredictedTiles(
      request,
      {
        image,
        plane,
        classCount: classes.length,
        concurrency: outlets.concurrency,
        started,
        predict: (rect, stride) =>
          predictor.predictTileBytes(image, rect, stride, model, classes, features, signal, plane),
        predictGroup: (rects, stride) =>
          predictor.predictStridedTiles(image, rects, stride, model, classes, features, signal, plane),
        previewJobs: Math.max(1, Math.floor(outlets.concurrency / TILE_JOBS_PER_THREAD)),
        onTile: (tile) => outlets.tiles.fire(tile),
        onProgress: (progress) => outlets.progress.fire(progress),
      },
      signal,
      delivered,
    );
    // The full-resolution request follows a preview: its fit starts while the window paints this one,
    // once this result is on its way (started at once, the fit's sample collection delayed the result).
    if (isPreview && request.retrain)
      setImmediate(() => project.live.prefetchDisplayFit((s, level) => project.train(s, level)));
    return result(false);
  } catch (err) {
    if (signal.aborted) return result(true);
    throw err;
  } finally {
    done();
  }
}
