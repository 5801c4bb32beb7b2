/**
 * ilastik's headless spellings for `mixel predict`, so a script written for `run_ilastik.sh --headless`
 * keeps working with `mixel predict`. Each alias is translated to Mixel's own option where Mixel does the
 * same thing; where it would do something different, the run is refused before any work with one line
 * naming the option and the value — never accepted and silently ignored. The README's "For ilastik
 * users" table lists every alias with its status.
 */
import { Option, type Command } from 'commander';
import {
  OUTPUT_FIELDS,
  type ExportFormat,
  type RescaleRequest,
  type ResultType,
} from '../batch/exportTargets.js';
import type { RasterSampleType } from '../io/TiffStripWriter.js';
import { parseAxesArgument } from './axesOption.js';
import { UserError } from './UserError.js';

/** The options as commander stores them (it keeps the underscores of ilastik's names). */
export interface IlastikAliasOptions {
  headless?: boolean;
  raw_data?: string[];
  export_source?: string;
  output_format?: string;
  output_filename_format?: string;
  export_dtype?: string;
  export_drange?: string;
  pipeline_result_drange?: string;
  output_axis_order?: string;
  cutout_subregion?: string;
  input_axes?: string;
}

/** The Mixel options the aliases set; undefined where no alias was given. */
export interface MixelEquivalents {
  images: string[];
  export?: string;
  format?: ExportFormat;
  output?: string;
  dtype?: RasterSampleType;
  axes?: string;
}

/**
 * ilastik's `--output_format` values Mixel writes the same way: a stack as one multi-page file, a
 * "sequence" as one file per plane (predict adds `{slice_index}` to the name).
 */
const FORMATS: Record<string, ExportFormat> = {
  tif: 'tiff',
  tiff: 'tiff',
  'tif sequence': 'tiff',
  'tiff sequence': 'tiff',
  'multipage tiff': 'tiff',
  png: 'png',
  'png sequence': 'png',
  numpy: 'npy',
  npy: 'npy',
};
/** Extensions an output name may end in, per format, and those that would claim another format. */
const EXTENSIONS: Record<ExportFormat, readonly string[]> = {
  tiff: ['tif', 'tiff'],
  png: ['png'],
  'png-color': ['png'],
  npy: ['npy'],
  zarr: ['zarr'],
};
const IMAGE_EXTENSIONS = [
  'tif',
  'tiff',
  'png',
  'npy',
  'h5',
  'hdf5',
  'n5',
  'zarr',
  'jpg',
  'jpeg',
  'bmp',
  'gif',
];
const DTYPES: readonly RasterSampleType[] = ['uint8', 'uint16', 'float32'];
const VALUE_ALIASES = [
  'export_source',
  'output_format',
  'output_filename_format',
  'export_dtype',
  'export_drange',
  'pipeline_result_drange',
  'output_axis_order',
  'cutout_subregion',
  'input_axes',
] as const;
/** Longest option value read (a range or an axis order is a few characters; this bounds a pasted mistake). */
const MAX_VALUE_LENGTH = 4096;

/** Adds ilastik's spellings to `mixel predict`; they show in its help under their ilastik names. */
export function addIlastikAliases(command: Command): Command {
  const alias = (flags: string, description: string) =>
    command.addOption(new Option(flags, `(ilastik) ${description}`));
  alias('--headless', 'accepted and ignored: mixel predict never opens a window');
  alias('--raw_data <files...>', 'images to predict, as the arguments');
  alias('--export_source <name>', 'as --export: Probabilities, Simple Segmentation, Uncertainty, Features');
  alias('--output_format <format>', 'as --format: tiff, png, numpy (and their "sequence" forms)');
  alias('--output_filename_format <pattern>', 'as --output: {dataset_dir} {nickname} {result_type} ...');
  alias('--export_dtype <type>', 'as --dtype: uint8, uint16, float32');
  alias('--export_drange <range>', 'rescale probabilities/uncertainty to this range, e.g. "(0,100)"');
  alias('--pipeline_result_drange <range>', 'the range rescaled from (default "(0.0,1.0)")');
  alias('--output_axis_order <axes>', 'only an order that matches the written c, y, x layout');
  alias('--cutout_subregion <roi>', 'refused: Mixel predicts whole images');
  command.addOption(new Option('--input_axes <axes>', '(ilastik) as --axes').argParser(parseAxesArgument));
  return command;
}

