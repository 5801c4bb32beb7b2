/**
 * Predictions of tiles from cached features: full resolution (any rectangle, split along the fixed grid
 * so every caller shares the cache) or a strided preview, for export as float32, for the window as bytes.
 * Probabilities come back as one plane per project class, zeros for classes the model has no labels for.
 */
import { PREDICTION_TILE_SIZE } from '../../core/protocol/constants.js';
import type { FeatureMatrix, LabelClass } from '../../core/protocol/types.js';
import type { Rect } from '../../core/tiling.js';
import type { ClassifierEngine, TileBytes, TrainedModel } from './ClassifierEngine.js';
import { FeatureTileCache } from './FeatureTileCache.js';
import type { OpenImage } from './projectImage.js';
import { StackPlanes } from './StackPlanes.js';
import { LiveFeatures3d } from './liveFeatures3d.js';
import { splitIntoGrid } from './tileHelpers.js';
import { subsampled, type StridedTile } from './jobs/predictFeaturesJob.js';

/** Class planes of a rectangle one after another, and its unexplained score plane (null: not calibrated). */
export interface RectPrediction {
  readonly probabilities: Float32Array;
  readonly unexplained: Float32Array | null;
}

/** RectPrediction as the window's tiles carry it: bytes, 0..255 for 0..1. */
export interface RectBytes {
  readonly probabilities: Uint8Array;
  readonly unexplained: Uint8Array | null;
}

export class TilePredictor {
  constructor(
    private readonly engine: ClassifierEngine,
    private readonly cache: FeatureTileCache,
    /** Planes of stacks beyond plane 0 (the service's own, so it can drop them). */
    private readonly planes = new StackPlanes(),
  ) {
    this.features3d = new LiveFeatures3d(engine, cache, planes);
  }

  /** The 3-D features of stacks when the selection asks for them (FeatureMatrix.dimensions). */
  readonly features3d: LiveFeatures3d;

  /** Features of one prediction tile of one plane, from the cache or computed in the pool. */
  async features(
    image: OpenImage,
    rect: Rect,
    selection: FeatureMatrix,
    signal?: AbortSignal,
    plane = 0,
  ): Promise<Float32Array[]> {
    if (selection.dimensions === '3d') return this.features3d.features(image, rect, selection, plane, signal);
    const key = FeatureTileCache.key(image.info.id, rect, plane);
    const cached = this.cache.get(key);
    if (cached) return cached;
    // What the project's normalization gives.
    const pixels = await this.planes.forFeatures(image, plane);
    const planes = await this.engine.computeTileFeatures(pixels, rect, selection, signal);
    this.cache.set(key, planes);
    return planes;
  }

  /**
   * Probabilities for `rect`, one plane per project class (classes without labels get zeros), and the
   * unexplained score plane when the model is calibrated for it.
   */
  async predictRect(
    image: OpenImage,
    rect: Rect,
    model: TrainedModel,
    classes: readonly LabelClass[],
    selection: FeatureMatrix,
    signal?: AbortSignal,
    plane = 0,
  ): Promise<RectPrediction> {
    const n = rect.width * rect.height;
    const out = new Float32Array(classes.length * n);
    const unexplained = model.unexplained ? new Float32Array(n) : null;
    const copyRows = (from: Float32Array, part: Rect, to: Float32Array, offset: number) => {
      for (let y = 0; y < part.height; y++) {
        const src = y * part.width;
        const dst = offset + (part.y - rect.y + y) * rect.width + (part.x - rect.x);
        to.set(from.subarray(src, src + part.width), dst);
      }
    };
    for (const part of splitIntoGrid(rect, PREDICTION_TILE_SIZE)) {
      const features = await this.features(image, part, selection, signal, plane);
      const predicted = await this.engine.predict(model, features, part.width * part.height, signal);
      model.classIds.forEach((classId, k) => {
        const c = classes.findIndex((cls) => cls.id === classId);
        if (c >= 0) copyRows(predicted.probabilities[k], part, out, c * n);
      });
      if (unexplained && predicted.unexplained) copyRows(predicted.unexplained, part, unexplained, 0);
    }
    return { probabilities: out, unexplained };
  }

  /**
   * The window's tile: every `stride`-th pixel of `rect` in each direction (1: full resolution; more:
   * a preview, `rect` a tile of the grid), as bytes quantized in the workers (predictBytes), one plane of
   * ⌈w/stride⌉ × ⌈h/stride⌉ per project class (zeros for classes without labels) and the unexplained score.
   */
  async predictTileBytes(
    image: OpenImage,
    rect: Rect,
    stride: number,
    model: TrainedModel,
    classes: readonly LabelClass[],
    selection: FeatureMatrix,
    signal?: AbortSignal,
    plane = 0,
  ): Promise<RectBytes> {
    const w = Math.ceil(rect.width / stride);
    const h = Math.ceil(rect.height / stride);
    const n = w * h;
    const out = new Uint8Array(classes.length * n);
    const unexplained = model.unexplained ? new Uint8Array(n) : null;
    const parts = stride > 1 ? [rect] : splitIntoGrid(rect, PREDICTION_TILE_SIZE);
    for (const part of parts) {
      const features = await this.features(image, part, selection, signal, plane);
      const predicted =
        stride > 1
          ? await this.predictStrided(model, features, part, stride, signal)
          : await this.engine.predictBytes(model, features, part.width * part.height, signal);
      // A full-resolution part's rows go to their place in `rect`; a preview is one part, whole.
      const place = (from: Uint8Array, to: Uint8Array, offset: number) => {
        if (parts.length === 1) return to.set(from, offset);
        for (let y = 0; y < part.height; y++) {
          const src = y * part.width;
          to.set(
            from.subarray(src, src + part.width),
            offset + (part.y - rect.y + y) * w + (part.x - rect.x),
          );
        }
      };
      classPlanes(model, classes).forEach((c, k) => {
        if (c >= 0) place(predicted.probabilities[k], out, c * n);
      });
      if (unexplained && predicted.unexplained) place(predicted.unexplained, unexplained, 0);
    }
    return { probabilities: out, unexplained };
  }

