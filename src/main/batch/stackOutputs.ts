/**
 * How the planes of a z-stack or time-lapse go into output files — for `mixel predict` and the window's
 * Export alike: one stack file per image and source holding every plane (axes t, z kept, ImageJ hyperstack
 * geometry with the input's pixel size and z step), or, when the output name asks for it with {z}, {t} or
 * {plane}, one file per plane. A PNG holds one plane, so a stack as PNG needs a per-plane name.
 */
import { checkPlaneFields, isPerPlaneTemplate, type ExportFormat } from '../../core/export/exportNames.js';
import type { ImageMetadata } from '../../core/imageMetadata.js';
import { outputGeometry, type ImageJGeometry } from '../io/imagejGeometry.js';

export interface StackInput {
  /** The input's metadata (pixel size, z step); none when the file can no longer be read. */
  readonly metadata?: Pick<ImageMetadata, 'pixelSize'>;
  /** 2-D planes, t · z, indexed p = t · zSize + z. */
  readonly planes: number;
  readonly zSize: number;
  readonly tSize: number;
  /** The file's axes (`tzyx`), for the refusal's message. */
  readonly axes: string;
}

/** How an asker names the output pattern and the stack format in a refusal. */
export interface StackWording {
  readonly pattern: string;
  readonly stackFormat: string;
}

export const CLI_WORDING: StackWording = { pattern: '--output', stackFormat: '--format tiff' };

export interface StackOutputLayout {
  /** One set of files per plane (the name holds {z}, {t} or {plane}) rather than one stack file. */
  readonly isPerPlane: boolean;
  /** Sizes of the plane axes (t, z) of a stack file, slowest first; [] for one plane or per-plane files. */
  readonly stackShape: readonly number[];
  /** The ImageJ geometry of an output with `channels` pages per plane. */
  geometry(channels: number): ImageJGeometry;
  /** The name parts of one plane's files (per-plane outputs only). */
  planeName(plane: number): { plane: number; z: number; t: number };
}

/**
 * The layout of an input's outputs under `template`, or a one-line refusal: a stack as PNG without a
 * per-plane name, or a per-plane name that would give two planes one file.
 */
export function stackOutputLayout(
  input: StackInput,
  template: string,
  formats: readonly ExportFormat[],
  wording: StackWording = CLI_WORDING,
): StackOutputLayout {
  const { planes, zSize, tSize } = input;
  const isPerPlane = isPerPlaneTemplate(template);
  if (isPerPlane) checkPlaneFields(template, zSize, tSize);
  else if (planes > 1 && formats.some((f) => f === 'png' || f === 'png-color')) {
    throw new Error(
      `has ${planes} planes (${input.axes}) but a PNG holds one: put {z} or {t} in ${wording.pattern} for one PNG per plane, or use ${wording.stackFormat} (one stack file)`,
    );
  }
  return {
    isPerPlane,
    stackShape: !isPerPlane && planes > 1 ? [tSize, zSize].filter((n) => n > 1) : [],
    geometry: (channels) =>
      isPerPlane
        ? outputGeometry(input.metadata, channels)
        : outputGeometry(input.metadata, channels, zSize, tSize),
    planeName: (plane) => ({ plane, z: plane % zSize, t: Math.floor(plane / zSize) }),
  };
}
