/**
 * Every command of the window in one table (STYLE.md §4): toolbar buttons, keyboard shortcuts and the
 * native menus (by id, through the preload) all run these.
 */
import { PREDICTION_TILE_SIZE } from '../../core/protocol/constants.js';
import { fitView, zoomAt, type OverlayMode } from '../viewer/rendering.js';
import { askForPath } from '../dialogs/askForPath.js';
import type { Action } from './action.js';
import * as app from './controller.js';
import { planeActions } from './planeActions.js';
import {
  getApp,
  hasUnsavedChanges,
  MAX_BRUSH_RADIUS,
  MIN_BRUSH_RADIUS,
  OVERLAY_MODES,
  setApp,
} from './store.js';

export type { Action } from './action.js';

const always = () => true;
const hasImage = () => getApp().activeImageId !== null;

function zoomBy(factor: number): void {
  const { view, viewport } = getApp();
  setApp({ view: zoomAt(view, factor, viewport.width / 2, viewport.height / 2) });
  app.onViewChanged();
}

/** Shows one overlay layer (or none) and hides the others, keeping their opacities. */
function showOnlyOverlay(mode: OverlayMode | null): void {
  setApp((s) => {
    const layers = { ...s.layers };
    for (const m of OVERLAY_MODES) layers[m] = { ...layers[m], isVisible: m === mode };
    return { layers };
  });
}

/** Runs `proceed`, first asking Save / Discard / Cancel (UnsavedChangesDialog) if it would drop changes. */
export function unlessUnsaved(what: string, proceed: () => void): void {
  if (hasUnsavedChanges()) setApp({ dialog: { kind: 'unsaved', what, proceed } });
  else proceed();
}

