/**
 * What an export writes — for `mixel predict`, `mixel segment` and the window alike: export sources
 * (ilastik's names), file format, sample type, and the output file name (the scheme of
 * core/export/exportNames.ts) — checked once, before any image is read, so a typo or an impossible
 * request fails the run at once.
 */
import { basename, resolve } from 'node:path';
import {
  DEFAULT_OUTPUT_TEMPLATE,
  EXPORT_FORMATS,
  NAME_ALIASES,
  NAME_FIELDS,
  RESULT_TYPES,
  isLabelResult,
  outputName,
  type ExportFormat,
  type OutputNameParts,
  type ResultType,
} from '../../core/export/exportNames.js';
import type { RasterSampleType } from '../io/TiffStripWriter.js';

export { DEFAULT_OUTPUT_TEMPLATE, EXPORT_FORMATS, RESULT_TYPES };
export type { ExportFormat, OutputNameParts, ResultType };

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

/** Earlier spellings of `mixel segment --export` (lower case, no spaces), kept working. */
const RESULT_ALIASES: Readonly<Record<string, ResultType>> = { segmentation: 'Simple Segmentation' };

/** Parses "Probabilities,Simple Segmentation" (case and spaces/underscores forgiven). */
export function parseResultTypes(list: string, option = '--export'): ResultType[] {
  const key = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');
  const out: ResultType[] = [];
  for (const part of list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = RESULT_TYPES.find((r) => key(r) === key(part)) ?? RESULT_ALIASES[key(part)];
    if (!match) throw new RangeError(`unknown export "${part}": choose from ${RESULT_TYPES.join(', ')}`);
    if (!out.includes(match)) out.push(match);
  }
  if (out.length === 0) throw new RangeError(`${option} is empty: choose from ${RESULT_TYPES.join(', ')}`);
  return out;
}

/** Channels an output of `result` has: one per class for Probabilities, one per feature for Features, else one. */
export function outputChannelCount(
  result: ResultType,
  model: { readonly classes: readonly unknown[]; readonly featureCount: number },
): number {
  if (result === 'Probabilities') return model.classes.length;
  if (result === 'Features') return model.featureCount;
  return 1;
}

/** Parses `--format` (`tif` for tiff, `png-colour` for png-color forgiven), or throws naming the choices. */
export function parseExportFormat(value: string): ExportFormat {
  const format = value.trim().toLowerCase().replace(/^tif$/, 'tiff').replace('colour', 'color');
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new RangeError(`--format ${value} is not known: use ${EXPORT_FORMATS.join(', ')}`);
  }
  return format as ExportFormat;
}

/**
 * The sample type each result is written with, or a one-line refusal of what cannot be written.
 * Simple Segmentation and Labels hold class values 1..K (uint8, or uint16 if asked); probabilities,
 * uncertainty and features are float32, or scaled to uint8/uint16 (probabilities 0..1 → 0..255/65535)
 * when a smaller dtype is asked for. PNG holds integers only, so probabilities or uncertainty as PNG
 * need an integer dtype; probabilities then become one PNG per class. Features (many float channels)
 * are never a PNG; `png-color` is for label sources only.
 */
export function resolveTargets(
  results: readonly ResultType[],
  format: ExportFormat,
  dtype: RasterSampleType | undefined,
  rescale?: RescaleRequest,
): ExportTarget[] {
  return results.map((result) => {
    const isLabels = isLabelResult(result);
    let sampleType: RasterSampleType;
    if (isLabels) sampleType = dtype === 'uint16' ? 'uint16' : 'uint8';
    else if (result === 'Features') sampleType = 'float32';
    // A PNG with a range to rescale to (ilastik's --export_drange) gets the integer type that holds it.
    else if (dtype === undefined && format === 'png' && rescale !== undefined) {
      sampleType = (rescale.target?.[1] ?? 0) > SAMPLE_RANGES.uint8[1] ? 'uint16' : 'uint8';
    } else sampleType = dtype ?? 'float32';
    if (format === 'png-color' && !isLabels) {
      throw new RangeError(
        `--format png-color colours class values: it holds Simple Segmentation or Labels, not ${result}; use --format png or tiff`,
      );
    }
    if (format === 'png-color' && sampleType === 'uint16') {
      throw new RangeError(
        '--format png-color holds 8-bit class values: drop --dtype uint16 or use --format png',
      );
    }
    if ((format === 'png' || format === 'png-color') && result === 'Features') {
      throw new RangeError('Features have many float channels and cannot be a PNG: use --format tiff or npy');
    }
    if (format === 'png' && sampleType === 'float32') {
      throw new RangeError(
        `${result} as PNG needs --dtype uint8 or uint16 (PNG holds no floats; values 0..1 are scaled to the integer range); or use --format tiff`,
      );
    }
    if (rescale === undefined || isLabels || result === 'Features') {
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

/**
 * Every placeholder an output name may hold (ilastik's, the per-plane ones, and the older aliases), for
 * checking ilastik's `--output_filename_format`.
 */
export const OUTPUT_FIELDS: readonly string[] = [...NAME_FIELDS, ...Object.keys(NAME_ALIASES)];

/** Fills the output name (see exportNames.ts); an unknown placeholder is refused naming `--output`. */
export function outputPath(template: string, parts: OutputNameParts): string {
  try {
    return outputName(template, parts);
  } catch (err) {
    throw new RangeError(`--output has ${(err as Error).message}`);
  }
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
          `${previous} and ${image} would both write ${path}: add {dataset_dir} to --output or rename one`,
        );
      }
      owners.set(key, image);
    }
  }
}
