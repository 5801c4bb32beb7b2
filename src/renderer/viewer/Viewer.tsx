/**
 * The image view: raw tiles at the zoom level needed (windowed per channel), the probability overlay,
 * the labels and the stroke being painted, in one Konva stage whose transform is the view (zoom, pan).
 * Left button paints (or erases), middle/right button or Space+drag pans, the wheel zooms at the cursor,
 * two fingers pinch-zoom.
 */
import type Konva from 'konva';
import { useEffect, useRef, useState } from 'react';
import { Group, Image as KonvaImage, Layer, Line, Stage } from 'react-konva';
import type { Stroke } from '../../core/labels/Stroke.js';
import type { LabelClass } from '../../core/protocol/types.js';
import {
  commitStroke,
  findImage,
  host,
  labels,
  onViewChanged,
  takeLabelsDirty,
} from '../state/controller.js';
import { emptyStateHint } from '../state/emptyStateHint.js';
import { acceptPredictionUnder } from '../state/proofreading.js';
import { getApp, setApp, useApp } from '../state/store.js';
import { colorizeLabels, growRect, parseColor, zoomAt } from './rendering.js';
import { ImageTilesLayer, LabelHereNextLayer, OverlayLayer } from './TileLayers.js';
import { FeatureLayer } from './FeatureLayer.js';
import { PlaneSliders } from '../panels/PlaneSliders.js';
import { BrushCursor, useBrushCursor } from './BrushCursor.js';

const NO_CLASSES: readonly LabelClass[] = [];

/** Wheel notches to zoom factor: one notch (100 px of deltaY) ≈ ×1.25, smooth for trackpads. */
const WHEEL_ZOOM_PER_PIXEL = 0.0022;

interface Gesture {
  kind: 'paint' | 'pan' | 'pinch';
  points: number[];
  lastX: number;
  lastY: number;
  pinchDistance: number;
}

