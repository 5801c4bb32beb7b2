/**
 * `mixel train`: images + label images in, a saved project with a trained model out. Label images hold
 * class values (0 = unlabeled, 1..K); they are checked against their image (same size) and the classes
 * (no value beyond K) before any feature is computed.
 */
import type { ClassifierOptions } from '../../core/classifier/PixelClassifier.js';
import type { FeatureConvention, FeatureSelection } from '../../core/features/selection.js';
import { normalizeForFeatures } from '../../core/normalization.js';
import {
  addImage,
  createProject,
  nicknameOf,
  setLabels,
  setModel,
  type NormalizationSettings,
  type Project,
} from '../../core/project/Project.js';
import { trainClassifier, type TrainingInput, type TrainingProgress } from '../classify/trainClassifier.js';
import type { WorkerPool } from '../engine/WorkerPool.js';
import { assertFeatureInput, assertFiniteSamples } from '../io/checkImageValues.js';
import { ImageReadError } from '../io/ImageReadError.js';
import { measureChannelRange } from '../io/imageStatistics.js';
import { readImage } from '../io/openImage.js';
import { saveProject } from '../project/projectFile.js';
import { makeImageRecord } from '../project/projectImages.js';

export interface TrainingPair {
  readonly image: string;
  readonly labels: string;
}

export interface TrainProjectOptions {
  readonly pairs: readonly TrainingPair[];
  readonly outPath: string;
  readonly pool: WorkerPool;
  readonly selection: FeatureSelection;
  readonly convention: FeatureConvention;
  readonly normalization: NormalizationSettings;
  /** Class names in label-value order; default "class 1".."class K" with K the largest label value. */
  readonly classNames?: readonly string[];
  readonly axes?: string;
  readonly classifierOptions?: Partial<ClassifierOptions>;
  readonly onProgress?: TrainingProgress;
  /** Called when images and labels are read and checked, before features are computed. */
  readonly onDidRead?: () => void;
}

/** What to do about values too large for the features, under each normalization mode. */
const TRAIN_RANGE_REMEDY = {
  none: 'rescale the image or train with --normalize percentile',
  percentile:
    'the 0.1–99.9 % percentiles are mapped to 0..1, so this pixel is an extreme outlier: clip the outliers',
} as const;

export async function trainProject(options: TrainProjectOptions): Promise<Project> {
  if (options.pairs.length === 0) throw new RangeError('give at least one --image with its --labels');
  const loaded = [];
  let maxLabel = 0;
  const labelledClasses = new Set<number>();
  for (const pair of options.pairs) {
    const { info, image, source } = await readImage(pair.image, { axes: options.axes });
    assertFiniteSamples(pair.image, image);
    const labels = await readLabelImage(pair.labels, info.width, info.height, pair.image);
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] > maxLabel) maxLabel = labels[i];
      if (labels[i] > 0) labelledClasses.add(labels[i]);
    }
    loaded.push({ pair, info, image, source, labels });
  }
  const classNames = options.classNames ?? Array.from({ length: maxLabel }, (_, i) => `class ${i + 1}`);
  if (maxLabel > classNames.length) {
    const culprit = loaded.find((l) => l.labels.some((v) => v > classNames.length)) ?? loaded[0];
    const value = culprit.labels.reduce((m, v) => Math.max(m, v), 0);
    throw new ImageReadError(
      culprit.pair.labels,
      `holds the label value ${value} but only ${classNames.length} classes are named (${classNames.join(', ')}); add names to --classes`,
    );
  }
  if (labelledClasses.size < 2) {
    // Checked before any feature is computed: one class (say only class 2 of three named) cannot train.
    const held = [...labelledClasses].map((c) => `class ${c} (${classNames[c - 1]})`);
    throw new RangeError(
      `the labels hold ${held.length === 0 ? 'no class' : `only ${held[0]}`}: at least two classes need labels`,
    );
  }

  let project = createProject({
    classNames,
    features: { selection: options.selection, convention: options.convention },
    normalization: options.normalization,
  });
  const inputs: TrainingInput[] = [];
  const usedIds = new Set<string>();
  for (const { pair, info, image, source, labels } of loaded) {
    const record = await makeImageRecord(
      options.outPath,
      pair.image,
      info,
      uniqueId(nicknameOf(pair.image), usedIds),
    );
    const range =
      options.normalization.mode === 'none'
        ? undefined
        : await measureChannelRange(source, options.normalization);
    project = addImage(project, { ...record, normalization: range });
    project = setLabels(project, record.id, labels);
    const normalized = normalizeForFeatures(image, options.normalization, range);
    assertFeatureInput(pair.image, normalized, TRAIN_RANGE_REMEDY[options.normalization.mode]);
    inputs.push({ image: normalized, labels });
  }
  options.onDidRead?.();
  const model = await trainClassifier(
    options.pool,
    inputs,
    options.selection,
    options.convention,
    options.classifierOptions ?? {},
    options.onProgress,
  );
  project = setModel(project, model);
  await saveProject(options.outPath, project);
  return project;
}

/** Reads a label image: one channel of whole numbers 0..255, the size of its image. */
export async function readLabelImage(
  path: string,
  width: number,
  height: number,
  imagePath: string,
): Promise<Uint8Array> {
  const { info, image } = await readImage(path);
  if (info.width !== width || info.height !== height) {
    throw new ImageReadError(
      path,
      `labels are ${info.width} × ${info.height} but ${imagePath} is ${width} × ${height}`,
    );
  }
  if (info.channels !== 1) {
    throw new ImageReadError(
      path,
      `labels need one channel of class values (0 = unlabeled, 1..K); this file has ${info.channels}`,
    );
  }
  const values = image.channels[0];
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= 0 && v <= 255 && Number.isInteger(v))) {
      throw new ImageReadError(
        path,
        `label values must be whole numbers 0..255 (found ${v} at x=${i % width}, y=${Math.floor(i / width)})`,
      );
    }
    out[i] = v;
  }
  return out;
}

function uniqueId(base: string, used: Set<string>): string {
  let id = base;
  for (let k = 2; used.has(id); k++) id = `${base}-${k}`;
  used.add(id);
  return id;
}
