/**
 * The feature viewer layer (ilastik's): one channel of the feature bank, chosen in the layer list, drawn
 * in grey with auto contrast over the visible full-resolution tiles. Tiles come from the backend's cached
 * feature tiles (getFeatureTile) and are kept here per selection, image, plane and channel.
 */
import type Konva from 'konva';
import { useEffect, useRef, useState } from 'react';
import { create } from 'zustand';
import { Image as KonvaImage, Layer } from 'react-konva';
import { PREDICTION_TILE_SIZE } from '../../core/protocol/constants.js';
import type { FeatureTile } from '../../core/protocol/types.js';
import { findImage, service, showError } from '../state/controller.js';
import { useApp } from '../state/store.js';
import { greyFeature, tileRange, unionRange, type ValueRange } from './featureDisplay.js';
import { visibleTiles } from './rendering.js';

/** The channel the Feature layer shows (index into featureChannelNames of the selection), or none. */
export const useFeatureChannel = create<{ channel: number | null }>(() => ({ channel: null }));

/** Feature tiles kept (each 256 KiB of float32): a few views' worth. */
const MAX_FEATURE_TILES = 96;

interface Entry {
  tile: FeatureTile;
  range: ValueRange;
  canvas: HTMLCanvasElement | null;
  drawnWith: string;
}

const entries = new Map<string, Entry | 'loading'>();

function remember(key: string, value: Entry | 'loading'): void {
  entries.delete(key);
  entries.set(key, value);
  while (entries.size > MAX_FEATURE_TILES) entries.delete(entries.keys().next().value!);
}

function canvasOf(entry: Entry, range: ValueRange): HTMLCanvasElement {
  const key = `${range.min},${range.max}`;
  if (entry.canvas && entry.drawnWith === key) return entry.canvas;
  const { width, height } = entry.tile.rect;
  const canvas = entry.canvas ?? document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const data = new ImageData(width, height);
  greyFeature(entry.tile.values, range, data.data);
  canvas.getContext('2d')!.putImageData(data, 0, 0);
  entry.canvas = canvas;
  entry.drawnWith = key;
  return canvas;
}

export function FeatureLayer() {
  const channel = useFeatureChannel((s) => s.channel);
  const layer = useApp((s) => s.layers.feature);
  const imageId = useApp((s) => s.activeImageId);
  const plane = useApp((s) => s.plane);
  const view = useApp((s) => s.view);
  const viewport = useApp((s) => s.viewport);
  // The selection and normalization change the numbers: they are part of every key.
  const selection = useApp((s) => JSON.stringify([s.project?.features, s.project?.normalization]));
  const [, setArrived] = useState(0);
  const layerRef = useRef<Konva.Layer>(null);
  // Test and automation hook, as the viewer's other layers have.
  useEffect(() => layerRef.current?.getNativeCanvasElement().setAttribute('data-layer', 'feature'));
  const image = findImage(imageId);
  const isShown = layer.isVisible && channel !== null && image !== undefined;
  const wanted = isShown ? visibleTiles(view, viewport, image, PREDICTION_TILE_SIZE) : [];
  const keyOf = (x: number, y: number) => `${selection}|${imageId}|${plane}|${channel}|${x},${y}`;
  const wantedKeys = wanted.map((r) => keyOf(r.x, r.y)).join(';');

  useEffect(() => {
    if (!isShown || channel === null || !imageId) return;
    // Fetch after the view settles, so panning does not ask for every tile passed over.
    const timer = setTimeout(() => {
      for (const rect of wanted) {
        const key = keyOf(rect.x, rect.y);
        if (entries.has(key)) continue;
        remember(key, 'loading');
        service()
          .getFeatureTile({ imageId, rect, channel, plane })
          .then((tile) => {
            remember(key, { tile, range: tileRange(tile.values), canvas: null, drawnWith: '' });
            setArrived((n) => n + 1);
          })
          .catch((err: unknown) => {
            entries.delete(key);
            showError(err);
          });
      }
    }, 150);
    return () => clearTimeout(timer);
    // wantedKeys names the tiles (and through the key the selection, image, plane and channel).
  }, [wantedKeys, isShown]);

  const shown = wanted.flatMap((r) => {
    const e = entries.get(keyOf(r.x, r.y));
    return e && e !== 'loading' ? [e] : [];
  });
  const range = unionRange(shown.map((e) => e.range));
  return (
    <Layer
      ref={layerRef}
      imageSmoothingEnabled={false}
      listening={false}
      visible={isShown}
      opacity={layer.opacity}
    >
      {range
        ? shown.map((e) => (
            <KonvaImage
              key={`${e.tile.rect.x},${e.tile.rect.y}`}
              image={canvasOf(e, range)}
              x={e.tile.rect.x}
              y={e.tile.rect.y}
              width={e.tile.rect.width}
              height={e.tile.rect.height}
            />
          ))
        : null}
    </Layer>
  );
}
