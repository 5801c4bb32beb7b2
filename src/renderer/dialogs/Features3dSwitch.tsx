/**
 * The feature dialog's "3-D features" switch: for projects of z-stacks, features over z (ilastik's 3-D
 * bank) instead of per plane. Offered only when every image of the project is a z-stack (3-D features of a
 * plain image have no z to filter along); scales deeper than a stack are computed in 2-D, as it says.
 */
import type { ProjectImage } from '../../core/protocol/types.js';
import { stackShapeOf } from '../state/planeMath.js';

export type FeatureDimensions = '2d' | '3d';

export function canUse3d(images: readonly ProjectImage[]): boolean {
  return images.length > 0 && images.every((im) => stackShapeOf(im).sizeZ > 1);
}

export function Features3dSwitch({
  images,
  dimensions,
  onChange,
}: {
  images: readonly ProjectImage[];
  dimensions: FeatureDimensions;
  onChange: (dimensions: FeatureDimensions) => void;
}) {
  const isPossible = canUse3d(images);
  if (!isPossible && dimensions === '2d' && !images.some((im) => stackShapeOf(im).sizeZ > 1)) return null;
  return (
    <label
      className="inline-field"
      title={
        isPossible
          ? 'Features over z, as ilastik computes them for volumes: the visible plane from a block of planes around it. Scales deeper than a stack are computed in 2-D.'
          : 'Every image of the project must be a z-stack for 3-D features'
      }
    >
      <input
        type="checkbox"
        data-testid="features-3d"
        disabled={!isPossible}
        checked={dimensions === '3d'}
        onChange={(e) => onChange(e.target.checked ? '3d' : '2d')}
      />
      3-D features (over z)
    </label>
  );
}
