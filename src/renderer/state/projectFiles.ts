/**
 * Project and file actions: putting a project on screen, New / Open / the sample / Save, and adding
 * images by path or upload; tracks which edit count the project file holds.
 */
import { strokePlane } from '../../core/labels/Stroke.js';
import { uploadInChunks } from '../../core/protocol/uploadInChunks.js';
import type { ProjectImage, ProjectState } from '../../core/protocol/types.js';
import { emptyStateHint } from './emptyStateHint.js';
import { defaultDisplay, selectImage } from './imageView.js';
import { host, imageTiles, labels, predictions, runAndShow, service } from './session.js';
import { getApp, markEdited, setApp, type DisplaySettings } from './store.js';
import { announce } from './statusLine.js';

/** The project on screen is the one in its file (just opened, created or saved). */
export function markSaved(editCount = getApp().editCount): void {
  setApp({ savedEditCount: editCount });
}

/** Puts a project on screen: labels per image, display defaults, first image fitted, prediction if labeled. */
export async function showProject(project: ProjectState): Promise<void> {
  imageTiles.clear();
  predictions.clear();
  const display: Record<string, DisplaySettings> = {};
  for (const image of project.images) {
    const strokes = project.strokes.filter((s) => s.imageId === image.id);
    // Every plane of a stack with saved labels or strokes: plane 0 first, which later planes join.
    const planes = new Set([0, ...(image.basePlanes ?? []), ...strokes.map(strokePlane)]);
    for (const plane of [...planes].sort((a, b) => a - b)) {
      const base =
        plane === 0
          ? await service().getBaseLabels(image.id)
          : await service().getBaseLabels(image.id, plane);
      labels.load(
        image,
        base,
        strokes.filter((s) => strokePlane(s) === plane),
        plane,
      );
    }
    display[image.id] = defaultDisplay(image);
  }
  const first = project.images[0]?.id ?? null;
  const activeClassId = project.classes[0]?.id ?? 1;
  setApp({
    project,
    display,
    activeImageId: null,
    activeClassId,
    error: null,
    status:
      project.images.length === 0
        ? emptyStateHint(host())
        : `Scribble: pick a class with ${project.classes
            .slice(0, 9)
            .map((c, i) => `${i + 1} (${c.name})`)
            .join(', ')} and paint with the left mouse button`,
  });
  if (first) selectImage(first);
}

export async function openProject(path: string): Promise<void> {
  const project = await runAndShow(`Opening ${path}…`, () => service().openProject(path));
  if (project) await showFromFile(project);
}

export async function newProject(): Promise<void> {
  const project = await runAndShow('New project', () => service().newProject());
  if (project) await showFromFile(project);
}

export async function openSample(): Promise<void> {
  const project = await runAndShow('Opening the sample…', () => service().openSampleProject());
  if (project) await showFromFile(project);
}

/** Shows a project just opened or created: nothing on screen differs from it yet. */
async function showFromFile(project: ProjectState): Promise<void> {
  await showProject(project);
  markSaved();
}

export async function saveProject(path?: string): Promise<boolean> {
  // Changes made while the file is written are not in it.
  const editCount = getApp().editCount;
  const saved = await runAndShow('Saving…', () => service().saveProject(path));
  if (!saved) return false;
  markSaved(editCount);
  setApp((s) => ({ project: s.project ? { ...s.project, path: saved.path } : s.project }));
  announce(`Saved ${saved.path}`);
  return true;
}

export async function addImagePath(path: string): Promise<void> {
  const image = await runAndShow(`Adding ${path}…`, () => service().addImage(path));
  if (image) await imageAdded(image);
}

export async function uploadImageFile(file: File): Promise<void> {
  const image = await runAndShow(`Uploading ${file.name}…`, () =>
    uploadInChunks(
      service(),
      file.name,
      file.size,
      async (start, end) => new Uint8Array(await file.slice(start, end).arrayBuffer()),
      (sent, total) => setApp({ status: `Uploading ${file.name}… ${Math.round((100 * sent) / total)} %` }),
    ),
  );
  if (image) await imageAdded(image);
}

async function imageAdded(image: ProjectImage): Promise<void> {
  labels.load(image, null, []);
  markEdited();
  setApp((s) => ({
    project: s.project ? { ...s.project, images: [...s.project.images, image] } : s.project,
    display: { ...s.display, [image.id]: defaultDisplay(image) },
    // Not held as "Saved" is: the prediction that follows at once is the news.
    status: `Added ${image.name}`,
  }));
  selectImage(image.id);
}