/** Translates the given aliases to Mixel options, or throws a UserError naming the alias and its value. */
export function translateIlastikAliases(opts: IlastikAliasOptions): MixelEquivalents {
  for (const name of VALUE_ALIASES) {
    const value = opts[name];
    if (value !== undefined && value.length > MAX_VALUE_LENGTH) {
      throw new UserError(`--${name} is ${value.length} characters long; at most ${MAX_VALUE_LENGTH}`);
    }
  }
  if (opts.cutout_subregion !== undefined) {
    throw new UserError(
      `--cutout_subregion ${opts.cutout_subregion} is not supported yet: Mixel predicts whole images (crop the input first)`,
    );
  }
  const out: MixelEquivalents = { images: opts.raw_data ?? [] };
  if (opts.export_source !== undefined) out.export = opts.export_source;
  if (opts.output_format !== undefined) out.format = translateFormat(opts.output_format);
  if (opts.export_dtype !== undefined) {
    const dtype = opts.export_dtype.trim().toLowerCase();
    if (!(DTYPES as readonly string[]).includes(dtype)) {
      throw new UserError(
        `--export_dtype ${opts.export_dtype} is not supported: use uint8, uint16 or float32`,
      );
    }
    out.dtype = dtype as RasterSampleType;
  }
  if (opts.input_axes !== undefined) out.axes = opts.input_axes.trim().toLowerCase();
  return out;
}

function translateFormat(value: string): ExportFormat {
  const key = value.trim().toLowerCase().replace(/\s+/g, ' ');
  const format = FORMATS[key];
  if (format) return format;
  if (key.includes('hdf5') || key === 'h5') {
    throw new UserError(`--output_format ${value} is not supported yet: use tiff, png or numpy`);
  }
  throw new UserError(`--output_format ${value} is not supported: use tiff, png or numpy`);
}

/**
 * ilastik's output name → Mixel's: the placeholders are the same fields (see OUTPUT_FIELDS); ilastik adds
 * the format's extension when the name has none, so `.{ext}` is added then. An extension of another
 * format (`.h5` while writing TIFF) is refused: the file would claim to be what it is not.
 */
export function translateOutputFilenameFormat(pattern: string, format: ExportFormat): string {
  const fields = [...pattern.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]);
  const unknown = fields.find((f) => !(OUTPUT_FIELDS as readonly string[]).includes(f));
  if (unknown !== undefined) {
    throw new UserError(
      `--output_filename_format: {${unknown}} is not supported (Mixel writes whole images): use {dataset_dir} {nickname} {result_type} {slice_index}`,
    );
  }
  const name = pattern.split(/[\\/]/).pop() ?? '';
  const literal = name.replace(/\{[^}]*\}/g, '');
  const dot = literal.lastIndexOf('.');
  const extension = dot >= 0 && !name.endsWith('}') ? literal.slice(dot + 1).toLowerCase() : '';
  if (extension === '' && !name.endsWith('.{ext}')) return `${pattern}.{ext}`;
  if (IMAGE_EXTENSIONS.includes(extension) && !EXTENSIONS[format].includes(extension)) {
    throw new UserError(
      `--output_filename_format ends in .${extension} but the output format is ${format}: change one of them`,
    );
  }
  return pattern;
}

/** Parses ilastik's range spelling "(0,255)", "(0.0, 1.0)" or "[0,1]" into two finite numbers, low < high. */
export function parseRange(option: string, value: string): [number, number] {
  const match = /^\s*[([]?\s*([^,\s()[\]]+)\s*,\s*([^,\s()[\]]+)\s*[)\]]?\s*$/.exec(value);
  const low = match ? Number(match[1]) : NaN;
  const high = match ? Number(match[2]) : NaN;
  if (!Number.isFinite(low) || !Number.isFinite(high) || low >= high) {
    throw new UserError(`--${option} ${value} is not a range: write it as "(low,high)" with low < high`);
  }
  return [low, high];
}

