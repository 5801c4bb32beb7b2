/**
 * The window's UI state (zustand). Large pixel data (image tiles, probability tiles, label rasters) lives
 * outside the store in the caches of state/session.ts; the store only holds version counters that
 * tell the viewer to redraw.
 */
import { create } from 'zustand';
import type { AutosaveInfo, ProjectState } from '../../core/protocol/types.js';
import type { OverlayMode, ViewTransform } from '../viewer/rendering.js';

/** 'accept': the proofreading brush, which turns the prediction under it into labels. */
export type Tool = 'brush' | 'eraser' | 'accept';

export interface ChannelSetting {
  min: number;
  max: number;
  isVisible: boolean;
  color: string;
  /** Display gamma (1 = linear), as Fiji's and napari's. */
  gamma: number;
}

export interface DisplaySettings {
  /** 'single' shows `channel` in grey; 'composite' adds every visible channel in its colour. */
  mode: 'single' | 'composite';
  channel: number;
  channels: ChannelSetting[];
}

export interface OverlaySettings {
  /** Class ids whose probabilities are hidden. */
  hiddenClasses: number[];
}

/** The layers of the view, bottom to top: the image, each overlay, the labels (napari's layer list). */
/** 'feature': one feature channel (viewer/FeatureLayer.tsx); 'next': the "Label here next" marks (viewer/unexplainedLayer.ts). */
export type LayerId = 'image' | 'feature' | OverlayMode | 'next' | 'labels';
export const LAYER_ORDER: readonly LayerId[] = [
  'image',
  'feature',
  'probabilities',
  'segmentation',
  'uncertainty',
  'unexplained',
  'next',
  'labels',
];
export const OVERLAY_MODES: readonly OverlayMode[] = [
  'probabilities',
  'segmentation',
  'uncertainty',
  'unexplained',
];

export interface LayerSetting {
  isVisible: boolean;
  /** 0..1. */
  opacity: number;
}

export type DialogState =
  | {
      kind: 'path';
      title: string;
      label: string;
      initial: string;
      action: 'open-project' | 'save-project' | 'add-image';
      /** Runs once the project was saved there (the command that asked to save first). */
      afterSave?: () => void;
    }
  | { kind: 'features' }
  | { kind: 'classifier' }
  | { kind: 'export' }
  | { kind: 'delete-class'; classId: number; name: string; labeledPixels: number }
  | { kind: 'remove-image'; imageId: string; name: string; labeledPixels: number }
  | { kind: 'shortcuts' }
  | { kind: 'restore'; info: AutosaveInfo }
  /** Unsaved changes would be lost by `what` ("New project"); `proceed` runs it. */
  | { kind: 'unsaved'; what: string; proceed: () => void }
  | null;

export interface ProgressState {
  task: string;
  done: number;
  total: number;
}

export interface AppState {
  project: ProjectState | null;
  activeImageId: string | null;
  /** The plane of the active image's stack on screen (t · sizeZ + z; 0 for a plain image). */
  plane: number;
  activeClassId: number;
  tool: Tool;
  brushRadius: number;
  view: ViewTransform;
  viewport: { width: number; height: number };
  /** The image pixel under the mouse pointer, or null when the pointer is off the image. */
  pointer: { x: number; y: number } | null;
  display: Record<string, DisplaySettings>;
  overlay: OverlaySettings;
  layers: Record<LayerId, LayerSetting>;
  isLiveUpdate: boolean;
  status: string;
  error: string | null;
  progress: ProgressState | null;
  dialog: DialogState;
  /** Bumped when label rasters changed (with the dirty rectangle in session). */
  labelsVersion: number;
  /** Bumped when probability tiles arrived or were dropped. */
  predictionVersion: number;
  /** Bumped when image tiles arrived. */
  imageVersion: number;
  canUndo: boolean;
  canRedo: boolean;
  /**
   * Bumped by every change a saved file would hold (strokes, undo/redo, classes, features, classifier,
   * images); `savedEditCount` is its value at the last open or save, so a change made while a save is
   * under way still counts as unsaved.
   */
  editCount: number;
  savedEditCount: number;
  /** Other tabs of this browser showing the same backend's project. */
  otherTabs: number;
}

export const MIN_BRUSH_RADIUS = 1;
export const MAX_BRUSH_RADIUS = 60;

export const useApp = create<AppState>(() => ({
  project: null,
  activeImageId: null,
  plane: 0,
  activeClassId: 1,
  tool: 'brush',
  brushRadius: 4,
  view: { scale: 1, x: 0, y: 0 },
  viewport: { width: 800, height: 600 },
  pointer: null,
  display: {},
  overlay: { hiddenClasses: [] },
  layers: {
    image: { isVisible: true, opacity: 1 },
    feature: { isVisible: false, opacity: 1 },
    probabilities: { isVisible: true, opacity: 0.5 },
    segmentation: { isVisible: false, opacity: 0.5 },
    uncertainty: { isVisible: false, opacity: 0.7 },
    unexplained: { isVisible: false, opacity: 0.8 },
    next: { isVisible: false, opacity: 1 },
    labels: { isVisible: true, opacity: 1 },
  },
  isLiveUpdate: true,
  status: 'Connecting…',
  error: null,
  progress: null,
  dialog: null,
  labelsVersion: 0,
  predictionVersion: 0,
  imageVersion: 0,
  canUndo: false,
  canRedo: false,
  editCount: 0,
  savedEditCount: 0,
  otherTabs: 0,
}));

export const setApp = useApp.setState;
export const getApp = useApp.getState;

/** Whether the project has changes that are not in its file (or, never saved, in no file). */
export function hasUnsavedChanges(s: Pick<AppState, 'editCount' | 'savedEditCount'> = getApp()): boolean {
  return s.editCount !== s.savedEditCount;
}

/** Records a change the project file would hold. */
export function markEdited(): void {
  setApp((s) => ({ editCount: s.editCount + 1 }));
}
