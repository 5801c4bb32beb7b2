import { describe, expect, it } from 'vitest';
import type { MenuCommand } from '../../core/protocol/ipcChannel.js';
import { CLOSE_PROMPT, SAVE_AND_CLOSE_COMMAND, closeDecision, saveThenClose } from './closePrompt.js';

function fakeDeps(projectPath: string | null, picked: string | undefined) {
  const sent: MenuCommand[] = [];
  let dialogs = 0;
  return {
    sent,
    dialogCount: () => dialogs,
    deps: {
      projectPath: async () => projectPath,
      chooseSavePath: async () => {
        dialogs++;
        return picked;
      },
      sendToPage: (command: MenuCommand) => sent.push(command),
    },
  };
}

describe('closing the desktop window with unsaved changes', () => {
  it('offers Save, Don’t save and Cancel, with Escape meaning Cancel', () => {
    expect(CLOSE_PROMPT.buttons).toEqual(['Save', 'Don’t save', 'Cancel']);
    expect(closeDecision(CLOSE_PROMPT.defaultId)).toBe('save');
    expect(closeDecision(1)).toBe('close');
    expect(closeDecision(CLOSE_PROMPT.cancelId)).toBe('stay');
  });

  it('Save on a saved project tells the page to save in place and close, without a file dialog', async () => {
    const fake = fakeDeps('/data/cells.mixel', undefined);
    expect(await saveThenClose(fake.deps)).toBe(true);
    expect(fake.sent).toEqual([{ id: SAVE_AND_CLOSE_COMMAND }]);
    expect(fake.dialogCount()).toBe(0);
  });

  it('Save on a never-saved project asks where first, then saves there and closes', async () => {
    const fake = fakeDeps(null, '/data/new.mixel');
    expect(await saveThenClose(fake.deps)).toBe(true);
    expect(fake.sent).toEqual([{ id: SAVE_AND_CLOSE_COMMAND, path: '/data/new.mixel' }]);
  });

  it('cancelling that Save dialog keeps the window open and the work in it', async () => {
    const fake = fakeDeps(null, undefined);
    expect(await saveThenClose(fake.deps)).toBe(false);
    expect(fake.sent).toEqual([]);
  });
});
