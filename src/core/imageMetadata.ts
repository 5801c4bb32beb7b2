/**
 * What a multi-page image's pages mean and how big its pixels are, decided once per file: the file's own
 * metadata (OME-XML, ImageJ description, TIFF resolution tags) first, `--axes` over it, and a printed guess
 * only when nothing says. Readers (src/main/io) gather the raw text and tags; this module decides.
 */
import { guessPageAxis } from './imageSource.js';
import {
  parseImageJDescription,
  parseOmeXml,
  pixelSizeFromResolution,
  type ImageJDescription,
  type OmeDescription,
  type PhysicalSize,
  type ResolutionTags,
} from './imageMetadataParsers.js';

export type { PhysicalSize, ResolutionTags } from './imageMetadataParsers.js';

/** Axes that pages of a TIFF can run along; y and x are always the plane. */
export type PageAxis = 't' | 'z' | 'c';

/** Where the meaning of the pages came from, as `mixel info` prints it. */
export type AxesSource =
  'OME-XML' | 'ImageJ' | 'axistags' | 'OME-Zarr' | '--axes' | 'guessed' | 'single page';

export interface ImageMetadata {
  /** Axis letters slowest first, e.g. `tzcyx`, `zcyx`, `yxc` (trailing c: samples of one pixel). */
  readonly axes: string;
  /** Page axes slowest first with their sizes: ImageJ's TZCYX file has [t, z, c] with c varying fastest. */
  readonly pageAxes: readonly PageAxis[];
  readonly pageSizes: readonly number[];
  readonly axesSource: AxesSource;
  readonly pixelSize: { readonly x?: PhysicalSize; readonly y?: PhysicalSize; readonly z?: PhysicalSize };
  /** 'OME-XML', 'ImageJ' or 'TIFF resolution tags'; null when the file states no pixel size. */
  readonly pixelSizeSource: string | null;
  /** One name per channel when the file names them (OME-XML), else null. */
  readonly channelNames: readonly string[] | null;
  /** Why a file's metadata was not used for the axes (one line each), for `mixel info`. */
  readonly notes: readonly string[];
}

export interface MetadataInput {
  readonly pages: number;
  /** Samples per pixel of a page (3 for RGB). */
  readonly samples: number;
  /** The first page's ImageDescription, if any. */
  readonly description?: string;
  readonly resolution?: ResolutionTags;
  /** The user's `--axes`, which overrides the file. */
  readonly axesOption?: string;
}

interface PageLayout {
  readonly axes: PageAxis[];
  readonly sizes: number[];
}

/** Decides axes, pixel size and channel names of a file; throws a RangeError for an `--axes` that does not fit. */
export function resolveImageMetadata(input: MetadataInput): ImageMetadata {
  const { pages, samples } = input;
  const notes: string[] = [];
  const description = input.description ?? '';
  const ome = parseOmeXml(description);
  const imagej = ome ? null : parseImageJDescription(description);
  let fileLayout: PageLayout | null = null;
  let fileSource: AxesSource | null = null;
  if (ome) {
    fileLayout = omeLayout(ome, pages, samples, notes);
    fileSource = 'OME-XML';
    if (ome.imageCount > 1) notes.push(`OME-XML describes ${ome.imageCount} images; the first is read`);
  } else if (imagej) {
    fileLayout = imagejLayout(imagej, pages, samples, notes);
    fileSource = 'ImageJ';
  }
  let layout: PageLayout;
  let axesSource: AxesSource;
  if (input.axesOption !== undefined) {
    layout = parseAxesOption(input.axesOption, pages, samples, fileLayout);
    axesSource = '--axes';
  } else if (fileLayout) {
    layout = fileLayout;
    axesSource = fileSource as AxesSource;
  } else if (pages > 1) {
    layout = { axes: [guessPageAxis(pages, samples)], sizes: [pages] };
    axesSource = 'guessed';
  } else {
    layout = { axes: [], sizes: [] };
    axesSource = 'single page';
  }
  const { pixelSize, pixelSizeSource } = physicalSizes(ome, imagej, input.resolution);
  const channelCount = pageChannelCount(layout, samples);
  const names = ome?.channelNames ?? [];
  const channelNames = names.length === channelCount && names.some((n) => n !== '') ? names : null;
  return {
    axes: `${layout.axes.join('')}yx${samples > 1 ? 'c' : ''}`,
    pageAxes: layout.axes,
    pageSizes: layout.sizes,
    axesSource,
    pixelSize,
    pixelSizeSource,
    channelNames,
    notes,
  };
}

