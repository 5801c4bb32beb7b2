/**
 * The label explorer's data (ilastik 1.4.2 has one): the labelled regions of an image — connected pieces
 * of one class, 8-connected as a brush paints, on every labelled plane of a stack — with their size and
 * bounds, and the view that shows one.
 */
import type { Rect } from '../../core/protocol/types.js';
import type { ViewTransform } from '../viewer/rendering.js';

export interface LabelRegion {
  readonly classId: number;
  /** Labelled pixels in the region. */
  readonly pixels: number;
  /** Bounding box in image pixels. */
  readonly bounds: Rect;
}

/**
 * Regions listed per image at most: past this many, a user scrolls no list; the biggest are kept and
 * `truncated` says how many more there were.
 */
export const MAX_LISTED_REGIONS = 200;

/** The view fills this share of the viewer with the region (some context around it). */
const REGION_VIEW_FILL = 0.5;
/** Jumping to a region of a few pixels must not zoom in further than this (screen pixels per image pixel). */
const MAX_JUMP_SCALE = 8;

/**
 * Connected regions of each class in `labels` (0 = unlabeled), biggest first, at most
 * MAX_LISTED_REGIONS. One pass of scanline flood fill: every labelled pixel is visited once.
 */
export function findLabelRegions(
  labels: Uint8Array,
  width: number,
  height: number,
): { regions: LabelRegion[]; truncated: number } {
  const seen = new Uint8Array(labels.length);
  const regions: LabelRegion[] = [];
  const stack: number[] = [];
  for (let start = 0; start < labels.length; start++) {
    const classId = labels[start];
    if (classId === 0 || seen[start]) continue;
    let pixels = 0;
    let x0 = width;
    let y0 = height;
    let x1 = -1;
    let y1 = -1;
    seen[start] = 1;
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop()!;
      const x = i % width;
      const y = (i - x) / width;
      pixels++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const j = ny * width + nx;
          if (!seen[j] && labels[j] === classId) {
            seen[j] = 1;
            stack.push(j);
          }
        }
      }
    }
    regions.push({ classId, pixels, bounds: { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 } });
  }
  regions.sort((a, b) => b.pixels - a.pixels);
  const truncated = Math.max(0, regions.length - MAX_LISTED_REGIONS);
  return { regions: regions.slice(0, MAX_LISTED_REGIONS), truncated };
}

/** A region on one plane of a stack (p = t·Z + z; 0 for a plain image). */
export interface PlaneRegion extends LabelRegion {
  readonly plane: number;
}

/**
 * The regions of every plane given (each plane's labels are 2-D, so a region never spans planes), biggest
 * first, at most MAX_LISTED_REGIONS over all planes.
 */
export function findPlaneRegions(
  planes: readonly { readonly plane: number; readonly raster: Uint8Array }[],
  width: number,
  height: number,
): { regions: PlaneRegion[]; truncated: number } {
  const all: PlaneRegion[] = [];
  let truncated = 0;
  for (const { plane, raster } of planes) {
    // Planes only looked at hold empty rasters: skip them without the fill's scratch memory.
    if (!raster.some((v) => v !== 0)) continue;
    const found = findLabelRegions(raster, width, height);
    truncated += found.truncated;
    for (const r of found.regions) all.push({ ...r, plane });
  }
  all.sort((a, b) => b.pixels - a.pixels || a.plane - b.plane);
  truncated += Math.max(0, all.length - MAX_LISTED_REGIONS);
  return { regions: all.slice(0, MAX_LISTED_REGIONS), truncated };
}

/** The view that centres `bounds` in the viewer, filling about half of it (never past MAX_JUMP_SCALE). */
export function viewOfRegion(bounds: Rect, viewport: { width: number; height: number }): ViewTransform {
  const scale = Math.min(
    MAX_JUMP_SCALE,
    (viewport.width * REGION_VIEW_FILL) / bounds.width,
    (viewport.height * REGION_VIEW_FILL) / bounds.height,
  );
  const cx = bounds.x + bounds.width / 2;
  const cy = bounds.y + bounds.height / 2;
  return { scale, x: viewport.width / 2 - cx * scale, y: viewport.height / 2 - cy * scale };
}
