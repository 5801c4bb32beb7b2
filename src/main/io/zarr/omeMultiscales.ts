/**
 * Reads the OME-Zarr image metadata Mixel uses from a group's attributes (`.zattrs` of v0.1–0.4, or
 * `zarr.json` `attributes.ome` of v0.5): the first multiscale's axes (name, type, unit), its datasets
 * (one path per resolution level, full resolution first) with each level's scale, and the channel names
 * of `omero.channels`. The attributes come from an untrusted folder: every field is type-checked and
 * bounded, and a dataset path may only name a folder inside the image.
 */
import { MAX_ZARR_CHANNEL_LABEL_CHARS, MAX_ZARR_DIMENSIONS, MAX_ZARR_LEVELS } from './zarrLimits.js';

export interface OmeAxis {
  /** Lower-case name: t, c, z, y, x for the axes Mixel maps. */
  readonly name: string;
  readonly type?: string;
  readonly unit?: string;
}

export interface OmeDataset {
  readonly path: string;
  /** Physical size of one pixel along each axis at this level, or null when the file gives no scale. */
  readonly scale: readonly number[] | null;
}

export interface OmeMultiscale {
  readonly version: string | null;
  readonly axes: readonly OmeAxis[];
  readonly datasets: readonly OmeDataset[];
  readonly channelNames: readonly string[] | null;
  /** Notes for `mixel info`: what was in the file but not used. */
  readonly notes: readonly string[];
}

/** Axes of OME-Zarr before v0.3, where `axes` did not exist: always 5-D. */
const LEGACY_AXES = ['t', 'c', 'z', 'y', 'x'];
/** A dataset path: folder names of letters, digits, `.`, `_`, `-`, separated by `/`, no `..`. */
const DATASET_PATH = /^(?!.*(?:^|\/)\.{1,2}(?:\/|$))[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;
const MAX_DATASET_PATH_CHARS = 256;
const MAX_CHANNELS_READ = 4096;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The OME attributes of a group: v0.5 nests them under `ome`; earlier versions keep them at the top. */
export function omeAttributes(attributes: unknown): Json | null {
  if (!isObject(attributes)) return null;
  if (isObject(attributes.ome)) return attributes.ome;
  return attributes;
}

/** The first multiscale image described by `attributes`, null when there is none; throws on malformed ones. */
export function parseMultiscales(attributes: unknown): OmeMultiscale | null {
  const ome = omeAttributes(attributes);
  if (!ome || ome.multiscales === undefined) return null;
  if (!Array.isArray(ome.multiscales) || ome.multiscales.length === 0 || !isObject(ome.multiscales[0])) {
    throw new RangeError('"multiscales" is not a list of images');
  }
  const notes: string[] = [];
  if (ome.multiscales.length > 1)
    notes.push(`${ome.multiscales.length} multiscale images; the first is read`);
  const multiscale = ome.multiscales[0];
  const versionField = multiscale.version ?? ome.version;
  const version = typeof versionField === 'string' ? versionField.slice(0, 16) : null;
  const axes = parseAxes(multiscale.axes);
  const global = parseScale(multiscale.coordinateTransformations, axes.length, 'multiscale');
  if (!Array.isArray(multiscale.datasets) || multiscale.datasets.length === 0) {
    throw new RangeError('"multiscales[0].datasets" is empty or not a list');
  }
  if (multiscale.datasets.length > MAX_ZARR_LEVELS) {
    throw new RangeError(`${multiscale.datasets.length} resolution levels (at most ${MAX_ZARR_LEVELS})`);
  }
  const datasets = multiscale.datasets.map((entry: unknown, level: number): OmeDataset => {
    if (!isObject(entry) || typeof entry.path !== 'string') {
      throw new RangeError(`dataset ${level} has no path`);
    }
    const path = entry.path.replace(/^\.\//, '').replace(/\/+$/, '');
    if (path.length > MAX_DATASET_PATH_CHARS || !DATASET_PATH.test(path)) {
      throw new RangeError(`dataset path "${entry.path.slice(0, 64)}" is not a folder inside the image`);
    }
    const own = parseScale(entry.coordinateTransformations, axes.length, `dataset ${path}`);
    const scale = own && global ? own.map((s, i) => s * global[i]) : (own ?? global);
    return { path, scale };
  });
  return { version, axes, datasets, channelNames: parseChannelNames(ome.omero), notes };
}

function parseAxes(field: unknown): OmeAxis[] {
  if (field === undefined) return LEGACY_AXES.map((name) => ({ name }));
  if (!Array.isArray(field) || field.length < 2 || field.length > MAX_ZARR_DIMENSIONS) {
    throw new RangeError(`"axes" must list 2 to ${MAX_ZARR_DIMENSIONS} axes`);
  }
  return field.map((axis: unknown, i: number): OmeAxis => {
    // v0.3 wrote axes as plain names.
    if (typeof axis === 'string') return { name: axis.toLowerCase().slice(0, 32) };
    if (!isObject(axis) || typeof axis.name !== 'string') throw new RangeError(`axis ${i} has no name`);
    return {
      name: axis.name.toLowerCase().slice(0, 32),
      ...(typeof axis.type === 'string' ? { type: axis.type.slice(0, 32) } : {}),
      ...(typeof axis.unit === 'string' ? { unit: axis.unit.slice(0, 32) } : {}),
    };
  });
}

/** The `scale` of a list of coordinate transformations (translations are irrelevant to pixel size). */
function parseScale(field: unknown, dimensions: number, where: string): number[] | null {
  if (field === undefined) return null;
  if (!Array.isArray(field)) throw new RangeError(`coordinateTransformations of ${where} is not a list`);
  const scale = field.find((t: unknown) => isObject(t) && t.type === 'scale') as Json | undefined;
  if (!scale || scale.scale === undefined) return null;
  const values = scale.scale;
  if (
    !Array.isArray(values) ||
    values.length !== dimensions ||
    !values.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)
  ) {
    throw new RangeError(`the scale of ${where} is not ${dimensions} positive numbers`);
  }
  return values as number[];
}

function parseChannelNames(omero: unknown): string[] | null {
  if (!isObject(omero) || !Array.isArray(omero.channels)) return null;
  const labels = omero.channels
    .slice(0, MAX_CHANNELS_READ)
    .map((c: unknown) =>
      isObject(c) && typeof c.label === 'string' ? c.label.slice(0, MAX_ZARR_CHANNEL_LABEL_CHARS) : '',
    );
  return labels.some((l) => l !== '') ? labels : null;
}
