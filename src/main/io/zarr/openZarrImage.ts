/**
 * Reads an OME-Zarr image or a plain Zarr array folder as an image: axes from the multiscales metadata,
 * `--axes` or a printed guess; pixel size and unit from the level's scale transform; channel names from
 * `omero.channels`. Pixels are read region by region, decoding only the chunks a region touches (kept in
 * a bounded cache), so a 50 GB Zarr predicts in the memory of a band of chunks. Shapes, chunk sizes, data
 * types and JSON sizes are checked before anything is decoded; every failure is one line naming the folder.
 */
import { stat } from 'node:fs/promises';
import * as zarr from 'zarrita';
import type { SampleType } from '../../../core/image.js';
import { planeCount, type ImageMetadata, type PhysicalSize } from '../../../core/imageMetadata.js';
import type { ImageInfo } from '../../../core/imageSource.js';
import type { Rect } from '../../../core/tiling.js';
import { ImageReadError } from '../ImageReadError.js';
import type { OpenImageOptions, OpenedImage } from '../OpenedImage.js';
import { MAX_IMAGE_PIXELS, checkRegion } from '../openSharpImage.js';
import { BoundedFileStore } from './BoundedFileStore.js';
import { ZARR_ITEM_BYTES, registerBoundedCodecs } from './boundedCodecs.js';
import { locateZarrImage, type ZarrImageLocation } from './locateZarrImage.js';
import { unitFromNgff } from './omeUnits.js';
import { pageAxesOf, resolveZarrAxes } from './zarrAxes.js';
import { ZarrRegionReader, type ZarrArrayLike } from './ZarrRegionReader.js';
import { MAX_ZARR_CHUNK_BYTES, MAX_ZARR_DIMENSIONS } from './zarrLimits.js';

/** Data types read (as float32 like every image); their sample type as `mixel info` reports it. */
const SAMPLE_TYPES: Record<string, SampleType> = {
  uint8: 'uint8',
  uint16: 'uint16',
  float32: 'float32',
  int8: 'float32',
  int16: 'float32',
  uint32: 'float32',
  int32: 'float32',
  float64: 'float32',
};

/** No axis of a real image is longer than 2³¹: a shape saying so is corrupt. */
const MAX_AXIS_SIZE = 2 ** 31;

