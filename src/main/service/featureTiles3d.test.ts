/**
 * The feature viewer on a 3-D project (FeatureMatrix.dimensions '3d'): the channel list offers the 3-D
 * bank's channels (three eigenvalues per structure tensor and Hessian cell, scales deeper than the stack
 * "in 2D"), and getFeatureTile serves each of them under that name with the bank's values.
 */
import { describe, expect, it } from 'vitest';
import { featureChannelNames } from '../../core/features/selection.js';
import { windowFeatureChannelNames } from '../../core/features3d/windowLayout3d.js';
import type { FeatureMatrix } from '../../core/protocol/types.js';
import { volumeFeatureBlockJob } from '../volume/volumeBlockJobs.js';
import type { ClassifierEngine } from './ClassifierEngine.js';
import { FeatureTileCache } from './FeatureTileCache.js';
import { featureTile } from './featureTiles.js';
import type { OpenImage } from './projectImage.js';
import { StackPlanes } from './StackPlanes.js';
import { TilePredictor } from './TilePredictor.js';

const W = 32;
const H = 28;
const Z = 8;
/** Smoothing σ 0.7, structure tensor σ 1.6, Hessian σ 1.6 and σ 5 (deeper than 8 planes: in 2D). */
const selection: FeatureMatrix = {
  scales: [0.7, 1.6, 5],
  enabled: [
    [true, false, false],
    [false, false, false],
    [false, false, false],
    [false, false, false],
    [false, true, false],
    [false, true, true],
  ],
  dimensions: '3d',
};
const info = {
  id: 'st',
  name: 'st.tif',
  width: W,
  height: H,
  channelCount: 1,
  planes: Z,
  sizeZ: Z,
  sizeT: 1,
};

function stackImage(): OpenImage {
  const voxels = new Float32Array(Z * H * W);
  for (let i = 0; i < voxels.length; i++) voxels[i] = 500 + ((i * 7919) % 401) + 200 * Math.sin(i / 53);
  const plane = (p: number) => ({
    width: W,
    height: H,
    channels: [voxels.slice(p * W * H, (p + 1) * W * H)],
  });
  return {
    info,
    pixels: plane(0),
    readPlane: async (p: number) => plane(p),
    normalized: null,
  } as unknown as OpenImage;
}

const engine = {
  computeVolumeBlockFeatures: async (input: Parameters<typeof volumeFeatureBlockJob>[0]) =>
    volumeFeatureBlockJob(input).planes,
} as unknown as ClassifierEngine;

describe('the feature viewer on a 3-D project', () => {
  it('lists the 3-D channels: three eigenvalues per tensor cell, the too-deep scale in 2D', () => {
    const names = windowFeatureChannelNames(selection, info);
    expect(names).toEqual([
      'Gaussian Smoothing (σ=0.7)',
      'Structure Tensor Eigenvalues (σ=1.6) [0]',
      'Structure Tensor Eigenvalues (σ=1.6) [1]',
      'Structure Tensor Eigenvalues (σ=1.6) [2]',
      'Hessian of Gaussian Eigenvalues (σ=1.6) [0]',
      'Hessian of Gaussian Eigenvalues (σ=1.6) [1]',
      'Hessian of Gaussian Eigenvalues (σ=1.6) [2]',
      'Hessian of Gaussian Eigenvalues (σ=5.0) in 2D [0]',
      'Hessian of Gaussian Eigenvalues (σ=5.0) in 2D [1]',
    ]);
    // The same matrix in 2-D keeps the 2-D bank's names.
    const flat = { ...selection, dimensions: '2d' as const };
    expect(windowFeatureChannelNames(flat, info)).toEqual(featureChannelNames(flat, 1));
  });

  it('serves every listed channel by its name, with the values the 3-D bank computes', async () => {
    const image = stackImage();
    const cache = new FeatureTileCache();
    const predictor = new TilePredictor(engine, cache, new StackPlanes());
    const rect = { x: 4, y: 6, width: 20, height: 16 };
    const plane = 3;
    const bank = await predictor.features(
      image,
      { x: 0, y: 0, width: W, height: H },
      selection,
      undefined,
      plane,
    );
    const names = windowFeatureChannelNames(selection, info);
    expect(bank.length).toBe(names.length);
    for (const channel of [3, 6, names.length - 1]) {
      const tile = await featureTile(predictor, image, { imageId: 'st', rect, channel, plane }, selection);
      expect(tile.name).toBe(names[channel]);
      for (let y = 0; y < rect.height; y++)
        for (let x = 0; x < rect.width; x++)
          expect(tile.values[y * rect.width + x]).toBe(bank[channel][(rect.y + y) * W + rect.x + x]);
    }
  });
});
