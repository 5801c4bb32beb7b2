/**
 * Every file Mixel writes goes through a temporary file beside the target: created exclusively ('wx')
 * under a name holding the owner's pid and a random part (another process cannot guess it or plant a
 * symlink there), flushed to disk, renamed over the target, and the folder flushed so the rename itself
 * survives a power cut. Readers, and a crash at any moment, see the old file or the new, never half of one.
 *
 * A process killed with SIGKILL cannot clean up, so the first write into a folder removes the temporaries
 * of Mixel's own naming whose process is dead. Nothing else in the folder is ever touched.
 */
import { randomBytes } from 'node:crypto';
import { lstat, open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** Outputs and projects are ordinary files: readable by others as the umask allows, like any save. */
const FILE_MODE = 0o644;
/** 64 random bits: a name no other process can predict. */
const RANDOM_BYTES = 8;
/** `.<target name>.mixel-<pid>-<16 hex>.tmp` */
const TEMPORARY_NAME = /^\..+\.mixel-(\d{1,10})-[0-9a-f]{16}\.tmp$/;
/** Names of Mixel versions before this one: `.<name>.<pid>.<epoch ms>[.<n>].tmp`. */
const LEGACY_TEMPORARY_NAME = /^\..+\.(\d{1,10})\.\d{13}(?:\.\d{1,9})?\.tmp$/;

export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const { tmpPath, handle } = await createTemporaryFile(path);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await commitTemporaryFile(tmpPath, path);
  } catch (err) {
    await rm(tmpPath, { force: true });
    throw err;
  }
}

/** A hidden name in the target's folder (same file system, so rename is atomic), unique and unguessable. */
export function temporaryPathFor(path: string): string {
  const random = randomBytes(RANDOM_BYTES).toString('hex');
  return join(dirname(path), `.${basename(path)}.mixel-${process.pid}-${random}.tmp`);
}

/**
 * Opens a new temporary file for `path` with exclusive create (never an existing file or a planted
 * symlink), after clearing dead processes' leftovers from the folder.
 */
export async function createTemporaryFile(path: string): Promise<{ tmpPath: string; handle: FileHandle }> {
  await removeStaleTemporaries(dirname(path));
  const tmpPath = temporaryPathFor(path);
  const handle = await open(tmpPath, 'wx', FILE_MODE);
  return { tmpPath, handle };
}

/** Renames a finished (synced, closed) temporary file over its target and flushes the folder. */
export async function commitTemporaryFile(tmpPath: string, path: string): Promise<void> {
  await rename(tmpPath, path);
  await syncFolder(dirname(path));
}

/** Flushes a folder's entries (the rename) to disk. Windows cannot open folders: there it is skipped. */
export async function syncFolder(folder: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP'].includes(code ?? '')) throw err;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Folders already swept, per kind of leftover: once per folder and process is enough (a batch writes thousands of files). */
const clearedFolders = { file: new Set<string>(), folder: new Set<string>() };

/**
 * Removes `.…mixel-<pid>-….tmp` files (and the older `.….<pid>.<ms>.tmp`) of processes that no longer
 * exist. Only regular files matching the names, only dead pids; errors are ignored (cleanup is a courtesy,
 * never a reason for a write to fail). Returns the names removed.
 */
export async function removeStaleTemporaries(folder: string): Promise<string[]> {
  return removeStaleEntries(folder, 'file');
}

/**
 * Removes leftovers of dead processes in `folder` named by Mixel's temporary pattern: regular files, or
 * whole folders (a Zarr output is written as a folder). Returns the names removed.
 */
export async function removeStaleEntries(folder: string, kind: 'file' | 'folder'): Promise<string[]> {
  const key = resolve(folder);
  const cleared = clearedFolders[kind];
  if (cleared.has(key)) return [];
  cleared.add(key);
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = temporaryOwner(name);
    if (pid === null || isProcessAlive(pid)) continue;
    const path = join(folder, name);
    try {
      const stats = await lstat(path);
      if (kind === 'file' ? !stats.isFile() : !stats.isDirectory()) continue;
      await rm(path, { recursive: kind === 'folder' });
      removed.push(name);
    } catch {
      // Gone already (another process cleaned it) or not ours to remove: leave it.
    }
  }
  return removed;
}

/** The pid in a temporary file name of Mixel's own pattern, else null. */
export function temporaryOwner(name: string): number | null {
  const match = TEMPORARY_NAME.exec(name) ?? LEGACY_TEMPORARY_NAME.exec(name);
  return match ? Number(match[1]) : null;
}

function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user; only ESRCH means no such process.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** For tests: forget which folders were cleared, so the next write clears again. */
export function forgetClearedFolders(): void {
  clearedFolders.file.clear();
  clearedFolders.folder.clear();
}
