/**
 * An output folder (an OME-Zarr image) written under a hidden temporary name beside its target, as
 * Mixel's files are (writeFileAtomic.ts): renamed into place on commit, removed on abort, so a failed or
 * interrupted run never leaves a half-written image under the real name. A folder left by a process
 * killed outright is removed by the next run that writes into the same folder.
 */
import { access, lstat, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { removeStaleEntries, syncFolder, temporaryPathFor } from '../writeFileAtomic.js';

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
  return removeStaleEntries(folder, 'folder');
}
