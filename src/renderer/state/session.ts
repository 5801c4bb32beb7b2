/**
 * What every part of the window controller shares: the backend connection, the label session and tile
 * caches, the label layer's dirty rectangle, the image lookup and how failures reach the status bar.
 * Imports nothing else of the controller, so the modules above it never form a circle.
 */
import type { ProjectImage, Rect } from '../../core/protocol/types.js';
import type { Backend } from '../transport/connectBackend.js';
import { LabelSession } from '../labels/LabelSession.js';
import { getApp, setApp } from './store.js';
import { ImageTiles, PredictionTiles } from './tileCaches.js';

export const labels = new LabelSession();
export const imageTiles = new ImageTiles();
export const predictions = new PredictionTiles();
/** Union of label pixels changed since the label layer last redrew, or null for a full redraw. */
export let labelsDirty: Rect | null = null;
export function takeLabelsDirty(): Rect | null {
  const r = labelsDirty;
  labelsDirty = null;
  return r;
}

/** The label layer redraws in full next time (another image, plane or class colours). */
export function resetLabelsDirty(): void {
  labelsDirty = null;
}

/** Adds changed label pixels to what the label layer redraws next. */
export function addLabelsDirty(dirty: Rect | null): void {
  labelsDirty = dirty && labelsDirty ? unionRect(labelsDirty, dirty) : (dirty ?? labelsDirty);
}

let backend: Backend | null = null;

export function connectTo(connected: Backend): void {
  backend = connected;
}

export function service() {
  if (!backend) throw new Error('the backend is not connected yet');
  return backend.service;
}

export function host(): Backend['host'] {
  return backend?.host ?? 'browser';
}

export function findImage(imageId: string | null): ProjectImage | undefined {
  return getApp().project?.images.find((im) => im.id === imageId);
}

export function showError(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  setApp({ error: message, status: 'Error' });
}

/** Images the user asked to remove: their work's failures may arrive before the backend confirms. */
const removing = new Set<string>();

/** Marks an image as being removed (until `done`), so that its pending work stays quiet. */
export function noteRemoval(imageId: string): { done(): void } {
  removing.add(imageId);
  return { done: () => removing.delete(imageId) };
}

/** An image removed while work on it was under way: that work's failure is no news to the user. */
export function showErrorUnlessRemoved(err: unknown, imageId: string): void {
  if (findImage(imageId) && !removing.has(imageId)) showError(err);
}

export async function runAndShow<T>(status: string, work: () => Promise<T>): Promise<T | undefined> {
  setApp({ status, error: null });
  try {
    return await work();
  } catch (err) {
    showError(err);
    return undefined;
  }
}

function unionRect(a: Rect, b: Rect): Rect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    width: Math.max(a.x + a.width, b.x + b.width) - x,
    height: Math.max(a.y + a.height, b.y + b.height) - y,
  };
}
