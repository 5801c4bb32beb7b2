/**
 * The file browser of browser mode (the window has no native dialogs there): lists folders on the
 * backend's machine, but only inside the user's own folders — the home folder, the backend's data folder
 * and the open project's folder. A path is resolved through every symbolic link and checked again
 * after, so neither `..` nor a link leads out; a listing holds at most MAX_LISTED_ENTRIES entries (a
 * folder of a million files is not read to its end), and only folders and files the window can open.
 */
import { opendir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { ServiceError } from '../../core/protocol/ServiceError.js';
import type { FolderEntry, FolderListing } from '../../core/protocol/types.js';

/** Entries shown per folder: more is no list a person reads; the rest is counted, not sent. */
export const MAX_LISTED_ENTRIES = 1000;
/** Directory entries read per listing at most, so a huge folder answers in bounded time. */
export const MAX_SCANNED_ENTRIES = 20_000;

/** Files the window opens: project files, and images by extension (as the desktop app's Add Images). */
const PROJECT_EXTENSIONS = new Set(['mixel']);
const IMAGE_EXTENSIONS = new Set(['tif', 'tiff', 'png', 'jpg', 'jpeg', 'h5', 'hdf5', 'hdf']);
/** OME-Zarr images are folders; they are listed as images (opened by their folder path). */
const IMAGE_FOLDER_EXTENSIONS = new Set(['zarr']);

export interface BrowseRoot {
  readonly label: string;
  readonly path: string;
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** The real path of `path` when it lies inside one of `roots` (each resolved too), else a one-line refusal. */
async function insideRoots(
  path: string,
  roots: readonly BrowseRoot[],
): Promise<{ real: string; root: string }> {
  // eslint-disable-next-line no-control-regex
  if (!isAbsolute(path) || /[\u0000]/.test(path))
    throw new ServiceError('path-refused', `cannot browse ${JSON.stringify(path)}: give an absolute path`);
  if (path.split(/[\\/]/).includes('..'))
    throw new ServiceError(
      'path-refused',
      `cannot browse ${path}: ".." is not allowed, give the folder itself`,
    );
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw new ServiceError('path-refused', `cannot browse ${path}: no such folder`);
  }
  for (const root of roots) {
    const rootReal = await realpath(root.path).catch(() => null);
    if (rootReal && isWithin(rootReal, real)) return { real, root: rootReal };
  }
  throw new ServiceError(
    'path-refused',
    `cannot browse ${path}: it is outside your folders (${roots.map((r) => r.label).join(', ')})`,
  );
}

function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.startsWith(sep));
}

/**
 * Lists the folder at `path` (null: the first root). Folders first, then files, by name; hidden entries
 * (".name") and entries whose link leads outside the roots are left out.
 */
export async function listFolder(path: string | null, roots: readonly BrowseRoot[]): Promise<FolderListing> {
  if (roots.length === 0) throw new ServiceError('path-refused', 'there is no folder to browse');
  const { real } = await insideRoots(path ?? roots[0].path, roots);
  if (!(await stat(real)).isDirectory())
    throw new ServiceError('path-refused', `cannot browse ${path}: it is a file, not a folder`);
  const entries: FolderEntry[] = [];
  let scanned = 0;
  let more = 0;
  let isScanCut = false;
  const dir = await opendir(real);
  try {
    for await (const dirent of dir) {
      if (++scanned > MAX_SCANNED_ENTRIES) {
        isScanCut = true;
        break;
      }
      if (dirent.name.startsWith('.')) continue;
      const entry = await entryOf(
        join(real, dirent.name),
        dirent.name,
        dirent.isSymbolicLink(),
        dirent.isDirectory(),
        roots,
      );
      if (!entry) continue;
      if (entries.length < MAX_LISTED_ENTRIES) entries.push(entry);
      else more++;
    }
  } finally {
    await dir.close().catch(() => undefined);
  }
  // Folders first, then by name in code-point order (the same on every machine, unlike the locale's).
  const rank = (e: FolderEntry) => (e.kind === 'folder' ? 0 : 1);
  entries.sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    path: real,
    parent: await parentInside(real, roots),
    roots: roots.map((r) => ({ label: r.label, path: r.path })),
    entries,
    notListed: more,
    note:
      more > 0 || isScanCut
        ? `${isScanCut ? 'more than ' : ''}${MAX_LISTED_ENTRIES + more} entries: the first ${MAX_LISTED_ENTRIES} are listed, type a path for the others`
        : null,
  };
}

/**
 * The folder above `real` when it is still inside an allowed folder (the project's folder is often inside
 * home or the data folder, and Up must lead there), else null.
 */
async function parentInside(real: string, roots: readonly BrowseRoot[]): Promise<string | null> {
  const parent = dirname(real);
  if (parent === real) return null;
  for (const root of roots) {
    const rootReal = await realpath(root.path).catch(() => null);
    if (rootReal && isWithin(rootReal, parent)) return parent;
  }
  return null;
}

/** What an entry is to the window, or null when it is not listed (other file types, links leading out). */
async function entryOf(
  full: string,
  name: string,
  isLink: boolean,
  isDirectory: boolean,
  roots: readonly BrowseRoot[],
): Promise<FolderEntry | null> {
  let isFolder = isDirectory;
  if (isLink) {
    try {
      const target = await realpath(full);
      const inside = await Promise.all(
        roots.map(async (r) => {
          const rootReal = await realpath(r.path).catch(() => null);
          return rootReal !== null && isWithin(rootReal, target);
        }),
      );
      if (!inside.some(Boolean)) return null;
      isFolder = (await stat(target)).isDirectory();
    } catch {
      return null; // a dangling link
    }
  }
  const ext = extensionOf(name);
  if (isFolder) return { name, kind: IMAGE_FOLDER_EXTENSIONS.has(ext) ? 'image' : 'folder' };
  if (PROJECT_EXTENSIONS.has(ext)) return { name, kind: 'project' };
  if (IMAGE_EXTENSIONS.has(ext)) return { name, kind: 'image' };
  return null;
}

/** The roots of a backend: home, its data folder, and the open project's folder (when saved). */
export function browseRoots(home: string, dataDir: string, projectPath: string | null): BrowseRoot[] {
  const roots: BrowseRoot[] = [];
  if (projectPath) roots.push({ label: "the project's folder", path: dirname(projectPath) });
  roots.push({ label: 'home', path: home });
  roots.push({ label: `Mixel's data folder (${basename(dataDir)})`, path: dataDir });
  return roots;
}