/** Size of one axis (1 when the file has no such page axis). */
export function axisSize(meta: ImageMetadata, axis: PageAxis): number {
  const i = meta.pageAxes.indexOf(axis);
  return i < 0 ? 1 : meta.pageSizes[i];
}

/** 2-D planes classified separately: every combination of t and z. */
export function planeCount(meta: ImageMetadata): number {
  return axisSize(meta, 't') * axisSize(meta, 'z');
}

/**
 * The page holding channel `channel` of plane `plane` (planes numbered t-major, z fastest, as
 * `planeCount`). Pages are ordered by `pageAxes`, slowest first.
 */
export function pageIndex(meta: ImageMetadata, plane: number, channel: number): number {
  const zSize = axisSize(meta, 'z');
  const coordinate: Record<PageAxis, number> = {
    t: Math.floor(plane / zSize),
    z: plane % zSize,
    c: meta.pageAxes.includes('c') ? channel : 0,
  };
  let page = 0;
  meta.pageAxes.forEach((axis, i) => {
    page = page * meta.pageSizes[i] + coordinate[axis];
  });
  return page;
}

function pageChannelCount(layout: PageLayout, samples: number): number {
  const i = layout.axes.indexOf('c');
  return i < 0 ? samples : layout.sizes[i];
}

const AXES_PATTERN = /^([tzc]*)yx(c?)$/;

/**
 * Why an `--axes` value cannot be right whatever the file (e.g. `qq`, `zzyx`), or null: checked when the
 * command line is read, so a typo is a usage error before any image is opened.
 */
export function axesSyntaxError(option: string): string | null {
  const match = AXES_PATTERN.exec(option.toLowerCase());
  if (match && new Set(match[1]).size === match[1].length) return null;
  return `axes "${option}" not understood: use t, z, c in any order before yx (e.g. zyx, tyx, cyx, zcyx, tzcyx), and a trailing c for RGB samples`;
}

/**
 * `--axes` as ilastik's `--input_axes`: page axes from t, z, c in any order, then `yx`, then `c` for the
 * samples of an RGB pixel. One page axis takes all pages; with several, sizes come from the file's
 * metadata and at most one may be unknown (it takes the remaining factor of the page count).
 */
export function parseAxesOption(
  option: string,
  pages: number,
  samples: number,
  fileLayout: PageLayout | null,
): PageLayout {
  const syntaxError = axesSyntaxError(option);
  if (syntaxError) throw new RangeError(syntaxError);
  const match = AXES_PATTERN.exec(option.toLowerCase())!;
  const axes = [...match[1]] as PageAxis[];
  if (axes.length === 0 && pages > 1) {
    throw new RangeError(
      `axes "${option}" has no page axis but the file has ${pages} pages: use zyx, tyx or cyx`,
    );
  }
  if (match[2] === 'c' && samples === 1) {
    throw new RangeError(
      `axes "${option}" ends in c but the file has one sample per pixel: drop the trailing c`,
    );
  }
  if (samples > 1 && axes.includes('c')) {
    throw new RangeError(
      `axes "${option}": pages as channels need one sample per pixel (file has ${samples})`,
    );
  }
  if (axes.length <= 1) return { axes, sizes: axes.length ? [pages] : [] };
  const known = (axis: PageAxis): number | undefined => {
    const i = fileLayout?.axes.indexOf(axis) ?? -1;
    return i < 0 ? undefined : fileLayout?.sizes[i];
  };
  const unknown = axes.filter((axis) => known(axis) === undefined);
  const product = axes.reduce((p, axis) => p * (known(axis) ?? 1), 1);
  if (unknown.length > 1 || pages % product !== 0 || (unknown.length === 0 && product !== pages)) {
    throw new RangeError(
      `axes "${option}" names ${axes.length} page axes but the file's metadata does not give their sizes for its ${pages} pages: name one page axis (e.g. zyx) or fix the file's metadata`,
    );
  }
  return { axes, sizes: axes.map((axis) => known(axis) ?? pages / product) };
}

