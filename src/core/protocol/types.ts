/**
 * The data that crosses between the window and the backend. Plain records; pixel payloads are typed
 * arrays (sent as binary, see binaryCodec.ts).
 */
import type { Stroke } from '../labels/Stroke.js';
import type { Rect } from '../tiling.js';
import type { NormalizationModeName } from '../normalization.js';

export type { Stroke, Rect };

export interface LabelClass {
  /** 1-based class index: the value written in label rasters and segmentations. */
  readonly id: number;
  readonly name: string;
  /** CSS colour, `#rrggbb`. */
  readonly color: string;
}

/** An image in the project as the window sees it: metadata only, pixels stay in the backend. */
export interface ProjectImage {
  readonly id: string;
  readonly name: string;
  /** Absolute path of the file the pixels come from. */
  readonly path: string;
  readonly width: number;
  readonly height: number;
  readonly channelCount: number;
  readonly sampleType: 'uint8' | 'uint16' | 'float32';
  /** Per channel: smallest and largest value, for the contrast (windowing) defaults. */
  readonly channelRanges: readonly { readonly min: number; readonly max: number }[];
  /**
   * 2-D planes of a stack (t · z; 1 for a plain image), indexed p = t · sizeZ + z. Absent from backends
   * that predate stacks: 1. `channelRanges` are plane 0's.
   */
  readonly planes?: number;
  /** The file's axes, slowest first (`yx`, `zyx`, `tzyx`, `zcyx`, …), as imageSource.ts names them. */
  readonly axes?: string;
  /** Focal planes (z) and time points (t) of a stack; 1 when the image has no such axis. */
  readonly sizeZ?: number;
  readonly sizeT?: number;
  /** Planes after 0 whose labels were saved in the project file (getBaseLabels(imageId, plane)). */
  readonly basePlanes?: readonly number[];
}

/** ilastik's feature matrix: which feature (row) at which scale (column) is computed. */
export interface FeatureMatrix {
  readonly scales: readonly number[];
  /** enabled[featureRow][scaleColumn]. */
  readonly enabled: readonly (readonly boolean[])[];
  /**
   * '3d': features of z-stacks over z (ilastik's 3-D bank), the visible plane computed from a block of
   * planes around it; scales too large for a stack's depth are computed in 2-D. Absent: '2d', per plane.
   */
  readonly dimensions?: '2d' | '3d';
}

export interface ClassifierSettings {
  /** Gaussian components per class. */
  readonly components: number;
  /** Refine the mixtures with the unlabeled pixels (semi-supervised EM). */
  readonly semiSupervised: boolean;
}

/**
 * Intensity normalization before features, as the command line's `--normalize`: raw values, or per image
 * and channel the 0.1–99.9 percentiles mapped to 0 and 1 (images on different offsets or gains), or that
 * followed by a square root (core/normalization.ts).
 */
export type NormalizationMode = NormalizationModeName;

/** A session written for crash recovery (MixelService.autosaveProject). */
export interface AutosaveInfo {
  /** The autosave file. */
  readonly path: string;
  /** The project file it belongs to; null for a project never saved. */
  readonly projectPath: string | null;
  /** When it was written, ISO 8601. */
  readonly savedAt: string;
}

export interface ProjectState {
  /** Where the project was last saved or opened from; null for a new, unsaved project. */
  readonly path: string | null;
  readonly classes: readonly LabelClass[];
  readonly images: readonly ProjectImage[];
  /** Every stroke of every image, in painting order. */
  readonly strokes: readonly Stroke[];
  readonly features: FeatureMatrix;
  /** Names of the feature rows, in matrix order (e.g. "Gaussian Smoothing"). */
  readonly featureNames: readonly string[];
  readonly classifier: ClassifierSettings;
  /** Absent from backends that predate it: 'none'. */
  readonly normalization?: NormalizationMode;
  readonly hasModel: boolean;
}

export interface LabelChange {
  readonly added: readonly Stroke[];
  /** Ids of strokes to remove. */
  readonly removed: readonly string[];
}

/** Raw pixels of a region, downsampled by 2^level (nearest), one plane per channel. */
export interface ImageTileRequest {
  readonly imageId: string;
  /** 0 = full resolution, 1 = every second pixel, … */
  readonly level: number;
  /** The region in full-resolution pixels. */
  readonly rect: Rect;
  /** The plane of a stack (default 0); refused when the image has fewer planes. */
  readonly plane?: number;
}

