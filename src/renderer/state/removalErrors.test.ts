import { describe, expect, it } from 'vitest';
import type { ProjectState } from '../../core/protocol/types.js';
import { noteRemoval, showErrorUnlessRemoved } from './session.js';
import { getApp, setApp } from './store.js';

const project = { images: [{ id: 'cells', name: 'cells.tif' }] } as unknown as ProjectState;

describe('failures of work on an image being removed', () => {
  it('stay quiet while the removal is under way, and show again once it is over', () => {
    setApp({ project, error: null });
    const removal = noteRemoval('cells');
    showErrorUnlessRemoved(new Error('predictTiles: no image cells'), 'cells');
    expect(getApp().error).toBeNull();
    removal.done();
    showErrorUnlessRemoved(new Error('the disk is full'), 'cells');
    expect(getApp().error).toBe('the disk is full');
  });
});
