/**
 * The window's 3-D features (FeatureMatrix.dimensions '3d'): the features of a tile of one plane of a
 * z-stack come from a block of LIVE_3D_BLOCK_PLANES planes around it, computed on the pool (job
 * 'volumeFeatureBlock') from the planes of the block plus the z, y, x context featureHalo3d asks for, and
 * cached per plane in the feature tile cache, so stepping to a neighbouring plane of the block costs no
 * feature work. Blocks of one time point share one offset per channel (measured on plane 0), so they stitch
 * exactly as the command line's volume blocks do; t frames are independent volumes.
 */
import { featureHalo3d } from '../../core/features3d/computeFeatures3d.js';
import { stackDepth, windowLayout3d } from '../../core/features3d/windowLayout3d.js';
import { featureOffsets } from '../../core/features/featureOffset.js';
import { ServiceError } from '../../core/protocol/ServiceError.js';
import type { FeatureMatrix } from '../../core/protocol/types.js';
import type { Rect } from '../../core/tiling.js';
import type { ClassifierEngine } from './ClassifierEngine.js';
import { LIVE_3D_BLOCK_PLANES } from './constants.js';
import { FeatureTileCache } from './FeatureTileCache.js';
import { WINDOW_FEATURE_CONVENTION } from './poolEngine.js';
import type { OpenImage } from './projectImage.js';
import type { StackPlanes } from './StackPlanes.js';

/** z depth of an open image's stack (1 when it has no z). */
export function depthOf(image: OpenImage): number {
  return stackDepth(image.info);
}

export { windowLayout3d };

export class LiveFeatures3d {
  private readonly pending = new Map<string, Promise<void>>();
  private readonly offsets = new Map<string, Promise<number[]>>();

  constructor(
    private readonly engine: ClassifierEngine,
    private readonly cache: FeatureTileCache,
    private readonly planes: StackPlanes,
  ) {}

  /** Features of `rect` on `plane`, from the cache or from its block computed in the pool. */
  async features(
    image: OpenImage,
    rect: Rect,
    selection: FeatureMatrix,
    plane: number,
    signal?: AbortSignal,
  ): Promise<Float32Array[]> {
    const depth = depthOf(image);
    if (depth < 2 || !this.engine.computeVolumeBlockFeatures) {
      throw new ServiceError(
        'invalid-argument',
        `3-D features need z-stacks, but ${image.info.name} has no z axis: turn 3-D features off in Features…`,
      );
    }
    const key = FeatureTileCache.key(image.info.id, rect, plane);
    for (let attempt = 0; attempt < 2; attempt++) {
      const cached = this.cache.get(key);
      if (cached) return cached;
      const t = Math.floor(plane / depth);
      const z0 = Math.floor((plane % depth) / LIVE_3D_BLOCK_PLANES) * LIVE_3D_BLOCK_PLANES;
      const z1 = Math.min(depth, z0 + LIVE_3D_BLOCK_PLANES);
      const blockKey = `${FeatureTileCache.key(image.info.id, rect)}|t${t}z${z0}`;
      let block = this.pending.get(blockKey);
      if (!block) {
        // Not tied to one request's signal: every request for a plane of the block shares it.
        block = this.computeBlock(image, rect, selection, depth, t, z0, z1);
        this.pending.set(blockKey, block);
        void block.finally(() => this.pending.delete(blockKey)).catch(() => undefined);
      }
      await block;
      if (signal?.aborted) throw new Error('cancelled');
    }
    // The cache dropped the block's planes as soon as they arrived (a budget smaller than one block).
    throw new Error(`the feature cache cannot hold one 3-D block of ${image.info.name}`);
  }

  /** Drops the offsets measured for an image (its normalization or the image changed). */
  clear(imageId?: string): void {
    for (const key of [...this.offsets.keys()])
      if (imageId === undefined || key.startsWith(`${imageId}:`)) this.offsets.delete(key);
  }

  private async computeBlock(
    image: OpenImage,
    rect: Rect,
    selection: FeatureMatrix,
    depth: number,
    t: number,
    z0: number,
    z1: number,
  ): Promise<void> {
    const sel = { scales: [...selection.scales], enabled: selection.enabled.map((r) => [...r]) };
    const layout = windowLayout3d(selection, depth);
    const [hz, hy, hx] = featureHalo3d(sel, { ...layout, convention: WINDOW_FEATURE_CONVENTION });
    const { width: W, height: H } = image.info;
    const oz0 = Math.max(0, z0 - hz);
    const oz1 = Math.min(depth, z1 + hz);
    const oy0 = Math.max(0, rect.y - hy);
    const oy1 = Math.min(H, rect.y + rect.height + hy);
    const ox0 = Math.max(0, rect.x - hx);
    const ox1 = Math.min(W, rect.x + rect.width + hx);
    const outer = { depth: oz1 - oz0, height: oy1 - oy0, width: ox1 - ox0 };
    const planeVoxels = outer.height * outer.width;
    const channels = Array.from(
      { length: image.info.channelCount },
      () => new Float32Array(outer.depth * planeVoxels),
    );
    for (let z = oz0; z < oz1; z++) {
      const pixels = await this.planes.forFeatures(image, t * depth + z);
      pixels.channels.forEach((src, c) => {
        for (let y = oy0; y < oy1; y++) {
          const from = y * W + ox0;
          channels[c].set(
            src.subarray(from, from + outer.width),
            (z - oz0) * planeVoxels + (y - oy0) * outer.width,
          );
        }
      });
    }
    const planes = await this.engine.computeVolumeBlockFeatures!({
      channels,
      outer,
      region: {
        z: z0 - oz0,
        y: rect.y - oy0,
        x: rect.x - ox0,
        depth: z1 - z0,
        height: rect.height,
        width: rect.width,
      },
      selection: sel,
      convention: WINDOW_FEATURE_CONVENTION,
      layout,
      offsets: await this.offsetsOf(image, t * depth),
      volumeShape: { depth, height: H, width: W },
    });
    const n = rect.width * rect.height;
    for (let z = z0; z < z1; z++) {
      const perPlane = planes.map((p) => p.slice((z - z0) * n, (z - z0 + 1) * n));
      this.cache.set(FeatureTileCache.key(image.info.id, rect, t * depth + z), perPlane);
    }
  }

  /** One offset per channel for every block of a time point: its first plane's. */
  private offsetsOf(image: OpenImage, firstPlane: number): Promise<number[]> {
    const key = `${image.info.id}:${firstPlane}`;
    let offsets = this.offsets.get(key);
    if (!offsets) {
      offsets = this.planes.forFeatures(image, firstPlane).then((p) => featureOffsets(p.channels));
      this.offsets.set(key, offsets);
      offsets.catch(() => this.offsets.delete(key));
    }
    return offsets;
  }
}

/** Throws `invalid-argument` naming the first image that is no z-stack (3-D features need z). */
export function checkStacksFor3d(images: Iterable<OpenImage>): void {
  for (const image of images) {
    if (depthOf(image) < 2) {
      throw new ServiceError(
        'invalid-argument',
        `3-D features need z-stacks, but ${image.info.name} has no z axis: keep 2-D features for this project`,
      );
    }
  }
}
