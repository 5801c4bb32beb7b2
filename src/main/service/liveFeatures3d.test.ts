/**
 * The window's live 3-D features: a tile of one plane comes from its block of planes with the z halo, and
 * equals the whole volume's 3-D features at that plane; stepping to a plane of the same block reuses the
 * block, a plane of the next block computes one more; scales deeper than the stack are computed in 2-D.
 */
import { describe, expect, it } from 'vitest';
import { computeFeatures3d } from '../../core/features3d/computeFeatures3d.js';
import { featureOffsets } from '../../core/features/featureOffset.js';
import type { FeatureMatrix } from '../../core/protocol/types.js';
import { volumeFeatureBlockJob } from '../volume/volumeBlockJobs.js';
import type { ClassifierEngine } from './ClassifierEngine.js';
import { LIVE_3D_BLOCK_PLANES } from './constants.js';
import { FeatureTileCache } from './FeatureTileCache.js';
import { LiveFeatures3d, windowLayout3d } from './liveFeatures3d.js';
import type { OpenImage } from './projectImage.js';
import { StackPlanes } from './StackPlanes.js';

const W = 40;
const H = 36;
const Z = 10;
const selection: FeatureMatrix = {
  scales: [0.7, 1.6, 5],
  enabled: [
    [true, true, false],
    [false, true, false],
    [true, false, true],
    [false, true, false],
    [false, false, false],
    [true, false, false],
  ],
  dimensions: '3d',
};

function stackImage(): { image: OpenImage; voxels: Float32Array } {
  const voxels = new Float32Array(Z * H * W);
  for (let i = 0; i < voxels.length; i++) voxels[i] = 1000 + ((i * 7919) % 613) + 300 * Math.sin(i / 97);
  const plane = (p: number) => ({
    width: W,
    height: H,
    channels: [voxels.slice(p * W * H, (p + 1) * W * H)],
  });
  const image = {
    info: { id: 'st', name: 'st.tif', width: W, height: H, channelCount: 1, planes: Z, sizeZ: Z, sizeT: 1 },
    pixels: plane(0),
    readPlane: async (p: number) => plane(p),
    normalized: null,
  } as unknown as OpenImage;
  return { image, voxels };
}

function countingEngine(): { engine: ClassifierEngine; blocks: number[] } {
  const blocks: number[] = [];
  const engine = {
    computeVolumeBlockFeatures: async (input: Parameters<typeof volumeFeatureBlockJob>[0]) => {
      blocks.push(input.region.depth);
      return volumeFeatureBlockJob(input).planes;
    },
  } as unknown as ClassifierEngine;
  return { engine, blocks };
}

describe('live 3-D features of the visible plane', () => {
  it('equal the whole volume’s 3-D features at that plane, and reuse their block for its neighbours', async () => {
    const { image, voxels } = stackImage();
    const { engine, blocks } = countingEngine();
    const live = new LiveFeatures3d(engine, new FeatureTileCache(), new StackPlanes());
    const rect = { x: 8, y: 4, width: 20, height: 24 };
    const plane = 5;
    const tile = await live.features(image, rect, selection, plane);

    const sel = { scales: selection.scales, enabled: selection.enabled };
    const layout = windowLayout3d(selection, Z);
    expect(layout.computeIn2d).toEqual([false, false, true]); // σ 5 needs 19 planes, the stack has 10
    const whole = computeFeatures3d({ depth: Z, height: H, width: W, channels: [voxels] }, sel, {
      ...layout,
      offsets: featureOffsets([voxels.subarray(0, W * H)]),
    });
    expect(tile.length).toBe(whole.length);
    for (let c = 0; c < whole.length; c++) {
      for (let y = 0; y < rect.height; y++) {
        for (let x = 0; x < rect.width; x++) {
          const expected = whole[c][plane * W * H + (rect.y + y) * W + rect.x + x];
          expect(Math.abs(tile[c][y * rect.width + x] - expected)).toBeLessThan(
            1e-3 * (1 + Math.abs(expected)),
          );
        }
      }
    }
    expect(blocks).toEqual([LIVE_3D_BLOCK_PLANES]);
    // Planes 4..7 share the block of plane 5; plane 8 starts the next one.
    const block = Math.floor(plane / LIVE_3D_BLOCK_PLANES) * LIVE_3D_BLOCK_PLANES;
    await live.features(image, rect, selection, block + LIVE_3D_BLOCK_PLANES - 1);
    expect(blocks.length).toBe(1);
    await live.features(image, rect, selection, block + LIVE_3D_BLOCK_PLANES);
    expect(blocks.length).toBe(2);
  });

  it('refuses an image without z in one line', async () => {
    const { engine } = countingEngine();
    const live = new LiveFeatures3d(engine, new FeatureTileCache(), new StackPlanes());
    const flat = {
      info: { id: 'f', name: 'flat.png', width: 8, height: 8, channelCount: 1, planes: 1 },
    } as unknown as OpenImage;
    await expect(live.features(flat, { x: 0, y: 0, width: 8, height: 8 }, selection, 0)).rejects.toThrow(
      /3-D features need z-stacks, but flat\.png has no z axis/,
    );
  });
});
