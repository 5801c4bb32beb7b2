/**
 * A read-only Zarr store over a folder on disk that checks every file's size before reading it (metadata
 * JSON against MAX_ZARR_METADATA_BYTES, chunk and shard files against MAX_ZARR_CHUNK_FILE_BYTES) and
 * never reads outside its root, whatever key a folder's metadata leads to. Missing files are missing
 * chunks (zarr fills them with the fill value).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import type { AbsolutePath, AsyncReadable, RangeQuery } from '@zarrita/storage';
import { MAX_ZARR_CHUNK_FILE_BYTES, MAX_ZARR_METADATA_BYTES } from './zarrLimits.js';

const METADATA_NAMES = new Set(['.zarray', '.zattrs', '.zgroup', '.zmetadata', 'zarr.json']);

/** A file of a Zarr folder that cannot be used, with a one-line reason naming the file. */
export class ZarrFileError extends Error {
  override name = 'ZarrFileError';
}

export class BoundedFileStore implements AsyncReadable {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The file a key names, or throws if the key leads outside the root. */
  pathOf(key: string): string {
    const path = resolve(this.root, `.${key.startsWith('/') ? key : `/${key}`}`);
    const rel = relative(this.root, path);
    if (rel.startsWith(`..${sep}`) || rel === '..' || resolve(this.root, rel) !== path) {
      throw new ZarrFileError(`the key "${key}" leads outside the folder`);
    }
    return path;
  }

  async get(key: AbsolutePath): Promise<Uint8Array | undefined> {
    return this.read(key, null);
  }

  async getRange(key: AbsolutePath, range: RangeQuery): Promise<Uint8Array | undefined> {
    return this.read(key, range);
  }

  private async read(key: string, range: RangeQuery | null): Promise<Uint8Array | undefined> {
    const path = this.pathOf(key);
    const name = path.slice(path.lastIndexOf(sep) + 1);
    const limit = METADATA_NAMES.has(name) ? MAX_ZARR_METADATA_BYTES : MAX_ZARR_CHUNK_FILE_BYTES;
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw new ZarrFileError(`cannot open ${relative(this.root, path)} (${code ?? String(err)})`);
    }
    try {
      const stats = await handle.stat();
      if (stats.isDirectory()) return undefined;
      const size = stats.size;
      let offset = 0;
      let length = size;
      if (range && 'suffixLength' in range) {
        length = Math.min(range.suffixLength, size);
        offset = size - length;
      } else if (range) {
        offset = range.offset;
        length = range.length;
        if (!(offset >= 0 && length >= 0 && offset + length <= size)) {
          throw new ZarrFileError(
            `${relative(this.root, path)} is ${size} bytes; bytes ${offset}..${offset + length} were asked for (truncated shard?)`,
          );
        }
      }
      if (length > limit) {
        throw new ZarrFileError(
          `${relative(this.root, path)} is ${length} bytes, more than the ${limit} Mixel reads as one ${limit === MAX_ZARR_METADATA_BYTES ? 'metadata file' : 'chunk'}`,
        );
      }
      const data = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(data, done, length - done, offset + done);
        if (bytesRead === 0)
          throw new ZarrFileError(`${relative(this.root, path)} changed while it was read`);
        done += bytesRead;
      }
      return data;
    } finally {
      await handle.close();
    }
  }
}
