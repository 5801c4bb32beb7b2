/**
 * `mixel predict` over many images: each image is opened, normalized as the project says, predicted
 * tile by tile on the worker pool and written to its outputs. An image that fails (unreadable, wrong
 * channel count, NaN) fails alone: its partial outputs are removed and the batch goes on.
 */
import { createHash } from 'node:crypto';
import { featureHaloPx } from '../../core/features/computeFeatures.js';
import { featureChannelCount, featureChannelNames } from '../../core/features/selection.js';
import { deserializeClassifier, type FittedClassifier } from '../../core/classifier/PixelClassifier.js';
import type { Project } from '../../core/project/Project.js';
import { DEFAULT_TILE_SIZE } from '../../core/tiling.js';
import type { WorkerPool } from '../engine/WorkerPool.js';
import { holdPlanes } from '../io/heldPlaneSource.js';
import { openImage, type OpenedImage } from '../io/openImage.js';
import { axisSize } from '../../core/imageMetadata.js';
import { classFileSuffix } from '../../core/export/exportNames.js';
import { stackOutputLayout } from './stackOutputs.js';
import { checkOutputCollisions, outputChannelCount, outputPath, type ExportTarget } from './exportTargets.js';
import type { StreamOutput } from './predictStreaming.js';
import { createRasterSink, type RasterSink } from './RasterSink.js';
import { predictOnePlane, type PlaneEvent, type PlaneOutputs } from './predictPlane.js';
import type { AdaptationChoice } from '../../core/classifier/adaptation/adaptationConstants.js';
import { featureDimensions } from '../../core/project/featureSettings.js';
import { predictVolume } from '../volume/predictVolume.js';
import { stackLayout } from '../volume/volumeFrames.js';
import { volumeFeatureNames, volumeFeatureSpec } from '../volume/volumeFeatureSpec.js';

export type BatchEvent =
  | {
      type: 'start';
      image: string;
      index: number;
      total: number;
      width: number;
      height: number;
      axes: string;
      isAxesGuessed: boolean;
    }
  | { type: 'done'; image: string; outputs: string[]; seconds: number }
  | { type: 'failed'; image: string; error: string }
  | PlaneEvent;

export interface PredictBatchOptions {
  readonly project: Project;
  readonly images: readonly string[];
  readonly targets: readonly ExportTarget[];
  readonly outputTemplate: string;
  readonly pool: WorkerPool;
  readonly axes?: string;
  readonly tileSize?: number;
  readonly onEvent?: (event: BatchEvent) => void;
  /**
   * The scribbles of one plane (flat index t·Z + z) of an image (0 unlabeled, 1..K), for the Labels export:
   * a project image's labels; undefined (all unlabeled) for other images and unlabelled planes.
   */
  readonly labelsOf?: (imagePath: string, plane: number) => Uint8Array | undefined;
  /** Stops the run (Ctrl-C): no further image is started, the current one's jobs are cancelled and its partial outputs removed. */
  readonly signal?: AbortSignal;
  /** Per-image adaptation of the model to each plane (README, Adaptation); default 'auto'. */
  readonly adapt?: AdaptationChoice;
  /**
   * Planes whose features take at most this many bytes are adapted and predicted from features computed
   * once (predictOnce.ts); larger ones are adapted on windows. Default ONCE_FEATURE_BYTES; 0: always windows.
   */
  readonly onceFeatureBytes?: number;
}

export interface BatchSummary {
  readonly succeeded: string[];
  readonly failed: { image: string; error: string }[];
  readonly seconds: number;
}

/** The trained model of a project, or a one-line reason why it cannot be used. */
export function projectModel(project: Project): FittedClassifier {
  if (project.model === null || project.model === undefined) {
    throw new Error('the project has no trained model: run `mixel train` (or train in the window) first');
  }
  return deserializeClassifier(JSON.stringify(project.model));
}

