/**
 * Small stacks for the volume tests, held in memory: spheres and rods along z whose sections on their
 * middle plane are the same disk, so only z context tells them apart; an in-memory ImageSource over them;
 * and an in-memory output that keeps every plane's probabilities.
 */
import type { ImageMetadata } from '../../src/core/imageMetadata.js';
import type { OpenedImage } from '../../src/main/io/OpenedImage.js';
import type { RasterSink } from '../../src/main/batch/RasterSink.js';
import type { StreamOutput } from '../../src/main/batch/predictStreaming.js';
import type { FeatureSelection } from '../../src/core/features/selection.js';
import { FEATURE_IDS } from '../../src/core/features/selection.js';

export const BACKGROUND = 1;
export const SPHERE = 2;
export const ROD = 3;

export interface TestStack {
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  readonly frames: number;
  /** Per flat plane (t·Z + z): intensities and the true class. */
  readonly planes: Float32Array[];
  readonly truth: Uint8Array[];
  /** Object centres in xy, their class, and the middle plane where spheres and rods look alike. */
  readonly objects: readonly { x: number; y: number; kind: number }[];
  readonly middle: number;
}

/** All six features at three small scales: fast, and σ = 3.5 needs 14 planes, so 32 planes fit. */
export const SMALL_SELECTION: FeatureSelection = {
  scales: [1, 1.6, 3.5],
  enabled: FEATURE_IDS.map(() => [true, true, true]),
};

const RADIUS = 7;

export function makeSpheresAndRods(width = 128, height = 64, depth = 32, frames = 1, seed = 3): TestStack {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state / 2 ** 32;
  };
  // Two of each at least, in an order that is not a simple alternation.
  const kinds = [SPHERE, ROD, ROD, SPHERE, SPHERE, ROD, SPHERE, ROD];
  const objects: { x: number; y: number; kind: number }[] = [];
  for (let gy = 16; gy < height; gy += 32) {
    for (let gx = 16; gx < width; gx += 32) objects.push({ x: gx, y: gy, kind: kinds[objects.length % 8] });
  }
  const middle = Math.floor(depth / 2);
  const planes: Float32Array[] = [];
  const truth: Uint8Array[] = [];
  for (let t = 0; t < frames; t++) {
    for (let z = 0; z < depth; z++) {
      const plane = new Float32Array(width * height);
      const classes = new Uint8Array(width * height).fill(BACKGROUND);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          let v = 200 + 60 * (random() - 0.5);
          for (const o of objects) {
            const dz = z - middle;
            // A sphere's section shrinks away from its middle; a rod keeps the full disk over most planes.
            const r =
              o.kind === SPHERE
                ? Math.sqrt(Math.max(0, RADIUS * RADIUS - dz * dz))
                : Math.abs(dz) < depth / 2 - 3
                  ? RADIUS
                  : 0;
            const d = Math.hypot(x - o.x, y - o.y);
            const cover = Math.min(1, Math.max(0, r - d + 0.5));
            if (cover > 0) v += 800 * cover;
            if (d < r) classes[y * width + x] = o.kind;
          }
          plane[y * width + x] = Math.round(v);
        }
      }
      planes.push(plane);
      truth.push(classes);
    }
  }
  return { width, height, depth, frames, planes, truth, objects, middle };
}

/** Scribbles on one plane: a disk in the middle of every object, and background strokes between them. */
export function scribblesOnPlane(stack: TestStack): Uint8Array {
  const { width, height } = stack;
  const labels = new Uint8Array(width * height);
  for (const o of stack.objects) {
    for (let y = o.y - 3; y <= o.y + 3; y++)
      for (let x = o.x - 3; x <= o.x + 3; x++)
        if (Math.hypot(x - o.x, y - o.y) <= 3) labels[y * width + x] = o.kind;
  }
  for (let x = 2; x < width - 2; x++) {
    labels[1 * width + x] = BACKGROUND;
    labels[32 * width + x] = BACKGROUND;
  }
  return labels;
}

export function memoryStack(stack: TestStack, name = 'memory-stack'): OpenedImage {
  const { width, height, depth, frames } = stack;
  const axes = frames > 1 ? 'tzyx' : 'zyx';
  const metadata: ImageMetadata = {
    axes,
    pageAxes: frames > 1 ? ['t', 'z'] : ['z'],
    pageSizes: frames > 1 ? [frames, depth] : [depth],
    axesSource: '--axes',
    pixelSize: {},
    pixelSizeSource: null,
    channelNames: null,
    notes: [],
  };
  return {
    name,
    isAxesGuessed: false,
    metadata,
    info: {
      width,
      height,
      pages: depth * frames,
      channels: 1,
      planes: depth * frames,
      sampleType: 'uint16',
      axes,
      format: 'memory',
    },
    readRegion: async (rect, plane) => {
      const out = new Float32Array(rect.width * rect.height);
      for (let y = 0; y < rect.height; y++) {
        const from = (rect.y + y) * width + rect.x;
        out.set(stack.planes[plane].subarray(from, from + rect.width), y * rect.width);
      }
      return { width: rect.width, height: rect.height, channels: [out] };
    },
  };
}

/** Probabilities of every plane, kept in memory: planes[plane][class] is width × height. */
export function memoryProbabilities(width: number, height: number, planeCount: number, classes: number) {
  const planes = Array.from({ length: planeCount }, () =>
    Array.from({ length: classes }, () => new Float32Array(width * height)),
  );
  const sink: RasterSink = {
    path: 'memory',
    paths: ['memory'],
    writeBand: async (y0, channels, plane = 0) => {
      channels.forEach((c, k) => planes[plane][k].set(c as Float32Array, y0 * width));
    },
    finish: async () => undefined,
    commit: async () => undefined,
    close: async () => undefined,
    abort: async () => undefined,
  };
  const output: StreamOutput = { result: 'Probabilities', sampleType: 'float32', sink };
  return { planes, output };
}

/**
 * Share of object voxels (truth not background) on `planes` whose most probable class is the true one.
 */
export function objectAccuracy(
  stack: TestStack,
  probabilities: Float32Array[][],
  classValues: readonly number[],
  planes: readonly number[],
): number {
  let right = 0;
  let total = 0;
  planes.forEach((p) => {
    const truth = stack.truth[p];
    const probs = probabilities[p];
    for (let i = 0; i < truth.length; i++) {
      if (truth[i] === BACKGROUND) continue;
      let best = 0;
      for (let k = 1; k < probs.length; k++) if (probs[k][i] > probs[best][i]) best = k;
      total++;
      if (classValues[best] === truth[i]) right++;
    }
  });
  return right / total;
}
