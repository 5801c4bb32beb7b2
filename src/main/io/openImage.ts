/**
 * The one door to image pixels: a path names a TIFF, PNG or JPEG file (read through sharp), and later an
 * HDF5 dataset (`file.h5/internal/dataset`) or an OME-Zarr folder, each behind the same `OpenedImage`, so
 * features, prediction, export and the window never ask what kind of file they read.
 */
import type { PlanarImage } from '../../core/image.js';
import type { ImageInfo } from '../../core/imageSource.js';
import type { OpenImageOptions, OpenedImage } from './OpenedImage.js';
import { ImageReadError } from './ImageReadError.js';
import { openSharpImage } from './openSharpImage.js';
import { splitHdf5Path } from './hdf5/hdf5Path.js';
import { openHdf5Image } from './hdf5/openHdf5Image.js';
import { isZarrPath, zarrStorageFile } from './zarr/zarrPaths.js';

export { MAX_IMAGE_PIXELS } from './openSharpImage.js';

export type { OpenImageOptions, OpenedImage } from './OpenedImage.js';

/** Whole-image reads above this many bytes of float32 are refused: such images go through `openImage` tile by tile. */
export const MAX_WHOLE_IMAGE_BYTES = 4 * 1024 ** 3;

/** Opens an image and reads its header; pixels are read later by `readRegion`. */
export async function openImage(path: string, options: OpenImageOptions = {}): Promise<OpenedImage> {
  const hdf5 = await splitHdf5Path(path);
  if (hdf5) return openHdf5Image(hdf5, path, options);
  if (await isZarrPath(path)) return (await import('./zarr/openZarrImage.js')).openZarrImage(path, options);
  return openSharpImage(path, options);
}

/**
 * The file on disk whose size and checksum identify an image in a project: the HDF5 file of
 * `file.h5/internal/dataset`, the array metadata of a Zarr image, else the path itself.
 */
export async function imageStorageFile(path: string): Promise<string> {
  const hdf5 = await splitHdf5Path(path);
  if (hdf5) return hdf5.file;
  return (await isZarrPath(path)) ? zarrStorageFile(path) : path;
}

/** Reads one whole plane (default 0) of an image, refusing images too large to hold in memory. */
export async function readImage(
  path: string,
  options: OpenImageOptions & { plane?: number } = {},
): Promise<{ info: ImageInfo; image: PlanarImage; source: OpenedImage }> {
  const source = await openImage(path, options);
  const { width, height, channels } = source.info;
  const bytes = width * height * channels * 4;
  if (bytes > MAX_WHOLE_IMAGE_BYTES) {
    throw new ImageReadError(
      path,
      `${width} × ${height} × ${channels} pixels is too large to read whole (${(bytes / 1024 ** 3).toFixed(1)} GB as float32)`,
    );
  }
  const image = await source.readRegion({ x: 0, y: 0, width, height }, options.plane ?? 0);
  return { info: source.info, image, source };
}