export async function predictBatch(options: PredictBatchOptions): Promise<BatchSummary> {
  const started = performance.now();
  const model = projectModel(options.project);
  checkOutputCollisions(options.images, options.outputTemplate, options.targets);
  const modelKey = createHash('sha256').update(JSON.stringify(model)).digest('hex').slice(0, 16);
  const summary: BatchSummary = { succeeded: [], failed: [], seconds: 0 };
  for (let index = 0; index < options.images.length; index++) {
    if (options.signal?.aborted) break;
    const image = options.images[index];
    const t0 = performance.now();
    try {
      const source = await openImage(image, { axes: options.axes });
      options.onEvent?.({
        type: 'start',
        image,
        index,
        total: options.images.length,
        width: source.info.width,
        height: source.info.height,
        axes: source.info.axes,
        isAxesGuessed: source.isAxesGuessed,
      });
      const outputs = await predictOneImage(options, source, model, modelKey);
      summary.succeeded.push(image);
      options.onEvent?.({ type: 'done', image, outputs, seconds: (performance.now() - t0) / 1000 });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const error = message.includes(image) ? message : `${image}: ${message}`;
      summary.failed.push({ image, error });
      options.onEvent?.({ type: 'failed', image, error });
    }
  }
  return { ...summary, seconds: (performance.now() - started) / 1000 };
}

async function predictOneImage(
  options: PredictBatchOptions,
  source: OpenedImage,
  model: FittedClassifier,
  modelKey: string,
): Promise<string[]> {
  const { project } = options;
  const { selection, convention } = project.features;
  const { info } = source;
  // 3-D features over z per t frame (predictVolume checks the stack has a z axis and the scales fit it).
  const isVolume = featureDimensions(project.features) === '3d';
  const expected = featureChannelCount(selection, info.channels);
  if (!isVolume && expected !== model.featureCount) {
    const perChannel = featureChannelCount(selection, 1);
    throw new Error(
      `has ${info.channels} channel(s) but the project was trained on images with ${model.featureCount / perChannel}`,
    );
  }
  // One stack file per image and source unless the name asks for one file per plane ({z}, {t}, {plane}).
  const layout = stackOutputLayout(
    {
      metadata: source.metadata,
      planes: info.planes,
      zSize: axisSize(source.metadata, 'z'),
      tSize: axisSize(source.metadata, 't'),
      axes: info.axes,
    },
    options.outputTemplate,
    options.targets.map((t) => t.format),
  );
  const isPerPlane = layout.isPerPlane;
  const haloPx = featureHaloPx(selection, convention);
  const classNames = model.classes.map((v) => project.classes[v - 1]?.name ?? `class ${v}`);
  const wantsLabels = options.targets.some((t) => t.result === 'Labels');
  const labelsAt = (plane: number): Uint8Array | undefined =>
    wantsLabels ? checkedLabels(options.labelsOf?.(source.name, plane), info.width * info.height) : undefined;
  const featureNames = () =>
    isVolume
      ? volumeFeatureNames(volumeFeatureSpec(project.features), info.channels)
      : featureChannelNames(selection, info.channels);
  // Every output is finished under a temporary name and all are committed together at the end, so an
  // image failing at its last plane leaves no output at all (and a rerun's old outputs stay whole).
  const created: RasterSink[] = [];
  const createOutputs = async (plane: number | undefined): Promise<StreamOutput[]> => {
    const outputs: StreamOutput[] = [];
    for (const target of options.targets) {
      const channels = outputChannelCount(target.result, model);
      const channelNames =
        target.result === 'Probabilities'
          ? classNames
          : target.result === 'Features'
            ? featureNames()
            : undefined;
      const nameParts = {
        imagePath: source.name,
        result: target.result,
        format: target.format,
        ...(plane === undefined ? {} : layout.planeName(plane)),
      };
      const sink = await createRasterSink({
        path: outputPath(options.outputTemplate, nameParts),
        // Probabilities as PNG: one file per class, the class name after the result type.
        channelPaths:
          target.format === 'png' && channels > 1
            ? classNames.map((name) =>
                outputPath(options.outputTemplate, { ...nameParts, resultSuffix: classFileSuffix(name) }),
              )
            : undefined,
        format: target.format,
        width: info.width,
        height: info.height,
        channels,
        sampleType: target.sampleType,
        channelNames,
        planeShape: plane === undefined ? layout.stackShape : [],
        geometry: layout.geometry(channels),
        classColors:
          target.result === 'Simple Segmentation' || target.result === 'Labels'
            ? project.classes.map((c) => c.color)
            : undefined,
      });
      created.push(sink);
      outputs.push({ result: target.result, sampleType: target.sampleType, sink, rescale: target.rescale });
    }
    return outputs;
  };
  try {
    const stack = isPerPlane ? null : await createOutputs(undefined);
    if (isVolume) {
      await predictVolumeImage(options, source, model, modelKey, stack, createOutputs, labelsAt);
      if (stack) for (const { sink } of stack) await sink.finish();
      for (const sink of created) await sink.commit();
      return created.flatMap((sink) => sink.paths);
    }
    // Each plane decoded once for its range, offsets, adaptation and bands (heldPlaneSource.ts).
    const planeSource = holdPlanes(source);
    for (let plane = 0; plane < info.planes; plane++) {
      const target: PlaneOutputs = stack
        ? { outputs: stack, index: plane }
        : { outputs: await createOutputs(plane), index: 0 };
      await predictOnePlane({
        ...{ project: options.project, pool: options.pool, signal: options.signal, onEvent: options.onEvent },
        ...{ source: planeSource, model, modelKey, plane, haloPx, target, labels: labelsAt(plane) },
        tileSize: options.tileSize ?? DEFAULT_TILE_SIZE,
        choice: adaptationChoice(options, source.name, plane),
        onceFeatureBytes: options.onceFeatureBytes,
      });
      if (!stack) for (const { sink } of target.outputs) await sink.finish();
    }
    if (stack) for (const { sink } of stack) await sink.finish();
    for (const sink of created) await sink.commit();
  } catch (err) {
    await Promise.all(created.map((s) => s.abort()));
    throw err;
  }
  return created.flatMap((sink) => sink.paths);
}

