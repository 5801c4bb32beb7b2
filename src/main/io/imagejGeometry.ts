/**
 * The input's geometry as an output TIFF carries it, in ImageJ's hyperstack convention (what Fiji reads
 * and tifffile exposes as `imagej_metadata`): pages ordered c fastest, then z, then t; the pixel size as
 * X/YResolution in pixels per unit with the unit named in the description (`unit=micron`), the z step as
 * `spacing`. ImageJ rather than OME-XML because Fiji, tifffile, napari and Mixel's own reader all read
 * it, and it fits in a few lines written with the first page.
 */
import type { ImageMetadata, PhysicalSize } from '../../core/imageMetadata.js';

export interface ImageJGeometry {
  /** Pages per z/t position (classes of a probability map, feature channels). */
  readonly channels: number;
  readonly slices: number;
  readonly frames: number;
  /** Pixel width and height, in `unit`. */
  readonly pixelWidth?: number;
  readonly pixelHeight?: number;
  /** Z step, in `unit`. */
  readonly spacing?: number;
  /** ASCII unit as ImageJ writes it (`micron` for µm). */
  readonly unit?: string;
}

/** ImageJ's own version string for files it did not write itself (as tifffile writes). */
const IMAGEJ_VERSION = '1.11a';
/** Units longer than this, or not ASCII, are not written: the description stays one short line each. */
const MAX_UNIT_CHARS = 16;

/**
 * The description ImageJ writes for a hyperstack, e.g. `ImageJ=1.11a\nimages=3\nchannels=3\n…`;
 * `displayRange` (ImageJ's min/max) pins how values map onto a LUT, so 16-bit class values 1..K show in
 * their colours rather than autoscaled.
 */
export function imagejDescription(g: ImageJGeometry, displayRange?: readonly [number, number]): string {
  const lines = [`ImageJ=${IMAGEJ_VERSION}`, `images=${g.channels * g.slices * g.frames}`];
  if (g.channels > 1) lines.push(`channels=${g.channels}`);
  if (g.slices > 1) lines.push(`slices=${g.slices}`);
  if (g.frames > 1) lines.push(`frames=${g.frames}`);
  if (g.channels > 1 || g.slices > 1 || g.frames > 1) lines.push('hyperstack=true', 'mode=grayscale');
  if (g.unit) lines.push(`unit=${g.unit}`);
  if (g.unit && g.spacing) lines.push(`spacing=${g.spacing}`);
  lines.push('loop=false');
  if (displayRange) lines.push(`min=${displayRange[0]}`, `max=${displayRange[1]}`);
  return `${lines.join('\n')}\n`;
}

/** X/YResolution (pixels per unit), or null when no pixel size is known. */
export function pixelsPerUnit(g: ImageJGeometry): { x: number; y: number } | null {
  const width = g.pixelWidth ?? g.pixelHeight;
  const height = g.pixelHeight ?? g.pixelWidth;
  if (!g.unit || !width || !height) return null;
  return { x: 1 / width, y: 1 / height };
}

/** A unit as ImageJ spells it in ASCII (`micron`), or undefined if it cannot be written. */
function imagejUnit(unit: string): string | undefined {
  if (unit === '\u00b5m') return 'micron';
  return /^[\x21-\x7e]+$/.test(unit) && unit.length <= MAX_UNIT_CHARS ? unit : undefined;
}

/**
 * The geometry of an output of `channels` pages per plane (one per class, feature or a single label page)
 * holding `slices` z-planes and `frames` time points of an input with `metadata`: its pixel size and z
 * step kept when x and y share a unit.
 */
export function outputGeometry(
  metadata: Pick<ImageMetadata, 'pixelSize'> | undefined,
  channels: number,
  slices = 1,
  frames = 1,
): ImageJGeometry {
  const base = { channels, slices, frames };
  const { x, y, z } = metadata?.pixelSize ?? {};
  const xy: PhysicalSize | undefined = x ?? y;
  if (!xy || (x && y && x.unit !== y.unit)) return base;
  const unit = imagejUnit(xy.unit);
  if (!unit) return base;
  return {
    ...base,
    unit,
    pixelWidth: (x ?? xy).value,
    pixelHeight: (y ?? xy).value,
    ...(z && z.unit === xy.unit ? { spacing: z.value } : {}),
  };
}
