/**
 * The project: everything a trained pixel classifier needs, in one human-readable JSON file (`.mixel`):
 * classes, feature selection, intensity normalization, the images (by relative path, size and sha256, so
 * a moved or changed file is noticed), their labels (run-length encoded rasters) and the fitted model.
 * Records are plain JSON and never mutated: every helper returns a new project. Loading and saving live
 * in src/main/project/projectFile.ts; this module is pure and also runs in the window.
 */
import type { z } from 'zod';
import type { SampleType } from '../image.js';
import type { FeatureConvention, FeatureSelection } from '../features/selection.js';
import { decodeLabelRuns, encodeLabelRuns, hasLabelledRuns } from './labelCodec.js';
import {
  MAX_CLASSES,
  MAX_LABELLED_PLANES,
  SQRT_NORMALIZATION_PROJECT_VERSION,
  STACK_PROJECT_VERSION,
  SUPPORTED_PROJECT_VERSIONS,
} from './projectLimits.js';
import {
  PROJECT_FORMAT,
  projectSchema,
  type channelRangeSchema,
  type imageRecordSchema,
  type labelClassSchema,
  type labelRasterSchema,
  type normalizationSchema,
} from './projectSchema.js';
import { containerFileOf } from '../containerPath.js';
import { DEFAULT_NORMALIZATION_MODE } from '../normalization.js';

export { MAX_CLASSES, PROJECT_FORMAT };
/**
 * The version a new project starts at. Bumped when the file layout changes; newer files are rejected with
 * a message saying to update. A project that uses stacks (labels beyond plane 0, 3-D features) is written
 * as STACK_PROJECT_VERSION and one normalized by 'percentile-sqrt' as SQRT_NORMALIZATION_PROJECT_VERSION
 * (validateProject raises it), so an older Mixel refuses it as too new instead of silently dropping those
 * labels or calling the file damaged.
 */
export const PROJECT_VERSION = 1;

export type LabelClass = z.infer<typeof labelClassSchema>;
export type NormalizationSettings = z.infer<typeof normalizationSchema>;
export type ChannelRange = z.infer<typeof channelRangeSchema>;
export type ImageRecord = z.infer<typeof imageRecordSchema> & { sampleType: SampleType };
export type LabelRaster = z.infer<typeof labelRasterSchema>;
/** '2d': every plane on its own; '3d': features over z for images with a z axis, per t frame. */
export type FeatureDimensions = '2d' | '3d';
export interface FeatureSettings {
  readonly convention: FeatureConvention;
  readonly selection: FeatureSelection;
  /** Absent means '2d' (every version-1 project). */
  readonly dimensions?: FeatureDimensions;
  /** σ multipliers along z, y, x for 3-D features; null or absent: isotropic (ilastik's convention). */
  readonly anisotropy?: readonly [number, number, number] | null;
  /** Per scale of the selection: computed per plane in 2-D even in a 3-D bank (ilastik's "compute in 2D"). */
  readonly computeIn2d?: readonly boolean[];
}
export type Project = Omit<z.infer<typeof projectSchema>, 'features' | 'images'> & {
  features: FeatureSettings;
  images: ImageRecord[];
};

/** Default class colours (ilastik's first label colours), used when the user names no colours. */
export const DEFAULT_CLASS_COLORS = [
  '#ffe119',
  '#0082c8',
  '#e6194b',
  '#3cb44b',
  '#911eb4',
  '#f58231',
  '#46f0f0',
];

/**
 * Percentiles, not min/max, so a few hot pixels do not squash the range; 0.1/99.9 keeps nearly all of it.
 * Data sitting on a large camera offset (33000–37000 of 65535) is mapped to about 0..1 either way.
 */
export const DEFAULT_NORMALIZATION: NormalizationSettings = {
  mode: DEFAULT_NORMALIZATION_MODE,
  lowPercentile: 0.1,
  highPercentile: 99.9,
};

export function createProject(options: {
  classNames: readonly string[];
  colors?: readonly string[];
  features: FeatureSettings;
  normalization?: NormalizationSettings;
}): Project {
  return validateProject({
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    classes: options.classNames.map((name, i) => ({
      name,
      color: options.colors?.[i] ?? DEFAULT_CLASS_COLORS[i % DEFAULT_CLASS_COLORS.length],
    })),
    features: options.features,
    normalization: options.normalization ?? DEFAULT_NORMALIZATION,
    images: [],
    labels: {},
    model: null,
  });
}

/** Validates a parsed JSON value as a project; the thrown Error lists the problems in one line. */
export function validateProject(value: unknown): Project {
  if (typeof value === 'object' && value !== null && 'version' in value) {
    const version = (value as { version: unknown }).version;
    const newest = Math.max(...SUPPORTED_PROJECT_VERSIONS);
    if (typeof version === 'number' && version > newest && Number.isFinite(version)) {
      throw new Error(`project version ${version} is newer than this Mixel reads (${newest}): update Mixel`);
    }
  }
  const result = projectSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
      return `${where}${issue.message}`;
    });
    throw new Error(`not a valid Mixel project (${problems.slice(0, 3).join('; ')})`);
  }
  const project = result.data as Project;
  const needed = Math.max(
    project.version,
    usesStacks(project) ? STACK_PROJECT_VERSION : 0,
    project.normalization.mode === 'percentile-sqrt' ? SQRT_NORMALIZATION_PROJECT_VERSION : 0,
  );
  return needed > project.version ? { ...project, version: needed } : project;
}