export const actions: readonly Action[] = [
  {
    id: 'new-project',
    label: 'New project',
    shortcut: 'Alt+N',
    isEnabled: always,
    run: () => unlessUnsaved('New project', () => void app.newProject()),
  },
  {
    id: 'open-project',
    label: 'Open project…',
    shortcut: 'Ctrl+O',
    isEnabled: always,
    run: (path) =>
      unlessUnsaved('Open project', () =>
        path
          ? void app.openProject(path)
          : void askForPath({
              kind: 'path',
              title: 'Open project',
              label: 'Project file (.mixel)',
              initial: '',
              action: 'open-project',
            }),
      ),
  },
  {
    id: 'open-sample',
    label: 'Open sample project',
    isEnabled: always,
    run: () => unlessUnsaved('Open the sample', () => void app.openSample()),
  },
  {
    id: 'save-project',
    label: 'Save project',
    shortcut: 'Ctrl+S',
    isEnabled: always,
    run: (path) => {
      const current = getApp().project?.path;
      if (path || current) void app.saveProject(path);
      else
        void askForPath({
          kind: 'path',
          title: 'Save project',
          label: 'Save to (.mixel)',
          initial: '',
          action: 'save-project',
        });
    },
  },
  {
    // Sent by the desktop app's close prompt (src/main/electron/closePrompt.ts): the window closes only once
    // the file is written, and stays open, with its work, when saving fails.
    id: 'save-and-close',
    label: 'Save and close',
    isEnabled: always,
    run: (path) =>
      void app.saveProject(path).then((saved) => {
        if (saved) window.close();
      }),
  },
  {
    id: 'save-project-as',
    label: 'Save project as…',
    shortcut: 'Ctrl+Shift+S',
    isEnabled: always,
    run: (path) =>
      path
        ? void app.saveProject(path)
        : void askForPath({
            kind: 'path',
            title: 'Save project as',
            label: 'Save to (.mixel)',
            initial: getApp().project?.path ?? '',
            action: 'save-project',
          }),
  },
  {
    id: 'add-images',
    label: 'Add image…',
    shortcut: 'Alt+I',
    isEnabled: always,
    run: (path) =>
      path
        ? void app.addImagePath(path)
        : void askForPath({
            kind: 'path',
            title: 'Add image',
            label: 'Image file (TIFF, PNG, JPEG)',
            initial: '',
            action: 'add-image',
          }),
  },
  {
    id: 'export',
    label: 'Export…',
    shortcut: 'Ctrl+E',
    isEnabled: hasImage,
    run: () => setApp({ dialog: { kind: 'export' } }),
  },
  {
    id: 'feature-selection',
    label: 'Features…',
    shortcut: 'F',
    isEnabled: always,
    run: () => setApp({ dialog: { kind: 'features' } }),
  },
  {
    id: 'classifier-settings',
    label: 'Classifier…',
    shortcut: 'C',
    isEnabled: always,
    run: () => setApp({ dialog: { kind: 'classifier' } }),
  },
  { id: 'undo', label: 'Undo', shortcut: 'Ctrl+Z', isEnabled: () => getApp().canUndo, run: () => app.undo() },
  {
    id: 'redo',
    label: 'Redo',
    shortcut: 'Ctrl+Shift+Z',
    isEnabled: () => getApp().canRedo,
    run: () => app.redo(),
  },
  {
    id: 'redo-alt',
    label: 'Redo',
    shortcut: 'Ctrl+Y',
    isEnabled: () => getApp().canRedo,
    run: () => app.redo(),
  },
  {
    id: 'update-now',
    label: 'Update now',
    shortcut: 'U',
    isEnabled: hasImage,
    run: () => void app.updatePrediction(true),
  },
  {
    id: 'toggle-live-update',
    label: 'Live update',
    shortcut: 'L',
    isEnabled: always,
    run: () => {
      const isLiveUpdate = !getApp().isLiveUpdate;
      setApp({ isLiveUpdate });
      if (isLiveUpdate) void app.updatePrediction(true);
    },
  },
  { id: 'brush', label: 'Brush', shortcut: 'B', isEnabled: always, run: () => setApp({ tool: 'brush' }) },
  {
    id: 'eraser',
    label: 'Eraser',
    shortcut: 'E',
    isEnabled: always,
    run: () => setApp({ tool: getApp().tool === 'eraser' ? 'brush' : 'eraser' }),
  },
  {
    id: 'accept-prediction',
    label: 'Accept prediction brush (turns the segmentation under it into labels)',
    shortcut: 'P',
    isEnabled: hasImage,
    run: () => setApp({ tool: getApp().tool === 'accept' ? 'brush' : 'accept' }),
  },
  {
    id: 'brush-smaller',
    label: 'Smaller brush',
    shortcut: '[',
    isEnabled: always,
    run: () => setApp({ brushRadius: Math.max(MIN_BRUSH_RADIUS, Math.round(getApp().brushRadius / 1.25)) }),
  },
  {
    id: 'brush-larger',
    label: 'Larger brush',
    shortcut: ']',
    isEnabled: always,
    run: () =>
      setApp({
        brushRadius: Math.min(
          MAX_BRUSH_RADIUS,
          Math.max(getApp().brushRadius + 1, Math.round(getApp().brushRadius * 1.25)),
        ),
      }),
  },
  { id: 'zoom-in', label: 'Zoom in', shortcut: '+', isEnabled: hasImage, run: () => zoomBy(1.25) },
  { id: 'zoom-in-alt', label: 'Zoom in', shortcut: '=', isEnabled: hasImage, run: () => zoomBy(1.25) },
  { id: 'zoom-out', label: 'Zoom out', shortcut: '-', isEnabled: hasImage, run: () => zoomBy(0.8) },
  {
    id: 'zoom-fit',
    label: 'Fit to window',
    shortcut: '0',
    isEnabled: hasImage,
    run: () => {
      const image = app.findImage(getApp().activeImageId);
      if (image) setApp({ view: fitView(image, getApp().viewport) });
      app.onViewChanged();
    },
  },
  {
    id: 'zoom-actual',
    label: 'Actual pixels (1:1)',
    // 1–9 pick classes, so 1:1 is A (for Actual pixels).
    shortcut: 'A',
    isEnabled: hasImage,
    run: () => zoomBy(1 / getApp().view.scale),
  },
  {
    id: 'shortcuts',
    label: 'Keyboard shortcuts',
    shortcut: '?',
    isEnabled: always,
    run: () => setApp({ dialog: { kind: 'shortcuts' } }),
  },
  {
    id: 'shortcuts-help',
    label: 'Keyboard shortcuts',
    shortcut: 'F1',
    isEnabled: always,
    run: () => setApp({ dialog: { kind: 'shortcuts' } }),
  },
  ...(['probabilities', 'segmentation', 'uncertainty', 'none'] as const).map((mode): Action => ({
    id: `overlay-${mode}`,
    label: {
      probabilities: 'Show only Probabilities',
      segmentation: 'Show only Simple Segmentation',
      uncertainty: 'Show only Uncertainty',
      none: 'Hide the overlays',
    }[mode],
    isEnabled: always,
    run: () => showOnlyOverlay(mode === 'none' ? null : mode),
  })),
  ...[-1, 1].map((direction): Action => ({
    id: direction < 0 ? 'pan-left' : 'pan-right',
    label: direction < 0 ? 'Pan left' : 'Pan right',
    shortcut: direction < 0 ? 'ArrowLeft' : 'ArrowRight',
    isEnabled: hasImage,
    run: () => {
      setApp((s) => ({ view: { ...s.view, x: s.view.x - direction * PREDICTION_TILE_SIZE * 0.25 } }));
      app.onViewChanged();
    },
  })),
  ...[-1, 1].map((direction): Action => ({
    id: direction < 0 ? 'pan-up' : 'pan-down',
    label: direction < 0 ? 'Pan up' : 'Pan down',
    shortcut: direction < 0 ? 'ArrowUp' : 'ArrowDown',
    isEnabled: hasImage,
    run: () => {
      setApp((s) => ({ view: { ...s.view, y: s.view.y - direction * PREDICTION_TILE_SIZE * 0.25 } }));
      app.onViewChanged();
    },
  })),
  ...planeActions,
];

