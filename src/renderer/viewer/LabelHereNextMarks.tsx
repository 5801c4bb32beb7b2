/**
 * The "Label here next" layer: numbered rings on the few regions of the view where a stroke would teach
 * the model most (unexplainedLayer.ts, labelHereNext), recomputed when tiles arrive or the view moves.
 */
import { useMemo } from 'react';
import { Circle, Group, Text } from 'react-konva';
import type { ProbabilityTile } from '../../core/protocol/types.js';
import { useApp } from '../state/store.js';
import { labelHereNext } from './unexplainedLayer.js';

/** Ring and number sizes in screen pixels, whatever the zoom. */
const RING_WIDTH_PX = 3;
const NUMBER_PX = 16;

export function LabelHereNextMarks({ tiles }: { tiles: readonly ProbabilityTile[] }) {
  const layer = useApp((s) => s.layers.next);
  const view = useApp((s) => s.view);
  const viewport = useApp((s) => s.viewport);
  const predictionVersion = useApp((s) => s.predictionVersion);
  const spots = useMemo(() => {
    if (!layer.isVisible) return [];
    const visible = {
      x: -view.x / view.scale,
      y: -view.y / view.scale,
      width: viewport.width / view.scale,
      height: viewport.height / view.scale,
    };
    return labelHereNext(tiles, visible);
    // predictionVersion: the tiles' contents changed (the array itself is rebuilt on every render).
  }, [layer.isVisible, view, viewport, predictionVersion, tiles.length]);
  const s = 1 / view.scale;
  return (
    <Group visible={layer.isVisible} opacity={layer.opacity} listening={false}>
      {spots.map((spot, i) => {
        const cx = spot.rect.x + spot.rect.width / 2;
        const cy = spot.rect.y + spot.rect.height / 2;
        const radius = Math.max(spot.rect.width, 14 * s);
        return (
          <Group key={`${spot.rect.x},${spot.rect.y}`}>
            <Circle x={cx} y={cy} radius={radius} stroke="#000000" strokeWidth={(RING_WIDTH_PX + 2) * s} />
            <Circle x={cx} y={cy} radius={radius} stroke="#ffffff" strokeWidth={RING_WIDTH_PX * s} />
            <Text
              x={cx - radius}
              y={cy - radius - (NUMBER_PX + 4) * s}
              width={2 * radius}
              align="center"
              text={String(i + 1)}
              fontSize={NUMBER_PX * s}
              fontStyle="bold"
              fill="#ffffff"
              stroke="#000000"
              strokeWidth={0.8 * s}
            />
          </Group>
        );
      })}
    </Group>
  );
}
