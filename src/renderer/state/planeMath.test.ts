import { describe, expect, it } from 'vitest';
import { describeAxes, planeAt, planePosition, stackShapeOf, stepPlane, tOf, zOf } from './planeMath.js';

describe('moving through a stack', () => {
  const tz = stackShapeOf({ planes: 12, sizeZ: 4, sizeT: 3 });

  it('numbers planes t · Z + z, as the backend does', () => {
    expect(planeAt(1, 2, tz)).toBe(9);
    expect([zOf(9, tz), tOf(9, tz)]).toEqual([1, 2]);
    expect(planePosition(9, tz)).toBe('z 1, t 2');
  });

  it('steps along z or t and stops at the ends', () => {
    expect(stepPlane(9, tz, 'z', 1)).toBe(10);
    expect(stepPlane(11, tz, 'z', 1)).toBe(11);
    expect(stepPlane(9, tz, 't', -1)).toBe(5);
    expect(stepPlane(1, tz, 't', -1)).toBe(1);
  });

  it('reads sizes that do not multiply to the planes as z only', () => {
    expect(stackShapeOf({ planes: 12, sizeZ: 5, sizeT: 2 })).toEqual({ planes: 12, sizeZ: 12, sizeT: 1 });
    expect(stackShapeOf({})).toEqual({ planes: 1, sizeZ: 1, sizeT: 1 });
    expect(planePosition(0, stackShapeOf({}))).toBe('');
  });

  it('names the axes with their sizes for the image list', () => {
    const base = { width: 512, height: 256, channelCount: 1 };
    expect(describeAxes({ ...base, axes: 'zyx', planes: 64, sizeZ: 64, sizeT: 1 })).toBe(
      'zyx 64 × 256 × 512',
    );
    expect(describeAxes({ ...base, axes: 'tzyx', planes: 12, sizeZ: 4, sizeT: 3 })).toBe(
      'tzyx 3 × 4 × 256 × 512',
    );
    expect(describeAxes({ ...base, channelCount: 3, axes: 'yxc' })).toBe('yxc 256 × 512 × 3');
  });
});
