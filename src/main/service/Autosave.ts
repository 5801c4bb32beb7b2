/**
 * Crash recovery for the window: the session's project written every little while to a file beside the
 * project (`cells.mixel` → `cells.autosave.mixel`; a never-saved project to `<data>/autosave/`), and a
 * note in the data folder naming the latest one, so the next start can offer it. A real save or a
 * deliberate New / Open makes the autosave obsolete and removes it.
 */
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { AutosaveInfo } from '../../core/protocol/types.js';
import { writeFileAtomic } from '../io/writeFileAtomic.js';

/** The note naming the latest autosave: small JSON, refused when larger (a damaged or foreign file). */
const NOTE_NAME = 'latest.json';
const MAX_NOTE_BYTES = 64 * 1024;

export function autosavePathFor(projectPath: string | null, dataDir: string): string {
  if (!projectPath) return join(dataDir, 'autosave', 'untitled.autosave.mixel');
  const name = basename(projectPath).replace(/\.mixel$/i, '');
  return join(dirname(projectPath), `${name}.autosave.mixel`);
}

export class Autosave {
  constructor(private readonly dataDir: string) {}

  private get notePath(): string {
    return join(this.dataDir, 'autosave', NOTE_NAME);
  }

  /** Records that `path` now holds the session of `projectPath` (null: never saved). */
  async record(path: string, projectPath: string | null): Promise<AutosaveInfo> {
    const info: AutosaveInfo = { path, projectPath, savedAt: new Date().toISOString() };
    await mkdir(dirname(this.notePath), { recursive: true });
    await writeFileAtomic(this.notePath, JSON.stringify(info));
    return info;
  }

  /** The latest autosave, when its file still exists and is newer than its project's file; else null. */
  async latest(): Promise<AutosaveInfo | null> {
    const info = await this.readNote();
    if (!info) return null;
    const saved = await stat(info.path).catch(() => null);
    if (!saved) return null;
    const project = info.projectPath ? await stat(info.projectPath).catch(() => null) : null;
    if (project && project.mtimeMs > saved.mtimeMs) return null; // saved properly after the autosave
    return info;
  }

  /** Removes the latest autosave and its note (kept work was saved, or the user chose to drop it). */
  async discard(): Promise<void> {
    const info = await this.readNote();
    if (info) await rm(info.path, { force: true });
    await rm(this.notePath, { force: true });
  }

  private async readNote(): Promise<AutosaveInfo | null> {
    try {
      const text = await readFile(this.notePath, 'utf8');
      if (text.length > MAX_NOTE_BYTES) return null;
      const v = JSON.parse(text) as Partial<AutosaveInfo>;
      if (typeof v.path !== 'string' || typeof v.savedAt !== 'string') return null;
      if (v.projectPath !== null && typeof v.projectPath !== 'string') return null;
      return { path: v.path, projectPath: v.projectPath, savedAt: v.savedAt };
    } catch {
      return null; // no note, or not ours: nothing to offer
    }
  }
}