/** OME-TIFF pages follow DimensionOrder's Z, C, T, fastest first; RGB samples are not pages. */
function omeLayout(ome: OmeDescription, pages: number, samples: number, notes: string[]): PageLayout | null {
  const cPages = samples > 1 ? ome.sizeC / samples : ome.sizeC;
  const sizes: Record<PageAxis, number> = { z: ome.sizeZ, c: cPages, t: ome.sizeT };
  const fastestFirst = [...ome.dimensionOrder.slice(2).toLowerCase()] as PageAxis[];
  return checkedLayout(fastestFirst.reverse(), sizes, pages, 'OME-XML', notes);
}

/** ImageJ stores hyperstacks with c fastest, then z, then t (TZCYX). */
function imagejLayout(
  ij: ImageJDescription,
  pages: number,
  samples: number,
  notes: string[],
): PageLayout | null {
  if (ij.channels === undefined && ij.slices === undefined && ij.frames === undefined) return null;
  const c = ij.channels ?? 1;
  if (c > 1 && samples > 1) {
    notes.push(`ImageJ metadata: ${c} channels of ${samples}-sample pixels are not supported; axes ignored`);
    return null;
  }
  const sizes: Record<PageAxis, number> = { t: ij.frames ?? 1, z: ij.slices ?? 1, c };
  return checkedLayout(['t', 'z', 'c'], sizes, pages, 'ImageJ metadata', notes);
}

/** Keeps axes of size > 1 (slowest first); null with a note when their product is not the page count. */
function checkedLayout(
  slowestFirst: PageAxis[],
  sizes: Record<PageAxis, number>,
  pages: number,
  what: string,
  notes: string[],
): PageLayout | null {
  const product = sizes.t * sizes.z * sizes.c;
  if (!Number.isInteger(sizes.c) || product !== pages) {
    notes.push(
      `${what} describes z ${sizes.z} × c ${sizes.c} × t ${sizes.t} = ${product} pages but the file has ${pages}; its axes are ignored`,
    );
    return null;
  }
  const axes = slowestFirst.filter((axis) => sizes[axis] > 1);
  return { axes, sizes: axes.map((axis) => sizes[axis]) };
}

function physicalSizes(
  ome: OmeDescription | null,
  imagej: ImageJDescription | null,
  resolution: ResolutionTags | undefined,
): Pick<ImageMetadata, 'pixelSize' | 'pixelSizeSource'> {
  if (ome && (ome.physicalSizeX || ome.physicalSizeY || ome.physicalSizeZ)) {
    return {
      pixelSize: {
        ...(ome.physicalSizeX ? { x: ome.physicalSizeX } : {}),
        ...(ome.physicalSizeY ? { y: ome.physicalSizeY } : {}),
        ...(ome.physicalSizeZ ? { z: ome.physicalSizeZ } : {}),
      },
      pixelSizeSource: 'OME-XML',
    };
  }
  const xy = resolution ? pixelSizeFromResolution(resolution, imagej?.unit) : {};
  const z = imagej?.spacing && imagej.unit ? { z: { value: imagej.spacing, unit: imagej.unit } } : {};
  const pixelSize = { ...xy, ...z };
  if (Object.keys(pixelSize).length === 0) return { pixelSize, pixelSizeSource: null };
  return { pixelSize, pixelSizeSource: imagej?.unit ? 'ImageJ' : 'TIFF resolution tags' };
}
