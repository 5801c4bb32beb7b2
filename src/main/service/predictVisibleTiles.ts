/**
 * predictTiles of the service: retrain when asked (the quick fit for a preview, the live fit for full
 * resolution), then stream the requested tiles' probabilities to the window as they are predicted.
 */
import type { Emitter } from '../../core/protocol/Event.js';
import type { PredictRequest, PredictResult, ProbabilityTile, Progress } from '../../core/protocol/types.js';
import type { TrainedModel } from './ClassifierEngine.js';
import { MAX_REQUEST_STRIDE, PREVIEW_STRIDE_FACTOR, TILE_JOBS_PER_THREAD } from './constants.js';
import { clipRect } from './tileHelpers.js';
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
    const adapted = await project.adaptation.modelFor(image, liveModel, project.features);
    const model = request.unexplained === false ? withoutUnexplained(adapted) : adapted;
    const { predictor, classes, features } = project;
    const stride = request.stride ?? 1;
    const key = { viewId: request.viewId, imageId: image.info.id, plane, stride, model, classes, features };
    const rects = request.tiles.map((t) => clipRect(t, image.info.width, image.info.height));
    const ahead = project.ahead.take(key, rects);
    if (ahead) signal.addEventListener('abort', () => ahead.stop(), { once: true });
    await streamPredictedTiles(
      request,
      {
        image,
        plane,
        classCount: classes.length,
        concurrency: outlets.concurrency,
        started,
        predict: (rect, stride) =>
          ahead?.tile(rect) ??
          predictor.predictTileBytes(image, rect, stride, model, classes, features, signal, plane),
        // A zoomed-out pass taken from ahead has its tiles under way already, each on its own.
        predictGroup: ahead
          ? undefined
          : (rects, stride) =>
              predictor.predictStridedTiles(image, rects, stride, model, classes, features, signal, plane),
        previewJobs: Math.max(1, Math.floor(outlets.concurrency / TILE_JOBS_PER_THREAD)),
        onTile: (tile) => outlets.tiles.fire(tile),
        onProgress: (progress) => outlets.progress.fire(progress),
      },
      signal,
      delivered,
    );
    // The full-resolution request follows a preview. When this preview's model is the one it uses, its
    // tiles start now (fullPassAhead.ts); else its fit starts while the window paints this preview, once
    // this result is on its way (started at once, the fit's sample collection delayed the result).
    if (isPreview && request.retrain && !signal.aborted) {
      if (!project.live.needsTraining(false) && isAheadStride(stride))
        project.ahead.start(
          { ...key, stride: stride / PREVIEW_STRIDE_FACTOR },
          rects,
          outlets.concurrency,
          (rect, s) =>
            predictor.predictTileBytes(
              image,
              rect,
              stride / PREVIEW_STRIDE_FACTOR,
              model,
              classes,
              features,
              s,
              plane,
            ),
        );
      else setImmediate(() => project.live.prefetchDisplayFit((s, level) => project.train(s, level)));
    }
    return result(false);
  } catch (err) {
    if (signal.aborted) return result(true);
    throw err;
  } finally {
    done();
  }
}

const uncalibrated = new WeakMap<TrainedModel, TrainedModel>();

/**
 * The model without its unexplained calibration, so its tiles are predicted and sent without the score
 * (PredictRequest.unexplained); the same object for the same model, as a pass ahead is matched by
 * identity (fullPassAhead.ts).
 */
function withoutUnexplained(model: TrainedModel): TrainedModel {
  if (!model.unexplained) return model;
  let stripped = uncalibrated.get(model);
  if (!stripped) {
    stripped = { ...model, unexplained: undefined };
    uncalibrated.set(model, stripped);
  }
  return stripped;
}

/** A preview stride whose full-resolution request's stride is known (a preview at 16 follows any coarser screen). */
const isAheadStride = (stride: number) => stride < MAX_REQUEST_STRIDE && stride % PREVIEW_STRIDE_FACTOR === 0;
