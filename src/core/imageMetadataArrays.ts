/**
 * Axes and pixel size of an N-D array (an HDF5 dataset; later OME-Zarr), decided once per dataset: the
 * file's own axis labels (ilastik's vigra `axistags` attribute) first, `--axes` over them, and a printed
 * guess from the shape only when nothing says. Pixel size from the axistags' resolutions or the
 * `element_size_um` attribute Fiji's and ilastik's HDF5 writers add. Pure: readers pass raw attributes in.
 */
import type { AxesSource, ImageMetadata, PageAxis, PhysicalSize } from './imageMetadata.js';
import { axesSyntaxError } from './imageMetadata.js';
import { normalizeUnit } from './imageMetadataParsers.js';
import { MAX_PAGES_GUESSED_AS_CHANNELS } from './imageSource.js';

/** Arrays of more than five dimensions are not t, z, c, y, x images. */
export const MAX_ARRAY_DIMS = 5;
/** No axis of a real image is longer than 2³¹: a header saying so is corrupt. */
export const MAX_ARRAY_AXIS_SIZE = 2 ** 31;
/** axistags longer than this (64 KB) are not parsed: real ones are a few hundred bytes. */
export const MAX_AXISTAGS_CHARS = 64 * 1024;

export type ArrayAxis = PageAxis | 'y' | 'x';

export interface ArrayMetadataInput {
  /** The dataset's shape, slowest axis first (C order, as h5py and h5wasm report it). */
  readonly shape: readonly number[];
  /** The raw `axistags` attribute (vigra JSON), if any. */
  readonly axistags?: string;
  /** The raw `element_size_um` attribute, if any. */
  readonly elementSizeUm?: readonly number[];
  /** The user's `--axes`, which overrides the file. */
  readonly axesOption?: string;
}

export interface ArrayMetadata extends ImageMetadata {
  /** One axis letter per dimension of the array, in the array's order (e.g. `zyxc`, `tczyx`, `xyc`). */
  readonly arrayAxes: readonly ArrayAxis[];
}

interface AxisTag {
  readonly key: string;
  readonly resolution?: number;
  readonly unit?: string;
}

/** Decides the axes and pixel size of an array; throws a RangeError for an `--axes` that does not fit. */
export function resolveArrayMetadata(input: ArrayMetadataInput): ArrayMetadata {
  const { shape } = input;
  const notes: string[] = [];
  const tags = input.axistags === undefined ? null : parseAxistags(input.axistags, shape.length, notes);
  let arrayAxes: ArrayAxis[];
  let axesSource: AxesSource;
  if (input.axesOption !== undefined) {
    arrayAxes = parseArrayAxesOption(input.axesOption, shape);
    axesSource = '--axes';
  } else if (tags) {
    arrayAxes = tags.map((tag) => tag.key as ArrayAxis);
    axesSource = 'axistags';
  } else if (shape.length === 3 && input.elementSizeUm?.length === 3 && guessArrayAxes(shape)[2] === 'x') {
    // Fiji's HDF5 writer: one zyx dataset per channel, with a z, y, x element size (a short last axis
    // still reads as the samples of a pixel).
    arrayAxes = ['z', 'y', 'x'];
    axesSource = 'guessed';
  } else {
    arrayAxes = guessArrayAxes(shape);
    axesSource = shape.length === 2 ? 'single page' : 'guessed';
  }
  const pageAxes: PageAxis[] = [];
  const pageSizes: number[] = [];
  const yx = Math.max(arrayAxes.indexOf('y'), arrayAxes.indexOf('x'));
  arrayAxes.forEach((axis, i) => {
    // A c after y and x is the samples of a pixel (as RGB in a TIFF), not a page axis.
    if (axis === 'y' || axis === 'x' || (axis === 'c' && i > yx)) return;
    pageAxes.push(axis);
    pageSizes.push(shape[i]);
  });
  const { pixelSize, pixelSizeSource } = arrayPixelSize(arrayAxes, tags, input.elementSizeUm, notes);
  return {
    axes: arrayAxes.join(''),
    arrayAxes,
    pageAxes,
    pageSizes,
    axesSource,
    pixelSize,
    pixelSizeSource,
    channelNames: null,
    notes,
  };
}

/**
 * ilastik's guess when a dataset has no axistags (vigra's defaults), with Mixel's rule for few leading
 * planes: yx; yxc when the last axis is short (≤ 4, colours or stains), cyx when the first is, else zyx;
 * zyxc, czyx or tzyx; tzyxc or tzcyx.
 */
export function guessArrayAxes(shape: readonly number[]): ArrayAxis[] {
  const short = (n: number) => n >= 1 && n <= MAX_PAGES_GUESSED_AS_CHANNELS;
  const last = shape[shape.length - 1];
  switch (shape.length) {
    case 2:
      return ['y', 'x'];
    case 3:
      if (short(last)) return ['y', 'x', 'c'];
      return short(shape[0]) && shape[0] > 1 ? ['c', 'y', 'x'] : ['z', 'y', 'x'];
    case 4:
      if (short(last)) return ['z', 'y', 'x', 'c'];
      return short(shape[0]) && shape[0] > 1 ? ['c', 'z', 'y', 'x'] : ['t', 'z', 'y', 'x'];
    case 5:
      return short(last) ? ['t', 'z', 'y', 'x', 'c'] : ['t', 'z', 'c', 'y', 'x'];
    default:
      throw new RangeError(`${shape.length}-D arrays are not images (use 2 to ${MAX_ARRAY_DIMS} dimensions)`);
  }
}

