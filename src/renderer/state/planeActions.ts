/**
 * Keys that move through a stack: `,` / `.` and PageUp / PageDown step z (as Fiji's and ilastik's), `<`
 * / `>` (Shift + the same keys) step t. Part of the action table, so the shortcuts sheet lists them.
 */
import type { Action } from './action.js';
import * as app from './controller.js';
import { stackShapeOf, stepPlane, type StackAxis } from './planeMath.js';
import { getApp } from './store.js';

function activeShape() {
  const image = app.findImage(getApp().activeImageId);
  return image ? stackShapeOf(image) : null;
}

function hasAxis(axis: StackAxis): () => boolean {
  return () => {
    const shape = activeShape();
    return shape !== null && (axis === 'z' ? shape.sizeZ : shape.sizeT) > 1;
  };
}

function step(axis: StackAxis, delta: number): void {
  const shape = activeShape();
  if (shape) app.showPlane(stepPlane(getApp().plane, shape, axis, delta));
}

const KEYS: readonly [StackAxis, number, string, string][] = [
  ['z', -1, ',', 'Previous z plane'],
  ['z', -1, 'PageUp', 'Previous z plane'],
  ['z', 1, '.', 'Next z plane'],
  ['z', 1, 'PageDown', 'Next z plane'],
  ['t', -1, '<', 'Previous time point'],
  ['t', 1, '>', 'Next time point'],
];

export const planeActions: readonly Action[] = KEYS.map(([axis, delta, shortcut, label]) => ({
  id: `${axis}-${delta < 0 ? 'previous' : 'next'}-${shortcut === 'PageUp' || shortcut === 'PageDown' ? 'page' : 'key'}`,
  label,
  shortcut,
  isEnabled: hasAxis(axis),
  run: () => step(axis, delta),
}));