/**
 * An image the project was trained on (it holds labels there) is predicted with the model as trained
 * under 'auto', as the window does; other images get the asked adaptation.
 */
function adaptationChoice(options: PredictBatchOptions, imagePath: string, plane: number): AdaptationChoice {
  const choice = options.adapt ?? 'auto';
  const isTrainedOn = options.labelsOf?.(imagePath, plane)?.some((v) => v > 0) ?? false;
  return choice === 'auto' && isTrainedOn ? 'off' : choice;
}

/** An image's scribbles if they cover it pixel for pixel; none (all unlabeled) otherwise. */
function checkedLabels(labels: Uint8Array | undefined, pixels: number): Uint8Array | undefined {
  return labels && labels.length === pixels ? labels : undefined;
}

/**
 * Predicts a stack with 3-D features, frame by frame, into its stack outputs or (a name with {z}, {t} or
 * {plane}) one set of files per plane, each finished once its slab is written. Not committed here.
 */
async function predictVolumeImage(
  options: PredictBatchOptions,
  source: OpenedImage,
  model: FittedClassifier,
  modelKey: string,
  stack: StreamOutput[] | null,
  createOutputs: (plane: number) => Promise<StreamOutput[]>,
  labelsAt: (plane: number) => Uint8Array | undefined,
): Promise<void> {
  const { width } = source.info;
  const zSize = stackLayout(source).zSize;
  const perPlane = new Map<number, StreamOutput[]>();
  await predictVolume({
    source,
    pool: options.pool,
    model,
    modelKey,
    features: options.project.features,
    normalization: options.project.normalization,
    wantsFeatures: options.targets.some((t) => t.result === 'Features'),
    signal: options.signal,
    outputsFor: async (plane) => {
      if (stack) return { outputs: stack, index: plane };
      let outputs = perPlane.get(plane);
      if (!outputs) perPlane.set(plane, (outputs = await createOutputs(plane)));
      return { outputs, index: 0 };
    },
    onPlanesDone: async (planes) => {
      for (const plane of planes) {
        for (const { sink } of perPlane.get(plane) ?? []) await sink.finish();
        perPlane.delete(plane);
      }
    },
    labelRows: (plane, y0, rows) => labelsAt(plane)?.subarray(y0 * width, (y0 + rows) * width),
    onBlock: (done, total) => options.onEvent?.({ type: 'tiles', image: source.name, done, total }),
    adapt: {
      choiceFor: (t) => frameAdaptationChoice(options, source.name, t * zSize, zSize),
      classNames: model.classes.map((v) => options.project.classes[v - 1]?.name ?? `class ${v}`),
      onAdapted: (t, adapted) =>
        options.onEvent?.({
          type: 'adapted',
          image: source.name,
          plane: t * zSize,
          applied: adapted.result.applied,
          reason: adapted.result.reason,
          seconds: adapted.seconds,
        }),
    },
  });
}

/** A frame holding labels on any plane is predicted with the model as trained under 'auto', as a plane is. */
function frameAdaptationChoice(
  options: PredictBatchOptions,
  imagePath: string,
  firstPlane: number,
  zSize: number,
): AdaptationChoice {
  for (let z = 0; z < zSize; z++) {
    if (adaptationChoice(options, imagePath, firstPlane + z) === 'off') return 'off';
  }
  return options.adapt ?? 'auto';
}
