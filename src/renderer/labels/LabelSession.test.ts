/**
 * The window's labels of a stack: each plane has its own raster and its own undo history, so undo on one
 * plane never takes back a stroke on another the user is not looking at.
 */
import { describe, expect, it } from 'vitest';
import type { Stroke } from '../../core/labels/Stroke.js';
import type { ProjectImage } from '../../core/protocol/types.js';
import { LabelSession } from './LabelSession.js';

const image: ProjectImage = {
  id: 'st',
  name: 'st.tif',
  path: '/st.tif',
  width: 32,
  height: 32,
  channelCount: 1,
  sampleType: 'uint16',
  channelRanges: [{ min: 0, max: 1 }],
  planes: 12,
  axes: 'zyx',
  sizeZ: 12,
  sizeT: 1,
};

function stroke(id: string, plane: number, classId: number, y: number): Stroke {
  return {
    id,
    kind: 'stroke',
    imageId: 'st',
    plane,
    classId,
    radiusPx: 2,
    mode: 'paint',
    points: new Float32Array([4, y, 20, y]),
  };
}

describe('labels per plane of a stack', () => {
  it('paints each plane apart and undoes per plane', () => {
    const session = new LabelSession();
    session.load(image, null, []);
    const onFive = session.commitStroke(stroke('a', 5, 2, 10));
    expect(onFive.change.added.map((s) => s.plane)).toEqual([5]);
    session.commitStroke(stroke('b', 0, 1, 20));
    const at = (plane: number, y: number) => session.raster('st', plane)![y * 32 + 10];
    expect([at(5, 10), at(0, 10), at(0, 20), at(5, 20)]).toEqual([2, 0, 1, 0]);
    expect(session.pixelsOfImage('st')).toBeGreaterThan(0);

    // Undo on plane 5 takes back plane 5's stroke only; plane 0 still has its own.
    expect(session.canUndo('st', 5)).toBe(true);
    const undone = session.undo('st', 5)!;
    expect(undone.change.removed).toEqual(['a']);
    expect([at(5, 10), at(0, 20)]).toEqual([0, 1]);
    expect(session.canUndo('st', 5)).toBe(false);
    expect(session.canRedo('st', 5)).toBe(true);
    expect(session.undo('st', 7)).toBeNull();
    expect(session.hasAnyLabel('st')).toBe(true);
    session.undo('st', 0);
    expect(session.hasAnyLabel('st')).toBe(false);
    session.redo('st', 5);
    expect(at(5, 10)).toBe(2);
    expect(session.strokeCount('st')).toBe(1);
  });
});
