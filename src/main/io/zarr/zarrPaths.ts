/**
 * Which paths are Zarr images, and the file that stands for one in a project — without loading zarrita,
 * which every command would otherwise load at start-up for images that are mostly TIFFs.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { locateZarrImage } from './locateZarrImage.js';

/** Paths that name a Zarr folder: `….zarr` or something inside one (`x.zarr/1`, `x.ome.zarr/labels/a`). */
export function looksLikeZarrPath(path: string): boolean {
  return /\.zarr(?:[\\/]|$)/i.test(path);
}

/** True when `path` should be read as Zarr: named like one, or any folder (whose own check explains). */
export async function isZarrPath(path: string): Promise<boolean> {
  if (looksLikeZarrPath(path)) return true;
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The file whose size and checksum stand for a Zarr image in a project: the metadata of the array read
 * (`.zarray` or `zarr.json`). Hashing every chunk of a 50 GB folder at each run is not affordable; the
 * metadata changes with the shape, data type, chunking or compression.
 */
export async function zarrStorageFile(path: string): Promise<string> {
  try {
    const location = await locateZarrImage(path);
    return join(location.arrayPath, location.zarrFormat === 3 ? 'zarr.json' : '.zarray');
  } catch {
    return path;
  }
}
