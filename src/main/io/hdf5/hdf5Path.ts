/**
 * ilastik's HDF5 paths: `path/to/file.h5/internal/dataset`. The file part is found by walking the path one
 * component at a time until a regular file starting with the HDF5 signature is met, so folders named
 * `x.h5` and files without a usual extension both work; a path that meets a non-HDF5 file or nothing is
 * not an HDF5 path (the other readers get it).
 */
import { open, stat } from 'node:fs/promises';
import { sep } from 'node:path';

export interface Hdf5Path {
  /** The HDF5 file on disk. */
  readonly file: string;
  /** The object inside it, `/`-separated, '' when the path names the file alone. */
  readonly internal: string;
}

/** The HDF5 format signature; it sits at offset 0, or 512, 1024, 2048… after a user block. */
const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
/** User blocks larger than this (64 KB) are not looked behind: no microscopy writer makes them. */
const MAX_USER_BLOCK_BYTES = 64 * 1024;
/** Paths with more components than this are not walked (a stat per component). */
const MAX_PATH_COMPONENTS = 256;

/** True when `bytes` (the start of a file) is HDF5 at offset 0, as the window's upload check sees it. */
export function startsWithHdf5Signature(bytes: Uint8Array): boolean {
  return bytes.length >= HDF5_SIGNATURE.length && HDF5_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** True when the file at `path` is an HDF5 file (signature at 0 or behind a user block). */
export async function isHdf5File(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
    const size = (await handle.stat()).size;
    const buffer = Buffer.alloc(HDF5_SIGNATURE.length);
    for (let offset = 0; offset + buffer.length <= size && offset <= MAX_USER_BLOCK_BYTES;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      if (bytesRead === buffer.length && buffer.equals(HDF5_SIGNATURE)) return true;
      offset = offset === 0 ? 512 : offset * 2;
    }
    return false;
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}

/** Splits `file.h5/internal/dataset` at the HDF5 file; null when no prefix of `path` is an HDF5 file. */
export async function splitHdf5Path(path: string): Promise<Hdf5Path | null> {
  const separator = sep === '\\' ? /[\\/]/ : /\//;
  const parts = path.split(separator);
  if (parts.length > MAX_PATH_COMPONENTS) return null;
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join(sep);
    if (prefix === '' || parts[i - 1] === '') continue;
    let isFile: boolean;
    try {
      const entry = await stat(prefix);
      if (entry.isDirectory()) continue;
      isFile = entry.isFile();
    } catch {
      return null;
    }
    if (!isFile || !(await isHdf5File(prefix))) return null;
    return {
      file: prefix,
      internal: parts
        .slice(i)
        .filter((p) => p !== '')
        .join('/'),
    };
  }
  return null;
}
