/**
 * One 2-D plane of `mixel predict` or the batch export: normalized as the project says, the model adapted
 * to it (or not), predicted tile by tile on the worker pool into its outputs — or, when its features fit
 * in memory, adapted and predicted from features computed once (predictOnce.ts).
 */
import { isAdaptable } from '../../core/classifier/adaptation/adaptedModel.js';
import type { AdaptationChoice } from '../../core/classifier/adaptation/adaptationConstants.js';
import type { FittedClassifier } from '../../core/classifier/PixelClassifier.js';
import type { PlanarImage } from '../../core/image.js';
import { axisSize } from '../../core/imageMetadata.js';
import { normalizeForFeatures } from '../../core/normalization.js';
import type { Project } from '../../core/project/Project.js';
import type { WorkerPool } from '../engine/WorkerPool.js';
import { planeFrameRange } from '../io/imageStatistics.js';
import type { OpenedImage } from '../io/openImage.js';
import { adaptToPlane, type AdaptedPlane } from './adaptToImage.js';
import { planeFeatureOffsets } from './planeFeatureOffsets.js';
import { adaptAndPredictOnce, fitsOnce } from './predictOnce.js';
import { predictStreaming, type StreamOutput, type TileRequest } from './predictStreaming.js';

/** What predicting a plane tells: tiles done, and the adaptation of the model to it (adaptToImage.ts). */
export type PlaneEvent =
  | { type: 'tiles'; image: string; done: number; total: number }
  /** Per-image adaptation of the model (adaptToImage.ts): what was applied to a plane and why. */
  | { type: 'adapted'; image: string; plane: number; applied: string; reason: string; seconds: number };

/** Where one plane's results go: the image's stack files at `index`, or its own per-plane files at 0. */
export interface PlaneOutputs {
  readonly outputs: StreamOutput[];
  readonly index: number;
}

export interface PlanePrediction {
  readonly project: Project;
  readonly pool: WorkerPool;
  readonly source: OpenedImage;
  readonly model: FittedClassifier;
  readonly modelKey: string;
  /** Flat plane index t·Z + z. */
  readonly plane: number;
  readonly haloPx: number;
  readonly tileSize: number;
  readonly target: PlaneOutputs;
  /** The plane's scribbles for the Labels export; undefined: all unlabeled. */
  readonly labels: Uint8Array | undefined;
  readonly choice: AdaptationChoice;
  /** Feature bytes up to which the plane is adapted and predicted from features computed once. */
  readonly onceFeatureBytes?: number;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: PlaneEvent) => void;
}

/** Predicts one plane into its outputs (not finished, not committed). */
export async function predictOnePlane(options: PlanePrediction): Promise<void> {
  const { project, pool, source, model, modelKey, plane, haloPx, target, labels, choice } = options;
  const { selection, convention } = project.features;
  const { info } = source;
  const range =
    project.normalization.mode === 'none'
      ? undefined
      : await planeFrameRange(source, axisSize(source.metadata, 'z'), plane, project.normalization);
  const normalize = (image: PlanarImage) => normalizeForFeatures(image, project.normalization, range);
  const classNames = model.classes.map((v) => project.classes[v - 1]?.name ?? `class ${v}`);
  const labelRows =
    labels && ((y0: number, rows: number) => labels.subarray(y0 * info.width, (y0 + rows) * info.width));
  const onTile = (done: number, total: number) =>
    options.onEvent?.({ type: 'tiles', image: source.name, done, total });
  const onAdapted = (adapted: AdaptedPlane) =>
    options.onEvent?.({
      type: 'adapted',
      image: source.name,
      plane,
      applied: adapted.result.applied,
      reason: adapted.result.reason,
      seconds: adapted.seconds,
    });
  // The project's model adapted to this plane (or itself); the project is not changed. A plane whose
  // features fit in memory is adapted on them and predicted from them, computing them once.
  let adapted: AdaptedPlane;
  const request = {
    source,
    plane,
    normalize,
    model,
    modelKey,
    selection,
    convention,
    haloPx,
    pool,
    choice,
    classNames,
  };
  if (
    choice !== 'off' &&
    isAdaptable(model) &&
    fitsOnce(info.width, info.height, model.featureCount, options.onceFeatureBytes)
  ) {
    const once = await adaptAndPredictOnce({
      ...request,
      tileSize: options.tileSize,
      offsets: await planeFeatureOffsets(source, plane, normalize),
      signal: options.signal,
      classValues: model.classes,
      outputs: target.outputs,
      outputPlane: target.index,
      labelRows,
      onAdapted,
      onTile,
    });
    if (once.isPredicted) return;
    adapted = once.adapted;
  } else {
    adapted = await adaptToPlane({
      ...request,
      signal: options.signal,
    });
    onAdapted(adapted);
  }
  // One offset per channel for all tiles of the plane, so they stitch exactly (featureOffset.ts).
  const offsets = await planeFeatureOffsets(source, plane, adapted.normalize);
  await predictStreaming({
    source,
    plane,
    tileSize: options.tileSize,
    haloPx,
    // The project's normalization, then the adaptation's intensity transfer when one was chosen.
    normalize: adapted.normalize,
    classifyTile: async (tile: TileRequest) => {
      const result = await pool.run(
        'classifyTile',
        { ...tile, selection, convention, model: adapted.model, modelKey: adapted.modelKey, offsets },
        { transfer: tile.planes.map((p) => p.buffer as ArrayBuffer), signal: options.signal },
      );
      return result.probabilities;
    },
    // On the pool like the probabilities, so a Features export uses every thread.
    computeTileFeatures: async (tile: TileRequest) => {
      const result = await pool.run(
        'featureTile',
        { ...tile, selection, convention, offsets },
        { transfer: tile.planes.map((p) => p.buffer as ArrayBuffer), signal: options.signal },
      );
      return result.planes;
    },
    classValues: model.classes,
    outputs: target.outputs,
    outputPlane: target.index,
    labelRows,
    onTile,
  });
}