export async function openZarrImage(path: string, options: OpenImageOptions = {}): Promise<OpenedImage> {
  const fail = (reason: string): never => {
    throw new ImageReadError(path, reason);
  };
  try {
    const folder = await stat(path);
    if (!folder.isDirectory()) fail('is not a folder (a Zarr image is a folder: give the path of x.zarr)');
  } catch (err) {
    if (err instanceof ImageReadError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    fail(code === 'ENOENT' ? 'no such folder' : `cannot open it (${code ?? String(err)})`);
  }
  registerBoundedCodecs();
  let location: ZarrImageLocation;
  let array: zarr.Array<zarr.DataType, BoundedFileStore>;
  try {
    location = await locateZarrImage(path);
    const store = new BoundedFileStore(location.arrayPath);
    const open = location.zarrFormat === 3 ? zarr.open.v3 : zarr.open.v2;
    array = await open(zarr.root(store), { kind: 'array' });
  } catch (err) {
    return fail(describeZarrError(err));
  }
  const shape = array.shape;
  const chunks = array.chunks;
  const dtype = String(array.dtype);
  const sampleType = SAMPLE_TYPES[dtype];
  if (!sampleType) {
    fail(`holds ${dtype} values; Mixel reads uint8/16/32, int8/16/32, float32 and float64`);
  }
  if (shape.length < 2 || shape.length > MAX_ZARR_DIMENSIONS) {
    fail(
      `has ${shape.length} dimensions (shape ${shape.join(' × ')}); images have 2 to ${MAX_ZARR_DIMENSIONS}`,
    );
  }
  if (shape.some((n) => !Number.isSafeInteger(n) || n < 1 || n > MAX_AXIS_SIZE)) {
    fail(
      `declares shape ${shape.join(' × ')}, which is empty or beyond ${MAX_AXIS_SIZE} per axis (corrupt?)`,
    );
  }
  if (chunks.length !== shape.length || chunks.some((n) => !Number.isSafeInteger(n) || n < 1)) {
    fail(`declares chunks ${chunks.join(' × ')} that do not fit its shape ${shape.join(' × ')} (corrupt?)`);
  }
  const chunkBytes = chunks.reduce((p, n) => p * n, ZARR_ITEM_BYTES[dtype]);
  if (chunkBytes > MAX_ZARR_CHUNK_BYTES) {
    fail(
      `has chunks of ${(chunkBytes / 1024 ** 2).toFixed(0)} MB, more than the ${MAX_ZARR_CHUNK_BYTES / 1024 ** 2} MB Mixel decodes at once; re-save with smaller chunks`,
    );
  }
  const { multiscale } = location;
  if (multiscale && multiscale.axes.length !== shape.length) {
    fail(
      `its multiscales metadata names ${multiscale.axes.length} axes but the array has ${shape.length} dimensions`,
    );
  }
  let axes: ReturnType<typeof resolveZarrAxes>;
  try {
    axes = resolveZarrAxes(shape, multiscale?.axes ?? null, options.axes);
  } catch (err) {
    return fail((err as Error).message);
  }
  const metadata = zarrMetadata(location, shape, axes, dtype, sampleType);
  const size = (axis: string) => {
    const i = axes.letters.indexOf(axis);
    return i < 0 ? 1 : shape[i];
  };
  const info: ImageInfo = {
    width: size('x'),
    height: size('y'),
    pages: metadata.pageSizes.reduce((p, n) => p * n, 1),
    channels: size('c'),
    planes: planeCount(metadata),
    sampleType,
    axes: metadata.axes,
    format: multiscale
      ? `ome-zarr${multiscale.version ? ` ${multiscale.version}` : ''}`
      : `zarr v${location.zarrFormat}`,
  };
  if (info.width * info.height > MAX_IMAGE_PIXELS) {
    fail(
      `its ${info.width} × ${info.height} planes are more than the ${MAX_IMAGE_PIXELS} pixels Mixel opens`,
    );
  }
  const reader = new ZarrRegionReader(array as unknown as ZarrArrayLike, axes.letters, size('z'));
  // One chunk decoded now: a codec that is missing or a broken first chunk fails here, in `mixel info`,
  // not halfway through a prediction.
  try {
    await reader.readRegion({ x: 0, y: 0, width: 1, height: 1 }, 0, 1);
  } catch (err) {
    fail(`cannot be decoded (${describeZarrError(err)})`);
  }
  return {
    info,
    name: path,
    isAxesGuessed: metadata.axesSource === 'guessed',
    metadata,
    async readRegion(rect: Rect, plane: number) {
      checkRegion(path, info, rect, plane);
      try {
        return await reader.readRegion(rect, plane, info.channels);
      } catch (err) {
        throw new ImageReadError(path, `cannot read a chunk (${describeZarrError(err)})`);
      }
    },
  };
}

function zarrMetadata(
  location: ZarrImageLocation,
  shape: readonly number[],
  axes: ReturnType<typeof resolveZarrAxes>,
  dtype: string,
  sampleType: SampleType,
): ImageMetadata {
  const { multiscale, level } = location;
  const notes = [...(multiscale?.notes ?? [])];
  if (multiscale && multiscale.datasets.length > 1) {
    notes.push(
      `resolution level ${level} of ${multiscale.datasets.length} (${level === 0 ? 'full resolution; give x.zarr/<level> for another' : `dataset ${multiscale.datasets[level].path}`})`,
    );
  }
  if (dtype !== sampleType) notes.push(`stored as ${dtype}, read as float32`);
  const pixelSize: { x?: PhysicalSize; y?: PhysicalSize; z?: PhysicalSize } = {};
  const scale = multiscale?.datasets[level].scale ?? null;
  if (multiscale && scale) {
    multiscale.axes.forEach((axis, i) => {
      const letter = axes.letters[i];
      if (letter !== 'x' && letter !== 'y' && letter !== 'z') return;
      const unit = unitFromNgff(axis.unit);
      if (unit) pixelSize[letter] = { value: scale[i], unit };
      // Above level 0 a unit-less scale is the pyramid's own factor, not a size the user gave.
      else if (scale[i] !== 1 && level === 0) {
        notes.push(`axis ${axis.name} has scale ${scale[i]} without a unit; ignored`);
      }
    });
  }
  const { axes: pageAxes, sizes: pageSizes } = pageAxesOf(axes.letters, shape);
  const channelCount = axes.letters.includes('c') ? shape[axes.letters.indexOf('c')] : 1;
  const names = multiscale?.channelNames ?? null;
  return {
    axes: axes.letters,
    pageAxes,
    pageSizes,
    axesSource: axes.source,
    pixelSize,
    pixelSizeSource: Object.keys(pixelSize).length > 0 ? `OME-Zarr scale of level ${level}` : null,
    channelNames: names && names.length === channelCount ? names : null,
    notes,
  };
}

/** zarrita's and the store's errors as one clause (the cause of a codec error says what was wrong). */
export function describeZarrError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`.split('\n')[0].slice(0, 300);
}
