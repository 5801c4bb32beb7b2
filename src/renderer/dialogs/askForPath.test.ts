import { describe, expect, it } from 'vitest';
import type { NativeDialogKind } from '../../core/protocol/ipcChannel.js';
import { askForPath, type AskForPathDeps, type PathDialogState } from './askForPath.js';

const openProject: PathDialogState = {
  kind: 'path',
  title: 'Open project',
  label: 'Project file (.mixel)',
  initial: '',
  action: 'open-project',
};

function recorder(choose: AskForPathDeps['choose']) {
  const log: string[] = [];
  const deps: AskForPathDeps = {
    choose,
    showTyped: (d) => log.push(`typed ${d.action}`),
    use: async (action, path) => void log.push(`${action} ${path}`),
    showError: (err) => log.push(`error ${(err as Error).message}`),
  };
  return { log, deps };
}

describe('asking for a file', () => {
  it('in the desktop app opens the native dialog and runs the command on each picked file', async () => {
    const asked: NativeDialogKind[] = [];
    const { log, deps } = recorder(async (kind) => {
      asked.push(kind);
      return kind === 'add-images' ? ['/d/a.tif', '/d/b.tif'] : ['/d/p.mixel'];
    });
    await askForPath(openProject, deps);
    await askForPath({ ...openProject, action: 'add-image' }, deps);
    expect(asked).toEqual(['open-project', 'add-images']);
    expect(log).toEqual(['open-project /d/p.mixel', 'add-image /d/a.tif', 'add-image /d/b.tif']);
  });

  it('does nothing when the native dialog is cancelled, and shows its failure', async () => {
    const cancelled = recorder(async () => []);
    await askForPath(openProject, cancelled.deps);
    expect(cancelled.log).toEqual([]);
    const failing = recorder(async () => {
      throw new Error('dialog failed');
    });
    await askForPath(openProject, failing.deps);
    expect(failing.log).toEqual(['error dialog failed']);
  });

  it('hands the command waiting for a save (New after "Save") on with the picked file', async () => {
    const waiting: string[] = [];
    const deps: AskForPathDeps = {
      choose: async () => ['/d/p.mixel'],
      showTyped: () => waiting.push('typed'),
      use: async (action, path, afterSave) => {
        waiting.push(`${action} ${path}`);
        afterSave?.();
      },
      showError: (err) => waiting.push(`error ${(err as Error).message}`),
    };
    await askForPath(
      { ...openProject, action: 'save-project', afterSave: () => waiting.push('new project') },
      deps,
    );
    expect(waiting).toEqual(['save-project /d/p.mixel', 'new project']);
  });

  it('in browser mode shows the typed-path dialog', async () => {
    const { log, deps } = recorder(null);
    await askForPath({ ...openProject, action: 'save-project' }, deps);
    expect(log).toEqual(['typed save-project']);
  });
});
