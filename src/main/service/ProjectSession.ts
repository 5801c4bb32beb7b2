/**
 * The project open in the service: its path, classes, images, strokes, feature and classifier settings,
 * and what is derived from them (the per-tile feature cache, stack planes, the live model, per-image
 * adaptation). The service's parts read and change the project through this one object.
 */
import { DEFAULT_NORMALIZATION_MODE } from '../../core/normalization.js';
import { ServiceError } from '../../core/protocol/ServiceError.js';
import type {
  ClassifierSettings,
  FeatureMatrix,
  LabelClass,
  NormalizationMode,
  ProjectState,
} from '../../core/protocol/types.js';
import type { Rect } from '../../core/tiling.js';
import type { ClassifierEngine, TrainedModel } from './ClassifierEngine.js';
import { FeatureTileCache } from './FeatureTileCache.js';
import { FullPassAhead } from './fullPassAhead.js';
import { ImageAdaptation } from './imageAdaptation.js';
import { normalizeOpenImage } from './imageNormalization.js';
import { LiveModel } from './LiveModel.js';
import type { FitLevel } from './liveFit.js';
import { windowImageOf } from './planeLabels.js';
import { defaultClassifierSettings } from './poolEngine.js';
import { ProjectStrokes } from './ProjectStrokes.js';
import { loadProjectImage, type LoadedPixels, type OpenImage } from './projectImage.js';
import { StackPlanes } from './StackPlanes.js';
import { stackTrainingImages } from './stackTraining.js';
import { TilePredictor } from './TilePredictor.js';

export const DEFAULT_CLASSES: readonly LabelClass[] = [
  { id: 1, name: 'Background', color: '#e0c020' },
  { id: 2, name: 'Foreground', color: '#2080ff' },
];

export const DEFAULT_CLASSIFIER: ClassifierSettings = defaultClassifierSettings();

export class ProjectSession {
  path: string | null = null;
  classes: LabelClass[] = [...DEFAULT_CLASSES];
  images = new Map<string, OpenImage>();
  readonly strokes = new ProjectStrokes(() => this.images);
  features: FeatureMatrix;
  classifier: ClassifierSettings = DEFAULT_CLASSIFIER;
  normalization: NormalizationMode = DEFAULT_NORMALIZATION_MODE;
  readonly cache = new FeatureTileCache();
  /** Planes of stacks beyond plane 0, read when the window or training first asks for them. */
  readonly planes = new StackPlanes();
  readonly predictor: TilePredictor;
  readonly live: LiveModel;
  /** Images without labels are predicted with the live model adapted to them (imageAdaptation.ts). */
  readonly adaptation: ImageAdaptation;
  /** The full-resolution pass a preview starts for the request that follows it (fullPassAhead.ts). */
  readonly ahead = new FullPassAhead();

  constructor(
    readonly engine: ClassifierEngine,
    private readonly loadImage: (path: string) => Promise<LoadedPixels>,
  ) {
    this.features = engine.defaultFeatures();
    this.predictor = new TilePredictor(engine, this.cache, this.planes);
    this.live = new LiveModel(engine);
    this.adaptation = new ImageAdaptation(engine, () => this.images.values());
  }

  state(): ProjectState {
    return {
      path: this.path,
      classes: this.classes,
      images: [...this.images.values()].map(windowImageOf),
      strokes: this.strokes.all(),
      features: this.features,
      featureNames: this.engine.featureNames,
      classifier: this.classifier,
      normalization: this.normalization,
      hasModel: this.live.current !== null,
    };
  }

  requireImage(imageId: string): OpenImage {
    const image = this.images.get(imageId);
    if (!image)
      throw new ServiceError('unknown-image', `image ${imageId} is not in the project (reload the project)`);
    return image;
  }

  async readProjectImage(path: string, id: string): Promise<OpenImage> {
    const image = await loadProjectImage(this.loadImage, path, id);
    normalizeOpenImage(image, this.normalization);
    return image;
  }

  /** Features of one prediction tile of one plane, from the cache or computed in the pool. */
  tileFeatures(image: OpenImage, rect: Rect, signal?: AbortSignal, plane = 0): Promise<Float32Array[]> {
    return this.predictor.features(image, rect, this.features, signal, plane);
  }

  predictRect(
    image: OpenImage,
    rect: Rect,
    model: TrainedModel,
    signal?: AbortSignal,
    plane = 0,
  ): Promise<Float32Array> {
    return this.predictor
      .predictRect(image, rect, model, this.classes, this.features, signal, plane)
      .then((predicted) => predicted.probabilities);
  }

  /** Fits the live model on every image's labels, on every labelled plane (see LiveModel.train). */
  train(signal: AbortSignal, level: FitLevel = 'final'): Promise<void> {
    // The images as training began: one removed meanwhile (removeImage) still gives its features to this
    // fit (which the removal has already marked stale) instead of failing with an internal error.
    const planes = stackTrainingImages([...this.images.values()]);
    return this.live.train(
      {
        images: planes.map((p) => p.labeled),
        classIds: this.classes.map((c) => c.id),
        tileFeatures: (labeled, core, fitSignal) => {
          const { image, plane } = planes.find((p) => p.labeled === labeled)!;
          return this.tileFeatures(image, core, fitSignal, plane);
        },
      },
      this.classifier,
      signal,
      level,
    );
  }

  /** Another project: nothing of the one before stays (images, strokes, caches, model). */
  reset(
    path: string | null,
    classes: LabelClass[],
    features: FeatureMatrix,
    classifier: ClassifierSettings,
  ): void {
    this.path = path;
    this.classes = classes;
    this.images = new Map();
    this.strokes.clear();
    this.features = features;
    this.classifier = classifier;
    this.normalization = DEFAULT_NORMALIZATION_MODE;
    this.cache.clear();
    this.planes.clear();
    this.ahead.drop();
    this.live.invalidate();
  }

  /** Renormalizes every image: features and the model computed on the old values are stale. */
  setNormalization(mode: NormalizationMode): void {
    this.normalization = mode;
    for (const image of this.images.values()) normalizeOpenImage(image, mode);
    this.planes.clearNormalized();
    this.predictor.features3d.clear();
    this.cache.clear();
    this.live.invalidate();
  }

  removeImage(imageId: string): void {
    this.requireImage(imageId);
    this.images.delete(imageId);
    this.strokes.removeImage(imageId);
    this.cache.clear(imageId);
    this.planes.clear(imageId);
    this.predictor.features3d.clear(imageId);
    this.live.labelsChanged();
  }
}