/** `--axes` for an array names every dimension in order, e.g. `zyxc` for a (z, y, x, c) dataset. */
function parseArrayAxesOption(option: string, shape: readonly number[]): ArrayAxis[] {
  const error = axesSyntaxError(option);
  if (error) throw new RangeError(error);
  const axes = [...option.toLowerCase()] as ArrayAxis[];
  if (axes.length !== shape.length) {
    throw new RangeError(
      `axes "${option}" names ${axes.length} dimensions but the dataset has ${shape.length} (shape ${shape.join(' × ')})`,
    );
  }
  return axes;
}

/**
 * vigra's axistags JSON: `{"axes": [{"key": "z", "typeFlags": 2, "resolution": 0.5, "description": ""}, …]}`.
 * Null (with a note) when it does not name each dimension once with t, z, c, y, x including y and x.
 */
export function parseAxistags(raw: string, dims: number, notes: string[]): AxisTag[] | null {
  const ignored = (why: string) => {
    notes.push(`axistags ${why}; ignored`);
    return null;
  };
  if (raw.length > MAX_AXISTAGS_CHARS) return ignored(`are longer than ${MAX_AXISTAGS_CHARS} characters`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return ignored('are not JSON');
  }
  const axes = (parsed as { axes?: unknown } | null)?.axes;
  if (!Array.isArray(axes)) return ignored('have no "axes" list');
  if (axes.length !== dims) return ignored(`name ${axes.length} axes but the dataset has ${dims} dimensions`);
  const tags: AxisTag[] = [];
  for (const entry of axes as unknown[]) {
    const key = (entry as { key?: unknown } | null)?.key;
    if (typeof key !== 'string' || !/^[tzcyx]$/.test(key)) {
      return ignored(`name an axis ${JSON.stringify(key).slice(0, 20)} (Mixel knows t, z, c, y, x)`);
    }
    const { resolution, unit } = entry as { resolution?: unknown; unit?: unknown };
    tags.push({
      key,
      ...(typeof resolution === 'number' && Number.isFinite(resolution) && resolution > 0
        ? { resolution }
        : {}),
      ...(typeof unit === 'string' ? { unit } : {}),
    });
  }
  const keys = tags.map((tag) => tag.key);
  if (new Set(keys).size !== keys.length || !keys.includes('y') || !keys.includes('x')) {
    return ignored(`"${keys.join('')}" repeat an axis or lack y or x`);
  }
  return tags;
}

/**
 * Pixel size per spatial axis: axistags resolutions (vigra stores no unit; ilastik's are micrometres
 * unless a tag names one), else `element_size_um` (one value per spatial axis, z y x, or per dimension).
 */
function arrayPixelSize(
  arrayAxes: readonly ArrayAxis[],
  tags: readonly AxisTag[] | null,
  elementSizeUm: readonly number[] | undefined,
  notes: string[],
): Pick<ImageMetadata, 'pixelSize' | 'pixelSizeSource'> {
  const pixelSize: { x?: PhysicalSize; y?: PhysicalSize; z?: PhysicalSize } = {};
  const spatial = (axis: string): axis is 'x' | 'y' | 'z' => axis === 'x' || axis === 'y' || axis === 'z';
  if (tags && tags.length === arrayAxes.length) {
    tags.forEach((tag, i) => {
      const axis = arrayAxes[i];
      if (tag.resolution === undefined || !spatial(axis)) return;
      const unit = tag.unit === undefined ? '\u00b5m' : normalizeUnit(tag.unit);
      if (unit) pixelSize[axis] = { value: tag.resolution, unit };
    });
    if (Object.keys(pixelSize).length > 0) return { pixelSize, pixelSizeSource: 'axistags' };
  }
  if (elementSizeUm === undefined) return { pixelSize, pixelSizeSource: null };
  const spatialAxes = arrayAxes.filter(spatial);
  let perAxis: { axis: ArrayAxis; value: number }[];
  if (elementSizeUm.length >= spatialAxes.length && elementSizeUm.length <= 3) {
    // Values for the spatial axes (z, y, x), as Fiji writes them; it writes three even for a 2-D image,
    // so the last ones belong to the last axes.
    const tail = elementSizeUm.slice(elementSizeUm.length - spatialAxes.length);
    perAxis = spatialAxes.map((axis, i) => ({ axis, value: tail[i] }));
  } else if (elementSizeUm.length === arrayAxes.length) {
    perAxis = arrayAxes.map((axis, i) => ({ axis, value: elementSizeUm[i] }));
  } else {
    notes.push(
      `element_size_um has ${elementSizeUm.length} values for ${arrayAxes.length} dimensions; ignored`,
    );
    return { pixelSize, pixelSizeSource: null };
  }
  for (const { axis, value } of perAxis) {
    if (spatial(axis) && Number.isFinite(value) && value > 0) pixelSize[axis] = { value, unit: '\u00b5m' };
  }
  return { pixelSize, pixelSizeSource: Object.keys(pixelSize).length > 0 ? 'element_size_um' : null };
}
