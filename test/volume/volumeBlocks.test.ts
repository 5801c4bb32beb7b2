/**
 * The block plan keeps a worker's memory within its budget on a 2048 × 2048 × 200 stack, and its blocks
 * cover every voxel of a volume exactly once, with halos that stay inside the volume.
 */
import { describe, expect, it } from 'vitest';
import { featureHalo3d } from '../../src/core/features3d/computeFeatures3d.js';
import { presetSelection } from '../../src/core/features/selection.js';
import { bandBytes, blockBytes, chooseBlockCore, volumeBands } from '../../src/main/volume/volumeBlocks.js';
import { VOLUME_MAIN_BYTES, VOLUME_WORKER_BYTES } from '../../src/main/volume/volumeConstants.js';
import { volumeBlockCosts, volumeFeatureSpec } from '../../src/main/volume/volumeFeatureSpec.js';

const selection = presetSelection('default');
const halo = featureHalo3d(selection);
const costs = volumeBlockCosts(volumeFeatureSpec({ selection, convention: 'ilastik' }), 1, 3);

describe('the block plan of a volume', () => {
  it('keeps a block of a 2048 × 2048 × 200 stack within a worker budget, and its bands within the main thread budget', () => {
    const shape = { depth: 200, height: 2048, width: 2048 };
    const core = chooseBlockCore(shape, halo, costs);
    const bands = volumeBands(shape, core, halo);
    const largest = Math.max(
      ...bands.flatMap((b) => b.blocks.map((k) => blockBytes(k.outer, k.core, costs))),
    );
    expect(largest).toBeLessThanOrEqual(VOLUME_WORKER_BYTES);
    expect(bandBytes(shape, core, costs)).toBeLessThanOrEqual(VOLUME_MAIN_BYTES);
    // Two workers and the bands: the whole prediction under 2 GB.
    expect(2 * largest + bandBytes(shape, core, costs)).toBeLessThan(1.5 * 1024 ** 3);
    // Not one plane at a time: a block holds tens of planes, so the z halo is shared by many; the halo work
    // (outer voxels read per voxel computed) is under five, where blocks of 48 × 128 × 128 read 5.7.
    expect(core.depth).toBeGreaterThanOrEqual(16);
    const read = bands
      .flatMap((b) => b.blocks)
      .reduce((n, k) => n + k.outer.depth * k.outer.height * k.outer.width, 0);
    expect(read / (shape.depth * shape.height * shape.width)).toBeLessThan(5);
  });

  it('covers every voxel exactly once, halos inside the volume', () => {
    const shape = { depth: 23, height: 70, width: 45 };
    const counts = new Uint8Array(shape.depth * shape.height * shape.width);
    for (const band of volumeBands(shape, { depth: 8, side: 16 }, [5, 5, 5])) {
      for (const { core, outer } of band.blocks) {
        expect(outer.z).toBeGreaterThanOrEqual(0);
        expect(outer.z + outer.depth).toBeLessThanOrEqual(shape.depth);
        expect(outer.x + outer.width).toBeLessThanOrEqual(shape.width);
        for (let z = core.z; z < core.z + core.depth; z++)
          for (let y = core.y; y < core.y + core.height; y++)
            for (let x = core.x; x < core.x + core.width; x++)
              counts[(z * shape.height + y) * shape.width + x]++;
      }
    }
    expect(counts.every((c) => c === 1)).toBe(true);
  });
});
