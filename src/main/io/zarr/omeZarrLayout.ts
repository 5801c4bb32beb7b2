/**
 * The shape of an OME-Zarr output (v0.4 on the zarr v2 layout, which napari-ome-zarr, Fiji's MoBIE and
 * n5-viewer, python ome-zarr and zarr-python 2 and 3 all read): its axes in the order OME requires
 * (t, c, z, y, x — a c axis only for several channels), its resolution levels, chunks and codec, and the
 * `.zattrs` / `.zarray` JSON that describe them.
 */
import type { Reduction } from './downsample2x.js';

/**
 * Chunks are 512 × 512 pixels of one channel and one plane: 1 MB of float32 (256 KB of uint8), the size
 * zarr recommends for local disks and object stores alike; the same as the default band of a prediction
 * (512 rows), so a band completes a row of chunks and the writer holds one chunk row per level, not more.
 * Smaller chunks multiply files (a 20000² image already makes 1600 per channel), larger ones make viewers
 * fetch more than they show.
 */
export const ZARR_OUTPUT_CHUNK = 512;

/** gzip (zlib level 1, as the TIFF writer's deflate): read by every zarr implementation without extras. */
export const ZARR_OUTPUT_COMPRESSOR = { id: 'gzip', level: 1 } as const;

/** Levels are added until the image fits in one chunk, at most this many (2³⁶ pixels halve in 10). */
const MAX_OUTPUT_LEVELS = 16;

export type OutputSampleType = 'uint8' | 'uint16' | 'float32';

const NUMPY_DTYPES: Record<OutputSampleType, string> = { uint8: '|u1', uint16: '<u2', float32: '<f4' };

export interface OmeZarrOutputSpec {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly sampleType: OutputSampleType;
  /** Plane axes held as a stack (t and/or z, slowest first) and their sizes; empty for one plane. */
  readonly planeAxes: readonly ('t' | 'z')[];
  readonly planeSizes: readonly number[];
  /** Physical pixel size (x, y) and z step, in `unit` (an OME-Zarr unit name, e.g. micrometer). */
  readonly pixelSize?: {
    readonly x: number;
    readonly y: number;
    readonly z?: number;
    readonly unit?: string;
  };
  readonly channelNames?: readonly string[];
  /** Class colours `#rrggbb` of values 1, 2, …: the output is a label image (mode pyramid, image-label). */
  readonly labelColors?: readonly (string | undefined)[];
  readonly name?: string;
}

export interface LevelShape {
  readonly width: number;
  readonly height: number;
}

export interface OmeZarrLayout {
  /** Axis letters of every level's array, OME order. */
  readonly axes: string;
  readonly levels: readonly LevelShape[];
  readonly reduction: Reduction;
}

export function omeZarrLayout(spec: OmeZarrOutputSpec): OmeZarrLayout {
  const t = spec.planeAxes.includes('t') ? 't' : '';
  const z = spec.planeAxes.includes('z') ? 'z' : '';
  const c = spec.channels > 1 ? 'c' : '';
  const levels: LevelShape[] = [{ width: spec.width, height: spec.height }];
  for (;;) {
    const last = levels[levels.length - 1];
    if (Math.max(last.width, last.height) <= ZARR_OUTPUT_CHUNK || levels.length >= MAX_OUTPUT_LEVELS) break;
    levels.push({ width: Math.ceil(last.width / 2), height: Math.ceil(last.height / 2) });
  }
  return { axes: `${t}${c}${z}yx`, levels, reduction: spec.labelColors ? 'mode' : 'mean' };
}

/** Size of every axis of a level's array, in layout order. */
export function levelShape(spec: OmeZarrOutputSpec, layout: OmeZarrLayout, level: number): number[] {
  const { width, height } = layout.levels[level];
  const sizes: Record<string, number> = {
    t: planeSize(spec, 't'),
    c: spec.channels,
    z: planeSize(spec, 'z'),
    y: height,
    x: width,
  };
  return [...layout.axes].map((a) => sizes[a]);
}

