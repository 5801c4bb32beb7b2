/**
 * Checks (and creates) where a command will write before it spends minutes computing: a missing output
 * folder is created, as ilastik's export does; an existing folder, device or pipe where a file is expected,
 * or a file where a folder is expected, is refused with one line naming the path.
 *
 * Folders are created one level at a time rather than with `mkdir({ recursive: true })`: on pseudo file
 * systems such as /proc, Node's recursive mkdir keeps retrying ENOENT and never returns.
 */
import { mkdir, rmdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { OutputPathError, describeFileError, fileErrorCode } from './fileErrors.js';

/** Deeper than any real output path; a bound so a pathological path cannot loop. */
const MAX_FOLDERS_CREATED = 64;

/** Makes sure `dir` is a folder, creating it and its missing parents; returns the folders it created. */
export async function prepareOutputFolder(dir: string): Promise<string[]> {
  return ensureFolder(resolve(dir), resolve(dir));
}

/** Removes folders `prepareOutput…` created, if still empty: a failed run leaves nothing behind. */
export async function removeCreatedFolders(created: readonly string[]): Promise<void> {
  for (const folder of [...created].reverse()) {
    // rmdir removes only empty folders; one that holds anything (another writer's file) stays.
    await rmdir(folder).catch(() => undefined);
  }
}

/** Creates `folder` and its missing parents, outermost first; messages name `target`, the output asked for. */
async function ensureFolder(folder: string, target: string): Promise<string[]> {
  const missing: string[] = [];
  let at = folder;
  for (;;) {
    const kind = await kindOf(at, target);
    if (kind === 'folder') break;
    if (kind !== 'missing') {
      throw new OutputPathError(
        target,
        at === target ? 'it is a file, not a folder' : `${at} is a file, not a folder`,
      );
    }
    missing.push(at);
    const parent = dirname(at);
    if (parent === at || missing.length > MAX_FOLDERS_CREATED) {
      throw new OutputPathError(target, 'cannot create the folder: no existing parent folder');
    }
    at = parent;
  }
  const created: string[] = [];
  for (const next of missing.reverse()) {
    try {
      await mkdir(next);
      created.push(next);
    } catch (err) {
      if (fileErrorCode(err) === 'EEXIST' && (await kindOf(next, target)) === 'folder') continue;
      await removeCreatedFolders(created);
      throw new OutputPathError(target, `cannot create the folder: ${describeFileError(err) ?? String(err)}`);
    }
  }
  return created;
}

/** Makes sure `path` can be a file written whole: its folder exists (created if missing), it is not a folder or device. */
export async function prepareOutputFile(path: string): Promise<string[]> {
  const target = resolve(path);
  const kind = await kindOf(target, target);
  if (kind === 'folder') throw new OutputPathError(target, 'it is a folder: name a file inside it');
  if (kind === 'other') {
    throw new OutputPathError(target, 'it is not a regular file (a device, pipe or socket): name a file');
  }
  return ensureFolder(dirname(target), target);
}

async function kindOf(path: string, target: string): Promise<'folder' | 'file' | 'other' | 'missing'> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'folder' : s.isFile() ? 'file' : 'other';
  } catch (err) {
    const code = fileErrorCode(err);
    // ENOTDIR: a parent is a file; the walk up to the parents finds and names it.
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw new OutputPathError(target, `cannot use it: ${describeFileError(err) ?? String(err)}`);
  }
}
