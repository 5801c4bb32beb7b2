/**
 * An output folder (an OME-Zarr image) written under a hidden temporary name beside its target, as
 * Mixel's files are (writeFileAtomic.ts): renamed into place on commit, removed on abort, so a failed or
 * interrupted run never leaves a half-written image under the real name. A folder left by a process
 * killed outright is removed by the next run that writes into the same folder.
 */
import { lstat, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { syncFolder, temporaryOwner, temporaryPathFor } from '../writeFileAtomic.js';

const clearedFolders = new Set<string>();

/** Creates the temporary folder for `path` (never an existing one). */
export async function createTemporaryFolder(path: string): Promise<string> {
  await removeStaleTemporaryFolders(dirname(path));
  const tmpPath = temporaryPathFor(path);
  await mkdir(tmpPath, { mode: 0o755 });
  return tmpPath;
}

/**
 * Moves the finished folder to `path`. A previous output there (a folder cannot be renamed over a
 * non-empty one) is moved aside first and removed after, so the old image is replaced whole.
 */
export async function commitTemporaryFolder(tmpPath: string, path: string): Promise<void> {
  let previous: string | null = null;
  try {
    await lstat(path);
    previous = temporaryPathFor(path);
    await rename(path, previous);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  try {
    await rename(tmpPath, path);
  } catch (err) {
    if (previous) await rename(previous, path).catch(() => undefined);
    throw err;
  }
  await syncFolder(dirname(path));
  if (previous) await rm(previous, { recursive: true, force: true });
}

export async function removeTemporaryFolder(tmpPath: string): Promise<void> {
  await rm(tmpPath, { recursive: true, force: true });
}

/** Removes temporary output folders (Mixel's naming) of processes that no longer run; errors are ignored. */
export async function removeStaleTemporaryFolders(folder: string): Promise<string[]> {
  const key = resolve(folder);
  if (clearedFolders.has(key)) return [];
  clearedFolders.add(key);
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
    try {
      if (!(await lstat(join(folder, name))).isDirectory()) continue;
      await rm(join(folder, name), { recursive: true });
      removed.push(name);
    } catch {
      // Gone already, or not ours to remove.
    }
  }
  return removed;
}

function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
