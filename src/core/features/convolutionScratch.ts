/**
 * What the convolution passes share: the field a pass reads and writes (a plane covering a rectangle of a
 * larger image), and the scratch memory its passes reuse. Its own module so that the short-kernel passes
 * (separableConvolution.ts) and the long-kernel SIMD passes (longKernelConvolution.ts) both depend on it
 * rather than on each other.
 */
import type { Rect } from '../tiling.js';

/** A plane of `rect.width × rect.height` values holding the pixels of `rect` (image coordinates). */
export interface Field {
  readonly data: Float32Array;
  readonly rect: Rect;
}

/**
 * Scratch buffers reused across passes (the feature bank runs dozens of passes per tile; allocating a padded
 * row or an offset table per row would dominate small kernels).
 */
export class ConvolutionScratch {
  private row = new Float32Array(0);
  private offsets = new Int32Array(0);
  private arena: Float32Array[] = [];
  private arenaUsed = 0;
  private transposedIn = new Float32Array(0);
  private transposedOut = new Float32Array(0);

  /** Bytes held, so callers can decide whether keeping this scratch for the next call is worth it. */
  get byteLength(): number {
    let bytes = this.row.byteLength + this.offsets.byteLength;
    bytes += this.transposedIn.byteLength + this.transposedOut.byteLength;
    for (const plane of this.arena) bytes += plane.byteLength;
    return bytes;
  }

  transposeBuffers(inLength: number, outLength: number): [Float32Array, Float32Array] {
    if (this.transposedIn.length < inLength) this.transposedIn = new Float32Array(inLength);
    if (this.transposedOut.length < outLength) this.transposedOut = new Float32Array(outLength);
    return [this.transposedIn, this.transposedOut];
  }

  /**
   * A plane of `length` values (contents undefined) that stays valid until the next resetPlanes(): the
   * passes of one scale take their planes from here, so later scales and tiles reuse the same memory.
   */
  plane(length: number): Float32Array {
    const i = this.arenaUsed++;
    if (i < this.arena.length && this.arena[i].length >= length) return this.arena[i].subarray(0, length);
    const buffer = new Float32Array(length);
    if (i < this.arena.length) this.arena[i] = buffer;
    else this.arena.push(buffer);
    return buffer;
  }

  /** Makes every plane handed out so far reusable. */
  resetPlanes(): void {
    this.arenaUsed = 0;
  }

  paddedRow(length: number): Float32Array {
    if (this.row.length < length) this.row = new Float32Array(length);
    return this.row;
  }

  offsetTable(length: number): Int32Array {
    if (this.offsets.length < length) this.offsets = new Int32Array(length);
    return this.offsets;
  }
}
