/**
 * The window's copy of the labels: per image and plane of a stack, the strokes (source of truth), the
 * raster derived from them (base raster from the project file + strokes) and the undo history (one per
 * plane, so undo on plane 5 never takes back a stroke on plane 2 out of sight). Every change returns the
 * LabelChange to send to the backend and the rectangle to repaint.
 */
import { History } from '../../core/labels/History.js';
import { rasterizeStroke, rerasterizeRect } from '../../core/labels/rasterizeStroke.js';
import { applyDiff, type RecordsDiff } from '../../core/labels/RecordsDiff.js';
import { strokeBounds, strokePlane, type Stroke } from '../../core/labels/Stroke.js';
import type { LabelChange, ProjectImage, Rect } from '../../core/protocol/types.js';

export interface LabelEdit {
  readonly change: LabelChange;
  /** Pixels whose label may have changed, or null when nothing did. */
  readonly dirty: Rect | null;
}

class ImageLabels {
  strokes = new Map<string, Stroke>();
  readonly history = new History<Stroke>();
  readonly raster: Uint8Array;

  constructor(
    readonly image: ProjectImage,
    readonly base: Uint8Array | null,
  ) {
    this.raster = base ? base.slice() : new Uint8Array(image.width * image.height);
  }

  apply(diff: RecordsDiff<Stroke>): LabelEdit {
    const { width, height } = this.image;
    this.strokes = applyDiff(this.strokes, diff);
    let dirty: Rect | null = null;
    for (const s of Object.values(diff.removed)) dirty = union(dirty, strokeBounds(s, width, height));
    if (Object.keys(diff.removed).length > 0 && dirty) {
      rerasterizeRect(this.raster, width, height, [...this.strokes.values()], dirty, this.base ?? undefined);
    }
    for (const s of Object.values(diff.added))
      dirty = union(dirty, rasterizeStroke(this.raster, width, height, s));
    return {
      change: { added: Object.values(diff.added), removed: Object.keys(diff.removed) },
      dirty,
    };
  }
}

/** The session's key of one plane of one image (plane 0 keeps the image id alone). */
function planeKey(imageId: string, plane: number): string {
  return plane === 0 ? imageId : `${imageId}#${plane}`;
}

export class LabelSession {
  private readonly images = new Map<string, ImageLabels>();

  /**
   * Starts fresh for one plane of an image (default 0), with its saved labels and the strokes the backend
   * already has on that plane.
   */
  load(image: ProjectImage, base: Uint8Array | null, strokes: readonly Stroke[], plane = 0): void {
    const labels = new ImageLabels(image, base);
    for (const s of strokes) {
      labels.strokes.set(s.id, s);
      rasterizeStroke(labels.raster, image.width, image.height, s);
    }
    this.images.set(planeKey(image.id, plane), labels);
  }

  /** Forgets every plane of an image. */
  forget(imageId: string): void {
    for (const [key, labels] of [...this.images]) if (labels.image.id === imageId) this.images.delete(key);
  }

  /** The raster of one plane; a plane of a loaded image not painted yet starts empty. */
  raster(imageId: string, plane = 0): Uint8Array | null {
    return this.planeLabels(imageId, plane)?.raster ?? null;
  }

  /** Every plane of an image the session holds a raster of, plane 0 first, with that raster. */
  planeRasters(imageId: string): { plane: number; raster: Uint8Array }[] {
    const out: { plane: number; raster: Uint8Array }[] = [];
    for (const [key, labels] of this.images) {
      if (labels.image.id !== imageId) continue;
      out.push({ plane: key === imageId ? 0 : Number(key.slice(imageId.length + 1)), raster: labels.raster });
    }
    return out.sort((a, b) => a.plane - b.plane);
  }

  /** Whether any plane of the image holds a label. */
  hasAnyLabel(imageId: string): boolean {
    for (const labels of this.images.values())
      if (labels.image.id === imageId && labels.raster.some((v) => v !== 0)) return true;
    return false;
  }

  /** One finished stroke is one undo step (of the stroke's plane). */
  commitStroke(stroke: Stroke): LabelEdit {
    const labels = this.require(stroke.imageId, strokePlane(stroke));
    labels.history.mark(stroke.mode === 'erase' ? 'erase stroke' : 'paint stroke');
    const diff: RecordsDiff<Stroke> = { added: { [stroke.id]: stroke }, updated: {}, removed: {} };
    labels.history.record(diff);
    return labels.apply(diff);
  }

  /** Several strokes of one plane as one undo step ("accept prediction" makes one per pixel run). */
  commitStrokes(strokes: readonly Stroke[]): LabelEdit | null {
    if (strokes.length === 0) return null;
    const labels = this.require(strokes[0].imageId, strokePlane(strokes[0]));
    labels.history.mark('accept prediction');
    const diff: RecordsDiff<Stroke> = {
      added: Object.fromEntries(strokes.map((s) => [s.id, s])),
      updated: {},
      removed: {},
    };
    labels.history.record(diff);
    return labels.apply(diff);
  }

  undo(imageId: string, plane = 0): LabelEdit | null {
    const labels = this.images.get(planeKey(imageId, plane));
    const diff = labels?.history.undo();
    return labels && diff ? labels.apply(diff) : null;
  }

  redo(imageId: string, plane = 0): LabelEdit | null {
    const labels = this.images.get(planeKey(imageId, plane));
    const diff = labels?.history.redo();
    return labels && diff ? labels.apply(diff) : null;
  }

  canUndo(imageId: string | null, plane = 0): boolean {
    return imageId ? (this.images.get(planeKey(imageId, plane))?.history.canUndo ?? false) : false;
  }

  canRedo(imageId: string | null, plane = 0): boolean {
    return imageId ? (this.images.get(planeKey(imageId, plane))?.history.canRedo ?? false) : false;
  }

  /** Labeled pixels of a class over every image loaded in the window. */
  pixelsOfClass(classId: number): number {
    let count = 0;
    for (const labels of this.images.values()) {
      for (let i = 0; i < labels.raster.length; i++) if (labels.raster[i] === classId) count++;
    }
    return count;
  }

  /** Labeled pixels over every plane of an image. */
  pixelsOfImage(imageId: string): number {
    let count = 0;
    for (const labels of this.images.values()) {
      if (labels.image.id !== imageId) continue;
      for (let i = 0; i < labels.raster.length; i++) if (labels.raster[i] !== 0) count++;
    }
    return count;
  }

  /** Strokes over every plane of an image. */
  strokeCount(imageId: string): number {
    let count = 0;
    for (const labels of this.images.values()) if (labels.image.id === imageId) count += labels.strokes.size;
    return count;
  }

  /** A plane's labels; planes of a loaded image are created empty when first asked for. */
  private planeLabels(imageId: string, plane: number): ImageLabels | null {
    const key = planeKey(imageId, plane);
    const labels = this.images.get(key);
    if (labels || plane === 0) return labels ?? null;
    const first = this.images.get(imageId);
    if (!first) return null;
    const fresh = new ImageLabels(first.image, null);
    this.images.set(key, fresh);
    return fresh;
  }

  private require(imageId: string, plane: number): ImageLabels {
    const labels = this.planeLabels(imageId, plane);
    if (!labels) throw new Error(`no labels loaded for image ${imageId}`);
    return labels;
  }
}

function union(a: Rect | null, b: Rect | null): Rect | null {
  if (!a) return b;
  if (!b) return a;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    width: Math.max(a.x + a.width, b.x + b.width) - x,
    height: Math.max(a.y + a.height, b.y + b.height) - y,
  };
}
