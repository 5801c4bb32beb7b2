/**
 * The backend's upload folder: images the window sends as bytes (drag and drop in browser mode), received
 * piece by piece into a hidden partial file, then moved into a folder of their own. Every failure —
 * refused, truncated, aborted, left idle, unreadable — removes what the upload wrote, and partial files of
 * processes that died are removed at the next upload.
 */
import { randomUUID } from 'node:crypto';
import { lstat, mkdir, open, readdir, rename, rm, rmdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ServiceError } from '../../core/protocol/ServiceError.js';
import { startsWithHdf5Signature } from '../io/hdf5/hdf5Path.js';

export interface UploadLimits {
  /** Largest declared size of one file. */
  readonly maxFileBytes: number;
  /** Bytes the folder may hold, uploads under way counted at their declared size. */
  readonly maxFolderBytes: number;
  /** Uploads receiving at once. */
  readonly maxConcurrent: number;
  /** An upload with no piece for this long is aborted. */
  readonly idleMs: number;
}

/** A completed upload: the file in its own folder, and how to remove both if the file is no image. */
export interface ReceivedUpload {
  readonly path: string;
  readonly discard: () => Promise<void>;
}

interface Upload {
  readonly fileName: string;
  readonly totalBytes: number;
  readonly partPath: string;
  readonly file: FileHandle;
  received: number;
  /** The writes so far, one after another; finishing waits for them. */
  writing: Promise<void>;
  writeError: Error | null;
  /** finish() has begun: no more pieces, no second finish. */
  isFinishing: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

/** Partial files are named `.partial-<pid>-<upload id>`, so a later process knows whose they are. */
const PARTIAL_PREFIX = '.partial-';

export class UploadFolder {
  private readonly uploads = new Map<string, Upload>();
  /** Starts run one at a time, so two of them cannot both fit under the folder cap on their own. */
  private starting: Promise<unknown> = Promise.resolve();
  private isSwept = false;

  constructor(
    readonly dir: string,
    private readonly limits: UploadLimits,
  ) {}

  /** Opens an upload of `totalBytes` bytes named `fileName` (already checked to be a plain name). */
  begin(fileName: string, totalBytes: number): Promise<string> {
    const started = this.starting.then(() => this.open(fileName, totalBytes));
    this.starting = started.catch(() => undefined);
    return started;
  }

  /** Writes the next piece; `offset` must be the bytes received so far. */
  async write(uploadId: string, offset: number, bytes: Uint8Array): Promise<void> {
    const upload = this.requireReceiving(uploadId);
    if (offset !== upload.received) {
      throw refused(
        `a piece of ${upload.fileName} starts at byte ${offset} but ${upload.received} bytes arrived: send the pieces in order`,
      );
    }
    if (offset === 0 && !hasImageSignature(bytes)) {
      await this.abort(uploadId);
      throw refused(
        `${upload.fileName} does not start like a TIFF, PNG, JPEG or HDF5 file; the upload was dropped ` +
          '(open other formats by path)',
      );
    }
    if (offset + bytes.length > upload.totalBytes) {
      await this.abort(uploadId);
      throw refused(
        `${upload.fileName} sent more than the ${upload.totalBytes} bytes it declared; the upload was dropped`,
      );
    }
    upload.received += bytes.length;
    this.keepAlive(uploadId, upload);
    const written = upload.writing.then(() => writeAll(upload.file, bytes, offset));
    upload.writing = written.catch((err: Error) => {
      upload.writeError ??= err;
    });
    try {
      await written;
    } catch (err) {
      await this.abort(uploadId);
      throw new ServiceError(
        'upload-failed',
        `cannot write ${upload.fileName} to ${this.dir}: ${(err as Error).message}`,
      );
    }
  }

  /** Completes an upload whose bytes all arrived: moves the file into a folder of its own. */
  async finish(uploadId: string): Promise<ReceivedUpload> {
    const upload = this.requireReceiving(uploadId);
    upload.isFinishing = true;
    clearTimeout(upload.timer);
    await upload.writing;
    if (!this.uploads.has(uploadId)) throw unknownUpload(uploadId); // aborted while writing
    const folder = join(this.dir, uploadId);
    try {
      if (upload.writeError) throw upload.writeError;
      if (upload.received !== upload.totalBytes) {
        throw refused(
          `${upload.fileName} is truncated: ${upload.received} of ${upload.totalBytes} bytes arrived; nothing was kept`,
        );
      }
      await upload.file.close();
      await mkdir(folder);
      const path = join(folder, upload.fileName);
      await rename(upload.partPath, path);
      this.uploads.delete(uploadId);
      return { path, discard: () => rm(folder, { recursive: true, force: true }) };
    } catch (err) {
      await this.abort(uploadId);
      await rm(folder, { recursive: true, force: true });
      throw err;
    }
  }

  /** Drops an upload and its bytes; unknown ids are ignored. */
  async abort(uploadId: string): Promise<void> {
    const upload = this.uploads.get(uploadId);
    if (!upload) return;
    this.uploads.delete(uploadId);
    clearTimeout(upload.timer);
    await upload.writing;
    await upload.file.close().catch(() => undefined);
    await rm(upload.partPath, { force: true });
  }

