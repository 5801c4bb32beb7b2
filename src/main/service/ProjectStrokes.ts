/**
 * The open project's strokes and the label rasters derived from them (STYLE.md §4: strokes are the truth,
 * rasters a cache). Every change runs in turn and paints in slices (LabelSlices.ts), so one window's large
 * change delays the other windows' calls by a slice at a time, not by all of its painting.
 */
import { rasterizeStrokeSteps, rerasterizeRectSteps } from '../../core/labels/rasterizeStroke.js';
import { strokeBounds, strokePlane, type Stroke } from '../../core/labels/Stroke.js';
import { MAX_POINTS_PER_PROJECT } from '../../core/protocol/constants.js';
import { ServiceError } from '../../core/protocol/ServiceError.js';
import type { LabelChange, LabelClass } from '../../core/protocol/types.js';
import { LabelSlices } from './LabelSlices.js';
import { baseOf, checkPlane, labelsOf, rasterPlanes } from './planeLabels.js';
import type { OpenImage } from './projectImage.js';
import { checkPaintingWork, checkStrokeNearImage } from './strokeChecks.js';

/** The project's images as they are now (the service replaces its map when a project opens). */
export type CurrentImages = () => ReadonlyMap<string, OpenImage>;

export class ProjectStrokes {
  private strokes = new Map<string, Stroke>();
  private readonly slices = new LabelSlices();

  constructor(private readonly images: CurrentImages) {}

  /** Every stroke, in painting order. */
  all(): Stroke[] {
    return [...this.strokes.values()];
  }

  /** Forgets every stroke (a project was opened or created). */
  clear(): void {
    this.strokes = new Map();
  }

  removeImage(imageId: string): void {
    for (const [id, s] of this.strokes) if (s.imageId === imageId) this.strokes.delete(id);
  }

  /** Runs `task` after every label change queued before it. */
  inTurn<T>(task: () => Promise<T>): Promise<T> {
    return this.slices.inTurn(task);
  }

  /** Resolves once every label change queued so far is applied (a prediction then trains on them all). */
  settled(): Promise<void> {
    return this.inTurn(() => Promise.resolve());
  }

  /**
   * Applies a change (call within `inTurn`): checks every added stroke first (its image, class, points and
   * the painting it asks for), so a refused change alters nothing; then removes and paints. Returns whether
   * anything changed.
   */
  async apply(change: LabelChange, classes: readonly LabelClass[]): Promise<boolean> {
    const images = this.images();
    const painted = change.added.map((stroke) => {
      const image = images.get(stroke.imageId);
      if (!image) {
        throw new ServiceError(
          'unknown-image',
          `image ${stroke.imageId} is not in the project (reload the project)`,
        );
      }
      if (stroke.mode === 'paint' && !classes.some((c) => c.id === stroke.classId)) {
        throw new ServiceError(
          'unknown-class',
          `stroke ${stroke.id} paints class ${stroke.classId}, which the project does not have`,
        );
      }
      checkStrokeNearImage(stroke, image.info.width, image.info.height);
      checkPlane(image, strokePlane(stroke), `stroke ${stroke.id}`);
      return { stroke, image, width: image.info.width, height: image.info.height };
    });
    checkPaintingWork(painted);
    const freed = new Set(change.removed);
    let kept = 0;
    for (const s of this.strokes.values()) if (!freed.has(s.id)) kept += s.points.length / 2;
    const added = change.added.reduce((n, s) => n + s.points.length / 2, 0);
    if (kept + added > MAX_POINTS_PER_PROJECT) {
      throw new ServiceError(
        'invalid-argument',
        `the project's strokes would hold ${kept + added} points after this change: at most ` +
          `${MAX_POINTS_PER_PROJECT} are kept (save the project and open it again: saved labels come back as rasters, not strokes)`,
      );
    }
    for (const id of change.removed) {
      const s = this.strokes.get(id);
      const image = s && this.images().get(s.imageId);
      if (!s || !image) continue;
      this.strokes.delete(id);
      const { width, height } = image.info;
      const bounds = strokeBounds(s, width, height);
      const plane = strokePlane(s);
      const remaining = this.all().filter((o) => o.imageId === s.imageId && strokePlane(o) === plane);
      if (bounds) {
        const raster = labelsOf(image, plane);
        const base = baseOf(image, plane) ?? undefined;
        await this.slices.run(rerasterizeRectSteps(raster, width, height, remaining, bounds, base));
      }
    }
    for (const { stroke, image, width, height } of painted) {
      // The project may have been replaced while an earlier slice waited: then this stroke is not its.
      if (this.images().get(stroke.imageId) !== image) continue;
      this.strokes.set(stroke.id, stroke);
      const raster = labelsOf(image, strokePlane(stroke));
      await this.slices.run(rasterizeStrokeSteps(raster, width, height, stroke));
    }
    return change.added.length > 0 || change.removed.length > 0;
  }

  /**
   * Deletes the strokes and base labels of classes not in `kept` (call within `inTurn`) and repaints the
   * images they touched. Returns whether any label changed.
   */
  async keepClasses(kept: ReadonlySet<number>): Promise<boolean> {
    const touched = new Set<string>();
    for (const [id, s] of this.strokes) {
      if (s.mode === 'paint' && !kept.has(s.classId)) {
        this.strokes.delete(id);
        touched.add(s.imageId);
      }
    }
    for (const image of this.images().values()) {
      for (const plane of rasterPlanes(image)) {
        const base = baseOf(image, plane);
        if (!base) continue;
        for (let i = 0; i < base.length; i++) {
          if (base[i] !== 0 && !kept.has(base[i])) {
            base[i] = 0;
            touched.add(image.info.id);
          }
        }
      }
    }
    for (const imageId of touched) {
      const image = this.images().get(imageId);
      if (image) await this.repaint(image);
    }
    return touched.size > 0;
  }

  /** Rebuilds an image's rasters, plane by plane: its base labels, then its strokes in order. */
  private async repaint(image: OpenImage): Promise<void> {
    const { width, height } = image.info;
    for (const plane of rasterPlanes(image)) {
      const raster = labelsOf(image, plane);
      const base = baseOf(image, plane);
      if (base) raster.set(base);
      else raster.fill(0);
      for (const s of this.all()) {
        if (s.imageId === image.info.id && strokePlane(s) === plane)
          await this.slices.run(rasterizeStrokeSteps(raster, width, height, s));
      }
    }
  }
}
