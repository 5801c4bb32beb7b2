/**
 * Volumes as the 3-D feature bank takes them: planar float32 channels of depth × height × width voxels,
 * z-major (plane after plane, rows of `width`), and boxes inside them.
 */
export interface Shape3 {
  readonly depth: number;
  readonly height: number;
  readonly width: number;
}

export interface Volume extends Shape3 {
  /** One Float32Array of depth·height·width voxels per input channel. */
  readonly channels: readonly Float32Array[];
}

/** A box of voxels: its first voxel (z, y, x) and its size. */
export interface Box extends Shape3 {
  readonly z: number;
  readonly y: number;
  readonly x: number;
}

export function wholeBox(shape: Shape3): Box {
  return { z: 0, y: 0, x: 0, depth: shape.depth, height: shape.height, width: shape.width };
}

export function boxVoxels(b: Shape3): number {
  return b.depth * b.height * b.width;
}

/** `box` grown by `halo` voxels per axis (z, y, x), clipped to `shape`. */
export function growBox(box: Box, halo: readonly [number, number, number], shape: Shape3): Box {
  const grow = (start: number, size: number, h: number, n: number): [number, number] => {
    const lo = Math.max(0, start - h);
    return [lo, Math.min(n, start + size + h) - lo];
  };
  const [z, depth] = grow(box.z, box.depth, halo[0], shape.depth);
  const [y, height] = grow(box.y, box.height, halo[1], shape.height);
  const [x, width] = grow(box.x, box.width, halo[2], shape.width);
  return { z, y, x, depth, height, width };
}

/** The voxels of `box` copied out of a `shape`-sized channel. */
export function cropVolume(channel: Float32Array, shape: Shape3, box: Box): Float32Array {
  const out = new Float32Array(boxVoxels(box));
  let o = 0;
  for (let z = 0; z < box.depth; z++) {
    for (let y = 0; y < box.height; y++) {
      const from = ((box.z + z) * shape.height + box.y + y) * shape.width + box.x;
      out.set(channel.subarray(from, from + box.width), o);
      o += box.width;
    }
  }
  return out;
}