/** Whether the project holds something a version-1 reader would lose: plane labels or 3-D settings. */
function usesStacks(project: Project): boolean {
  const f = project.features;
  if (f.dimensions === '3d' || f.anisotropy != null || f.computeIn2d !== undefined) return true;
  return Object.values(project.planeLabels ?? {}).some((planes) => Object.keys(planes).length > 0);
}

export function addImage(project: Project, record: ImageRecord): Project {
  if (project.images.some((im) => im.id === record.id)) {
    throw new Error(`image id "${record.id}" is already in the project`);
  }
  return { ...project, images: [...project.images, record] };
}

export function removeImage(project: Project, imageId: string): Project {
  const labels = { ...project.labels };
  delete labels[imageId];
  const removed = { ...project, images: project.images.filter((im) => im.id !== imageId), labels };
  if (!project.planeLabels?.[imageId]) return removed;
  const planeLabels = { ...project.planeLabels };
  delete planeLabels[imageId];
  return { ...removed, planeLabels };
}

/** Replaces an image's path and checksum (a moved or re-exported file), keeping its labels. */
export function relinkImage(
  project: Project,
  imageId: string,
  path: string,
  fileSize: number,
  sha256: string,
): Project {
  return {
    ...project,
    images: project.images.map((im) => (im.id === imageId ? { ...im, path, fileSize, sha256 } : im)),
  };
}

export function findImage(project: Project, imageId: string): ImageRecord {
  const image = project.images.find((im) => im.id === imageId);
  if (!image) throw new Error(`image "${imageId}" is not in the project`);
  return image as ImageRecord;
}

function checkPlane(image: ImageRecord, plane: number): void {
  if (!Number.isInteger(plane) || plane < 0 || plane >= image.planes) {
    throw new RangeError(
      `plane ${plane} is not a plane of image "${image.id}" (it has ${image.planes}: 0..${image.planes - 1})`,
    );
  }
}

/**
 * Stores an image's label raster (0 = unlabeled, 1..K = class) on one plane of a stack; `plane` is the flat
 * index t·Z + z that ImageInfo.planes counts. Values beyond the classes are refused. An all-zero raster on
 * a plane after the first removes that plane's labels.
 */
export function setLabels(project: Project, imageId: string, labels: Uint8Array, plane = 0): Project {
  const image = findImage(project, imageId);
  checkPlane(image, plane);
  if (labels.length !== image.width * image.height) {
    throw new RangeError(
      `labels have ${labels.length} pixels but image "${imageId}" is ${image.width} × ${image.height}`,
    );
  }
  const k = project.classes.length;
  let max = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] > max) max = labels[i];
  if (max > k) throw new RangeError(`labels contain the value ${max} but the project has only ${k} classes`);
  const raster: LabelRaster = {
    width: image.width,
    height: image.height,
    encoding: 'rle8-base64',
    data: encodeLabelRuns(labels),
  };
  if (plane === 0) return { ...project, labels: { ...project.labels, [imageId]: raster } };
  const planes = { ...(project.planeLabels?.[imageId] ?? {}) };
  if (max === 0) delete planes[String(plane)];
  else planes[String(plane)] = raster;
  if (Object.keys(planes).length > MAX_LABELLED_PLANES) {
    throw new RangeError(`image "${imageId}" has labels on more than ${MAX_LABELLED_PLANES} planes`);
  }
  const planeLabels = { ...(project.planeLabels ?? {}), [imageId]: planes };
  if (Object.keys(planes).length === 0) delete planeLabels[imageId];
  return { ...project, planeLabels };
}

/** The label raster of one plane of an image (flat index t·Z + z), all zeros when it has none. */
export function getLabels(project: Project, imageId: string, plane = 0): Uint8Array {
  const image = findImage(project, imageId);
  checkPlane(image, plane);
  const raster = plane === 0 ? project.labels[imageId] : project.planeLabels?.[imageId]?.[String(plane)];
  if (!raster) return new Uint8Array(image.width * image.height);
  return decodeLabelRuns(raster.data, raster.width * raster.height);
}

/** The planes of an image that hold at least one labelled pixel, ascending (flat indices t·Z + z). */
export function labelledPlanes(project: Project, imageId: string): number[] {
  const image = findImage(project, imageId);
  const pixels = image.width * image.height;
  const out: number[] = [];
  const first = project.labels[imageId];
  if (first && hasLabelledRuns(first.data, pixels)) out.push(0);
  for (const [plane, raster] of Object.entries(project.planeLabels?.[imageId] ?? {})) {
    if (hasLabelledRuns(raster.data, pixels)) out.push(Number(plane));
  }
  return out.sort((a, b) => a - b);
}

export function setModel(project: Project, model: unknown): Project {
  return { ...project, model };
}

/** A file name without folders and extension, used for `{nickname}` in export names (as ilastik does). */
export function nicknameOf(path: string): string {
  const base = containerFileOf(path).split(/[\\/]/).pop() ?? path;
  return base.replace(/\.(ome\.)?[^.]+$/i, '') || base;
}
