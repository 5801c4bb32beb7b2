/**
 * Working memory of the 3-D feature bank: frame-sized volumes in one Float32Array — the SIMD module's memory
 * where WebAssembly SIMD exists (its loops address volumes directly), else a plain buffer that the
 * JavaScript loops address the same way. A scale takes volumes and gives them back; every volume of a scale
 * has the frame's size, so a free list is all the allocator there is.
 *
 * Layout: kernel weights, then the tap-line table, then volumes, each with VOLUME_SLACK values on both sides
 * (the x pass reads two values past a volume's ends; the loops write up to three values past an output's end).
 */
import { growMemoryTo, volumeSimd, type VolumeSimd } from './volumeSimd.js';

/** Float index of the kernel weights (offsets 0 … r). */
export const WEIGHTS_AT = 0;
/** Longest kernel radius the weight area and the tap table hold. */
export const MAX_ARENA_RADIUS = 511;
/** Float index of the tap table (2r + 1 byte addresses, as int32). */
export const TABLE_AT = 512;
const VOLUMES_AT = TABLE_AT + 2 * MAX_ARENA_RADIUS + 1 + 3;
const VOLUME_SLACK = 16;

/** A volume in the arena: `at` is the float index of voxel (0, 0, 0); z-major, rows of `width`. */
export interface ArenaVolume {
  readonly at: number;
  readonly depth: number;
  readonly height: number;
  readonly width: number;
}

export class VolumeArena {
  readonly simd: VolumeSimd | null;
  heap: Float32Array;
  heapInt: Int32Array;
  /** The same memory as float64 (volumes start at even float indices: a volume at `at` is heap64[at / 2]). */
  heap64: Float64Array;
  private next = VOLUMES_AT;
  private free: ArenaVolume[] = [];
  /** Highest float index in use since the last resetPeak(): the memory a computation really touched. */
  private peak = VOLUMES_AT;
  private plainBuffer: ArrayBuffer | null = null;

  constructor() {
    this.simd = volumeSimd();
    this.heap = new Float32Array(0);
    this.heapInt = new Int32Array(0);
    this.heap64 = new Float64Array(0);
    this.refreshViews();
  }

  /** Floats one volume of `voxels` occupies, slack included. */
  static footprint(voxels: number): number {
    return Math.ceil((voxels + 2 * VOLUME_SLACK) / 4) * 4;
  }

  /**
   * Makes room for `volumes` volumes of `voxels` each (all earlier volumes are discarded). False when the
   * memory cannot grow that far (wasm32 stops at 4 GiB); callers then compute in smaller blocks.
   */
  reserve(volumes: number, voxels: number): boolean {
    return this.reserveFloats(volumes * VolumeArena.footprint(voxels));
  }

  /** As reserve, for `floats` of volumes (their footprints summed). */
  reserveFloats(floats: number): boolean {
    this.next = VOLUMES_AT;
    this.free = [];
    return this.growTo(VOLUMES_AT + floats);
  }

  /** The memory holds at least `floats` floats (contents kept); false when it cannot grow that far. */
  private growTo(floats: number): boolean {
    const bytes = floats * 4;
    if (this.simd) {
      if (!growMemoryTo(this.simd.memory, bytes)) return false;
    } else if (!this.plainBuffer || this.plainBuffer.byteLength < bytes) {
      try {
        const grown = new ArrayBuffer(bytes);
        if (this.plainBuffer) new Uint8Array(grown).set(new Uint8Array(this.plainBuffer));
        this.plainBuffer = grown;
      } catch {
        return false;
      }
    }
    this.refreshViews();
    return true;
  }

  /** Floats of the arena touched since the last resetPeak() (header included). */
  get peakFloats(): number {
    return this.peak;
  }

  resetPeak(): void {
    this.peak = this.next;
  }

  private refreshViews(): void {
    const buffer = this.simd
      ? this.simd.memory.buffer
      : (this.plainBuffer ??= new ArrayBuffer(VOLUMES_AT * 4));
    if (this.heap.buffer !== buffer) {
      this.heap = new Float32Array(buffer);
      this.heapInt = new Int32Array(buffer);
      this.heap64 = new Float64Array(buffer);
    }
  }

  /**
   * A volume of the given shape (contents undefined): a given-back one when its size fits, else new. A new
   * one past the reserved memory grows it (reserve is an estimate): views taken before a take() may then be
   * stale, so callers fetch heap views after their takes.
   */
  take(depth: number, height: number, width: number): ArenaVolume {
    const voxels = depth * height * width;
    const i = this.free.findIndex((v) => v.depth * v.height * v.width >= voxels);
    if (i >= 0) {
      const at = this.free.splice(i, 1)[0].at;
      return { at, depth, height, width };
    }
    const at = this.next + VOLUME_SLACK;
    this.next += VolumeArena.footprint(voxels);
    this.peak = Math.max(this.peak, this.next);
    if (this.next > this.heap.length && !this.growTo(this.next)) {
      throw new RangeError(
        `3-D features: ${Math.ceil((this.next * 4) / 2 ** 20)} MB of working memory cannot be allocated; use smaller blocks`,
      );
    }
    return { at, depth, height, width };
  }

  give(...volumes: (ArenaVolume | null)[]): void {
    for (const v of volumes) if (v) this.free.push(v);
  }

  /** Everything given back: the next scale starts with an empty arena. */
  resetVolumes(): void {
    this.next = VOLUMES_AT;
    this.free = [];
  }

  view(v: ArenaVolume): Float32Array {
    return this.heap.subarray(v.at, v.at + v.depth * v.height * v.width);
  }
}

let shared: VolumeArena | null = null;

/**
 * This thread's arena. One per thread, since the SIMD module (and its memory) is one per thread: the 3-D bank
 * and the 2-D bank's float64 DoG take turns in it (each reserves, and so resets it, before use).
 */
export function threadArena(): VolumeArena {
  shared ??= new VolumeArena();
  return shared;
}