  /** Aborts every upload under way (the backend is closing). */
  async dispose(): Promise<void> {
    await Promise.all([...this.uploads.keys()].map((id) => this.abort(id)));
  }

  get activeCount(): number {
    return this.uploads.size;
  }

  private async open(fileName: string, totalBytes: number): Promise<string> {
    const { maxFileBytes, maxFolderBytes, maxConcurrent } = this.limits;
    if (!Number.isInteger(totalBytes) || totalBytes <= 0) throw refused(`${fileName} is empty`);
    if (totalBytes > maxFileBytes) {
      throw refused(
        `${fileName} is ${formatBytes(totalBytes)}, more than the ${formatBytes(maxFileBytes)} an upload may hold: open big images by path`,
      );
    }
    if (this.uploads.size >= maxConcurrent) {
      throw refused(`${maxConcurrent} uploads are already running: add ${fileName} when they are done`);
    }
    await mkdir(this.dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    if (!this.isSwept) {
      await this.removeLeftovers();
      this.isSwept = true;
    }
    const used = await this.usedBytes();
    if (used + totalBytes > maxFolderBytes) {
      throw refused(
        `upload folder full: ${formatBytes(used)} of ${formatBytes(maxFolderBytes)} used and ${fileName} needs ` +
          `${formatBytes(totalBytes)}; open big images by path, or delete old uploads in ${this.dir}`,
      );
    }
    const uploadId = randomUUID();
    const partPath = join(this.dir, `${PARTIAL_PREFIX}${process.pid}-${uploadId}`);
    const file = await open(partPath, 'wx', 0o600);
    const upload: Upload = {
      fileName,
      totalBytes,
      partPath,
      file,
      received: 0,
      writing: Promise.resolve(),
      writeError: null,
      isFinishing: false,
    };
    this.uploads.set(uploadId, upload);
    this.keepAlive(uploadId, upload);
    return uploadId;
  }

  /** (Re)starts the idle timer: a window that went away mid-upload leaves nothing behind. */
  private keepAlive(uploadId: string, upload: Upload): void {
    clearTimeout(upload.timer);
    upload.timer = setTimeout(() => void this.abort(uploadId), this.limits.idleMs);
    upload.timer.unref();
  }

  /** Bytes in the folder, with uploads under way at their declared size (their partial files skipped). */
  private async usedBytes(): Promise<number> {
    const active = new Set([...this.uploads.values()].map((u) => u.partPath));
    let used = 0;
    for (const u of this.uploads.values()) used += u.totalBytes;
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (!active.has(path)) used += (await lstat(path).catch(() => ({ size: 0 }))).size;
      }
    };
    await walk(this.dir);
    return used;
  }

  /** Partial files of processes no longer running, and empty upload folders (a kill mid-finish). */
  private async removeLeftovers(): Promise<void> {
    for (const entry of await readdir(this.dir, { withFileTypes: true })) {
      const path = join(this.dir, entry.name);
      if (entry.isFile() && entry.name.startsWith(PARTIAL_PREFIX)) {
        const pid = Number(entry.name.slice(PARTIAL_PREFIX.length).split('-')[0]);
        if (!isRunning(pid)) await rm(path, { force: true });
      } else if (entry.isDirectory() && !this.uploads.has(entry.name)) {
        await rmdir(path).catch(() => undefined); // fails, as it should, unless the folder is empty
      }
    }
  }

  private requireReceiving(uploadId: string): Upload {
    const upload = this.uploads.get(uploadId);
    if (!upload) throw unknownUpload(uploadId);
    if (upload.isFinishing) throw refused(`${upload.fileName} is already being finished`);
    return upload;
  }
}

/**
 * Whether `head` (a file's first bytes) starts like a TIFF (classic or big, either byte order), PNG, JPEG or HDF5,
 * the formats the window's drop target takes: junk is refused with its first piece, not after a gigabyte.
 */
export function hasImageSignature(head: Uint8Array): boolean {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  return (
    starts(0x49, 0x49, 0x2a, 0x00) || // TIFF, little-endian
    starts(0x4d, 0x4d, 0x00, 0x2a) || // TIFF, big-endian
    starts(0x49, 0x49, 0x2b, 0x00) || // BigTIFF, little-endian
    starts(0x4d, 0x4d, 0x00, 0x2b) || // BigTIFF, big-endian
    starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a) || // PNG
    starts(0xff, 0xd8, 0xff) || // JPEG
    startsWithHdf5Signature(head) // HDF5 (its one dataset is opened)
  );
}

async function writeAll(file: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await file.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function refused(message: string): ServiceError {
  return new ServiceError('upload-refused', message);
}

function unknownUpload(uploadId: string): ServiceError {
  return new ServiceError(
    'unknown-upload',
    `upload ${uploadId} is not running (it finished, failed or sat idle too long): drop the file again`,
  );
}

/** 1536 → "1.5 KiB": sizes in the messages a user reads. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
