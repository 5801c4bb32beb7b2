/**
 * Where the window is in a stack: planes are numbered p = t · sizeZ + z (as ImageInfo.planes and the
 * backend count them), z and t from 0 as ilastik and napari show them. Pure, so it is unit-tested.
 */
import type { ProjectImage } from '../../core/protocol/types.js';

export interface StackShape {
  readonly planes: number;
  readonly sizeZ: number;
  readonly sizeT: number;
}

export type StackAxis = 'z' | 't';

/** The z and t sizes of an image; an image whose sizes do not multiply to its planes is read as z only. */
export function stackShapeOf(image: Pick<ProjectImage, 'planes' | 'sizeZ' | 'sizeT'>): StackShape {
  const planes = Math.max(1, image.planes ?? 1);
  const sizeZ = Math.max(1, image.sizeZ ?? planes);
  const sizeT = Math.max(1, image.sizeT ?? 1);
  return sizeZ * sizeT === planes ? { planes, sizeZ, sizeT } : { planes, sizeZ: planes, sizeT: 1 };
}

export function zOf(plane: number, shape: StackShape): number {
  return plane % shape.sizeZ;
}

export function tOf(plane: number, shape: StackShape): number {
  return Math.floor(plane / shape.sizeZ);
}

/** The plane at (z, t), each clamped to its axis. */
export function planeAt(z: number, t: number, shape: StackShape): number {
  const zz = Math.min(shape.sizeZ - 1, Math.max(0, Math.round(z)));
  const tt = Math.min(shape.sizeT - 1, Math.max(0, Math.round(t)));
  return tt * shape.sizeZ + zz;
}

/** The plane `delta` steps along z or t from `plane`, stopping at the ends of the axis. */
export function stepPlane(plane: number, shape: StackShape, axis: StackAxis, delta: number): number {
  const z = zOf(plane, shape);
  const t = tOf(plane, shape);
  return axis === 'z' ? planeAt(z + delta, t, shape) : planeAt(z, t + delta, shape);
}

/** Where the view is in the stack, e.g. "z 5, t 2"; empty for a plain image. */
export function planePosition(plane: number, shape: StackShape): string {
  const parts: string[] = [];
  if (shape.sizeZ > 1) parts.push(`z ${zOf(plane, shape)}`);
  if (shape.sizeT > 1) parts.push(`t ${tOf(plane, shape)}`);
  return parts.join(', ');
}

/**
 * The image's axes and their sizes, slowest first, as the image list shows them: "zyx 64 × 512 × 512",
 * "yxc 512 × 512 × 3". Images from backends that predate stacks read as `yx`.
 */
export function describeAxes(
  image: Pick<ProjectImage, 'axes' | 'planes' | 'sizeZ' | 'sizeT' | 'width' | 'height' | 'channelCount'>,
): string {
  const shape = stackShapeOf(image);
  const axes = image.axes ?? (image.channelCount > 1 ? 'cyx' : 'yx');
  const size: Record<string, number> = {
    t: shape.sizeT,
    z: shape.sizeZ,
    c: image.channelCount,
    y: image.height,
    x: image.width,
  };
  return `${axes} ${[...axes].map((a) => size[a] ?? 1).join(' × ')}`;
}
