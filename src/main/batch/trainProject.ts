/**
 * `mixel train`: images + label images in, a saved project with a trained model out. Label images hold
 * class values (0 = unlabeled, 1..K), one page per plane of a stack (labelStacks.ts); they are checked
 * against their image (same size) and the classes (no value beyond K) before any feature is computed.
 * With 2-D features every labelled plane trains as an image; with 3-D features every labelled t frame of a
 * stack trains as a volume (trainVolumes.ts).
 */
import type { ClassifierOptions } from '../../core/classifier/PixelClassifier.js';
import type { FeatureConvention, FeatureSelection } from '../../core/features/selection.js';
import { anisotropyFromPixelSize } from '../../core/project/featureSettings.js';
import { normalizeForFeatures, type NormalizationModeName } from '../../core/normalization.js';
import {
  addImage,
  createProject,
  nicknameOf,
  setLabels,
  setModel,
  type FeatureDimensions,
  type ChannelRange,
  type FeatureSettings,
  type ImageRecord,
  type NormalizationSettings,
  type Project,
} from '../../core/project/Project.js';
import { trainClassifier, type TrainingInput, type TrainingProgress } from '../classify/trainClassifier.js';
import type { WorkerPool } from '../engine/WorkerPool.js';
import { assertFeatureInput, assertFiniteSamples } from '../io/checkImageValues.js';
import { ImageReadError } from '../io/ImageReadError.js';
import { measureChannelRange, planeFrameRange } from '../io/imageStatistics.js';
import { axisSize } from '../../core/imageMetadata.js';
import { HELD_PLANE_BYTES, holdPlanes, type HeldPlaneSource } from '../io/heldPlaneSource.js';
import { openImage } from '../io/openImage.js';
import type { OpenedImage } from '../io/OpenedImage.js';
import { trainVolumeClassifier } from '../volume/trainVolumes.js';
import { readLabelPlanes } from './labelStacks.js';
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
  /** '3d': 3-D features over z of each stack, per t frame (default '2d'). */
  readonly dimensions?: FeatureDimensions;
  /** σ factors (z, y, x) for 3-D features; 'auto' from the stacks' pixel size; absent: isotropic. */
  readonly anisotropy?: readonly [number, number, number] | 'auto';
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
const OUTLIER_REMEDY =
  'the 0.1–99.9 % percentiles are mapped to 0..1, so this pixel is an extreme outlier: clip the outliers';
const TRAIN_RANGE_REMEDY: Record<NormalizationModeName, string> = {
  none: 'rescale the image or train with --normalize percentile-sqrt',
  percentile: OUTLIER_REMEDY,
  'percentile-sqrt': OUTLIER_REMEDY,
};

interface LoadedPair {
  readonly pair: TrainingPair;
  readonly source: HeldPlaneSource;
  readonly labelPlanes: Map<number, Uint8Array>;
  readonly record: Promise<ImageRecord>;
  /** The normalization range of the image's first plane, as the project records it. */
  readonly range: Promise<ChannelRange> | undefined;
}

/**
 * A single-plane image trained with 2-D features is read whole twice, for its percentile range and for its
 * features: held (heldPlaneSource.ts), it decodes once (a 2048² LZW plane: one decode of about 70 ms), and
 * is released once its features' input is read. Stacks and 3-D training read planes and blocks here and
 * there, so nothing of theirs is held.
 */
function holdSinglePlane(options: TrainProjectOptions, source: OpenedImage): HeldPlaneSource {
  const planar = (options.dimensions ?? '2d') === '2d';
  return holdPlanes(source, planar && source.info.planes === 1 ? HELD_PLANE_BYTES : 0);
}

