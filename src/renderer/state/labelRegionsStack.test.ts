/**
 * The label explorer on a stack: regions painted on planes 3 and 7 are both listed, each with its plane
 * ("z 3"), and a click on one moves the viewer to that plane as well as to the region.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Stroke } from '../../core/labels/Stroke.js';
import type { ProjectImage } from '../../core/protocol/types.js';
import { LabelSession } from '../labels/LabelSession.js';
import { findPlaneRegions } from './labelRegions.js';
import { planePosition, stackShapeOf } from './planeMath.js';
import { getApp, setApp } from './store.js';

const calls: string[] = [];
vi.mock('./controller.js', () => ({
  selectImage: (id: string) => {
    calls.push(`image ${id}`);
    setApp({ activeImageId: id, plane: 0 });
  },
  showPlane: (plane: number) => {
    calls.push(`plane ${plane}`);
    setApp({ plane });
  },
  onViewChanged: () => calls.push('view'),
}));
const { jumpToRegion } = await import('./labelRegionJump.js');

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

function stroke(id: string, plane: number, classId: number, y: number, x1 = 20): Stroke {
  return {
    id,
    kind: 'stroke',
    imageId: 'st',
    plane,
    classId,
    radiusPx: 2,
    mode: 'paint',
    points: new Float32Array([4, y, x1, y]),
  };
}

function session(): LabelSession {
  const labels = new LabelSession();
  labels.load(image, null, []);
  labels.commitStroke(stroke('a', 3, 2, 8));
  labels.commitStroke(stroke('b', 7, 1, 20, 10));
  return labels;
}

beforeEach(() => (calls.length = 0));

describe('the label explorer on a stack', () => {
  it('lists the regions of every labelled plane, each naming its plane', () => {
    const labels = session();
    const { regions, truncated } = findPlaneRegions(labels.planeRasters('st'), 32, 32);
    expect(truncated).toBe(0);
    expect(regions.map((r) => [r.plane, r.classId])).toEqual([
      [3, 2],
      [7, 1],
    ]);
    expect(regions[0].bounds).toEqual({ x: 2, y: 6, width: 20, height: 4 });
    expect(planePosition(regions[1].plane, stackShapeOf(image))).toBe('z 7');
  });

  it('jumps to the region’s plane and centres the region, after switching image', () => {
    setApp({ activeImageId: 'other', plane: 0, viewport: { width: 800, height: 600 } });
    const region = findPlaneRegions(session().planeRasters('st'), 32, 32).regions[1];
    jumpToRegion('st', region);
    expect(calls).toEqual(['image st', 'plane 7', 'view']);
    expect(getApp().plane).toBe(7);
    const { view } = getApp();
    // The region's centre (x ≈ 7, y = 20) is at the centre of the viewer.
    const cx = region.bounds.x + region.bounds.width / 2;
    const cy = region.bounds.y + region.bounds.height / 2;
    expect(view.x + cx * view.scale).toBeCloseTo(400);
    expect(view.y + cy * view.scale).toBeCloseTo(300);
  });

  it('stays on the plane shown when the region lies on it', () => {
    setApp({ activeImageId: 'st', plane: 3 });
    jumpToRegion('st', findPlaneRegions(session().planeRasters('st'), 32, 32).regions[0]);
    expect(calls).toEqual(['view']);
    expect(getApp().plane).toBe(3);
  });
});