export function Viewer() {
  const container = useRef<HTMLDivElement>(null);
  const labelLayer = useRef<Konva.Layer>(null);
  const strokeLine = useRef<Konva.Line>(null);
  const labelCanvas = useRef<HTMLCanvasElement | null>(null);
  // The canvas the label layer draws: state, so that a canvas made for a new image size is drawn at
  // once (the view no longer re-renders on every pointer move or arriving tile to pick it up by chance).
  const [shownLabelCanvas, setShownLabelCanvas] = useState<HTMLCanvasElement | null>(null);
  const gesture = useRef<Gesture | null>(null);
  const [isSpaceDown, setSpaceDown] = useState(false);
  const brushCursor = useBrushCursor();

  const project = useApp((s) => s.project);
  const activeImageId = useApp((s) => s.activeImageId);
  const plane = useApp((s) => s.plane);
  const view = useApp((s) => s.view);
  const viewport = useApp((s) => s.viewport);
  const layers = useApp((s) => s.layers);
  const labelsVersion = useApp((s) => s.labelsVersion);
  const tool = useApp((s) => s.tool);
  const brushRadius = useApp((s) => s.brushRadius);
  const activeClassId = useApp((s) => s.activeClassId);
  const image = findImage(activeImageId);
  const classes = project?.classes ?? NO_CLASSES;
  const activeColor = classes.find((c) => c.id === activeClassId)?.color ?? '#ffffff';

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const observer = new ResizeObserver(() => {
      setApp({ viewport: { width: el.clientWidth, height: el.clientHeight } });
      onViewChanged();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Test and automation hook: name the layer canvas so its pixels can be read (the tile layers name theirs).
  useEffect(() => {
    labelLayer.current?.getNativeCanvasElement().setAttribute('data-layer', 'labels');
  });

  // Label raster → label canvas, only the changed rectangle when known.
  useEffect(() => {
    if (!image) return;
    const raster = labels.raster(image.id, plane);
    if (!raster) return;
    let canvas = labelCanvas.current;
    const isNew =
      !canvas ||
      canvas.width !== image.width ||
      canvas.height !== image.height ||
      canvas.dataset.image !== image.id ||
      canvas.dataset.plane !== String(plane);
    if (!canvas || canvas.width !== image.width || canvas.height !== image.height) {
      canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      labelCanvas.current = canvas;
      setShownLabelCanvas(canvas);
    }
    // Another plane (or image) of the same size redraws the canvas the layer already shows, in full.
    canvas.dataset.image = image.id;
    canvas.dataset.plane = String(plane);
    const dirty = takeLabelsDirty();
    // The outline reaches one pixel past the changed labels.
    const rect =
      !isNew && dirty ? growRect(dirty, 1, image) : { x: 0, y: 0, width: image.width, height: image.height };
    if (rect.width <= 0 || rect.height <= 0) return;
    const colors = new Map(classes.map((c) => [c.id, parseColor(c.color)] as const));
    const data = new ImageData(rect.width, rect.height);
    colorizeLabels(raster, image, rect, colors, data.data);
    canvas.getContext('2d')!.putImageData(data, rect.x, rect.y);
    labelLayer.current?.batchDraw();
  }, [labelsVersion, image, classes, plane]);

  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      if (e.code === 'Space' && !isTyping(e)) setSpaceDown(true);
    };
    const up = (e: KeyboardEvent) => {
      if (e.code === 'Space') setSpaceDown(false);
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
    };
  }, []);

  const toImage = (sx: number, sy: number) => ({
    x: (sx - view.x) / view.scale,
    y: (sy - view.y) / view.scale,
  });

  const onPointerDown = (e: Konva.KonvaEventObject<PointerEvent>) => {
    const stage = e.target.getStage();
    const p = stage?.getPointerPosition();
    if (!p || !image) return;
    container.current?.focus({ preventScroll: true }); // keys act on the image after a click on it
    const isPan = e.evt.button === 1 || e.evt.button === 2 || isSpaceDown;
    if (!isPan && e.evt.button !== 0) return;
    const q = toImage(p.x, p.y);
    gesture.current = {
      kind: isPan ? 'pan' : 'paint',
      points: isPan ? [] : [q.x, q.y],
      lastX: p.x,
      lastY: p.y,
      pinchDistance: 0,
    };
    if (!isPan) drawLiveStroke();
  };

  const onPointerMove = (e: Konva.KonvaEventObject<PointerEvent>) => {
    const p = e.target.getStage()?.getPointerPosition();
    if (!p) return;
    brushCursor.moveTo(p);
    notePointer(toImage(p.x, p.y), image);
    const g = gesture.current;
    if (!g) return;
    if (g.kind === 'pan') {
      const { view: v } = getApp();
      setApp({ view: { ...v, x: v.x + p.x - g.lastX, y: v.y + p.y - g.lastY } });
      g.lastX = p.x;
      g.lastY = p.y;
      onViewChanged();
    } else if (g.kind === 'paint') {
      const q = toImage(p.x, p.y);
      g.points.push(q.x, q.y);
      drawLiveStroke();
    }
  };

  const onPointerUp = () => {
    const g = gesture.current;
    gesture.current = null;
    if (!g || g.kind !== 'paint' || !image) return;
    if (g.points.length === 2) g.points.push(g.points[0], g.points[1]);
    const stroke: Stroke = {
      id: newId(),
      kind: 'stroke',
      imageId: image.id,
      plane,
      classId: activeClassId,
      radiusPx: brushRadius,
      mode: tool === 'eraser' ? 'erase' : 'paint',
      points: new Float32Array(g.points),
    };
    strokeLine.current?.points([]);
    labelLayer.current?.batchDraw();
    if (tool === 'accept') acceptPredictionUnder(stroke);
    else commitStroke(stroke);
  };

  const drawLiveStroke = () => {
    const g = gesture.current;
    if (!g || !strokeLine.current) return;
    const pts = g.points.length === 2 ? [...g.points, g.points[0] + 0.01, g.points[1]] : g.points;
    strokeLine.current.points(pts);
    labelLayer.current?.batchDraw();
  };

  const onWheel = (e: Konva.KonvaEventObject<WheelEvent>) => {
    e.evt.preventDefault();
    const p = e.target.getStage()?.getPointerPosition();
    if (!p) return;
    const factor = Math.exp(-e.evt.deltaY * WHEEL_ZOOM_PER_PIXEL * (e.evt.ctrlKey ? 4 : 1));
    setApp({ view: zoomAt(getApp().view, factor, p.x, p.y) });
    onViewChanged();
  };

  const onTouchMove = (e: Konva.KonvaEventObject<TouchEvent>) => {
    const touches = e.evt.touches;
    if (touches.length !== 2) return;
    e.evt.preventDefault();
    const [a, b] = [touches[0], touches[1]];
    const distance = Math.hypot(a.clientX - b.clientX, a.clientY - b.clientY);
    const box = container.current!.getBoundingClientRect();
    const cx = (a.clientX + b.clientX) / 2 - box.left;
    const cy = (a.clientY + b.clientY) / 2 - box.top;
    const g = gesture.current;
    if (g?.kind === 'pinch' && g.pinchDistance > 0) {
      const v = zoomAt(getApp().view, distance / g.pinchDistance, cx, cy);
      setApp({ view: { ...v, x: v.x + cx - g.lastX, y: v.y + cy - g.lastY } });
      onViewChanged();
    }
    gesture.current = { kind: 'pinch', points: [], lastX: cx, lastY: cy, pinchDistance: distance };
  };

  return (
    <div
      ref={container}
      className={`viewer ${isSpaceDown ? 'is-panning' : ''}`}
      data-testid="viewer"
      tabIndex={0}
      aria-label="Image view: paint with the left button, pan with Space + drag, zoom with the wheel"
      onContextMenu={(e) => e.preventDefault()}
      onPointerLeave={() => {
        brushCursor.moveTo(null);
        setApp({ pointer: null });
      }}
    >
      <Stage
        width={viewport.width}
        height={viewport.height}
        scaleX={view.scale}
        scaleY={view.scale}
        x={view.x}
        y={view.y}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onWheel={onWheel}
        onTouchMove={onTouchMove}
        onTouchEnd={() => (gesture.current = null)}
      >
        <ImageTilesLayer image={image} plane={plane} />
        <FeatureLayer />
        <OverlayLayer image={image} plane={plane} />
        <LabelHereNextLayer image={image} plane={plane} />
        <Layer ref={labelLayer} imageSmoothingEnabled={false} listening={false}>
          <Group visible={layers.labels.isVisible} opacity={layers.labels.opacity}>
            {image && shownLabelCanvas ? (
              <KonvaImage image={shownLabelCanvas} x={0} y={0} width={image.width} height={image.height} />
            ) : null}
          </Group>
          <Line
            ref={strokeLine}
            points={[]}
            stroke={tool === 'eraser' ? '#000000' : tool === 'accept' ? '#ffffff' : activeColor}
            opacity={tool === 'eraser' ? 0.5 : tool === 'accept' ? 0.35 : 1}
            strokeWidth={brushRadius * 2}
            lineCap="round"
            lineJoin="round"
          />
        </Layer>
      </Stage>
      <BrushCursor
        cursorRef={brushCursor.ref}
        radiusPx={brushRadius * view.scale}
        tool={tool}
        color={activeColor}
      />
      {image ? <PlaneSliders image={image} /> : null}
      {!image ? (
        <div className="viewer-empty" data-testid="empty-hint">
          {emptyStateHint(host())}
        </div>
      ) : null}
    </div>
  );
}

/** Stores the image pixel under the pointer (null off the image), only when it changed. */
function notePointer(
  at: { x: number; y: number },
  image: { width: number; height: number } | undefined,
): void {
  const x = Math.floor(at.x);
  const y = Math.floor(at.y);
  const inside = image !== undefined && x >= 0 && y >= 0 && x < image.width && y < image.height;
  const before = getApp().pointer;
  if (!inside) {
    if (before) setApp({ pointer: null });
  } else if (!before || before.x !== x || before.y !== y) setApp({ pointer: { x, y } });
}

function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable);
}

function newId(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `s${Date.now()}${Math.random().toString(36).slice(2)}`;
}