export function runAction(id: string, path?: string): void {
  const action = actions.find((a) => a.id === id);
  if (action?.isEnabled()) action.run(path);
}

/** The shortcut string of a key event, in the table's notation ("Ctrl+Shift+Z", "[", "E"). */
export function shortcutOf(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>,
): string {
  const mods = [
    e.ctrlKey || e.metaKey ? 'Ctrl' : '',
    e.shiftKey && (e.ctrlKey || e.metaKey) ? 'Shift' : '',
    e.altKey ? 'Alt' : '',
  ].filter(Boolean);
  const key = e.key.length === 1 ? e.key.toUpperCase() : e.key;
  return [...mods, key].join('+');
}

/** Handles a key press: number keys pick a class, everything else goes through the action table. */
export function handleShortcut(e: KeyboardEvent): boolean {
  if (isTypingTarget(e.target as HTMLElement | null, e.key)) return false;
  if (getApp().dialog) return false;
  if (/^[1-9]$/.test(e.key) && !e.ctrlKey && !e.metaKey && !e.altKey) {
    const cls = getApp().project?.classes[Number(e.key) - 1];
    if (cls) setApp({ activeClassId: cls.id, tool: 'brush' });
    return !!cls;
  }
  const pressed = shortcutOf(e);
  const action = actions.find((a) => a.shortcut?.toUpperCase() === pressed.toUpperCase());
  if (!action) return false;
  if (action.isEnabled()) action.run();
  return true;
}

/** Input types whose keys are all the user's typing; radios, checkboxes and sliders use only arrows. */
const TEXT_INPUT_TYPES = new Set(['text', 'number', 'search', 'password', 'email', 'url', 'tel']);

/** Keys that belong to the focused control rather than to the window's shortcuts. */
export function isTypingTarget(t: HTMLElement | null, key: string): boolean {
  if (!t) return false;
  if (t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable) return true;
  if (t.tagName !== 'INPUT') return false;
  const type = (t as HTMLInputElement).type;
  return TEXT_INPUT_TYPES.has(type) || key.startsWith('Arrow');
}
