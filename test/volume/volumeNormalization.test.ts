/**
 * A stack's percentile normalization range is measured over its whole frame (planes spread through z),
 * not on its middle plane: a stack whose middle plane is dark is still scaled to about 0..1 on its bright
 * planes, and training and prediction agree on one range per frame.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_NORMALIZATION } from '../../src/core/project/Project.js';
import { percentiles } from '../../src/core/normalization.js';
import { frameNormalizer, frameRange, stackLayout } from '../../src/main/volume/volumeFrames.js';
import { makeSpheresAndRods, memoryStack } from './volumeFixtures.js';

describe('the normalization range of a stack frame', () => {
  it('comes from planes through the whole frame, so a dark middle plane does not blow up the others', async () => {
    const stack = makeSpheresAndRods(64, 64, 16);
    stack.planes[stack.middle].fill(0);
    stack.planes[stack.middle].set([1, 2, 3], 100);
    const source = memoryStack(stack);
    const layout = stackLayout(source);
    const normalize = await frameNormalizer(source, layout, 0, DEFAULT_NORMALIZATION);
    const bright = normalize({ width: 64, height: 64, channels: [stack.planes[2]] }).channels[0];
    const [p1, p99] = percentiles(bright, [1, 99]);
    // The middle plane alone would set the range to about 0..3: the bright plane would read ~200–900.
    expect(p99).toBeLessThan(1.5);
    expect(p1).toBeGreaterThan(-0.5);
    expect(p99 - p1).toBeGreaterThan(0.2);
  });

  it('reads eight planes spread through z, whatever the depth', async () => {
    const stack = makeSpheresAndRods(64, 64, 24);
    const source = memoryStack(stack);
    let read = 0;
    const counting = {
      ...source,
      readRegion: async (...args: Parameters<typeof source.readRegion>) => {
        const part = await source.readRegion(...args);
        read += part.channels[0].length;
        return part;
      },
    };
    const range = await frameRange(counting, stackLayout(source), 0, DEFAULT_NORMALIZATION);
    expect(range.high[0]).toBeGreaterThan(range.low[0]);
    expect(read).toBe(8 * 64 * 64);
  });
});