export interface ImageTile {
  readonly imageId: string;
  /** The plane the pixels come from (absent: 0). */
  readonly plane?: number;
  readonly level: number;
  readonly rect: Rect;
  /** Size of the returned planes (rect size divided by 2^level, rounded up). */
  readonly width: number;
  readonly height: number;
  readonly channels: Float32Array[];
}

/** One feature channel of a region (ilastik's feature viewer), as the classifier sees it. */
export interface FeatureTileRequest {
  readonly imageId: string;
  /** Full-resolution pixels; at most FEATURE_TILE_MAX_PX on a side (a prediction tile is cached whole). */
  readonly rect: Rect;
  /** Index into the feature channels of the project's selection (featureChannelNames order). */
  readonly channel: number;
  /** The plane of a stack (default 0). */
  readonly plane?: number;
}

export interface FeatureTile {
  readonly imageId: string;
  readonly plane?: number;
  readonly rect: Rect;
  readonly channel: number;
  /** The channel's name, e.g. "Gaussian Smoothing (σ=1.0)". */
  readonly name: string;
  /** rect.width × rect.height values, row-major. */
  readonly values: Float32Array;
}

export interface PredictRequest {
  /** Chosen by the caller; a newer request of the same view supersedes every older one still running. */
  readonly requestId: number;
  /**
   * The window (tab) asking, random per window: a newer request cancels only older ones with the same
   * view id, so one window panning never cancels another's tiles. Tiles carry it back.
   */
  readonly viewId: string;
  readonly imageId: string;
  /** Tiles to predict, in full-resolution pixels, visible ones first. */
  readonly tiles: readonly Rect[];
  /** Refit the classifier on the current labels first (done only when the labels changed). */
  readonly retrain: boolean;
  /**
   * Predict every `stride`-th pixel of each row and column only (default 1): a quick preview, 1/stride²
   * of the work, that the window shows blocky until the full-resolution tiles replace it.
   */
  readonly stride?: number;
  /** The plane of a stack to predict (default 0); refused when the image has fewer planes. */
  readonly plane?: number;
  /**
   * Whether the tiles carry the unexplained score (default true). The window asks for it only while a
   * layer that shows it is on: otherwise the score cost each full-resolution tile ~15% more prediction
   * and a third more bytes to send and receive, for nothing on screen.
   */
  readonly unexplained?: boolean;
}

export interface PredictResult {
  readonly requestId: number;
  readonly tilesDone: number;
  readonly isCancelled: boolean;
  /** False when there is nothing to predict with (fewer than two classes have labels). */
  readonly hasModel: boolean;
  readonly trainMs: number;
  readonly totalMs: number;
}

/** Per-class probabilities of one tile, quantized to 0..255: plenty for display, 4× smaller than float32. */
export interface ProbabilityTile {
  readonly requestId: number;
  /** The view whose request this tile answers (PredictRequest.viewId). */
  readonly viewId: string;
  readonly imageId: string;
  /** The plane the tile was predicted on (absent: 0). */
  readonly plane?: number;
  readonly rect: Rect;
  /** 1 at full resolution; s when every s-th pixel was predicted (planes of ⌈w/s⌉ × ⌈h/s⌉). */
  readonly stride: number;
  /** Size of the planes. */
  readonly width: number;
  readonly height: number;
  readonly classCount: number;
  /** classCount planes of width × height, one after another. */
  readonly probabilities: Uint8Array;
  /**
   * How poorly every class's mixture explains each pixel (width × height): 0 = some class explains it,
   * 128..255 = no scribbled class does, likely a kind of object nobody labelled (core/unexplained).
   * Absent when the model has no calibration for it.
   */
  readonly unexplained?: Uint8Array;
}

export type ExportSource = 'probabilities' | 'simple-segmentation' | 'uncertainty' | 'features' | 'labels';
/**
 * `png` is greyscale (class values read as values); `png-color` the palette PNG of label sources; `zarr` an
 * OME-Zarr image folder (multiscale, for images too big for a TIFF).
 */
