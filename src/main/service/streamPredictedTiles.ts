/**
 * The live loop's delivery of probability tiles: a few tiles at a time (one per worker), each going
 * features → prediction → screen before later ones start, so the first probabilities appear after one
 * tile's work rather than after every tile's features.
 */
import type { PredictRequest, ProbabilityTile, Progress } from '../../core/protocol/types.js';
import type { Rect } from '../../core/tiling.js';
import type { OpenImage } from './projectImage.js';
import type { RectBytes } from './TilePredictor.js';
import { MAX_STRIDED_JOB_PIXELS } from './constants.js';
import { clipRect, forEachLimited } from './tileHelpers.js';

/** Progress for a prediction is reported once it has run this long (a cached-feature update never shows one). */
export const PROGRESS_AFTER_MS = 1000;
/**
 * ...and then at most this often, plus the last tile: each report repaints the window's progress bar, a
 * whole frame on a machine without a GPU, which a busy machine's tiles (hundreds of ms each) paid per tile.
 */
export const PROGRESS_INTERVAL_MS = 250;

export interface TileStream {
  readonly image: OpenImage;
  /** The plane of a stack the tiles are predicted on (absent: 0). */
  readonly plane?: number;
  readonly classCount: number;
  readonly concurrency: number;
  /** performance.now() when the request arrived. */
  readonly started: number;
  /** Probabilities of `rect` as bytes, every `stride`-th pixel in each direction (1 = full resolution). */
  readonly predict: (rect: Rect, stride: number) => Promise<RectBytes>;
  /**
   * A preview's tiles (`stride` > 1) in one job, when their features are cached (else null); the
   * request's tiles are split into `previewJobs` such groups, one per worker thread.
   */
  readonly predictGroup?: (rects: readonly Rect[], stride: number) => Promise<RectBytes[] | null>;
  readonly previewJobs?: number;
  readonly onTile: (tile: ProbabilityTile) => void;
  readonly onProgress: (progress: Progress) => void;
}

/** Predicts and delivers the request's tiles; `delivered.count` stays right even if it throws on cancel. */
export async function streamPredictedTiles(
  request: PredictRequest,
  stream: TileStream,
  signal: AbortSignal,
  delivered: { count: number },
): Promise<void> {
  const { image } = stream;
  const stride = request.stride ?? 1;
  const rects = request.tiles.map((tile) => clipRect(tile, image.info.width, image.info.height));
  let lastProgress = -Infinity;
  const deliver = (rect: Rect, { probabilities, unexplained }: RectBytes) => {
    stream.onTile({
      requestId: request.requestId,
      viewId: request.viewId,
      imageId: image.info.id,
      plane: stream.plane ?? 0,
      rect,
      stride,
      width: Math.ceil(rect.width / stride),
      height: Math.ceil(rect.height / stride),
      classCount: stream.classCount,
      probabilities,
      ...(unexplained ? { unexplained } : {}),
    });
    delivered.count++;
    // Only slow requests (features still being computed) are worth a progress bar.
    const now = performance.now();
    const isLast = delivered.count === request.tiles.length;
    const isDue = now - lastProgress >= PROGRESS_INTERVAL_MS || (isLast && lastProgress > -Infinity);
    if (now - stream.started > PROGRESS_AFTER_MS && isDue) {
      lastProgress = now;
      stream.onProgress({
        requestId: request.requestId,
        task: 'Predicting tiles',
        done: delivered.count,
        total: request.tiles.length,
      });
    }
  };
  const eachTile = (tiles: readonly Rect[], limit: number) =>
    forEachLimited(tiles, limit, signal, async (rect) => {
      const predicted = await stream.predict(rect, stride);
      if (!signal.aborted) deliver(rect, predicted);
    });
  const { predictGroup } = stream;
  if (stride === 1 || !predictGroup || rects.length < 2) return eachTile(rects, stream.concurrency);
  const tilePixels = Math.max(
    ...rects.map((r) => Math.ceil(r.width / stride) * Math.ceil(r.height / stride)),
  );
  const perJob = Math.min(
    Math.ceil(rects.length / Math.max(1, stream.previewJobs ?? 1)),
    Math.max(1, Math.floor(MAX_STRIDED_JOB_PIXELS / tilePixels)),
  );
  const groups: Rect[][] = [];
  for (let i = 0; i < rects.length; i += perJob) groups.push(rects.slice(i, i + perJob));
  const lanes = Math.min(groups.length, stream.concurrency);
  await forEachLimited(groups, lanes, signal, async (group) => {
    const predicted = await predictGroup(group, stride);
    if (signal.aborted) return;
    if (predicted) group.forEach((rect, i) => deliver(rect, predicted[i]));
    else await eachTile(group, Math.max(1, Math.floor(stream.concurrency / lanes)));
  });
}
