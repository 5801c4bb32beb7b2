import { describe, expect, it, vi } from 'vitest';
import type { MenuCommand } from '../../core/protocol/ipcChannel.js';
import {
  IMAGE_FILE_FILTER,
  buildMenuTemplate,
  developerToolsEnabled,
  type MenuItem,
} from './menuTemplate.js';

function menus(overrides: Partial<Parameters<typeof buildMenuTemplate>[0]> = {}) {
  const sent: MenuCommand[] = [];
  const template = buildMenuTemplate({
    isMac: false,
    developerTools: false,
    send: (c) => sent.push(c),
    chooseFiles: async () => ['/data/a.tif', '/data/b.tif'],
    chooseSavePath: async () => '/data/cells.mixel',
    ...overrides,
  });
  const find = (id: string): MenuItem => {
    const item = template.flatMap((m) => m.submenu ?? []).find((i) => i.id === id);
    if (!item) throw new Error(`no menu item ${id}`);
    return item;
  };
  return { template, sent, find };
}

describe('the native menus', () => {
  it('has File, Edit and View with the project, undo and overlay commands', () => {
    const { template, find } = menus();
    expect(template.map((m) => m.label)).toEqual(['File', 'Edit', 'View']);
    for (const id of [
      'new-project',
      'open-project',
      'save-project',
      'save-project-as',
      'add-images',
      'export',
      'undo',
      'redo',
      'zoom-in',
      'zoom-fit',
      'overlay-probabilities',
      'overlay-segmentation',
      'overlay-uncertainty',
    ]) {
      expect(find(id).label).toBeTruthy();
    }
    expect(find('undo').accelerator).toBe('CmdOrCtrl+Z');
    expect(find('redo').accelerator).toBe('CmdOrCtrl+Shift+Z');
    expect(find('zoom-actual').accelerator).toBe('A'); // 1–9 pick classes, so 1:1 is A, as in the window
  });

  it('lets the Add image dialog pick HDF5 files as well as TIFF, PNG and JPEG', () => {
    expect(IMAGE_FILE_FILTER.extensions).toEqual(expect.arrayContaining(['tif', 'png', 'jpg', 'h5', 'hdf5']));
  });

  it('leaves shortcuts to the page, so one key press runs an action once', () => {
    const { template } = menus();
    const withShortcut = template.flatMap((m) => m.submenu ?? []).filter((i) => i.accelerator);
    expect(withShortcut.length).toBeGreaterThan(5);
    for (const item of withShortcut) expect(item.registerAccelerator).toBe(false);
  });

  it('asks the native dialog for files, then sends one command per chosen file', async () => {
    const { sent, find } = menus();
    find('add-images').click!();
    await vi.waitFor(() =>
      expect(sent).toEqual([
        { id: 'add-images', path: '/data/a.tif' },
        { id: 'add-images', path: '/data/b.tif' },
      ]),
    );
  });

  it('sends nothing when a dialog is cancelled', async () => {
    const { sent, find } = menus({ chooseFiles: async () => [], chooseSavePath: async () => null });
    find('open-project').click!();
    find('save-project-as').click!();
    await new Promise((r) => setTimeout(r, 10));
    expect(sent).toEqual([]);
  });

  it('shows DevTools and reload only to developers, never in the shipped app', () => {
    const roles = (developerTools: boolean) =>
      menus({ developerTools })
        .template.flatMap((m) => m.submenu ?? [])
        .map((i) => i.role)
        .filter(Boolean);
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(false)).not.toContain('reload');
    expect(roles(false)).not.toContain('forceReload');
    expect(roles(true)).toEqual(expect.arrayContaining(['toggleDevTools', 'reload', 'forceReload']));
  });

  it('turns developer tools on when unpackaged or with MIXEL_DEV=1 only', () => {
    expect(developerToolsEnabled(true, {})).toBe(false);
    expect(developerToolsEnabled(true, { MIXEL_DEV: '0' })).toBe(false);
    expect(developerToolsEnabled(true, { MIXEL_DEV: '1' })).toBe(true);
    expect(developerToolsEnabled(false, {})).toBe(true);
  });

  it('puts the app menu first on macOS', () => {
    expect(menus({ isMac: true }).template[0].label).toBe('Mixel');
  });
});
