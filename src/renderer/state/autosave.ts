/**
 * Crash recovery in the window: a few seconds after the last change the session is autosaved beside the
 * project (the backend's autosaveProject); when the window starts on a backend with no project open and
 * an autosave is waiting, it offers to restore it.
 */
import type { AutosaveInfo } from '../../core/protocol/types.js';
import { showProject } from './projectFiles.js';
import { runAndShow, service } from './session.js';
import { getApp, hasUnsavedChanges, markEdited, setApp, useApp } from './store.js';

/** Quiet time after the last change before the session is written (painting is not interrupted). */
export const AUTOSAVE_DELAY_MS = 5_000;

let timer: ReturnType<typeof setTimeout> | null = null;
let autosavedEditCount = -1;

/** Autosaves after every burst of changes, for as long as the window is open. */
export function startAutosave(): () => void {
  return useApp.subscribe((s, before) => {
    if (s.editCount === before.editCount) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void autosaveNow(), AUTOSAVE_DELAY_MS);
  });
}

async function autosaveNow(): Promise<void> {
  timer = null;
  const { editCount } = getApp();
  if (!hasUnsavedChanges() || editCount === autosavedEditCount) return;
  try {
    await service().autosaveProject();
    autosavedEditCount = editCount;
  } catch (err) {
    // Never in the way of painting: say it on the status line, keep working, try again after the next change.
    setApp({ status: `Autosave failed: ${err instanceof Error ? err.message : String(err)}` });
  }
}

/** On start, with nothing open in the backend: the autosave waiting from a session that ended unsaved. */
export async function offerRestore(): Promise<void> {
  const info = await service()
    .getAutosave()
    .catch(() => null);
  if (info) setApp({ dialog: { kind: 'restore', info } });
}

export async function restore(): Promise<void> {
  const project = await runAndShow('Restoring the autosaved session…', () => service().restoreAutosave());
  if (!project) return;
  await showProject(project);
  markEdited(); // restored work is not in the project's own file yet
  setApp({ status: 'Restored the autosaved session: save it to keep it' });
}

export async function discard(): Promise<void> {
  await runAndShow('Discarding the autosaved session', () => service().discardAutosave());
}

export function describeAutosave(info: AutosaveInfo): string {
  const when = new Date(info.savedAt).toLocaleString();
  return info.projectPath
    ? `Unsaved changes to ${info.projectPath} were autosaved at ${when}.`
    : `A project that was never saved was autosaved at ${when}.`;
}