/**
 * `--pipeline_result_drange` (the range of the values computed, default 0..1 for probabilities) and
 * `--export_drange` (where that range lands in the file, default the sample type's full range) as a
 * linear rescale of Probabilities and Uncertainty. Simple Segmentation holds class values and Features
 * are written as computed, so a range for them is refused rather than ignored.
 */
export function ilastikRescale(
  opts: IlastikAliasOptions,
  results: readonly ResultType[],
): RescaleRequest | undefined {
  if (opts.pipeline_result_drange === undefined && opts.export_drange === undefined) return undefined;
  const given = opts.export_drange !== undefined ? 'export_drange' : 'pipeline_result_drange';
  const unscaled = results.find((r) => r === 'Simple Segmentation' || r === 'Features');
  if (unscaled) {
    throw new UserError(
      `--${given} does not apply to ${unscaled}: ${unscaled === 'Features' ? 'features are written as computed' : 'it holds class values 1..K'}`,
    );
  }
  return {
    source:
      opts.pipeline_result_drange === undefined
        ? undefined
        : parseRange('pipeline_result_drange', opts.pipeline_result_drange),
    target: opts.export_drange === undefined ? undefined : parseRange('export_drange', opts.export_drange),
  };
}

/**
 * Mixel writes a stack's planes first (t, then z), then channels, rows and columns (t, z, c, y, x); an
 * axis order that gives the same layout is accepted (c anywhere when every output has one channel), any
 * other is refused rather than written in an order the script does not expect.
 */
export function checkOutputAxisOrder(value: string, isMultiChannel: boolean): void {
  const axes = value.trim().toLowerCase();
  if (
    !/^[tzcyx]+$/.test(axes) ||
    new Set(axes).size !== axes.length ||
    !axes.includes('y') ||
    !axes.includes('x')
  ) {
    throw new UserError(
      `--output_axis_order ${value} is not an axis order: use each of t, z, c, y, x at most once, with y and x`,
    );
  }
  if (isMultiChannel && !axes.includes('c')) {
    throw new UserError(
      `--output_axis_order ${value} has no c but the output has several channels: use e.g. cyx`,
    );
  }
  const written = [...axes].filter((a) => a === 'y' || a === 'x' || (a === 'c' && isMultiChannel)).join('');
  if (written !== (isMultiChannel ? 'cyx' : 'yx')) {
    throw new UserError(
      `--output_axis_order ${value} is not supported yet: Mixel writes ${isMultiChannel ? 'c, y, x (e.g. cyx or tzcyx)' : 'y, x (e.g. zyx)'}`,
    );
  }
  // A stack is one file whose planes come first, t before z (ImageJ's page order).
  const outer = [...axes].filter((a) => a === 't' || a === 'z' || (a === 'c' && isMultiChannel)).join('');
  if (outer !== ['t', 'z', 'c'].filter((a) => outer.includes(a)).join('')) {
    throw new UserError(
      `--output_axis_order ${value} is not supported yet: Mixel writes a stack as t, z, then ${isMultiChannel ? 'c, y, x (e.g. tzcyx)' : 'y, x (e.g. tzyx)'}`,
    );
  }
}

/**
 * An ilastik script names its `.ilp` project; its random forest cannot drive Mixel's Gaussian mixtures,
 * so the run is refused with what to do instead of a JSON parse error about an HDF5 file.
 */
export function refuseIlastikProject(projectPath: string): void {
  if (/\.ilp$/i.test(projectPath)) {
    throw new UserError(
      `${projectPath} is an ilastik project: Mixel cannot use its classifier; train a Mixel project (mixel train, or in the window) on the same scribbles`,
    );
  }
}