export type ExportFormat = 'tiff' | 'png' | 'png-color' | 'npy' | 'zarr';

export interface ExportRequest {
  readonly requestId: number;
  readonly imageIds: readonly string[];
  readonly sources: readonly ExportSource[];
  readonly format: ExportFormat;
  /**
   * Output path pattern, the command line's (core/export/exportNames.ts): `{dataset_dir}` = the image's
   * folder, `{nickname}` = its file name without extension, `{result_type}` = the source as ilastik
   * names it (`Simple Segmentation`), `{ext}` = the format's extension; `{dir}`, `{name}`, `{source}` are
   * their older aliases.
   */
  readonly outputPattern: string;
}

export interface ExportImageResult {
  readonly imageId: string;
  readonly paths: readonly string[];
  /** Set when this image failed; the others still ran. */
  readonly error?: string;
}

export interface ExportResult {
  readonly requestId: number;
  readonly images: readonly ExportImageResult[];
  readonly isCancelled: boolean;
}

export interface Progress {
  readonly requestId: number;
  /** What is running, for the status line: "Exporting", "Training", … */
  readonly task: string;
  readonly done: number;
  readonly total: number;
  /** The image being worked on, when the task is per image. */
  readonly imageId?: string;
  /** For per-image tasks: the image's own fraction done, 0..1. */
  readonly imageFraction?: number;
  /** An error for `imageId`; the task continues with the next image. */
  readonly error?: string;
}

/** An error as it crosses the wire. `code` is stable and machine-readable; `message` says what to do. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code: string;
}

/** "Suggest features": rank feature groups on the scribbles (MixelService.suggestFeatures). */
export interface SuggestFeaturesRequest {
  readonly requestId: number;
  /** The image on screen: the previews segment a crop of it. */
  readonly imageId: string;
  /** The part of the image in view; its centre (at most SUGGEST_PREVIEW_PX square) is the preview crop. */
  readonly viewRect: Rect;
  /** The plane of a stack on screen, which the previews segment (default 0). */
  readonly plane?: number;
}

export interface FeatureSuggestion {
  /** What the set is, e.g. "Laplacian of Gaussian, all scales" or "3 features picked one by one". */
  readonly name: string;
  /** The features of the set, listed ("Gaussian Smoothing σ=1.0, …"). */
  readonly detail: string;
  /** Ready for setFeatureSelection. */
  readonly features: FeatureMatrix;
  /** Feature channels the set computes per image. */
  readonly featureCount: number;
  /** Mean log posterior of the true class on held-out scribbled pixels (0 is perfect). */
  readonly logLikelihood: number;
  /** Held-out accuracy, averaged per class, 0..1. */
  readonly accuracy: number;
  /** The crop segmented under this set: one class id per pixel of `previewRect`, row-major. */
  readonly preview: Uint8Array;
}

export interface SuggestFeaturesResult {
  readonly requestId: number;
  readonly isCancelled: boolean;
  /** Best first. Empty when cancelled. */
  readonly suggestions: readonly FeatureSuggestion[];
  /** The current selection's score on the same folds, for comparison; null when it cannot be scored. */
  readonly current: { readonly logLikelihood: number; readonly accuracy: number } | null;
  /** The crop the previews show, in full-resolution pixels of the image. */
  readonly previewRect: Rect;
  /** Labelled pixels the ranking was scored on. */
  readonly sampleCount: number;
  readonly totalMs: number;
}

/** One entry of a folder listing (MixelService.listFolder). */
export interface FolderEntry {
  readonly name: string;
  /** 'image' includes OME-Zarr folders (opened as images). */
  readonly kind: 'folder' | 'project' | 'image';
}

/** A folder on the backend's machine, for the file browser of browser mode. */
export interface FolderListing {
  /** The folder, with symbolic links resolved. */
  readonly path: string;
  /** The folder above, or null at the top of an allowed folder. */
  readonly parent: string | null;
  /** The folders that may be browsed (home, the data folder, the project's folder). */
  readonly roots: readonly { readonly label: string; readonly path: string }[];
  /** Folders first, then files, by name; only what the window opens. */
  readonly entries: readonly FolderEntry[];
  /** Entries left out of a huge folder. */
  readonly notListed: number;
  /** Says the listing was cut, or null. */
  readonly note: string | null;
}
