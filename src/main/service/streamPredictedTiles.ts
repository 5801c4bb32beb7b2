/**
 * The live loop's delivery of probability tiles: a few tiles at a time (one per worker), each going
 * features → prediction → screen before later ones start, so the first probabilities appear after one
 * tile's work rather than after every tile's features.
 */
import type { PredictRequest, ProbabilityTile, Progress } from '../../core/protocol/types.js';
import type { Rect } from '../../core/tiling.js';
import type { OpenImage } from './projectImage.js';
import type { RectPrediction } from './TilePredictor.js';
import { clipRect, forEachLimited, quantize } from './tileHelpers.js';

/** Progress for a prediction is reported once it has run this long (a cached-feature update never shows one). */
const PROGRESS_AFTER_MS = 1000;

export interface TileStream {
  readonly image: OpenImage;
  /** The plane of a stack the tiles are predicted on (absent: 0). */
  readonly plane?: number;
  readonly classCount: number;
  readonly concurrency: number;
  /** performance.now() when the request arrived. */
  readonly started: number;
  /** Probabilities of `rect`, every `stride`-th pixel in each direction (1 = full resolution). */
  readonly predict: (rect: Rect, stride: number) => Promise<RectPrediction>;
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
  await forEachLimited(request.tiles, stream.concurrency, signal, async (tile) => {
    const rect = clipRect(tile, image.info.width, image.info.height);
    const { probabilities, unexplained } = await stream.predict(rect, stride);
    if (signal.aborted) return;
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
      probabilities: quantize(probabilities),
      ...(unexplained ? { unexplained: quantize(unexplained) } : {}),
    });
    delivered.count++;
    // Only slow requests (features still being computed) are worth a progress bar.
    if (performance.now() - stream.started > PROGRESS_AFTER_MS) {
      stream.onProgress({
        requestId: request.requestId,
        task: 'Predicting tiles',
        done: delivered.count,
        total: request.tiles.length,
      });
    }
  });
}
