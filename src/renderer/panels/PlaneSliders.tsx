/**
 * The z and t sliders of a stack, over the bottom of the image view (napari's dims sliders): one per axis
 * the image has, each with its position; hidden for plain images. Keys step them too (planeActions.ts).
 */
import type { ProjectImage } from '../../core/protocol/types.js';
import * as app from '../state/controller.js';
import { planeAt, stackShapeOf, tOf, zOf, type StackAxis } from '../state/planeMath.js';
import { useApp } from '../state/store.js';

export function PlaneSliders({ image }: { image: ProjectImage }) {
  const plane = useApp((s) => s.plane);
  const shape = stackShapeOf(image);
  if (shape.planes <= 1) return null;
  const z = zOf(plane, shape);
  const t = tOf(plane, shape);
  const slider = (axis: StackAxis, value: number, size: number, keys: string) => (
    <label className="plane-slider" title={`${axis === 'z' ? 'Focal plane' : 'Time point'} (${keys})`}>
      <span className="plane-axis">{axis}</span>
      <input
        type="range"
        min={0}
        max={size - 1}
        step={1}
        value={value}
        data-testid={`${axis}-slider`}
        aria-label={axis === 'z' ? 'z plane' : 'time point'}
        onChange={(e) => {
          const v = Number(e.target.value);
          app.showPlane(axis === 'z' ? planeAt(v, t, shape) : planeAt(z, v, shape));
        }}
      />
      <span className="plane-value" data-testid={`${axis}-position`}>
        {value} / {size - 1}
      </span>
    </label>
  );
  return (
    <div className="plane-sliders" data-testid="plane-sliders" onPointerDown={(e) => e.stopPropagation()}>
      {shape.sizeZ > 1 ? slider('z', z, shape.sizeZ, ', . or PageUp PageDown') : null}
      {shape.sizeT > 1 ? slider('t', t, shape.sizeT, '< >') : null}
    </div>
  );
}
