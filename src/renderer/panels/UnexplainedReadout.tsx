/**
 * The status bar's word on the pixel under the pointer from the Unexplained layer: shown while that layer
 * (or Label here next) is on, so the bar stays short otherwise.
 */
import * as app from '../state/controller.js';
import { useApp } from '../state/store.js';
import { unexplainedAt } from '../viewer/unexplainedLayer.js';

export function UnexplainedReadout() {
  const pointer = useApp((s) => s.pointer);
  const imageId = useApp((s) => s.activeImageId);
  const isShown = useApp((s) => s.layers.unexplained.isVisible || s.layers.next.isVisible);
  useApp((s) => s.predictionVersion); // scores arrive after the pointer stopped
  if (!pointer || !imageId || !isShown) return null;
  const score = unexplainedAt(
    [...app.predictions.entries.values()].map((e) => e.tile),
    imageId,
    pointer.x,
    pointer.y,
  );
  if (score === null) return null;
  return (
    <span
      className="unexplained-readout"
      data-testid="pixel-unexplained"
      title="Unexplained: how poorly every scribbled class explains this pixel (0 = some class does)"
    >
      {score > 0 ? `unexplained ${Math.round(score * 100)} %` : 'explained'}
    </span>
  );
}