  /**
   * predictTileBytes of several tiles of the grid at `stride` > 1 (a preview) in one job, when every
   * tile's features are in the shared cache already; null otherwise (then each goes on its own, as
   * features computed first should not hold back tiles whose features are there). A tile's strided
   * planes are kept in the cache the first time, so later previews read them whole.
   */
  async predictStridedTiles(
    image: OpenImage,
    rects: readonly Rect[],
    stride: number,
    model: TrainedModel,
    classes: readonly LabelClass[],
    selection: FeatureMatrix,
    signal?: AbortSignal,
    plane = 0,
  ): Promise<RectBytes[] | null> {
    if (!this.engine.predictStridedBytes || selection.dimensions === '3d') return null;
    const counts = rects.map((r) => Math.ceil(r.width / stride) * Math.ceil(r.height / stride));
    const keptKey = (rect: Rect) => `${FeatureTileCache.key(image.info.id, rect, plane)}|s${stride}`;
    const tiles: StridedTile[] = [];
    for (const [i, rect] of rects.entries()) {
      const kept = this.cache.get(keptKey(rect));
      const w = Math.ceil(rect.width / stride);
      if (kept) {
        tiles.push({ features: kept, subsample: { stride: 1, width: w, height: counts[i] / w } });
        continue;
      }
      const features = this.cache.get(FeatureTileCache.key(image.info.id, rect, plane));
      if (!features?.every((p) => p.buffer instanceof SharedArrayBuffer)) return null;
      const shared = new SharedArrayBuffer(features.length * counts[i] * 4);
      const keep = features.map((_, c) => new Float32Array(shared, c * counts[i] * 4, counts[i]));
      tiles.push({ features, subsample: { stride, width: rect.width, height: rect.height }, keep });
    }
    const predicted = await this.engine.predictStridedBytes(model, tiles, signal);
    // Kept only while the planes they came from are the cache's: features or normalization changed
    // meanwhile (the cache cleared) would otherwise leave the old features' pixels for the next preview.
    tiles.forEach((t, i) => {
      const isCurrent = this.cache.get(FeatureTileCache.key(image.info.id, rects[i], plane)) === t.features;
      if (t.keep && isCurrent) this.cache.set(keptKey(rects[i]), t.keep);
    });
    let offset = 0;
    return rects.map((_, i) => {
      const n = counts[i];
      const part = (plane: Uint8Array) => plane.subarray(offset, offset + n);
      const tile: TileBytes = {
        probabilities: predicted.probabilities.map(part),
        unexplained: predicted.unexplained && part(predicted.unexplained),
      };
      offset += n;
      return this.inClassOrder(tile, n, model, classes);
    });
  }

  /** One part's model planes as the window's tile: a plane per project class (zeros for classes without labels). */
  private inClassOrder(
    predicted: TileBytes,
    n: number,
    model: TrainedModel,
    classes: readonly LabelClass[],
  ): RectBytes {
    const probabilities = new Uint8Array(classes.length * n);
    classPlanes(model, classes).forEach((c, k) => {
      if (c >= 0) probabilities.set(predicted.probabilities[k], c * n);
    });
    // A copy: `predicted` may be a view of a larger buffer, and the tile's own bytes are what is sent.
    const unexplained = model.unexplained ? (predicted.unexplained?.slice() ?? new Uint8Array(n)) : null;
    return { probabilities, unexplained };
  }

  /**
   * Bytes of every `stride`-th pixel of a tile of the grid, from its cached features (the worker reads
   * the strided pixels from the shared cache, so only 1/stride² of the prediction work).
   */
  private predictStrided(
    model: TrainedModel,
    features: Float32Array[],
    rect: Rect,
    stride: number,
    signal: AbortSignal | undefined,
  ): Promise<TileBytes> {
    const count = Math.ceil(rect.width / stride) * Math.ceil(rect.height / stride);
    const subsample = { stride, width: rect.width, height: rect.height };
    // Planes in shared memory (the 2-D cache) are read by the worker in place; others (3-D features)
    // would be copied whole to it, so they are subsampled here first.
    const isShared = features.every((f) => f.buffer instanceof SharedArrayBuffer);
    return isShared
      ? this.engine.predictBytes(model, features, count, signal, subsample)
      : this.engine.predictBytes(model, subsampled(features, subsample), count, signal);
  }
}

/** For each of the model's planes, the index of its class among the project's (−1: not a project class). */
function classPlanes(model: TrainedModel, classes: readonly LabelClass[]): number[] {
  return model.classIds.map((classId) => classes.findIndex((cls) => cls.id === classId));
}
