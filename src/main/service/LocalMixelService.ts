/**
 * The one implementation of MixelService (STYLE.md §3). Holds the open project (ProjectSession: images in
 * memory, strokes, label rasters derived from them, a per-tile feature cache and the current model) and
 * hands each request to the module that does it: project files (projectDocuments.ts), live prediction
 * (predictVisibleTiles.ts), export (exportProjectImages.ts), Suggest features
 * (suggestFeaturesForProject.ts), uploads (UploadFolder.ts), file browsing (fileBrowser.ts). Heavy work
 * goes to the ClassifierEngine (the worker pool); this class only orchestrates, so the Electron main
 * thread and the browser-mode server stay responsive.
 */
import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { MAX_UPLOAD_FILE_BYTES } from '../../core/protocol/constants.js';
import { Emitter } from '../../core/protocol/Event.js';
import type { MixelService } from '../../core/protocol/MixelService.js';
import { uploadNameProblem } from '../../core/protocol/schemas.js';
import { ServiceError } from '../../core/protocol/ServiceError.js';
import type {
  AutosaveInfo,
  ClassifierSettings,
  ExportRequest,
  ExportResult,
  FeatureMatrix,
  FeatureTile,
  FeatureTileRequest,
  FolderListing,
  ImageTile,
  ImageTileRequest,
  LabelChange,
  LabelClass,
  NormalizationMode,
  PredictRequest,
  PredictResult,
  ProbabilityTile,
  Progress,
  ProjectImage,
  ProjectState,
  SuggestFeaturesRequest,
  SuggestFeaturesResult,
} from '../../core/protocol/types.js';
import type { ClassifierEngine } from './ClassifierEngine.js';
import { MAX_CONCURRENT_UPLOADS, MAX_UPLOAD_FOLDER_BYTES, UPLOAD_IDLE_MS } from './constants.js';
import { exportProjectImages } from './exportProjectImages.js';
import { featureTile } from './featureTiles.js';
import { browseRoots, listFolder } from './fileBrowser.js';
import { checkStacksFor3d } from './liveFeatures3d.js';
import { baseOf, checkPlane } from './planeLabels.js';
import { predictVisibleTiles } from './predictVisibleTiles.js';
import { ProjectDocuments } from './projectDocuments.js';
import { imageTile, type LoadedPixels } from './projectImage.js';
import { ProjectSession } from './ProjectSession.js';
import { RunningRequests } from './RunningRequests.js';
import { suggestFeaturesForProject } from './suggestFeaturesForProject.js';
import { UploadFolder, type UploadLimits } from './UploadFolder.js';

export { DEFAULT_CLASSES, DEFAULT_CLASSIFIER } from './ProjectSession.js';

export interface LocalMixelServiceOptions {
  readonly engine: ClassifierEngine;
  /** Folder for the built-in sample and for uploaded images. */
  readonly dataDir: string;
  /** Reads a whole image file; throws an Error whose message names the problem. */
  readonly loadImage: (path: string) => Promise<LoadedPixels>;
  /** Writes the built-in sample into a folder and returns its image path. */
  readonly writeSample: (dir: string) => Promise<string>;
  /** Tiles predicted at once; one per worker thread keeps every thread busy without queueing far ahead. */
  readonly concurrency?: number;
  /** Bounds of uploads; the defaults are the named constants (tests lower them). */
  readonly uploadLimits?: Partial<UploadLimits>;
  /** The home folder the file browser may list (default: the user's); tests point it elsewhere. */
  readonly homeDir?: string;
}

const DEFAULT_TILE_CONCURRENCY = 2;

export class LocalMixelService implements MixelService {
  private readonly progress = new Emitter<Progress>();
  private readonly tiles = new Emitter<ProbabilityTile>();
  readonly onDidProgress = this.progress.event;
  readonly onDidUpdateTile = this.tiles.event;

  private readonly project: ProjectSession;
  private readonly requests = new RunningRequests();
  private readonly documents: ProjectDocuments;
  private readonly uploads: UploadFolder;

  constructor(private readonly options: LocalMixelServiceOptions) {
    this.project = new ProjectSession(options.engine, options.loadImage);
    this.documents = new ProjectDocuments(this.project, options.dataDir, options.writeSample, () =>
      this.requests.abortPredictions(),
    );
    this.uploads = new UploadFolder(join(options.dataDir, 'uploads'), {
      maxFileBytes: MAX_UPLOAD_FILE_BYTES,
      maxFolderBytes: MAX_UPLOAD_FOLDER_BYTES,
      maxConcurrent: MAX_CONCURRENT_UPLOADS,
      idleMs: UPLOAD_IDLE_MS,
      ...options.uploadLimits,
    });
  }

  async getProject(): Promise<ProjectState> {
    return this.project.state();
  }

  async setNormalization(mode: NormalizationMode): Promise<ProjectState> {
    this.project.setNormalization(mode);
    return this.getProject();
  }

  async newProject(): Promise<ProjectState> {
    this.documents.newProject();
    return this.getProject();
  }

  async openSampleProject(): Promise<ProjectState> {
    await this.documents.openSample();
    return this.getProject();
  }

  async openProject(path: string): Promise<ProjectState> {
    await this.documents.open(path);
    return this.getProject();
  }

  saveProject(path?: string): Promise<{ path: string }> {
    return this.documents.save(path);
  }

  autosaveProject(): Promise<AutosaveInfo> {
    return this.documents.writeAutosave();
  }

  getAutosave(): Promise<AutosaveInfo | null> {
    return this.documents.latestAutosave();
  }

