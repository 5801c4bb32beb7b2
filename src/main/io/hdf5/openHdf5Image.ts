/**
 * Reads an HDF5 dataset (`file.h5/internal/dataset`, as ilastik names them) as an image: axes from its
 * axistags, `--axes` or a printed guess; pixel size from axistags or element_size_um; pixels region by
 * region through hyperslab reads, never the whole dataset. Every header value (shape, chunk shape, dtype,
 * attributes) is untrusted and bounded before any pixel is read.
 */
import type { Dataset, File as H5File } from 'h5wasm';
import type { SampleType } from '../../../core/image.js';
import type { ImageInfo } from '../../../core/imageSource.js';
import { axisSize, planeCount } from '../../../core/imageMetadata.js';
import {
  MAX_ARRAY_AXIS_SIZE,
  MAX_ARRAY_DIMS,
  resolveArrayMetadata,
  type ArrayMetadata,
} from '../../../core/imageMetadataArrays.js';
import type { Rect } from '../../../core/tiling.js';
import { ImageReadError } from '../ImageReadError.js';
import type { OpenImageOptions, OpenedImage } from '../OpenedImage.js';
import { MAX_IMAGE_PIXELS, checkRegion } from '../openSharpImage.js';
import type { Hdf5Path } from './hdf5Path.js';
import { describeHdf5Error, withHdf5File } from './h5wasmRuntime.js';
import { readHdf5Region, type DatasetLayout } from './readHdf5Region.js';

/** A chunk larger than this (256 MB) is refused: HDF5 decompresses whole chunks, so it bounds memory. */
export const MAX_HDF5_CHUNK_BYTES = 256 * 1024 ** 2;
/** Datasets with more elements than 2⁴⁴ (tens of terabytes) are a corrupt header, not an image. */
export const MAX_HDF5_ELEMENTS = 2 ** 44;
/** Files with more objects than this are not listed when looking for the one dataset. */
const MAX_LISTED_OBJECTS = 100_000;
/** At most this many dataset names are shown in a message. */
const MAX_NAMED_DATASETS = 8;
/** Attribute values longer than this are not read (axistags are a few hundred bytes). */
const MAX_ATTRIBUTE_ELEMENTS = 64 * 1024;

/**
 * Filters built into libhdf5 (deflate, shuffle, fletcher32, szip, nbit, scaleoffset); plugins such as
 * blosc (32001), lzf (32000) or bitshuffle (32008) are not in h5wasm.
 */
const BUILT_IN_FILTERS: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6]);

const H5T_INTEGER = 0;
const H5T_FLOAT = 1;

/** The dtypes Mixel reads, as numpy names them; values are read as float32 like every image. */
const DTYPES: Record<string, { name: string; sampleType: SampleType }> = {
  'int-1-u': { name: 'uint8', sampleType: 'uint8' },
  'int-2-u': { name: 'uint16', sampleType: 'uint16' },
  'int-4-u': { name: 'uint32', sampleType: 'float32' },
  'int-1-s': { name: 'int8', sampleType: 'float32' },
  'int-2-s': { name: 'int16', sampleType: 'float32' },
  'int-4-s': { name: 'int32', sampleType: 'float32' },
  'float-4-s': { name: 'float32', sampleType: 'float32' },
  'float-8-s': { name: 'float64', sampleType: 'float32' },
};

interface DatasetHeader {
  readonly path: string;
  readonly layout: DatasetLayout;
  readonly metadata: ArrayMetadata;
  readonly dtype: string;
  readonly sampleType: SampleType;
}

/** Opens the dataset `location` names; `name` is the path as the user gave it, used in messages. */
export async function openHdf5Image(
  location: Hdf5Path,
  name: string,
  options: OpenImageOptions = {},
): Promise<OpenedImage> {
  const fail = (reason: string): never => {
    throw new ImageReadError(name, reason);
  };
  const header = await withHdf5File(location.file, (h5) => readHeader(h5, location, options, fail)).catch(
    (err: unknown) => {
      if (err instanceof ImageReadError) throw err;
      return fail(`cannot read the file's structure (${describeHdf5Error(err)})`);
    },
  );
  const { layout, metadata } = header;
  const size = (axis: 'y' | 'x' | 'c') => {
    const i = layout.axes.indexOf(axis);
    return i < 0 ? 1 : layout.shape[i];
  };
  const info: ImageInfo = {
    width: size('x'),
    height: size('y'),
    pages: metadata.pageSizes.reduce((p, n) => p * n, 1),
    channels: size('c'),
    planes: planeCount(metadata),
    sampleType: header.sampleType,
    axes: metadata.axes,
    format: 'hdf5',
  };
  if (info.width * info.height > MAX_IMAGE_PIXELS) {
    fail(
      `its ${info.width} × ${info.height} planes are more than the ${MAX_IMAGE_PIXELS} pixels Mixel opens`,
    );
  }
  const display = `${name}${location.internal === '' ? ` (dataset ${header.path})` : ''}`;
  return {
    info,
    name: display,
    isAxesGuessed: metadata.axesSource === 'guessed',
    metadata,
    async readRegion(rect: Rect, plane: number) {
      checkRegion(display, info, rect, plane);
      const zSize = axisSize(metadata, 'z');
      const coordinate = { t: Math.floor(plane / zSize), z: plane % zSize };
      try {
        return await withHdf5File(location.file, (h5) => {
          const dataset = openDataset(h5, header.path);
          const shape = dataset.metadata.shape ?? [];
          if (shape.join() !== layout.shape.join()) throw new Error('the dataset changed while it was read');
          return readHdf5Region(dataset, layout, rect, coordinate);
        });
      } catch (err) {
        throw new ImageReadError(display, `cannot read ${header.path} (${describeHdf5Error(err)})`);
      }
    },
  };
}

