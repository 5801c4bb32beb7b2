/**
 * The one naming scheme of every export — `mixel predict`, `mixel segment` and the window's Export dialog:
 * ilastik's export sources and ilastik's placeholders, so a file is called the same whichever way it was
 * made. `{result_type}` is the source's name exactly as ilastik spells it in its file names
 * (`cells_Simple Segmentation.h5` in ilastik, `cells_Simple Segmentation.tif` here): ilastik formats
 * the name with its export source's display name, spaces included.
 * Pure string work (no Node), so the window shows the same placeholders the backend fills.
 */
import { containerFileOf } from '../containerPath.js';
import { nicknameOf } from '../project/Project.js';

/** ilastik's Pixel Classification export sources, in its order. */
export const RESULT_TYPES = [
  'Probabilities',
  'Simple Segmentation',
  'Uncertainty',
  'Features',
  'Labels',
] as const;
export type ResultType = (typeof RESULT_TYPES)[number];

/** Sources that hold class values 1..K (0 = unlabeled for Labels), written as integers, never scaled. */
export const LABEL_RESULTS: readonly ResultType[] = ['Simple Segmentation', 'Labels'];

export function isLabelResult(result: ResultType): boolean {
  return LABEL_RESULTS.includes(result);
}

/**
 * File formats. `png` holds one integer channel as greyscale (class values read as values everywhere);
 * `png-color` is the palette PNG of label sources, whose colours imageio and napari show instead of values;
 * `zarr` an OME-Zarr image folder (multiscale, chunked) for images too big for a TIFF.
 */
export const EXPORT_FORMATS = ['tiff', 'png', 'png-color', 'npy', 'zarr'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const FORMAT_EXTENSIONS: Record<ExportFormat, string> = {
  tiff: 'tif',
  png: 'png',
  'png-color': 'png',
  npy: 'npy',
  zarr: 'zarr',
};

/** ilastik's default export name, with the format's extension (ilastik adds it itself). */
export const DEFAULT_OUTPUT_TEMPLATE = '{dataset_dir}/{nickname}_{result_type}.{ext}';

/**
 * Placeholders: ilastik's, then one file per plane with `{z}`, `{t}` or `{plane}` (`{slice_index}`, as
 * ilastik's sequence exports, is `{plane}`). Earlier Mixel spellings stay as aliases: `{dir}` (predict)
 * and `{name}`, `{source}` (the window).
 */
export const NAME_FIELDS = ['dataset_dir', 'nickname', 'result_type', 'ext', 'z', 't', 'plane'] as const;
export type NameField = (typeof NAME_FIELDS)[number];
export const NAME_ALIASES: Readonly<Record<string, NameField>> = {
  dir: 'dataset_dir',
  name: 'nickname',
  source: 'result_type',
  slice_index: 'plane',
};
/** Fields that make one file per 2-D plane instead of one stack per image. */
const PLANE_FIELDS: readonly NameField[] = ['z', 't', 'plane'];
/** Plane numbers are zero-padded so a folder listing sorts them in order. */
const PLANE_DIGITS = 4;

/** Every placeholder a template may hold, as the messages and the dialog list them. */
export function describeNameFields(): string {
  return [...NAME_FIELDS, ...Object.keys(NAME_ALIASES)].map((f) => `{${f}}`).join(' ');
}

/** The canonical field a `{placeholder}` stands for, or null when it is not one. */
function fieldOf(placeholder: string): NameField | null {
  if ((NAME_FIELDS as readonly string[]).includes(placeholder)) return placeholder as NameField;
  return NAME_ALIASES[placeholder] ?? null;
}

/** The fields a template uses; throws naming the first placeholder that is not one. */
export function templateFields(template: string): Set<NameField> {
  const fields = new Set<NameField>();
  for (const match of template.matchAll(/\{([^}]*)\}/g)) {
    const field = fieldOf(match[1]);
    if (field === null) {
      throw new RangeError(`unknown field {${match[1]}}: use ${describeNameFields()}`);
    }
    fields.add(field);
  }
  return fields;
}

/** True when the template asks for one file per z/t plane (it holds `{z}`, `{t}` or `{plane}`). */
export function isPerPlaneTemplate(template: string): boolean {
  const fields = templateFields(template);
  return PLANE_FIELDS.some((f) => fields.has(f));
}

/**
 * Fails when a per-plane template would give two planes of one image the same name: `{z}` alone on an
 * image with several time points, `{t}` alone on one with several z-planes.
 */
export function checkPlaneFields(template: string, zSize: number, tSize: number): void {
  const fields = templateFields(template);
  if (fields.has('plane') || !(fields.has('z') || fields.has('t'))) return;
  if (tSize > 1 && !fields.has('t')) {
    throw new RangeError(`the image has ${tSize} time points: add {t} to the output name (or use {plane})`);
  }
  if (zSize > 1 && !fields.has('z')) {
    throw new RangeError(`the image has ${zSize} z-planes: add {z} to the output name (or use {plane})`);
  }
}

/**
 * A template made per-plane for ilastik's "tif sequence"/"png sequence" formats: `_{slice_index}` before
 * the extension, unless it already names the plane.
 */
export function sequenceTemplate(template: string): string {
  if (isPerPlaneTemplate(template)) return template;
  const ext = /(\.\{ext\}|\.[A-Za-z0-9]+)$/.exec(template);
  return ext ? `${template.slice(0, ext.index)}_{slice_index}${ext[1]}` : `${template}_{slice_index}`;
}

export interface OutputNameParts {
  readonly imagePath: string;
  readonly result: ResultType;
  readonly format: ExportFormat;
  /** Per-plane files only: the plane's z and t index and its number over all planes (t-major). */
  readonly z?: number;
  readonly t?: number;
  readonly plane?: number;
  /** Appended to the result type, e.g. `-nucleus` for one class of Probabilities as separate PNGs. */
  readonly resultSuffix?: string;
}

/** The folder of a path as node's `dirname` gives it (`.` for a bare name), for `/` and `\` alike. */
export function parentFolder(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (cut < 0) return '.';
  if (cut === 0) return path[0];
  return path.slice(0, cut);
}

/** Fills a template for one image and source. Throws on an unknown placeholder. */
export function outputName(template: string, parts: OutputNameParts): string {
  templateFields(template);
  const index = (n: number | undefined) => String(n ?? 0).padStart(PLANE_DIGITS, '0');
  const values: Record<NameField, string> = {
    // The folder of `cells.h5`, not of `cells.h5/exported/data` (which is no folder).
    dataset_dir: parentFolder(containerFileOf(parts.imagePath)),
    nickname: nicknameOf(parts.imagePath),
    result_type: parts.result + (parts.resultSuffix ?? ''),
    ext: FORMAT_EXTENSIONS[parts.format],
    z: index(parts.z),
    t: index(parts.t),
    plane: index(parts.plane),
  };
  return template.replace(/\{([^}]*)\}/g, (_, key: string) => values[fieldOf(key) as NameField]);
}

/** A class name made safe for a file name (`-nucleus`), for Probabilities written one PNG per class. */
export function classFileSuffix(className: string): string {
  return `-${className.replace(/[^A-Za-z0-9_-]+/g, '_')}`;
}