  async restoreAutosave(): Promise<ProjectState> {
    await this.documents.restoreAutosave();
    return this.getProject();
  }

  discardAutosave(): Promise<void> {
    return this.documents.discardAutosave();
  }

  /** The labels an image had when its project was opened (strokes come on top), or null. */
  async getBaseLabels(imageId: string, plane = 0): Promise<Uint8Array | null> {
    const image = this.project.requireImage(imageId);
    checkPlane(image, plane, 'getBaseLabels');
    return baseOf(image, plane);
  }

  async addImage(path: string): Promise<ProjectImage> {
    const image = await this.project.readProjectImage(resolve(path), randomUUID());
    const other = this.project.images.values().next().value;
    if (other && other.info.channelCount !== image.info.channelCount) {
      // One classifier serves every image, so every image must give the same feature channels.
      throw new ServiceError(
        'channel-mismatch',
        `${image.info.name} has ${image.info.channelCount} channel(s) but the project's images have ${other.info.channelCount}: ` +
          'all images of a project need the same channels (start a new project for this one)',
      );
    }
    this.project.images.set(image.info.id, image);
    return image.info;
  }

  async beginUpload(fileName: string, totalBytes: number): Promise<string> {
    const problem = uploadNameProblem(fileName);
    if (problem)
      throw new ServiceError('upload-refused', `cannot upload ${JSON.stringify(fileName)}: ${problem}`);
    return this.uploads.begin(fileName, totalBytes);
  }

  async uploadChunk(uploadId: string, offset: number, bytes: Uint8Array): Promise<void> {
    await this.uploads.write(uploadId, offset, bytes);
  }

  async finishUpload(uploadId: string): Promise<ProjectImage> {
    const received = await this.uploads.finish(uploadId);
    try {
      return await this.addImage(received.path);
    } catch (err) {
      await received.discard();
      throw err;
    }
  }

  async abortUpload(uploadId: string): Promise<void> {
    await this.uploads.abort(uploadId);
  }

  async removeImage(imageId: string): Promise<ProjectState> {
    this.project.removeImage(imageId);
    return this.getProject();
  }

  async getImageTile(request: ImageTileRequest): Promise<ImageTile> {
    const image = this.project.requireImage(request.imageId);
    const plane = request.plane ?? 0;
    checkPlane(image, plane, 'getImageTile');
    return imageTile(image, request, await this.project.planes.raw(image, plane));
  }

  /** For bench:live only: which fit the full-resolution overlay uses ('final': as Save fits). */
  setDisplayFitLevel(level: 'live' | 'final'): void {
    this.project.live.displayLevel = level;
  }

  async getFeatureTile(request: FeatureTileRequest): Promise<FeatureTile> {
    const image = this.project.requireImage(request.imageId);
    checkPlane(image, request.plane ?? 0, 'getFeatureTile');
    return featureTile(this.project.predictor, image, request, this.project.features);
  }

  setClasses(classes: LabelClass[]): Promise<ProjectState> {
    const project = this.project;
    return project.strokes.inTurn(async () => {
      const isLabelChanged = await project.strokes.keepClasses(new Set(classes.map((c) => c.id)));
      if (isLabelChanged || classes.length !== project.classes.length) project.live.invalidate();
      project.classes = classes;
      return this.getProject();
    });
  }

  applyLabelChange(change: LabelChange): Promise<void> {
    const project = this.project;
    return project.strokes.inTurn(async () => {
      if (await project.strokes.apply(change, project.classes)) project.live.labelsChanged();
    });
  }

  async setFeatureSelection(features: FeatureMatrix): Promise<ProjectState> {
    const rows = this.options.engine.featureNames.length;
    if (
      features.enabled.length !== rows ||
      features.enabled.some((r) => r.length !== features.scales.length)
    ) {
      throw new ServiceError(
        'invalid-argument',
        `the feature matrix must have ${rows} rows of ${features.scales.length} scales`,
      );
    }
    if (!features.enabled.some((r) => r.some(Boolean))) {
      throw new ServiceError('invalid-argument', 'select at least one feature');
    }
    if (features.dimensions === '3d') checkStacksFor3d(this.project.images.values());
    this.project.features = features;
    this.project.cache.clear();
    this.project.live.invalidate();
    return this.getProject();
  }

  async setClassifierSettings(settings: ClassifierSettings): Promise<ProjectState> {
    this.project.classifier = settings;
    this.project.live.invalidate();
    return this.getProject();
  }

  predictTiles(request: PredictRequest): Promise<PredictResult> {
    return predictVisibleTiles(this.project, this.requests, request, {
      tiles: this.tiles,
      progress: this.progress,
      concurrency: this.options.concurrency ?? DEFAULT_TILE_CONCURRENCY,
    });
  }

  exportImages(request: ExportRequest): Promise<ExportResult> {
    return exportProjectImages(this.project, this.requests, request, this.progress);
  }

  suggestFeatures(request: SuggestFeaturesRequest): Promise<SuggestFeaturesResult> {
    return suggestFeaturesForProject(this.project, this.requests, request, this.progress);
  }

  listFolder(path: string | null): Promise<FolderListing> {
    const { homeDir, dataDir } = this.options;
    return listFolder(path, browseRoots(homeDir ?? homedir(), dataDir, this.project.path));
  }

  async cancel(requestId: number): Promise<void> {
    this.requests.cancel(requestId);
  }

  /** Stops running work; the engine (worker pool) is closed by whoever created it. */
  dispose(): Promise<void> {
    this.requests.abortAll();
    return this.uploads.dispose();
  }
}
