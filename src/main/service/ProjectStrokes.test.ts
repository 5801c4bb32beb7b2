/**
 * The open project's strokes: bounded in total (a window cannot grow the backend's memory without end by
 * repeating legal changes), with removals giving the room back.
 */
import { describe, expect, it } from 'vitest';
import type { Stroke } from '../../core/labels/Stroke.js';
import { MAX_POINTS_PER_PROJECT } from '../../core/protocol/constants.js';
import type { OpenImage } from './projectImage.js';
import { ProjectStrokes } from './ProjectStrokes.js';

const SIZE = 64;
const image = {
  info: { id: 'img', width: SIZE, height: SIZE },
  base: null,
  labels: new Uint8Array(SIZE * SIZE),
} as unknown as OpenImage;
const classes = [
  { id: 1, name: 'a', color: '#000000' },
  { id: 2, name: 'b', color: '#ffffff' },
];

/** A stroke of `pointCount` points on one spot: cheap to paint, heavy to hold. */
function dotStroke(id: string, pointCount: number): Stroke {
  return {
    id,
    kind: 'stroke',
    imageId: 'img',
    classId: 1,
    radiusPx: 0.5,
    mode: 'paint',
    points: new Float32Array(2 * pointCount).fill(10.5),
  };
}

describe('ProjectStrokes', () => {
  it('refuses a change past the points a project may hold, and removals make room again', async () => {
    const strokes = new ProjectStrokes(() => new Map([['img', image]]));
    const big = dotStroke('big', MAX_POINTS_PER_PROJECT - 100);
    await strokes.apply({ added: [big], removed: [] }, classes);
    const tooMany = dotStroke('one-too-many', 101);
    await expect(strokes.apply({ added: [tooMany], removed: [] }, classes)).rejects.toMatchObject({
      code: 'invalid-argument',
      message:
        `the project's strokes would hold ${MAX_POINTS_PER_PROJECT + 1} points after this change: at most` +
        ` ${MAX_POINTS_PER_PROJECT} are kept (save the project and open it again: saved labels come back as rasters, not strokes)`,
    });
    expect(strokes.all().map((s) => s.id)).toEqual(['big']);
    await strokes.apply({ added: [dotStroke('fits', 100)], removed: [] }, classes);
    await strokes.apply({ added: [tooMany], removed: ['big'] }, classes);
    expect(strokes.all().map((s) => s.id)).toEqual(['fits', 'one-too-many']);
    expect(image.labels[10 * SIZE + 10]).toBe(1);
  });
});
