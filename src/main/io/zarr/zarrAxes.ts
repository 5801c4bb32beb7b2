/**
 * Maps a Zarr array's dimensions onto Mixel's image model: one letter of t, c, z, y, x per dimension, in
 * the file's order, with y, x last (or y, x, c for samples of one pixel). OME-Zarr names its axes; a plain
 * array's are given by `--axes` or guessed from its shape (and then reported as guessed).
 */
import { axesSyntaxError, type AxesSource, type PageAxis } from '../../../core/imageMetadata.js';
import { guessArrayAxes } from '../../../core/imageMetadataArrays.js';
import type { OmeAxis } from './omeMultiscales.js';

export interface ZarrAxes {
  /** One letter per dimension, file order, e.g. `tczyx`, `cyx`, `yxc`. */
  readonly letters: string;
  readonly source: AxesSource;
}

const LETTER_BY_TYPE: Record<string, string> = { time: 't', channel: 'c' };

/** The letter of an OME axis: its name if one of t, c, z, y, x, else its type (time → t, channel → c). */
function letterOf(axis: OmeAxis): string {
  if (['t', 'c', 'z', 'y', 'x'].includes(axis.name)) return axis.name;
  const byType = axis.type ? LETTER_BY_TYPE[axis.type] : undefined;
  if (byType) return byType;
  throw new RangeError(`axis "${axis.name}" is not one of t, c, z, y, x`);
}

/**
 * The axes of an array of `shape`: `--axes` first, then the OME axes, then a guess. Throws a RangeError
 * (one line) when they do not fit the array.
 */
export function resolveZarrAxes(
  shape: readonly number[],
  omeAxes: readonly OmeAxis[] | null,
  option: string | undefined,
): ZarrAxes {
  let letters: string;
  let source: AxesSource;
  if (option !== undefined) {
    letters = option.toLowerCase();
    source = '--axes';
  } else if (omeAxes) {
    letters = omeAxes.map(letterOf).join('');
    source = 'OME-Zarr';
  } else {
    // The same guess as for HDF5 datasets (ilastik's vigra defaults), printed as a guess.
    letters = guessArrayAxes(shape).join('');
    source = shape.length === 2 ? 'single page' : 'guessed';
  }
  if (letters.length !== shape.length) {
    throw new RangeError(
      `axes "${letters}" name ${letters.length} dimensions but the array has ${shape.length} (shape ${shape.join(' × ')})`,
    );
  }
  const syntax = axesSyntaxError(letters);
  if (syntax) {
    throw new RangeError(
      source === 'OME-Zarr' ? `axes "${letters}" cannot be read: Mixel needs y, x last (or y, x, c)` : syntax,
    );
  }
  return { letters, source };
}

/** Page axes (before y, x) with their sizes: what `ImageMetadata.pageAxes` holds. */
export function pageAxesOf(letters: string, shape: readonly number[]): { axes: PageAxis[]; sizes: number[] } {
  const yAt = letters.indexOf('y');
  return {
    axes: letters.slice(0, yAt).split('') as PageAxis[],
    sizes: shape.slice(0, yAt),
  };
}