export async function trainProject(options: TrainProjectOptions): Promise<Project> {
  if (options.pairs.length === 0) throw new RangeError('give at least one --image with its --labels');
  const loaded: LoadedPair[] = [];
  /** 1 at each label value found in any label plane. */
  const labelValues = new Uint8Array(256);
  const usedIds = new Set<string>();
  for (const pair of options.pairs) {
    const source = holdSinglePlane(options, await openImage(pair.image, { axes: options.axes }));
    // Started now, awaited once the labels are checked: the image decodes (libvips' threads) and is hashed
    // while the labels decode, instead of one after the other.
    const record = makeImageRecord(
      options.outPath,
      pair.image,
      source.info,
      uniqueId(nicknameOf(pair.image), usedIds),
    );
    const range =
      options.normalization.mode === 'none' ? undefined : measureChannelRange(source, options.normalization);
    // Kept from counting as unhandled when a label check throws first; awaited below all the same.
    for (const started of [record, range]) started?.catch(() => undefined);
    const labelPlanes = await readLabelPlanes(pair.labels, source.info, pair.image);
    for (const labels of labelPlanes.values()) {
      for (let i = 0; i < labels.length; i++) labelValues[labels[i]] = 1;
    }
    loaded.push({ pair, source, labelPlanes, record, range });
  }
  const labelledClasses = [...labelValues.keys()].filter((v) => v > 0 && labelValues[v] === 1);
  const maxLabel = labelledClasses.at(-1) ?? 0;
  const classNames = options.classNames ?? Array.from({ length: maxLabel }, (_, i) => `class ${i + 1}`);
  if (maxLabel > classNames.length) {
    const beyond = (l: LoadedPair) =>
      [...l.labelPlanes.values()].some((p) => p.some((v) => v > classNames.length));
    const culprit = loaded.find(beyond) ?? loaded[0];
    throw new ImageReadError(
      culprit.pair.labels,
      `holds the label value ${maxLabel} but only ${classNames.length} classes are named (${classNames.join(', ')}); add names to --classes`,
    );
  }
  if (labelledClasses.length < 2) {
    // Checked before any feature is computed: one class (say only class 2 of three named) cannot train.
    const held = labelledClasses.map((c) => `class ${c} (${classNames[c - 1]})`);
    throw new RangeError(
      `the labels hold ${held.length === 0 ? 'no class' : `only ${held[0]}`}: at least two classes need labels`,
    );
  }

  const features = featureSettingsFor(options, loaded);
  let project = createProject({ classNames, features, normalization: options.normalization });
  for (const { labelPlanes, ...started } of loaded) {
    const record = await started.record;
    project = addImage(project, { ...record, normalization: await started.range });
    for (const [plane, labels] of labelPlanes) project = setLabels(project, record.id, labels, plane);
  }
  const model =
    features.dimensions === '3d'
      ? await trainVolumes(options, features, loaded)
      : await trainPlanes(options, loaded);
  project = setModel(project, model);
  await saveProject(options.outPath, project);
  return project;
}

/** The project's feature settings: 3-D ones with their anisotropy resolved from the stacks if asked. */
function featureSettingsFor(options: TrainProjectOptions, loaded: readonly LoadedPair[]): FeatureSettings {
  const base = { selection: options.selection, convention: options.convention };
  if ((options.dimensions ?? '2d') === '2d') return base;
  let anisotropy: readonly [number, number, number] | null = null;
  if (options.anisotropy === 'auto') {
    for (const { pair, source } of loaded) {
      let factors: [number, number, number];
      try {
        factors = anisotropyFromPixelSize(source.metadata.pixelSize);
      } catch (err) {
        throw new ImageReadError(pair.image, `--anisotropy auto: ${(err as Error).message}`);
      }
      if (anisotropy && factors.some((f, a) => f !== anisotropy?.[a])) {
        throw new ImageReadError(
          pair.image,
          `--anisotropy auto: its pixel size gives σ factors ${factors.join(',')} but ${loaded[0].pair.image} gives ${anisotropy.join(',')}; give --anisotropy z,y,x`,
        );
      }
      anisotropy = factors;
    }
  } else if (options.anisotropy) anisotropy = options.anisotropy;
  return { ...base, dimensions: '3d', ...(anisotropy ? { anisotropy } : {}) };
}

/** 2-D features: every labelled plane of every image trains as one image. */
async function trainPlanes(options: TrainProjectOptions, loaded: readonly LoadedPair[]) {
  const inputs: TrainingInput[] = [];
  for (const { pair, source, labelPlanes } of loaded) {
    const { width, height } = source.info;
    for (const [plane, labels] of labelPlanes) {
      if (!labels.some((v) => v > 0)) continue;
      const image = await source.readRegion({ x: 0, y: 0, width, height }, plane);
      assertFiniteSamples(pair.image, image);
      const range =
        options.normalization.mode === 'none'
          ? undefined
          : await planeFrameRange(source, axisSize(source.metadata, 'z'), plane, options.normalization);
      const normalized = normalizeForFeatures(image, options.normalization, range);
      assertFeatureInput(pair.image, normalized, TRAIN_RANGE_REMEDY[options.normalization.mode]);
      inputs.push({ image: normalized, labels });
    }
    // Its normalized copy is in `inputs`: the raw plane need not stay for the rest of training.
    source.release();
  }
  options.onDidRead?.();
  return trainClassifier(
    options.pool,
    inputs,
    options.selection,
    options.convention,
    options.classifierOptions ?? {},
    options.onProgress,
  );
}

/** 3-D features: every labelled t frame of every stack trains as a volume, block by block. */
async function trainVolumes(
  options: TrainProjectOptions,
  features: FeatureSettings,
  loaded: readonly LoadedPair[],
) {
  options.onDidRead?.();
  return trainVolumeClassifier(
    options.pool,
    loaded.map(({ source, labelPlanes }) => ({ source, labelPlanes })),
    {
      features,
      normalization: options.normalization,
      classifier: options.classifierOptions,
      onProgress: options.onProgress,
    },
  );
}

function uniqueId(base: string, used: Set<string>): string {
  let id = base;
  for (let k = 2; used.has(id); k++) id = `${base}-${k}`;
  used.add(id);
  return id;
}
