/**
 * The window's feature bank per image: with FeatureMatrix.dimensions '3d' a z-stack gets ilastik's 3-D bank
 * (three eigenvalues per structure tensor and Hessian cell), with scales deeper than the stack computed in
 * 2-D; otherwise the 2-D bank per plane. The feature viewer's channel list and the backend's feature tiles
 * both name channels from here, so the picker offers exactly the channels the backend computes.
 */
import { featureChannelNames } from '../features/selection.js';
import type { FeatureMatrix, ProjectImage } from '../protocol/types.js';
import { featureChannelNames3d, unfitScales3d, type Features3dLayout } from './featureLayout3d.js';

/** z depth of an image's stack (1 when it has no z). */
export function stackDepth(info: Pick<ProjectImage, 'planes' | 'sizeZ' | 'sizeT'>): number {
  const planes = info.planes ?? 1;
  const z = info.sizeZ ?? planes;
  return z * (info.sizeT ?? 1) === planes ? z : planes;
}

/**
 * The 3-D layout the window uses for a stack `depth` planes deep: every scale too large for the depth
 * (ilastik refuses those) is computed in 2-D instead, as ilastik's "compute in 2D" would.
 */
export function windowLayout3d(selection: FeatureMatrix, depth: number): Features3dLayout {
  const sel = { scales: [...selection.scales], enabled: selection.enabled.map((r) => [...r]) };
  const tooDeep = new Set(
    unfitScales3d({ depth, height: Infinity, width: Infinity }, sel)
      .filter((u) => u.axis === 'z')
      .map((u) => u.scale),
  );
  return { computeIn2d: sel.scales.map((s) => tooDeep.has(s)) };
}

/** One name per feature channel the window computes for `image` under `selection`, in channel order. */
export function windowFeatureChannelNames(
  selection: FeatureMatrix,
  image: Pick<ProjectImage, 'channelCount' | 'planes' | 'sizeZ' | 'sizeT'>,
): string[] {
  const sel = { scales: [...selection.scales], enabled: selection.enabled.map((r) => [...r]) };
  if (selection.dimensions !== '3d') return featureChannelNames(sel, image.channelCount);
  return featureChannelNames3d(sel, image.channelCount, windowLayout3d(selection, stackDepth(image)));
}
