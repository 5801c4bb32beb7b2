/**
 * What the 3-D feature bank needs from a project's feature settings, checked once per stack before any
 * block is read: a stack with a z axis, scales that fit it (ilastik refuses ⌈3.5·σ⌉ + 1 > axis length), the
 * channel count the model was trained on.
 */
import { featureHalo3d, featureWorkBytes3d } from '../../core/features3d/computeFeatures3d.js';
import {
  featureChannelCount3d,
  featureChannelNames3d,
  unfitScales3d,
  type Features3dLayout,
} from '../../core/features3d/featureLayout3d.js';
import type { Box, Shape3 } from '../../core/features3d/volume3d.js';
import type { BlockCosts } from './volumeBlocks.js';
import type { FeatureConvention, FeatureSelection } from '../../core/features/selection.js';
import { features3dLayoutOf } from '../../core/project/featureSettings.js';
import type { FeatureSettings } from '../../core/project/Project.js';

export interface VolumeFeatureSpec {
  readonly selection: FeatureSelection;
  readonly convention: FeatureConvention;
  readonly layout: Features3dLayout;
  /** Context (z, y, x voxels) a block needs on each side. */
  readonly halo: [number, number, number];
}

export function volumeFeatureSpec(settings: FeatureSettings): VolumeFeatureSpec {
  const layout = features3dLayoutOf(settings);
  const { selection, convention } = settings;
  return { selection, convention, layout, halo: featureHalo3d(selection, { ...layout, convention }) };
}

export function volumeFeatureCount(spec: VolumeFeatureSpec, channels: number): number {
  return featureChannelCount3d(spec.selection, channels, spec.layout);
}

/** What a block of a frame with `channels` channels costs, for the block plan (chooseBlockCore). */
export function volumeBlockCosts(spec: VolumeFeatureSpec, channels: number, resultCount: number): BlockCosts {
  const options = { ...spec.layout, convention: spec.convention };
  return {
    featureCount: volumeFeatureCount(spec, channels),
    channels,
    resultCount,
    workBytes: (outer: Shape3, core: Box) => featureWorkBytes3d(outer, core, spec.selection, options),
  };
}

export function volumeFeatureNames(spec: VolumeFeatureSpec, channels: number): string[] {
  return featureChannelNames3d(spec.selection, channels, spec.layout);
}

/**
 * Throws one line (without the file name; callers add it) unless the frame can take the 3-D bank: it has
 * a z axis and every selected scale fits every axis.
 */
export function checkVolumeFits(spec: VolumeFeatureSpec, frame: Shape3, axes: string): void {
  if (frame.depth < 2) {
    throw new RangeError(
      `has no z axis (axes ${axes}) but the project computes 3-D features: train a 2-D project (--dims 2d) for it`,
    );
  }
  const unfit = unfitScales3d(frame, spec.selection, spec.layout);
  if (unfit.length === 0) return;
  const u = unfit[0];
  const what = u.axis === 'z' ? 'planes' : 'pixels';
  throw new RangeError(
    `scale ${u.scale} does not fit the ${u.axis} axis: it needs ${u.needed} ${what} (⌈3.5·σ⌉ + 1) and the ${u.axis} axis has ${u.length}; ` +
      (u.axis === 'z' ? 'deselect the scale, compute it in 2D, or use --dims 2d' : 'deselect the scale'),
  );
}
