/**
 * The one backend API (DESIGN.md, "One backend API"; STYLE.md §3). LocalMixelService implements it in
 * Node; the window reaches it through Electron IPC or a WebSocket, tests through an in-memory pipe — all
 * via serveService / connectService, so every caller sees exactly these members.
 */
import type { Event } from './Event.js';
import type {
  AutosaveInfo,
  ClassifierSettings,
  ExportRequest,
  ExportResult,
  FeatureMatrix,
  FeatureTile,
  FeatureTileRequest,
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
  FolderListing,
} from './types.js';

export interface MixelService {
  /** The current project: classes, images (metadata), strokes, settings. Does not read pixels. */
  getProject(): Promise<ProjectState>;

  /** Replaces the open project with an empty one (two classes, default features). Unsaved work is lost. */
  newProject(): Promise<ProjectState>;

  /**
   * Opens a project file saved by `saveProject` (or `mixel`), reading its images. Fails with code
   * `project-unreadable` or `image-unreadable`, naming the file; the open project is then unchanged.
   */
  openProject(path: string): Promise<ProjectState>;

  /**
   * Opens the built-in sample (a synthetic 16-bit image of nuclei, classes "background" and "nucleus"),
   * writing its files to the backend's sample folder first if needed. No labels: the user scribbles.
   */
  openSampleProject(): Promise<ProjectState>;

  /**
   * Writes the project (classes, strokes, settings, image paths) to `path`, or to where it was last saved
   * when `path` is omitted. Fails with code `no-path` for a project never saved and no path given.
   */
  saveProject(path?: string): Promise<{ path: string }>;

  /**
   * Writes the session for crash recovery beside the project (`cells.autosave.mixel`; a project never
   * saved goes to the backend's data folder). The project's own file and path stay as they are.
   */
  autosaveProject(): Promise<AutosaveInfo>;

  /** The latest autosave not yet superseded by a save (to offer on start), or null. */
  getAutosave(): Promise<AutosaveInfo | null>;

  /** Opens the latest autosave as the project, its path the project it came from. Fails `no-autosave`. */
  restoreAutosave(): Promise<ProjectState>;

  /** Deletes the latest autosave (the user chose not to restore it). */
  discardAutosave(): Promise<void>;

  /** Adds an image file by path to the project. Fails with `image-unreadable` and the reader's reason. */
  addImage(path: string): Promise<ProjectImage>;

  /**
   * Starts adding an image from bytes the window holds (drag and drop in browser mode), sent in pieces so
   * no message is large (uploadInChunks.ts does the whole exchange). Returns the upload's id. Refused with
   * code `upload-refused` when the name is not a plain file name, the size is 0 or over
   * MAX_UPLOAD_FILE_BYTES, the upload folder would pass its cap, or too many uploads are running.
   */
  beginUpload(fileName: string, totalBytes: number): Promise<string>;

  /**
   * Appends bytes to an upload: `offset` is the number of bytes sent before (pieces go in order), at most
   * UPLOAD_CHUNK_BYTES each. The first piece must start like a TIFF, PNG or JPEG file (other formats are
   * opened by path), else the upload is dropped. An upload left without a piece for a while is aborted.
   */
  uploadChunk(uploadId: string, offset: number, bytes: Uint8Array): Promise<void>;

  /**
   * Completes an upload whose bytes all arrived: writes it to the upload folder and reads it as `addImage`
   * does. When it is not a readable image (or is truncated) nothing stays on disk.
   */
  finishUpload(uploadId: string): Promise<ProjectImage>;

  /** Drops an unfinished upload and its bytes. Unknown ids are ignored. */
  abortUpload(uploadId: string): Promise<void>;

  /** Removes an image and its strokes from the project. Does not touch the file. */
  removeImage(imageId: string): Promise<ProjectState>;

  /** Raw pixels of a region for display (windowing is the window's job). Never triggers a prediction. */
  getImageTile(request: ImageTileRequest): Promise<ImageTile>;

  /**
   * One feature channel of a region, computed by the feature bank as prediction uses it (from the cached
   * feature tiles when they are there). Refused (`invalid-argument`) for a channel the selection lacks.
   */
  getFeatureTile(request: FeatureTileRequest): Promise<FeatureTile>;

