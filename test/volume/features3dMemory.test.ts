/**
 * The 3-D bank's working memory per block: what it touches stays under the estimate the block plan
 * budgets with (featureWorkBytes3d), and well under the 21 outer-box volumes it used to reserve; when an
 * estimate is short the arena grows, keeping what it holds, instead of failing the block.
 */
import { describe, expect, it } from 'vitest';
import {
  computeFeatures3d,
  featureHalo3d,
  featureWorkBytes3d,
} from '../../src/core/features3d/computeFeatures3d.js';
import { threadArena } from '../../src/core/features3d/volumeArena.js';
import { presetSelection, type FeatureSelection } from '../../src/core/features/selection.js';

function noisyVolume(depth: number, height: number, width: number): Float32Array {
  const data = new Float32Array(depth * height * width);
  let s = 7;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    data[i] = 1000 + (s >>> 22) + (i % 97 < 30 ? 400 : 0);
  }
  return data;
}

/** Peak arena floats of one block (core in the middle of its outer box) against the block plan's estimate. */
function measureBlock(sel: FeatureSelection, core: [number, number, number]) {
  const halo = featureHalo3d(sel);
  const [depth, height, width] = core.map((n, a) => n + 2 * halo[a]);
  const region = { z: halo[0], y: halo[1], x: halo[2], depth: core[0], height: core[1], width: core[2] };
  const arena = threadArena();
  arena.resetVolumes();
  arena.resetPeak();
  computeFeatures3d({ depth, height, width, channels: [noisyVolume(depth, height, width)] }, sel, { region });
  return {
    peakBytes: 4 * arena.peakFloats,
    estimateBytes: featureWorkBytes3d({ depth, height, width }, region, sel),
    outerVoxels: depth * height * width,
  };
}

describe('the 3-D feature bank working memory of a block', () => {
  it('stays under the block plan estimate, a fraction of 21 outer-box volumes (default features)', () => {
    for (const core of [
      [8, 40, 40],
      [4, 24, 64],
    ] as [number, number, number][]) {
      const { peakBytes, estimateBytes, outerVoxels } = measureBlock(presetSelection('default'), core);
      expect(peakBytes).toBeLessThanOrEqual(estimateBytes);
      // σ = 10 pre-smooths the outer box through two volumes; the small scales' frames are much smaller.
      expect(peakBytes).toBeLessThan(4 * 4 * outerVoxels);
      expect(estimateBytes).toBeLessThan(0.3 * 21 * 4 * outerVoxels);
    }
  });

  it('stays under the estimate with every feature of the small scales on (frames near the outer box)', () => {
    const all = presetSelection('all');
    const small: FeatureSelection = {
      scales: all.scales,
      enabled: all.enabled.map((row) => row.map((on, i) => on && all.scales[i] <= 1.6)),
    };
    const { peakBytes, estimateBytes } = measureBlock(small, [6, 32, 32]);
    expect(peakBytes).toBeLessThanOrEqual(estimateBytes);
    expect(peakBytes).toBeGreaterThan(0.7 * estimateBytes);
  });

  it('grows its memory past a short reserve, keeping the volumes it holds', () => {
    const arena = threadArena();
    expect(arena.reserveFloats(1000)).toBe(true);
    const first = arena.take(1, 10, 10);
    arena.view(first).fill(3.5);
    const big = arena.take(40, 100, 100);
    expect(arena.view(big).length).toBe(400_000);
    expect(arena.view(first).every((v) => v === 3.5)).toBe(true);
  });
});
