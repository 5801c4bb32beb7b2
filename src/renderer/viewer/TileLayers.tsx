/**
 * The view's tile layers, each its own component subscribed to what it draws, so that arriving
 * probabilities re-render (and Konva redraws) the overlay alone, not the whole view with its image tiles,
 * feature layer and label layer; and a stroke's new labels do not re-render the tiles.
 */
import type Konva from 'konva';
import { memo, useEffect, useLayoutEffect, useRef } from 'react';
import { Group, Image as KonvaImage, Layer } from 'react-konva';
import type { LabelClass, ProjectImage } from '../../core/protocol/types.js';
import type { Rect } from '../../core/tiling.js';
import { imageTiles, predictions } from '../state/controller.js';
import { OVERLAY_MODES, useApp } from '../state/store.js';
import { LabelHereNextMarks } from './LabelHereNextMarks.js';
import { levelForScale } from './rendering.js';
import { imageCanvas, noteShownOverlayCanvases, overlayCanvas } from './useTileCanvases.js';

const NO_CLASSES: readonly LabelClass[] = [];

interface TileLayerProps {
  /** The image shown (none: the layer stays, empty, so the layers keep their order). */
  readonly image: ProjectImage | undefined;
  readonly plane: number;
}

/** One tile's canvas at its place in image pixels; nothing while the tile has no canvas yet. */
function TileImage({ canvas, rect }: { canvas: HTMLCanvasElement | null; rect: Rect }) {
  return canvas ? (
    <KonvaImage image={canvas} x={rect.x} y={rect.y} width={rect.width} height={rect.height} />
  ) : null;
}

/** Test and automation hook: names the layer's canvas so its pixels can be read (windowDriver.ts). */
function useLayerName(layer: React.RefObject<Konva.Layer | null>, name: string): void {
  useEffect(() => layer.current?.getNativeCanvasElement().setAttribute('data-layer', name));
}

/** Raw tiles at the zoom level needed (neighbouring levels fill in while they load), windowed per channel. */
export const ImageTilesLayer = memo(function ImageTilesLayer({ image, plane }: TileLayerProps) {
  const layerRef = useRef<Konva.Layer>(null);
  const display = useApp((s) => (image ? s.display[image.id] : undefined));
  const imageVersion = useApp((s) => s.imageVersion);
  const layer = useApp((s) => s.layers.image);
  const level = useApp((s) => levelForScale(s.view.scale));
  useLayerName(layerRef, 'image');
  // Tile canvases are redrawn in place when the contrast changes; Konva sees the same image objects, so
  // it must be told to repaint.
  useEffect(() => {
    layerRef.current?.batchDraw();
  }, [display, imageVersion, layer]);
  const tiles =
    image && display
      ? // Coarser levels are drawn first, under finer ones.
        [...imageTiles.entries.values()]
          .filter(
            (t) =>
              t.tile &&
              t.tile.imageId === image.id &&
              (t.tile.plane ?? 0) === plane &&
              Math.abs(t.tile.level - level) <= 1,
          )
          .sort((a, b) => b.tile!.level - a.tile!.level)
      : [];
  return (
    <Layer
      ref={layerRef}
      imageSmoothingEnabled={false}
      listening={false}
      visible={layer.isVisible}
      opacity={layer.opacity}
    >
      {tiles.map((t) => {
        const r = t.tile!.rect;
        return (
          <TileImage key={`${t.tile!.level}:${r.x},${r.y}`} canvas={imageCanvas(t, display!)} rect={r} />
        );
      })}
    </Layer>
  );
});

/** The probability overlays (one group per overlay mode, each with its visibility and opacity). */
export const OverlayLayer = memo(function OverlayLayer({ image, plane }: TileLayerProps) {
  const layerRef = useRef<Konva.Layer>(null);
  const overlay = useApp((s) => s.overlay);
  const layers = useApp((s) => s.layers);
  const classes = useApp((s) => s.project?.classes ?? NO_CLASSES);
  const predictionVersion = useApp((s) => s.predictionVersion);
  useLayerName(layerRef, 'overlay');
  useEffect(() => {
    layerRef.current?.batchDraw();
  }, [overlay, predictionVersion, classes, layers]);
  const predicted = image ? predictions.forImage(image.id, plane) : [];
  const drawn = OVERLAY_MODES.map((mode) =>
    layers[mode].isVisible
      ? predicted.map((p) => ({ rect: p.tile.rect, canvas: overlayCanvas(p, classes, overlay, mode) }))
      : [],
  );
  // Later tiles draw into older tiles' canvases (useTileCanvases.ts), never into these once on screen.
  useLayoutEffect(() =>
    noteShownOverlayCanvases(new Set(drawn.flat().flatMap((t) => (t.canvas ? [t.canvas] : [])))),
  );
  return (
    <Layer ref={layerRef} imageSmoothingEnabled={false} listening={false}>
      {OVERLAY_MODES.map((mode, m) => (
        <Group key={mode} visible={layers[mode].isVisible} opacity={layers[mode].opacity}>
          {drawn[m].map(({ rect: r, canvas }) => (
            <TileImage key={`${r.x},${r.y}`} canvas={canvas} rect={r} />
          ))}
        </Group>
      ))}
    </Layer>
  );
});

/** The "label here next" marks; hidden, an empty layer's canvas is not composited (costly without a GPU). */
export const LabelHereNextLayer = memo(function LabelHereNextLayer({ image, plane }: TileLayerProps) {
  const isVisible = useApp((s) => s.layers.next.isVisible);
  useApp((s) => (s.layers.next.isVisible ? s.predictionVersion : -1)); // the tiles' contents changed
  const tiles = image && isVisible ? predictions.forImage(image.id, plane).map((p) => p.tile) : [];
  return (
    <Layer listening={false} visible={isVisible}>
      <LabelHereNextMarks tiles={tiles} />
    </Layer>
  );
});
