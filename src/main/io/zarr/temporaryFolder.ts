/**
 * An output folder (an OME-Zarr image) written under a hidden temporary name beside its target, as
 * Mixel's files are (writeFileAtomic.ts): renamed into place on commit, removed on abort, so a failed or
 * interrupted run never leaves a half-written image under the real name. A folder left by a process
 * killed outright is removed by the next run that writes into the same folder.
 */
import { access, lstat, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { syncFolder, temporaryOwner, temporaryPathFor } from '../writeFileAtomic.js';

const clearedFolders = new Set<string>();

/** Files that make a folder a Zarr image or group: only such a folder is ever replaced by an output. */
const ZARR_MARKERS = ['.zgroup', '.zattrs', '.zarray', 'zarr.json'];

/**
 * Throws (one line naming it) unless `path` is free or an earlier Zarr output that may be replaced: a
 * template such as `--output "{dataset_dir}"` must never move a user's folder aside and delete it.
 */
export async function checkReplaceableFolder(path: string): Promise<void> {
  let isDirectory: boolean;
  try {
    const stats = await lstat(path);
    isDirectory = stats.isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (isDirectory) {
    for (const marker of ZARR_MARKERS) {
      if (
        await access(join(path, marker)).then(
          () => true,
          () => false,
        )
      )
        return;
    }
  }
  throw new Error(
    `${path} exists and is not a Zarr image (${isDirectory ? 'a folder without .zgroup, .zattrs or zarr.json' : 'not a folder'}): it is not replaced; choose another --output`,
  );
}

/** Creates the temporary folder for `path` (never an existing one), after checking `path` may be replaced. */
export async function createTemporaryFolder(path: string): Promise<string> {
  await checkReplaceableFolder(path);
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
  await checkReplaceableFolder(path);
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
