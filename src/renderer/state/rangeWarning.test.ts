import { describe, expect, it } from 'vitest';
import type { ProjectImage } from '../../core/protocol/types.js';
import { rangeMismatch } from './rangeWarning.js';

const image = (name: string, ...ranges: [number, number][]): ProjectImage => ({
  id: name,
  name,
  path: `/data/${name}`,
  width: 8,
  height: 8,
  channelCount: ranges.length,
  sampleType: 'uint16',
  channelRanges: ranges.map(([min, max]) => ({ min, max })),
});

describe('the intensity range warning', () => {
  it('names two images whose ranges do not overlap (a camera offset)', () => {
    const message = rangeMismatch([image('sample.tif', [419, 2112]), image('hela.tif', [33012, 40870])]);
    expect(message).toMatch(/^sample\.tif \(419–2112\) and hela\.tif \(33012–40870\) differ far/);
    expect(message).toMatch(/percentile/);
  });

  it('stays quiet for images of about the same range, or a single image', () => {
    expect(rangeMismatch([image('a.tif', [0, 255]), image('b.tif', [10, 200])])).toBeNull();
    expect(rangeMismatch([image('a.tif', [0, 40000])])).toBeNull();
  });

  it('looks at every channel', () => {
    const message = rangeMismatch([
      image('a.tif', [0, 255], [0, 255]),
      image('b.tif', [0, 255], [5000, 9000]),
    ]);
    expect(message).toMatch(/channel 2/);
  });
});