function readHeader(
  h5: H5File,
  location: Hdf5Path,
  options: OpenImageOptions,
  fail: (reason: string) => never,
): DatasetHeader {
  const path = chooseDataset(h5, location, fail);
  const dataset = openDataset(h5, path);
  const meta = dataset.metadata;
  const shape = meta.shape ?? [];
  const dtype =
    DTYPES[
      `${meta.type === H5T_FLOAT ? 'float' : meta.type === H5T_INTEGER ? 'int' : '?'}-${meta.size}-${meta.type === H5T_FLOAT || meta.signed ? 's' : 'u'}`
    ];
  if (!dtype) {
    fail(
      `dataset ${path} holds ${describeType(meta.type, meta.size, meta.signed)} values; Mixel reads uint8/16/32, int8/16/32, float32 and float64`,
    );
  }
  if (shape.length < 2 || shape.length > MAX_ARRAY_DIMS) {
    fail(
      `dataset ${path} has ${shape.length} dimensions (shape ${shape.join(' × ') || 'scalar'}); images have 2 to ${MAX_ARRAY_DIMS}`,
    );
  }
  if (shape.some((n) => !Number.isSafeInteger(n) || n < 1 || n > MAX_ARRAY_AXIS_SIZE)) {
    fail(
      `dataset ${path} declares shape ${shape.join(' × ')}, which is empty or beyond ${MAX_ARRAY_AXIS_SIZE} per axis (corrupt?)`,
    );
  }
  const elements = shape.reduce((p, n) => p * n, 1);
  if (elements > MAX_HDF5_ELEMENTS) {
    fail(
      `dataset ${path} declares ${shape.join(' × ')} = ${elements.toExponential(2)} elements, more than Mixel reads (corrupt?)`,
    );
  }
  const chunks = meta.chunks ?? null;
  if (chunks && (chunks.length !== shape.length || chunks.some((n) => !Number.isSafeInteger(n) || n < 1))) {
    fail(`dataset ${path} declares chunks ${chunks.join(' × ')} that do not fit its shape (corrupt?)`);
  }
  const chunkBytes = chunks ? chunks.reduce((p, n) => p * n, meta.size) : 0;
  if (chunkBytes > MAX_HDF5_CHUNK_BYTES) {
    fail(
      `dataset ${path} has chunks of ${(chunkBytes / 1024 ** 2).toFixed(0)} MB, more than the ${MAX_HDF5_CHUNK_BYTES / 1024 ** 2} MB Mixel decompresses at once; re-save with smaller chunks`,
    );
  }
  let metadata: ArrayMetadata;
  try {
    metadata = resolveArrayMetadata({
      shape,
      axistags: stringAttribute(dataset, 'axistags'),
      elementSizeUm: numberListAttribute(dataset, 'element_size_um'),
      axesOption: options.axes,
    });
  } catch (err) {
    return fail(`dataset ${path}: ${(err as Error).message}`);
  }
  if (dtype.name !== dtype.sampleType) {
    const precision = dtype.name.endsWith('32') && dtype.name !== 'float32' ? ' (exact up to 2²⁴)' : '';
    metadata = {
      ...metadata,
      notes: [...metadata.notes, `stored as ${dtype.name}, read as float32${precision}`],
    };
  }
  const yIndex = metadata.arrayAxes.indexOf('y');
  const layout: DatasetLayout = {
    axes: metadata.arrayAxes,
    shape,
    elementBytes: meta.size,
    chunkRows: chunks ? chunks[yIndex] : 1,
  };
  const missing = dataset.filters.find((filter) => !BUILT_IN_FILTERS.has(filter.id));
  if (missing) {
    fail(
      `dataset ${path} is compressed with HDF5 filter ${missing.id}${missing.name ? ` (${missing.name.slice(0, 40)})` : ''}, which Mixel's HDF5 library does not include; re-save it with gzip`,
    );
  }
  // One element decoded now: a filter this build lacks (blosc, lz4, …) or a broken first chunk fails here,
  // in `mixel info`, not halfway through a prediction.
  try {
    dataset.slice(shape.map(() => [0, 1]));
  } catch (err) {
    fail(`dataset ${path} cannot be decoded (${describeFilters(dataset)}${describeHdf5Error(err)})`);
  }
  return { path, layout, metadata, dtype: dtype.name, sampleType: dtype.sampleType };
}