function planeSize(spec: OmeZarrOutputSpec, axis: 't' | 'z'): number {
  const i = spec.planeAxes.indexOf(axis);
  return i < 0 ? 1 : spec.planeSizes[i];
}

export function levelChunks(layout: OmeZarrLayout, level: number): number[] {
  const { width, height } = layout.levels[level];
  return [...layout.axes].map((a) =>
    a === 'y' ? Math.min(ZARR_OUTPUT_CHUNK, height) : a === 'x' ? Math.min(ZARR_OUTPUT_CHUNK, width) : 1,
  );
}

/** The `.zarray` of a level (zarr v2, nested chunk keys as OME-Zarr 0.4 requires). */
export function zarrayJson(spec: OmeZarrOutputSpec, layout: OmeZarrLayout, level: number): string {
  return JSON.stringify(
    {
      zarr_format: 2,
      shape: levelShape(spec, layout, level),
      chunks: levelChunks(layout, level),
      dtype: NUMPY_DTYPES[spec.sampleType],
      compressor: ZARR_OUTPUT_COMPRESSOR,
      fill_value: 0,
      filters: null,
      order: 'C',
      dimension_separator: '/',
    },
    null,
    2,
  );
}

/** The image's `.zattrs`: multiscales (axes, units, per-level scale), omero channels, image-label. */
export function zattrsJson(spec: OmeZarrOutputSpec, layout: OmeZarrLayout): string {
  const unit = spec.pixelSize?.unit;
  const axes = [...layout.axes].map((a) => {
    if (a === 't') return { name: 't', type: 'time' };
    if (a === 'c') return { name: 'c', type: 'channel' };
    return { name: a, type: 'space', ...(unit ? { unit } : {}) };
  });
  const datasets = layout.levels.map((_, level) => ({
    path: String(level),
    coordinateTransformations: [{ type: 'scale', scale: levelScale(spec, layout, level) }],
  }));
  const attributes: Record<string, unknown> = {
    multiscales: [
      {
        version: '0.4',
        name: spec.name ?? 'image',
        axes,
        datasets,
        type: layout.reduction === 'mode' ? 'mode' : 'mean',
        metadata: {
          description: `2x2 ${layout.reduction === 'mode' ? 'most frequent value' : 'mean'} per level, written by Mixel`,
        },
      },
    ],
  };
  if (spec.labelColors) {
    attributes['image-label'] = {
      version: '0.4',
      colors: spec.labelColors.flatMap((color, i) => {
        const rgb = color && /^#[0-9a-f]{6}$/i.test(color) ? color : null;
        if (!rgb) return [];
        const rgba = [1, 3, 5].map((k) => parseInt(rgb.slice(k, k + 2), 16)).concat(255);
        return [{ 'label-value': i + 1, rgba }];
      }),
    };
  } else {
    const [start, end] =
      spec.sampleType === 'uint8' ? [0, 255] : spec.sampleType === 'uint16' ? [0, 65535] : [0, 1];
    attributes.omero = {
      channels: Array.from({ length: spec.channels }, (_, c) => ({
        ...(spec.channelNames?.[c] === undefined ? {} : { label: spec.channelNames[c] }),
        color: 'FFFFFF',
        active: true,
        window: { start, end, min: start, max: end },
      })),
      rdefs: { model: 'greyscale' },
    };
  }
  return JSON.stringify(attributes, null, 2);
}

/**
 * Physical size of a pixel of `level` along every axis (1 for t and c, and where no size is known): each
 * level's pixel spans 2^level input pixels in y and x (the last one of an odd row only partly); z is kept.
 */
function levelScale(spec: OmeZarrOutputSpec, layout: OmeZarrLayout, level: number): number[] {
  const factor = 2 ** level;
  const size = spec.pixelSize;
  return [...layout.axes].map((a) => {
    if (a === 'x') return (size?.x ?? 1) * factor;
    if (a === 'y') return (size?.y ?? 1) * factor;
    if (a === 'z') return size?.z ?? 1;
    return 1;
  });
}
