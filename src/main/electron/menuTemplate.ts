/**
 * The native menus as a pure template: File, Edit, View. Each item sends an action id of the window's
 * action table (src/renderer/state/actions.ts) to the page; items that need a file first ask the native
 * dialog. Shortcuts are shown in the menus but left to the page (`registerAccelerator: false`), so one
 * key press runs its action once.
 */
import type { MenuCommand } from '../../core/protocol/ipcChannel.js';

export interface MenuItem {
  readonly label?: string;
  readonly id?: string;
  readonly accelerator?: string;
  readonly registerAccelerator?: boolean;
  readonly type?: 'separator' | 'normal';
  readonly role?: 'quit' | 'toggleDevTools' | 'reload' | 'forceReload' | 'togglefullscreen' | 'about';
  readonly submenu?: MenuItem[];
  readonly click?: () => void;
}

export interface MenuHandlers {
  /** Delivers a command to the page. */
  send(command: MenuCommand): void;
  /** Native open dialog; resolves to the chosen paths (empty when cancelled). */
  chooseFiles(kind: 'project' | 'images'): Promise<string[]>;
  /** Native save dialog; resolves to the chosen path or null. */
  chooseSavePath(): Promise<string | null>;
  readonly isMac: boolean;
  /**
   * Developer items (DevTools, reload) in the View menu: only for a build run from source or with
   * MIXEL_DEV=1 (see `developerToolsEnabled`). In a shipped app DevTools would hand anyone at the keyboard,
   * or a page script that tricks them, the renderer's whole bridge to the backend.
   */
  readonly developerTools: boolean;
}

/** Developer tools are on when the app runs unpackaged (`electron .`) or MIXEL_DEV=1 asks for them. */
export function developerToolsEnabled(isPackaged: boolean, env: Record<string, string | undefined>): boolean {
  return !isPackaged || env.MIXEL_DEV === '1';
}

export const PROJECT_FILE_FILTER = { name: 'Mixel project', extensions: ['mixel'] };
export const IMAGE_FILE_FILTER = {
  name: 'Images',
  extensions: ['tif', 'tiff', 'png', 'jpg', 'jpeg', 'h5', 'hdf5', 'hdf'],
};

export function buildMenuTemplate(h: MenuHandlers): MenuItem[] {
  const item = (id: string, label: string, accelerator?: string): MenuItem => ({
    id,
    label,
    accelerator,
    registerAccelerator: false,
    click: () => h.send({ id }),
  });
  const withFiles = (
    id: string,
    label: string,
    kind: 'project' | 'images',
    accelerator?: string,
  ): MenuItem => ({
    id,
    label,
    accelerator,
    registerAccelerator: false,
    click: () =>
      void h.chooseFiles(kind).then((paths) => {
        for (const path of paths) h.send({ id, path });
      }),
  });
  const saveAs: MenuItem = {
    id: 'save-project-as',
    label: 'Save Project As…',
    accelerator: 'CmdOrCtrl+Shift+S',
    registerAccelerator: false,
    click: () =>
      void h.chooseSavePath().then((path) => {
        if (path) h.send({ id: 'save-project-as', path });
      }),
  };
  const separator: MenuItem = { type: 'separator' };
  return [
    ...(h.isMac
      ? [{ label: 'Mixel', submenu: [{ role: 'about' as const }, separator, { role: 'quit' as const }] }]
      : []),
    {
      label: 'File',
      submenu: [
        item('new-project', 'New Project'),
        withFiles('open-project', 'Open Project…', 'project', 'CmdOrCtrl+O'),
        item('open-sample', 'Open Sample Project'),
        separator,
        item('save-project', 'Save Project', 'CmdOrCtrl+S'),
        saveAs,
        separator,
        withFiles('add-images', 'Add Images…', 'images'),
        item('export', 'Export…', 'CmdOrCtrl+E'),
        ...(h.isMac ? [] : [separator, { role: 'quit' as const }]),
      ],
    },
    {
      label: 'Edit',
      submenu: [
        item('undo', 'Undo', 'CmdOrCtrl+Z'),
        item('redo', 'Redo', 'CmdOrCtrl+Shift+Z'),
        separator,
        item('brush', 'Brush', 'B'),
        item('eraser', 'Eraser', 'E'),
        item('brush-smaller', 'Smaller Brush', '['),
        item('brush-larger', 'Larger Brush', ']'),
        separator,
        item('feature-selection', 'Features…'),
        item('classifier-settings', 'Classifier…'),
      ],
    },
    {
      label: 'View',
      submenu: [
        item('zoom-in', 'Zoom In', 'Plus'),
        item('zoom-out', 'Zoom Out', '-'),
        item('zoom-fit', 'Fit to Window', '0'),
        item('zoom-actual', 'Actual Pixels', 'A'),
        separator,
        item('overlay-probabilities', 'Probabilities'),
        item('overlay-segmentation', 'Simple Segmentation'),
        item('overlay-uncertainty', 'Uncertainty'),
        item('overlay-none', 'No Overlay'),
        separator,
        item('toggle-live-update', 'Live Update', 'L'),
        item('update-now', 'Update Now', 'U'),
        separator,
        { role: 'togglefullscreen' },
        ...(h.developerTools
          ? [
              separator,
              { role: 'reload' as const },
              { role: 'forceReload' as const },
              { role: 'toggleDevTools' as const },
            ]
          : []),
      ],
    },
  ];
}
