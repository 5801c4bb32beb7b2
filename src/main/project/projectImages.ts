/**
 * The images of a project on disk: making records for new images (size, sha256, shape), checking that
 * stored images are still where and what they were, and repairing projects whose images moved.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { nicknameOf, relinkImage, type ImageRecord, type Project } from '../../core/project/Project.js';
import type { ImageInfo } from '../../core/imageSource.js';
import { imageStorageFile } from '../io/openImage.js';
import { projectRelativePath, resolveImagePath } from './projectFile.js';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A record for an image file that will be stored in a project saved at `projectPath`. */
export async function makeImageRecord(
  projectPath: string,
  imagePath: string,
  info: ImageInfo,
  id: string,
): Promise<ImageRecord> {
  // An HDF5 dataset (`file.h5/data`) is identified by its file.
  const file = await imageStorageFile(imagePath);
  const [size, sha256] = await Promise.all([stat(file).then((s) => s.size), sha256File(file)]);
  return {
    id,
    path: projectRelativePath(projectPath, imagePath),
    nickname: nicknameOf(imagePath),
    width: info.width,
    height: info.height,
    channels: info.channels,
    planes: info.planes,
    sampleType: info.sampleType,
    axes: info.axes,
    fileSize: size,
    sha256,
  };
}

export type ImageStatus = 'ok' | 'missing' | 'changed';

export interface ImageCheck {
  readonly id: string;
  readonly path: string;
  readonly status: ImageStatus;
}

/**
 * Checks each image of a project: missing, changed (size or checksum differ) or ok. The checksum is
 * computed only when the size matches, so a changed file is usually caught without reading it.
 */
export async function checkProjectImages(projectPath: string, project: Project): Promise<ImageCheck[]> {
  const checks: ImageCheck[] = [];
  for (const image of project.images) {
    const path = resolveImagePath(projectPath, image);
    let status: ImageStatus = 'ok';
    try {
      const file = await imageStorageFile(path);
      const { size } = await stat(file);
      if (size !== image.fileSize || (await sha256File(file)) !== image.sha256) status = 'changed';
    } catch {
      status = 'missing';
    }
    checks.push({ id: image.id, path, status });
  }
  return checks;
}

export interface RepairResult {
  readonly project: Project;
  /** Image id → new absolute path, for each image relinked. */
  readonly relinked: Map<string, string>;
  /** Ids of images still missing or changed after the repair. */
  readonly unresolved: string[];
}

/** Folders deeper than this below the project are not searched: a project folder, not a whole disk. */
const MAX_SEARCH_DEPTH = 4;

/**
 * Points missing or changed images at new files: first the explicit `moves` (old path as stored or
 * absolute → new path), then a search of the project's folder for files with the same size and sha256.
 * An explicit new file must have the recorded checksum unless `acceptChanged` is set.
 */
export async function repairProject(
  projectPath: string,
  project: Project,
  moves: ReadonlyMap<string, string> = new Map(),
  options: { search?: boolean; acceptChanged?: boolean } = {},
): Promise<RepairResult> {
  const relinked = new Map<string, string>();
  let repaired = project;
  const checks = await checkProjectImages(projectPath, project);
  const broken = checks.filter((c) => c.status !== 'ok');
  for (const check of broken) {
    const image = project.images.find((im) => im.id === check.id) as ImageRecord;
    const target = moves.get(image.path) ?? moves.get(check.path) ?? moves.get(image.nickname);
    if (!target) continue;
    const newPath = resolve(target);
    const { size } = await stat(newPath).catch(() => ({ size: -1 }));
    if (size < 0) throw new Error(`${newPath}: no such file (given as the new place of ${image.path})`);
    const sha256 = await sha256File(newPath);
    if (sha256 !== image.sha256 && !options.acceptChanged) {
      throw new Error(
        `${newPath}: its content differs from ${image.path} as it was trained on (sha256 mismatch); pass --accept-changed to use it anyway`,
      );
    }
    repaired = relinkImage(repaired, image.id, projectRelativePath(projectPath, newPath), size, sha256);
    relinked.set(image.id, newPath);
  }
  const stillBroken = broken.filter((c) => !relinked.has(c.id));
  if (stillBroken.length > 0 && options.search !== false) {
    const wanted = new Map<number, ImageRecord[]>();
    for (const check of stillBroken) {
      const image = project.images.find((im) => im.id === check.id) as ImageRecord;
      wanted.set(image.fileSize, [...(wanted.get(image.fileSize) ?? []), image]);
    }
    for await (const candidate of walkFiles(dirname(resolve(projectPath)), MAX_SEARCH_DEPTH)) {
      const { size } = await stat(candidate);
      const images = wanted.get(size);
      if (!images) continue;
      const sha256 = await sha256File(candidate);
      for (const image of images) {
        if (image.sha256 !== sha256 || relinked.has(image.id)) continue;
        repaired = relinkImage(repaired, image.id, projectRelativePath(projectPath, candidate), size, sha256);
        relinked.set(image.id, candidate);
      }
    }
  }
  return {
    project: repaired,
    relinked,
    unresolved: broken.map((c) => c.id).filter((id) => !relinked.has(id)),
  };
}

async function* walkFiles(dir: string, depth: number): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isFile()) yield path;
    else if (entry.isDirectory() && depth > 0) yield* walkFiles(path, depth - 1);
  }
}
