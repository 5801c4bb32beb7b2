/**
 * Difference of Gaussians in float64, for the 2-D and 3-D banks. The DoG at large scales is a tiny
 * difference of two nearly equal smoothings (at σ = 10 its range is ~10⁻³ of the image's contrast), so the
 * float32 rounding of those two smoothings — a few 10⁻⁵ of the values — is ~10⁻⁴ of the DoG's range even on
 * offset-free data. Both smoothings here are summed and kept in float64 from the float32 pre-smoothed image,
 * and only their difference is rounded: the error left is that of the pre-smoothed image itself.
 *
 * Works on a frame (a box of the pre-smoothed image, z-major) with vigra's reflection at the frame's faces:
 * callers make the frame the core grown by the kernels' reach, clipped to the image, so faces inside the
 * image are never seen by the core (see features3d/scaleFeatures3d.ts).
 */
import type { GaussianKernel } from './gaussianKernels.js';
import { reflectIndex } from './convolutionLoops.js';

export interface FrameShape {
  readonly depth: number;
  readonly height: number;
  readonly width: number;
}

/** The core inside the frame (offsets and size). */
export interface FrameCore extends FrameShape {
  readonly z: number;
  readonly y: number;
  readonly x: number;
}

/** Kernels along z (null: 2-D, no z pass), y and x. */
export type AxisKernelTriple = readonly [GaussianKernel | null, GaussianKernel, GaussianKernel];

/**
 * out = k ∗ src along one axis for every line of the frame: the axis has `n` elements `stride` apart, lines
 * are `run` contiguous voxels (1 along x), blocks of n·stride repeat `outer` times.
 */
function pass(
  src: Float64Array | Float32Array,
  out: Float64Array,
  shape: FrameShape,
  axis: 0 | 1 | 2,
  k: GaussianKernel,
): void {
  const { depth: D, height: H, width: W } = shape;
  const [n, stride, outer] = axis === 0 ? [D, H * W, 1] : axis === 1 ? [H, W, D] : [W, 1, D * H];
  const w = k.weights;
  const r = k.radius;
  if (axis === 2) {
    for (let row = 0; row < outer; row++) {
      const base = row * W;
      for (let x = 0; x < W; x++) {
        const i = base + x;
        let sum = w[0] * src[i];
        if (x >= r && x + r < W) {
          for (let j = 1; j <= r; j++) sum += w[j] * (src[i - j] + src[i + j]);
        } else {
          for (let j = 1; j <= r; j++)
            sum += w[j] * (src[base + reflectIndex(x - j, W)] + src[base + reflectIndex(x + j, W)]);
        }
        out[i] = sum;
      }
    }
    return;
  }
  const offsets = new Int32Array(2 * r + 1);
  for (let b = 0; b < outer; b++) {
    const blockBase = b * n * stride;
    for (let pos = 0; pos < n; pos++) {
      for (let j = -r; j <= r; j++) offsets[j + r] = blockBase + reflectIndex(pos + j, n) * stride;
      const o0 = blockBase + pos * stride;
      for (let e = 0; e < stride; e++) {
        let sum = w[0] * src[offsets[r] + e];
        for (let j = 1; j <= r; j++) sum += w[j] * (src[offsets[r - j] + e] + src[offsets[r + j] + e]);
        out[o0 + e] = sum;
      }
    }
  }
}

function smoothFloat64(
  frame: Float32Array,
  shape: FrameShape,
  k: AxisKernelTriple,
  a: Float64Array,
  b: Float64Array,
): Float64Array {
  pass(frame, a, shape, 2, k[2]);
  pass(a, b, shape, 1, k[1]);
  if (!k[0]) return b;
  pass(b, a, shape, 0, k[0]);
  return a;
}

/**
 * DoG = smoothing(outer) − smoothing(inner) of `frame`, written for the core into `out` (core-sized).
 * `scratch`: three frame-sized float64 arrays to work in (the 3-D bank lends arena memory), else allocated.
 */
export function differenceOfGaussiansFloat64(
  frame: Float32Array,
  shape: FrameShape,
  outer: AxisKernelTriple,
  inner: AxisKernelTriple,
  core: FrameCore,
  out: Float32Array,
  scratch?: readonly [Float64Array, Float64Array, Float64Array],
): void {
  const total = shape.depth * shape.height * shape.width;
  const [s0, s1, s2] = scratch ?? [0, 1, 2].map(() => new Float64Array(total));
  const a = smoothFloat64(frame, shape, outer, s0, s1);
  const b = smoothFloat64(frame, shape, inner, a === s0 ? s1 : s0, s2);
  let o = 0;
  for (let z = 0; z < core.depth; z++) {
    for (let y = 0; y < core.height; y++) {
      let i = ((core.z + z) * shape.height + core.y + y) * shape.width + core.x;
      for (let x = 0; x < core.width; x++, i++, o++) out[o] = a[i] - b[i];
    }
  }
}
