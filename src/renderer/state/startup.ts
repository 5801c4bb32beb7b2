/**
 * The window's start: connect to the backend, listen to its tiles and progress, show its project (the
 * sample when nothing is open) and offer an autosaved session when the backend was (re)started.
 */
import type { Backend } from '../transport/connectBackend.js';
import { offerRestore } from './autosave.js';
import { listenToBackend } from './liveUpdate.js';
import { markSaved, showProject } from './projectFiles.js';
import { connectTo } from './session.js';

export async function start(connected: Backend): Promise<void> {
  connectTo(connected);
  listenToBackend(connected);
  const project = await connected.service.getProject();
  const isFresh = project.images.length === 0;
  await showProject(isFresh ? await connected.service.openSampleProject() : project);
  markSaved();
  // A backend with nothing open was (re)started: work autosaved before may be waiting.
  if (isFresh) await offerRestore();
}
