/**
 * The full-resolution pass started ahead of its request. After a stroke the window asks for a preview,
 * paints it, then asks for full resolution of the same tiles; when the preview's model is already the
 * one the full pass uses (a warm live fit, LiveModel.levelFor), the backend starts that pass as soon as
 * the preview's tiles are out, instead of leaving the workers idle while the preview travels, is painted
 * and the next request comes back (30 ms on a loaded 2-core machine, bench:live). The request then takes
 * the tiles under way. Only a request for exactly what was predicted takes them: the same view, image,
 * plane, stride and tiles, and the very same model, classes and feature selection objects (every label,
 * class, feature or normalization change replaces one of them), so what it shows is what it would have
 * computed itself.
 */
import type { FeatureMatrix, LabelClass } from '../../core/protocol/types.js';
import type { Rect } from '../../core/tiling.js';
import type { TrainedModel } from './ClassifierEngine.js';
import type { RectBytes } from './TilePredictor.js';
import { forEachLimited, newController } from './tileHelpers.js';

/** What a pass predicts; a request takes a pass only if every field is the same (objects by identity). */
export interface PassKey {
  readonly viewId: string;
  readonly imageId: string;
  readonly plane: number;
  readonly stride: number;
  readonly model: TrainedModel;
  readonly classes: readonly LabelClass[];
  readonly features: FeatureMatrix;
}

/** A pass a request took: its tiles' predictions by rectangle; stop() ends the jobs not yet run. */
export interface TakenPass {
  tile(rect: Rect): Promise<RectBytes> | undefined;
  stop(): void;
}

interface Pass {
  readonly key: PassKey;
  readonly rects: string;
  readonly tiles: Map<string, Promise<RectBytes>>;
  readonly controller: AbortController;
}

const rectKey = (r: Rect) => `${r.x},${r.y},${r.width},${r.height}`;

const isSame = (a: PassKey, b: PassKey) =>
  a.viewId === b.viewId &&
  a.imageId === b.imageId &&
  a.plane === b.plane &&
  a.stride === b.stride &&
  a.model === b.model &&
  a.classes === b.classes &&
  a.features === b.features;

/** One pass ahead at a time (the last preview's): at most one view's tiles are predicted unasked. */
export class FullPassAhead {
  private pass: Pass | null = null;

  /**
   * Predicts `rects` (already clipped to the image) now, `concurrency` at a time, for the request
   * `key` describes; replaces (and stops) any pass ahead before it.
   */
  start(
    key: PassKey,
    rects: readonly Rect[],
    concurrency: number,
    predict: (rect: Rect, signal: AbortSignal) => Promise<RectBytes>,
  ): void {
    this.drop();
    const controller = newController();
    const tiles = new Map<string, Promise<RectBytes>>();
    const unstarted = new Map<string, (reason: Error) => void>();
    const settle = new Map<string, (run: Promise<RectBytes>) => void>();
    for (const rect of rects) {
      const tile = new Promise<RectBytes>((resolve, reject) => {
        settle.set(rectKey(rect), (run) => run.then(resolve, reject));
        unstarted.set(rectKey(rect), reject);
      });
      // A pass stopped before anyone took it rejects its tiles with nobody waiting for them.
      tile.catch(() => undefined);
      tiles.set(rectKey(rect), tile);
    }
    void forEachLimited(rects, concurrency, controller.signal, async (rect) => {
      unstarted.delete(rectKey(rect));
      const run = predict(rect, controller.signal);
      settle.get(rectKey(rect))!(run);
      await run.catch(() => undefined);
    })
      .catch(() => undefined) // stopped: the tiles not started are rejected below
      .finally(() => {
        for (const reject of unstarted.values())
          reject(new Error('the full-resolution pass ahead was stopped'));
      });
    this.pass = { key, rects: rects.map(rectKey).join(';'), tiles, controller };
  }

  /**
   * The pass ahead for exactly this request, taken out of here (null if none matches). A request of the
   * same view that does not match stops the pass: its view, tiles or model have moved on.
   */
  take(key: PassKey, rects: readonly Rect[]): TakenPass | null {
    const pass = this.pass;
    if (!pass || pass.key.viewId !== key.viewId) return null;
    this.pass = null;
    if (!isSame(pass.key, key) || pass.rects !== rects.map(rectKey).join(';')) {
      pass.controller.abort();
      return null;
    }
    return { tile: (rect) => pass.tiles.get(rectKey(rect)), stop: () => pass.controller.abort() };
  }

  /** Stops the pass ahead, if any (another project was opened). */
  drop(): void {
    this.pass?.controller.abort();
    this.pass = null;
  }
}
