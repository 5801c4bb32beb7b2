/**
 * What `mixel predict` writes: export sources (ilastik's names), file format, sample type, and the output
 * file name template — checked once, before any image is read, so a typo fails the run at once.
 */
import { basename, dirname, extname, resolve } from 'node:path';
import { nicknameOf } from '../../core/project/Project.js';
import type { RasterSampleType } from '../io/TiffStripWriter.js';

export const RESULT_TYPES = ['Probabilities', 'Simple Segmentation', 'Uncertainty', 'Features'] as const;
export type ResultType = (typeof RESULT_TYPES)[number];
export type ExportFormat = 'tiff' | 'png' | 'npy';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['tiff', 'png', 'npy'];

/** ilastik's default export name, with the folder of the input image. */
export const DEFAULT_OUTPUT_TEMPLATE = '{dir}/{nickname}_{result_type}.{ext}';

/**
 * A linear rescaling of probabilities or uncertainty (ilastik's `--pipeline_result_drange` →
 * `--export_drange`): `source` maps onto `target`, values beyond are clipped to `target`.
 */
export interface ValueRescale {
  readonly source: readonly [number, number];
  readonly target: readonly [number, number];
}

/** A rescale as asked for: either range may be left out (source: 0..1; target: the sample type's range). */
export interface RescaleRequest {
  readonly source?: readonly [number, number];
  readonly target?: readonly [number, number];
}

export interface ExportTarget {
  readonly result: ResultType;
  readonly format: ExportFormat;
  readonly sampleType: RasterSampleType;
  /** Set only when it differs from the default mapping of 0..1 to the sample type's range. */
  readonly rescale?: ValueRescale;
}

/** Where 0..1 maps by default (probabilities to the full integer range), and what each type can hold. */
export const SAMPLE_RANGES: Record<RasterSampleType, readonly [number, number]> = {
  float32: [0, 1],
  uint8: [0, 255],
  uint16: [0, 65535],
};

const EXTENSIONS: Record<ExportFormat, string> = { tiff: 'tif', png: 'png', npy: 'npy' };

/** Parses "Probabilities,Simple Segmentation" (case and spaces/underscores forgiven). */
export function parseResultTypes(list: string): ResultType[] {
  const key = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');
  const out: ResultType[] = [];
  for (const part of list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = RESULT_TYPES.find((r) => key(r) === key(part));
    if (!match) throw new RangeError(`unknown export "${part}": choose from ${RESULT_TYPES.join(', ')}`);
    if (!out.includes(match)) out.push(match);
  }
  if (out.length === 0) throw new RangeError(`--export is empty: choose from ${RESULT_TYPES.join(', ')}`);
  return out;
}

/**
 * The sample type each result is written with. Simple Segmentation holds class values 1..K (uint8, or
 * uint16 if asked); probabilities, uncertainty and features are float32, or scaled to uint8/uint16
 * (probabilities 0..1 → 0..255/65535) when a smaller dtype is asked for. PNG holds integers only.
 */
export function resolveTargets(
  results: readonly ResultType[],
  format: ExportFormat,
  dtype: RasterSampleType | undefined,
  rescale?: RescaleRequest,
): ExportTarget[] {
  return results.map((result) => {
    let sampleType: RasterSampleType;
    if (result === 'Simple Segmentation') sampleType = dtype === 'uint16' ? 'uint16' : 'uint8';
    else if (result === 'Features') sampleType = 'float32';
    else sampleType = dtype ?? (format === 'png' ? 'uint8' : 'float32');
    if (format === 'png' && result === 'Features') {
      throw new RangeError('Features have many channels and cannot be a PNG: use --format tiff or npy');
    }
    if (format === 'png' && sampleType === 'float32') {
      throw new RangeError(
        `${result} as PNG needs --dtype uint8 or uint16 (PNG holds no floats); or use --format tiff`,
      );
    }
    if (rescale === undefined || (result !== 'Probabilities' && result !== 'Uncertainty')) {
      return { result, format, sampleType };
    }
    return { result, format, sampleType, rescale: checkRescale(rescale, sampleType) };
  });
}

