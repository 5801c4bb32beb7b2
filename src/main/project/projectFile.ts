/**
 * Loading and saving `.mixel` project files. Saves are atomic (temp file, fsync, rename), so a crash
 * mid-save leaves the previous project intact. Image paths are stored relative to the project file, so
 * a project folder can be moved or shared as a whole.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { formatJson } from '../../core/project/formatJson.js';
import { validateProject, type ImageRecord, type Project } from '../../core/project/Project.js';
import { writeFileAtomic } from '../io/writeFileAtomic.js';

/** A project file that cannot be used, with a one-line reason naming the file. */
export class ProjectFileError extends Error {
  override name = 'ProjectFileError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${oneLine(reason)}`);
  }
}

/** Reasons quote the file (JSON.parse shows an excerpt): control characters and length are tamed. */
const MAX_REASON_LENGTH = 400;

function oneLine(reason: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = reason.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return flat.length > MAX_REASON_LENGTH ? `${flat.slice(0, MAX_REASON_LENGTH)}…` : flat;
}

export async function loadProject(path: string): Promise<Project> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ProjectFileError(path, code === 'ENOENT' ? 'no such project file' : `cannot read it (${code})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ProjectFileError(path, `not valid JSON (${(err as Error).message}); is it a .mixel file?`);
  }
  try {
    return validateProject(json);
  } catch (err) {
    throw new ProjectFileError(path, (err as Error).message);
  }
}

/** Validates, then writes atomically. Pretty-printed so a person can read and diff it. */
export async function saveProject(path: string, project: Project): Promise<void> {
  const checked = validateProject(project);
  await writeFileAtomic(path, `${formatJson(checked)}\n`);
}

/** The absolute path of an image of a project saved at `projectPath`. */
export function resolveImagePath(projectPath: string, image: Pick<ImageRecord, 'path'>): string {
  return resolve(dirname(resolve(projectPath)), image.path);
}

/** How an image path is written into a project saved at `projectPath`: relative, forward slashes. */
export function projectRelativePath(projectPath: string, imagePath: string): string {
  const rel = relative(dirname(resolve(projectPath)), resolve(imagePath));
  if (isAbsolute(rel)) return rel; // another drive on Windows: no relative path exists
  return rel.split(sep).join('/');
}

/**
 * Re-expresses every image path for a project that will be saved somewhere else ("Save as"), so the
 * paths still point at the same files.
 */
export function rebaseImagePaths(project: Project, fromProjectPath: string, toProjectPath: string): Project {
  return {
    ...project,
    images: project.images.map((im) => ({
      ...im,
      path: projectRelativePath(toProjectPath, resolveImagePath(fromProjectPath, im)),
    })),
  };
}
