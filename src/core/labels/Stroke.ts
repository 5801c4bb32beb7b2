/**
 * A stroke is the source of truth for labels (STYLE.md §4): the raster is a cache derived from strokes.
 * Records are plain, serialisable and never mutated in place.
 */
import type { Rect } from '../tiling.js';

export type StrokeMode = 'paint' | 'erase';

export interface Stroke {
  readonly id: string;
  readonly kind: 'stroke';
  readonly imageId: string;
  /**
   * The 2-D plane of a stack the stroke lies on (p = t·Z + z, as ImageInfo.planes counts them); absent on
   * strokes of single-plane images and of older files: plane 0.
   */
  readonly plane?: number;
  /** The class painted (ignored when erasing: erasing sets pixels back to unlabeled). */
  readonly classId: number;
  readonly radiusPx: number;
  readonly mode: StrokeMode;
  /** x0, y0, x1, y1, … in image pixels (pixel centres at +0.5). */
  readonly points: Float32Array;
}

/** The plane a stroke lies on (0 when it names none). */
export function strokePlane(stroke: Pick<Stroke, 'plane'>): number {
  return stroke.plane ?? 0;
}

/** The pixels a stroke can touch: its points' bounding box grown by the brush radius, clipped to the image. */
export function strokeBounds(stroke: Stroke, width: number, height: number): Rect | null {
  const p = stroke.points;
  if (p.length < 2) return null;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i + 1 < p.length; i += 2) {
    if (p[i] < x0) x0 = p[i];
    if (p[i] > x1) x1 = p[i];
    if (p[i + 1] < y0) y0 = p[i + 1];
    if (p[i + 1] > y1) y1 = p[i + 1];
  }
  const r = stroke.radiusPx;
  const left = Math.max(0, Math.floor(x0 - r));
  const top = Math.max(0, Math.floor(y0 - r));
  const right = Math.min(width, Math.ceil(x1 + r));
  const bottom = Math.min(height, Math.ceil(y1 + r));
  if (right <= left || bottom <= top) return null;
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** Base64 of a Float32Array's bytes, for the project file (readable JSON, exact floats). */
export function pointsToBase64(points: Float32Array): string {
  const bytes = new Uint8Array(points.buffer, points.byteOffset, points.byteLength);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? B64[n & 63] : '=';
  }
  return out;
}

export function pointsFromBase64(text: string): Float32Array {
  const clean = text.replace(/=+$/, '');
  const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let j = 0;
  for (const ch of clean) {
    const v = B64.indexOf(ch);
    if (v < 0) throw new Error(`stroke points: invalid base64 character "${ch}"`);
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[j++] = (value >> bits) & 255;
    }
  }
  if (bytes.length % 4 !== 0) throw new Error('stroke points: byte length is not a multiple of 4');
  return new Float32Array(bytes.buffer);
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
