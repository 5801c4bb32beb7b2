/**
 * What the service needs from the feature bank and the classifier, in the shape the live loop uses them:
 * features of one tile (cached by the service), a fit on labeled pixels' features, a prediction of one
 * tile from cached features. `createPoolEngine` implements it over the worker pool.
 */
import type { PlanarImage } from '../../core/image.js';
import type { ClassifierSettings, FeatureMatrix } from '../../core/protocol/types.js';
import type { Rect } from '../../core/tiling.js';
import type { UnexplainedCalibration } from '../../core/unexplained/unexplainedScore.js';
import type { AdaptModelInput, AdaptModelOutput } from '../engine/jobs/adaptModelJob.js';
import type { VolumeBlockInput } from '../volume/volumeBlockJobs.js';
import type { ScoreFeatureSetsInput, ScoreFeatureSetsOutput } from '../engine/jobs/scoreFeatureSetsJob.js';
import type { StridedTile, TileSubsample } from './jobs/predictFeaturesJob.js';

export interface TrainedModel {
  /** The class id of each probability plane `predict` returns, in order. */
  readonly classIds: number[];
  readonly featureCount: number;
  /** The engine's own fitted classifier (plain JSON data), opaque to the service. */
  readonly fitted: unknown;
  /** Unique per fit, so workers prepare each model once. */
  readonly key: string;
  /** Calibration of the "unexplained" score (core/unexplained), when the engine made one at the fit. */
  readonly unexplained?: UnexplainedCalibration;
  /**
   * What a later fit of the same classes and features may start its EM from (fit's `warmStart`), in the
   * engine's own terms, opaque to the service.
   */
  readonly emStart?: unknown;
}

/** One tile's prediction: probability planes (one per model class) and, when calibrated, the unexplained score (0..1). */
export interface TilePrediction {
  readonly probabilities: Float32Array[];
  readonly unexplained: Float32Array | null;
}

/** One tile's prediction as bytes (TilePrediction quantized: 0..255 for 0..1). */
export interface TileBytes {
  readonly probabilities: Uint8Array[];
  readonly unexplained: Uint8Array | null;
}

export interface ClassifierEngine {
  /** Names of the feature matrix rows, in order. */
  readonly featureNames: readonly string[];
  defaultFeatures(): FeatureMatrix;
  /** Pixels of context each tile needs on every side for `features` to be exact in its core. */
  haloPx(features: FeatureMatrix): number;
  /** Feature planes for the `core` pixels of `image` (core.width × core.height each). */
  computeTileFeatures(
    image: PlanarImage,
    core: Rect,
    features: FeatureMatrix,
    signal?: AbortSignal,
  ): Promise<Float32Array[]>;
  /**
   * Fits the classifier. `samples` is row-major nSamples × featureCount; `labels` are class ids (≥ 1),
   * at least two distinct. `unlabeled` rows feed semi-supervised EM when the settings ask for it.
   * `warmStart`: an earlier model whose mixtures EM starts from where they fit the new training (same
   * classes, features and sizes), so a refit after a small label change converges in a few iterations.
   */
  fit(
    samples: Float32Array,
    labels: Uint8Array,
    featureCount: number,
    settings: ClassifierSettings,
    unlabeled: Float32Array | undefined,
    signal?: AbortSignal,
    warmStart?: TrainedModel,
  ): Promise<TrainedModel>;
  /**
   * Probability planes (one per model class, pixelCount each) and the unexplained score for one tile's
   * features; with `subsample`, of every stride-th pixel of the tile only (pixelCount counts those).
   */
  predict(
    model: TrainedModel,
    features: Float32Array[],
    pixelCount: number,
    signal?: AbortSignal,
    subsample?: TileSubsample,
  ): Promise<TilePrediction>;
  /**
   * `predict` for the window's tiles: the planes as bytes (0..255 for 0..1), quantized where they are
   * computed, so the main thread receives and collects a quarter of the memory.
   */
  predictBytes(
    model: TrainedModel,
    features: Float32Array[],
    pixelCount: number,
    signal?: AbortSignal,
    subsample?: TileSubsample,
  ): Promise<TileBytes>;
  /**
   * `predictBytes` of every stride-th pixel of several tiles in one job (a preview): the planes hold the
   * tiles' pixels one after another, in order; a tile's `keep` planes get its strided pixels too (for
   * the next preview). Absent: one predictBytes per tile.
   */
  predictStridedBytes?(
    model: TrainedModel,
    tiles: readonly StridedTile[],
    signal?: AbortSignal,
  ): Promise<TileBytes>;
  /**
   * 3-D features of the core of one block of a volume (job 'volumeFeatureBlock'), one z-major array per
   * feature channel; absent: the window offers no 3-D features.
   */
  computeVolumeBlockFeatures?(input: VolumeBlockInput, signal?: AbortSignal): Promise<Float32Array[]>;
  /** Adapts a model to one image (job 'adaptModel'; its planes are moved to the worker); absent: in-process. */
  adaptModel?(input: AdaptModelInput, signal?: AbortSignal): Promise<AdaptModelOutput>;
  /** Scores candidate feature sets for "Suggest features" (job 'scoreFeatureSets'); absent: in-process. */
  scoreFeatureSets?(input: ScoreFeatureSetsInput, signal?: AbortSignal): Promise<ScoreFeatureSetsOutput>;
}
