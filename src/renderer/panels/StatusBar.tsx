/**
 * The bottom line: what the window is doing (or the error), the pixel under the pointer (position, raw
 * value per channel, class probabilities there), the project file and the zoom.
 */
import { useEffect, useState } from 'react';
import type { LabelClass } from '../../core/protocol/types.js';
import * as app from '../state/controller.js';
import { setApp, useApp } from '../state/store.js';
import { formatValue, probabilitiesAt, rawValuesAt } from '../viewer/pixelReadout.js';
import { UnexplainedReadout } from './UnexplainedReadout.js';
import { planePosition, stackShapeOf } from '../state/planeMath.js';

/** Pointer rests this long on a pixel whose tile the window lacks before its value is asked for. */
const VALUE_FETCH_DELAY_MS = 40;
const NO_CLASSES: readonly LabelClass[] = [];

export function StatusBar() {
  const status = useApp((s) => s.status);
  const error = useApp((s) => s.error);
  const progress = useApp((s) => s.progress);
  const scale = useApp((s) => s.view.scale);
  const path = useApp((s) => s.project?.path);
  return (
    <footer className="statusbar">
      <span className="status-text" data-testid="status" title={status}>
        {status}
      </span>
      {progress ? (
        <span>
          {progress.task} <progress max={progress.total} value={progress.done} /> {progress.done}/
          {progress.total}
        </span>
      ) : null}
      {error ? (
        <span className="error-text" data-testid="error" role="alert">
          {error}{' '}
          <button type="button" className="link" onClick={() => setApp({ error: null })}>
            dismiss
          </button>
        </span>
      ) : null}
      <span className="spacer" />
      <PixelReadout />
      <UnexplainedReadout />
      <span className="muted project-path" title={path ?? undefined}>
        {path ?? 'unsaved project'}
      </span>
      <span className="muted">{Math.round(scale * 100)} %</span>
    </footer>
  );
}

function PixelReadout() {
  const pointer = useApp((s) => s.pointer);
  const imageId = useApp((s) => s.activeImageId);
  const plane = useApp((s) => s.plane);
  const classes = useApp((s) => s.project?.classes ?? NO_CLASSES);
  useApp((s) => s.predictionVersion); // probabilities arrive after the pointer stopped
  const values = useRawValues(imageId, pointer, plane);
  const image = app.findImage(imageId);
  if (!pointer || !imageId) return null;
  const position = image ? planePosition(plane, stackShapeOf(image)) : '';
  const probabilities = probabilitiesAt(
    [...app.predictions.entries.values()].map((e) => e.tile).filter((t) => (t.plane ?? 0) === plane),
    imageId,
    pointer.x,
    pointer.y,
  );
  return (
    <span className="pixel-readout" data-testid="pixel-readout">
      <span data-testid="pixel-position">
        x {pointer.x}, y {pointer.y}, {position || 'plane 1/1'}
      </span>
      <span data-testid="pixel-value">
        {values ? `value ${values.map(formatValue).join(', ')}` : 'value …'}
      </span>
      {probabilities && probabilities.length === classes.length ? (
        <span data-testid="pixel-probabilities">
          {classes.map((c, i) => (
            <span key={c.id} className="probability">
              <span className="swatch" style={{ background: c.color }} />
              {c.name} {Math.round(probabilities[i] * 100)} %
            </span>
          ))}
        </span>
      ) : null}
    </span>
  );
}

/** Raw values under the pointer: from a cached full-resolution tile, else asked of the backend. */
function useRawValues(
  imageId: string | null,
  pointer: { x: number; y: number } | null,
  plane: number,
): number[] | null {
  const [fetched, setFetched] = useState<{ key: string; values: number[] } | null>(null);
  useApp((s) => s.imageVersion);
  const key = imageId && pointer ? `${imageId}:${plane}:${pointer.x},${pointer.y}` : '';
  const cached =
    imageId && pointer
      ? rawValuesAt(
          [...app.imageTiles.entries.values()].flatMap((e) =>
            e.tile && (e.tile.plane ?? 0) === plane ? [e.tile] : [],
          ),
          imageId,
          pointer.x,
          pointer.y,
        )
      : null;
  const isCached = cached !== null;
  useEffect(() => {
    if (!key || isCached || !imageId || !pointer) return;
    const timer = setTimeout(() => {
      app
        .service()
        .getImageTile({
          imageId,
          level: 0,
          rect: { x: pointer.x, y: pointer.y, width: 1, height: 1 },
          plane,
        })
        .then((tile) => setFetched({ key, values: tile.channels.map((c) => c[0]) }))
        .catch(() => undefined); // the image was removed meanwhile: nothing to show
    }, VALUE_FETCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [key, isCached]); // the key names the pixel; imageId and pointer are in it
  return cached ?? (fetched?.key === key ? fetched.values : null);
}