/** The rescale if it fits the sample type, or undefined when it is the default mapping anyway. */
function checkRescale(request: RescaleRequest, sampleType: RasterSampleType): ValueRescale | undefined {
  const [low, high] = SAMPLE_RANGES[sampleType];
  const source = request.source ?? ([0, 1] as const);
  const target = request.target ?? SAMPLE_RANGES[sampleType];
  if (source[0] === 0 && source[1] === 1 && target[0] === low && target[1] === high) return undefined;
  if (sampleType !== 'float32' && (target[0] < low || target[1] > high)) {
    throw new RangeError(
      `--export_drange (${target.join(',')}) does not fit ${sampleType} (${low}..${high}): choose a range within it or another --export_dtype`,
    );
  }
  return { source, target };
}

export interface OutputNameParts {
  readonly imagePath: string;
  readonly result: ResultType;
  readonly format: ExportFormat;
  /** Set for images with several z or t planes. */
  readonly plane?: number;
}

/**
 * The fields an output name may use. ilastik's spellings are the same fields under its names, so an
 * ilastik `--output_filename_format` works unchanged: `{dataset_dir}` is `{dir}`, `{slice_index}` is `{plane}`.
 */
export const OUTPUT_FIELDS = [
  'dir',
  'dataset_dir',
  'nickname',
  'result_type',
  'ext',
  'plane',
  'slice_index',
] as const;
const PLANE_FIELDS = ['{plane}', '{slice_index}'];

/** Fills the OUTPUT_FIELDS; a plane index is appended if the template places none. */
export function outputPath(template: string, parts: OutputNameParts): string {
  const dir = dirname(parts.imagePath);
  const plane = parts.plane === undefined ? '' : String(parts.plane).padStart(4, '0');
  const fields: Record<(typeof OUTPUT_FIELDS)[number], string> = {
    dir,
    dataset_dir: dir,
    nickname: nicknameOf(parts.imagePath),
    result_type: parts.result.replace(/ /g, '_'),
    ext: EXTENSIONS[parts.format],
    plane,
    slice_index: plane,
  };
  const isField = (k: string): k is keyof typeof fields => (OUTPUT_FIELDS as readonly string[]).includes(k);
  const unknown = [...template.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]).filter((k) => !isField(k));
  if (unknown.length > 0) {
    throw new RangeError(
      `--output has unknown field {${unknown[0]}}: use ${OUTPUT_FIELDS.map((f) => `{${f}}`).join(' ')}`,
    );
  }
  let path = template.replace(/\{([^}]*)\}/g, (_, k: string) => fields[k as keyof typeof fields]);
  if (parts.plane !== undefined && !PLANE_FIELDS.some((f) => template.includes(f))) {
    const ext = extname(path);
    path = `${path.slice(0, path.length - ext.length)}_z${fields.plane}${ext}`;
  }
  return path;
}

/** Fails fast if two results of one image would be written to the same file. */
export function checkDistinctNames(template: string, targets: readonly ExportTarget[]): void {
  const names = targets.map((t) => basename(outputPath(template, { imagePath: 'x/img.tif', ...t })));
  if (new Set(names).size !== names.length) {
    throw new RangeError('--output gives several exports the same file name: include {result_type}');
  }
}

/**
 * Fails before any image is read if two inputs would write the same output file (`a/x.tif` and
 * `b/x.tif` under an `--output` without {dir}: the second silently replaced the first), or an output
 * would replace an input. Names both inputs and the file.
 */
export function checkOutputCollisions(
  images: readonly string[],
  template: string,
  targets: readonly ExportTarget[],
): void {
  const inputs = new Set(images.map((image) => resolve(image)));
  const owners = new Map<string, string>();
  for (const image of images) {
    for (const target of targets) {
      const path = outputPath(template, { imagePath: image, ...target });
      const key = resolve(path);
      if (inputs.has(key)) {
        throw new RangeError(`the output of ${image} would overwrite the input ${path}: change --output`);
      }
      const previous = owners.get(key);
      if (previous !== undefined && previous !== image) {
        throw new RangeError(
          `${previous} and ${image} would both write ${path}: add {dir} to --output or rename one`,
        );
      }
      owners.set(key, image);
    }
  }
}
