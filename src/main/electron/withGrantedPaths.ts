/**
 * The backend as the desktop window sees it: the shared service behind a check that every path the
 * renderer names was granted by the user (pathGrants.ts). Used only by the Electron transport; browser
 * mode has its own token guard and no native dialogs.
 *
 * What counts as granted:
 *  - paths chosen in a native dialog or given on the command line (`userGrants`, kept for the session);
 *  - the open project: its file, its folder (with everything under it) and its images — read from the
 *    backend at each check, so closing a project withdraws them;
 *  - for export outputs only: the folder of each project image and below (the default pattern
 *    `{dir}/{name}_{source}.{ext}` writes beside the image).
 * Other paths fail with code `path-not-granted` and one line naming the path.
 */
import { dirname } from 'node:path';
import { MIXEL_EVENTS, MIXEL_METHODS, type MixelService } from '../../core/protocol/MixelService.js';
import { ServiceError } from '../../core/protocol/ServiceError.js';
import type { ProjectState } from '../../core/protocol/types.js';
import { exportOutputs } from '../service/exportImage.js';
import { canonicalPath, memoizedCanonicalPath, PathGrants, type Canonicalize } from './pathGrants.js';

export const PATH_NOT_GRANTED = 'path-not-granted';

/** Canonical forms of project paths kept between checks: 100 000 images and their folders, ~20 MB. */
const MAX_REMEMBERED_PROJECT_PATHS = 200_000;

/** The path as the message shows it: control characters (a newline, NUL) escaped, so it stays one line. */
function shown(path: string): string {
  return [...path]
    .map((c) => {
      const code = c.charCodeAt(0);
      return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : c;
    })
    .join('');
}

function refuse(path: string, what: string): ServiceError {
  return new ServiceError(
    PATH_NOT_GRANTED,
    `${shown(path)}: the window may only ${what} files you chose in a Mixel dialog or that belong to the open project`,
  );
}

type PathMethods = Pick<MixelService, 'openProject' | 'saveProject' | 'addImage' | 'exportImages'>;

/**
 * `inner` with its four path-taking methods checked; every other member is passed through by name
 * (MIXEL_METHODS), so methods added to the service later need no change here. `userGrants` is shared with
 * the main process, which adds what its dialogs return.
 */
export function withGrantedPaths(inner: MixelService, userGrants: PathGrants): MixelService {
  const canonicalize = memoizedCanonicalPath(MAX_REMEMBERED_PROJECT_PATHS);
  const projectGrants = (state: ProjectState) => grantsOfProject(state, canonicalize);
  /** The canonical form of `path` when granted; else a `path-not-granted` error naming it. */
  const check = async (path: string, what: string): Promise<string> => {
    const c = await canonicalPath(path);
    if (c === null) throw refuse(path, what);
    if (userGrants.allows(c)) return c;
    if ((await projectGrants(await inner.getProject())).files.allows(c)) return c;
    throw refuse(path, what);
  };
  const checked: PathMethods = {
    // The backend gets the canonical path it was checked as, so no link can be swapped in between.
    openProject: async (path) => inner.openProject(await check(path, 'open')),
    saveProject: async (path) =>
      inner.saveProject(path === undefined ? undefined : await check(path, 'save to')),
    addImage: async (path) => inner.addImage(await check(path, 'open')),
    /** Every output file must land in a granted folder (a dialog's, the project's, or beside its image). */
    exportImages: async (request) => {
      const state = await inner.getProject();
      const project = await projectGrants(state);
      const byId = new Map(state.images.map((im) => [im.id, im]));
      for (const imageId of request.imageIds) {
        const image = byId.get(imageId);
        if (!image) continue; // the service reports an unknown image per image, as it always has
        // The same names exportImage.ts will write (one PNG per class for probabilities).
        for (const { path } of exportOutputs(request, image.path, state.classes)) {
          const c = await canonicalPath(path);
          const granted =
            c !== null &&
            (userGrants.allowsInside(c) ||
              project.files.allowsInside(c) ||
              project.imageFolders.allowsInside(c));
          if (!granted) throw refuse(path, 'export to folders');
        }
      }
      return inner.exportImages(request);
    },
  };
  const guarded: Record<string, unknown> = {};
  for (const method of MIXEL_METHODS) {
    const fn = inner[method] as (...args: unknown[]) => Promise<unknown>;
    guarded[method] = (...args: unknown[]) => fn.apply(inner, args);
  }
  for (const event of MIXEL_EVENTS) guarded[event] = inner[event];
  return Object.assign(guarded, checked) as unknown as MixelService;
}

/**
 * What the open project grants, read when a path is checked (so a closed project grants nothing): its
 * file, its folder and its images; for export outputs also its images' folders.
 */
async function grantsOfProject(
  state: ProjectState,
  canonicalize: Canonicalize,
): Promise<{ files: PathGrants; imageFolders: PathGrants }> {
  const files = new PathGrants();
  const imageFolders = new PathGrants();
  const grants: Promise<void>[] = [];
  if (state.path !== null) {
    grants.push(
      files.grantFile(state.path, canonicalize),
      files.grantFolder(dirname(state.path), canonicalize),
    );
  }
  for (const image of state.images) {
    grants.push(
      files.grantFile(image.path, canonicalize),
      imageFolders.grantFolder(dirname(image.path), canonicalize),
    );
  }
  await Promise.all(grants);
  return { files, imageFolders };
}