/** The dataset `internal` names, or the only dataset in the file (or group) it names. */
function chooseDataset(h5: H5File, location: Hdf5Path, fail: (reason: string) => never): string {
  const { internal } = location;
  const path = `/${internal}`;
  const type = internal === '' ? 'group' : objectType(h5, path);
  if (type === 'dataset') return path;
  if (type === 'missing') {
    fail(`has no dataset ${path} (it holds ${listDatasets(h5, '/')})`);
  }
  if (type !== 'group') fail(`${path} is not a dataset`);
  const datasets = datasetsBelow(h5, path);
  if (datasets.length === 1) return datasets[0];
  if (datasets.length === 0) return fail(`${internal === '' ? 'the file' : path} holds no dataset`);
  return fail(
    `holds ${datasets.length} datasets (${nameSome(datasets)}); name one, as in ${location.file}${datasets[0]}`,
  );
}

function objectType(h5: H5File, path: string): 'dataset' | 'group' | 'missing' | 'other' {
  let entity;
  try {
    entity = h5.get(path);
  } catch {
    return 'missing';
  }
  if (entity === null || entity === undefined) return 'missing';
  const kind = (entity as { type?: string }).type;
  return kind === 'Dataset' ? 'dataset' : kind === 'Group' ? 'group' : 'other';
}

function datasetsBelow(h5: H5File, group: string): string[] {
  const base = group === '/' ? '' : group;
  const names = (group === '/' ? h5 : (h5.get(group) as unknown as { paths(): string[] })).paths();
  if (names.length > MAX_LISTED_OBJECTS) return names.slice(0, 2).map((n) => `${base}/${n}`);
  return names.map((n) => `${base}/${n.replace(/^\//, '')}`).filter((n) => objectType(h5, n) === 'dataset');
}

function listDatasets(h5: H5File, group: string): string {
  const datasets = datasetsBelow(h5, group);
  return datasets.length === 0 ? 'no dataset' : nameSome(datasets);
}

function nameSome(names: readonly string[]): string {
  const shown = names.slice(0, MAX_NAMED_DATASETS).join(', ');
  return names.length > MAX_NAMED_DATASETS ? `${shown}, … ${names.length - MAX_NAMED_DATASETS} more` : shown;
}

function openDataset(h5: H5File, path: string): Dataset {
  const entity = h5.get(path);
  if (!entity || (entity as { type?: string }).type !== 'Dataset')
    throw new Error(`${path} is not a dataset`);
  return entity as Dataset;
}

function stringAttribute(dataset: Dataset, name: string): string | undefined {
  const value = attributeValue(dataset, name);
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') return value[0];
  if (value instanceof Uint8Array || value instanceof Int8Array) return new TextDecoder().decode(value);
  return undefined;
}

function numberListAttribute(dataset: Dataset, name: string): number[] | undefined {
  const value = attributeValue(dataset, name);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number | bigint>, Number);
  }
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return value as number[];
  return undefined;
}

/** An attribute's value, or undefined when it is absent, too large or unreadable (metadata is optional). */
function attributeValue(dataset: Dataset, name: string): unknown {
  try {
    const attribute = dataset.attrs[name];
    if (!attribute) return undefined;
    const elements = (attribute.shape ?? []).reduce((p, n) => p * n, 1);
    if (
      elements > MAX_ATTRIBUTE_ELEMENTS ||
      attribute.metadata.size * elements > MAX_ATTRIBUTE_ELEMENTS * 8
    ) {
      return undefined;
    }
    return attribute.value;
  } catch {
    return undefined;
  }
}

function describeType(type: number, size: number, signed: boolean): string {
  if (type === H5T_INTEGER) return `${size * 8}-bit ${signed ? 'signed' : 'unsigned'} integer`;
  if (type === H5T_FLOAT) return `${size * 8}-bit float`;
  const names = [
    'integer',
    'float',
    'time',
    'string',
    'bitfield',
    'opaque',
    'compound',
    'reference',
    'enum',
    'variable-length',
    'array',
  ];
  return names[type] ?? `type-${type}`;
}

/** Names the dataset's filters, since a missing one is the usual reason a chunk cannot be decoded. */
function describeFilters(dataset: Dataset): string {
  try {
    const filters = dataset.filters.map((f) => `${f.id}${f.name ? ` ${f.name}` : ''}`);
    return filters.length > 0 ? `filters ${filters.join(', ')}: ` : '';
  } catch {
    return '';
  }
}