  /**
   * The labels an image had when its project was opened (saved as rasters), which strokes paint over;
   * null when it had none. Full resolution, one byte per pixel (0 = unlabeled, else the class id). `plane`
   * (default 0) is a plane of a stack (ProjectImage.basePlanes lists those with saved labels).
   */
  getBaseLabels(imageId: string, plane?: number): Promise<Uint8Array | null>;

  /** Replaces the class list (add, rename, recolour, delete). Deleting a class also deletes its strokes. */
  setClasses(classes: LabelClass[]): Promise<ProjectState>;

  /**
   * Applies strokes added or removed in the window (painting, undo, redo), in the order the calls arrive.
   * Does not retrain. Refused (`invalid-argument`) when a stroke lies further than
   * STROKE_COORDINATE_MARGIN_PX outside its image or the change is more painting than one call may ask.
   */
  applyLabelChange(change: LabelChange): Promise<void>;

  /** Sets which features are computed. Drops cached features and the model; does not retrain. */
  setFeatureSelection(features: FeatureMatrix): Promise<ProjectState>;

  /**
   * Sets the intensity normalization the features see (the display keeps raw values). Percentile ranges
   * are measured per image. Drops cached features and the model; does not retrain.
   */
  setNormalization(mode: NormalizationMode): Promise<ProjectState>;

  /** Sets the classifier's settings. Drops the model; does not retrain. */
  setClassifierSettings(settings: ClassifierSettings): Promise<ProjectState>;

  /**
   * Retrains if asked and the labels changed, then predicts the given tiles, visible first. Each tile is
   * delivered through `onDidUpdateTile` as soon as it is ready; the promise resolves when all are done.
   * A newer call from the same view (`viewId`) supersedes this one: its remaining tiles are skipped
   * (`isCancelled`); other views' calls run on.
   */
  predictTiles(request: PredictRequest): Promise<PredictResult>;

  /**
   * Runs the classifier over whole images and writes the chosen sources. Progress arrives through
   * `onDidProgress`; an image that fails is reported and the others go on.
   */
  exportImages(request: ExportRequest): Promise<ExportResult>;

  /**
   * Ranks feature groups (per feature, per scale, and sets picked one by one) by how well they separate
   * the scribbled classes on held-out labelled pixels, on the worker pool; progress arrives through
   * `onDidProgress`, `cancel(requestId)` stops it. Fails `not-enough-labels` with fewer than two classes
   * labelled. Painting and predictions go on while it runs.
   */
  suggestFeatures(request: SuggestFeaturesRequest): Promise<SuggestFeaturesResult>;

  /**
   * Lists a folder on the backend's machine for the file browser of browser mode (null: the first allowed
   * folder). Only inside the user's folders — home, the data folder, the open project's folder — with
   * links resolved and checked again; refused (`path-refused`, one line) elsewhere. At most
   * MAX_LISTED_ENTRIES entries: folders, project files and images.
   */
  listFolder(path: string | null): Promise<FolderListing>;

  /** Stops a running `predictTiles` or `exportImages` by its request id. Unknown ids are ignored. */
  cancel(requestId: number): Promise<void>;

  /** Progress of long work (training, export), with errors per image. */
  readonly onDidProgress: Event<Progress>;

  /** A freshly predicted tile, for the request that is current. */
  readonly onDidUpdateTile: Event<ProbabilityTile>;
}

/** The callable members, by name: the transport dispatches only these. */
export const MIXEL_METHODS = [
  'getProject',
  'newProject',
  'openProject',
  'openSampleProject',
  'saveProject',
  'autosaveProject',
  'getAutosave',
  'restoreAutosave',
  'discardAutosave',
  'addImage',
  'beginUpload',
  'uploadChunk',
  'finishUpload',
  'abortUpload',
  'removeImage',
  'getImageTile',
  'getFeatureTile',
  'getBaseLabels',
  'setClasses',
  'applyLabelChange',
  'setFeatureSelection',
  'setClassifierSettings',
  'setNormalization',
  'predictTiles',
  'exportImages',
  'suggestFeatures',
  'listFolder',
  'cancel',
] as const satisfies readonly Exclude<keyof MixelService, `on${string}`>[];

export const MIXEL_EVENTS = ['onDidProgress', 'onDidUpdateTile'] as const satisfies readonly Extract<
  keyof MixelService,
  `on${string}`
>[];

export type MixelMethod = (typeof MIXEL_METHODS)[number];
export type MixelEventName = (typeof MIXEL_EVENTS)[number];
