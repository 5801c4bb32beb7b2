/**
 * The window's copy of the labels: per image, the strokes (source of truth), the raster derived from
 * them (base raster from the project file + strokes) and the undo history. Every change returns the
 * LabelChange to send to the backend and the rectangle to repaint.
 */
import { History } from '../../core/labels/History.js';
import { rasterizeStroke, rerasterizeRect } from '../../core/labels/rasterizeStroke.js';
import { applyDiff, type RecordsDiff } from '../../core/labels/RecordsDiff.js';
import { strokeBounds, type Stroke } from '../../core/labels/Stroke.js';
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

export class LabelSession {
  private readonly images = new Map<string, ImageLabels>();

  /** Starts fresh for an image, with the strokes the backend already has. */
  load(image: ProjectImage, base: Uint8Array | null, strokes: readonly Stroke[]): void {
    const labels = new ImageLabels(image, base);
    for (const s of strokes) {
      labels.strokes.set(s.id, s);
      rasterizeStroke(labels.raster, image.width, image.height, s);
    }
    this.images.set(image.id, labels);
  }

  forget(imageId: string): void {
    this.images.delete(imageId);
  }

  raster(imageId: string): Uint8Array | null {
    return this.images.get(imageId)?.raster ?? null;
  }

  /** One finished stroke is one undo step. */
  commitStroke(stroke: Stroke): LabelEdit {
    const labels = this.require(stroke.imageId);
    labels.history.mark(stroke.mode === 'erase' ? 'erase stroke' : 'paint stroke');
    const diff: RecordsDiff<Stroke> = { added: { [stroke.id]: stroke }, updated: {}, removed: {} };
    labels.history.record(diff);
    return labels.apply(diff);
  }

  undo(imageId: string): LabelEdit | null {
    const labels = this.images.get(imageId);
    const diff = labels?.history.undo();
    return labels && diff ? labels.apply(diff) : null;
  }

  redo(imageId: string): LabelEdit | null {
    const labels = this.images.get(imageId);
    const diff = labels?.history.redo();
    return labels && diff ? labels.apply(diff) : null;
  }

  canUndo(imageId: string | null): boolean {
    return imageId ? (this.images.get(imageId)?.history.canUndo ?? false) : false;
  }

  canRedo(imageId: string | null): boolean {
    return imageId ? (this.images.get(imageId)?.history.canRedo ?? false) : false;
  }

  /** Labeled pixels of a class over every image loaded in the window. */
  pixelsOfClass(classId: number): number {
    let count = 0;
    for (const labels of this.images.values()) {
      for (let i = 0; i < labels.raster.length; i++) if (labels.raster[i] === classId) count++;
    }
    return count;
  }

  strokeCount(imageId: string): number {
    return this.images.get(imageId)?.strokes.size ?? 0;
  }

  private require(imageId: string): ImageLabels {
    const labels = this.images.get(imageId);
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
