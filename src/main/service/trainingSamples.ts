/**
 * Builds the training matrix from the label rasters of all images: every labeled pixel's feature vector,
 * at most MAX_TRAINING_SAMPLES_PER_CLASS per class, taken at an even stride through the labeled pixels of
 * that class (deterministic and spread over all strokes and images). Features come from the tile cache,
 * so only tiles that hold selected pixels are ever computed.
 */
import { concatArrays } from '../../core/concatArrays.js';
import { tileGrid, type Rect } from '../../core/tiling.js';
import { MAX_TRAINING_SAMPLES_PER_CLASS, UNLABELED_STRIDE } from './constants.js';

export interface LabeledImage {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  /** 0 = unlabeled, else a class id. */
  readonly labels: Uint8Array;
}

export interface TrainingMatrix {
  /** Row-major samples × featureCount. */
  readonly samples: Float32Array;
  /** The class id of each sample. */
  readonly labels: Uint8Array;
  readonly featureCount: number;
  /** The class ids that have samples. */
  readonly classIds: number[];
  /** Unlabeled pixels' features from the same tiles (for semi-supervised EM), row-major. */
  readonly unlabeled: Float32Array;
}

export async function collectTrainingSamples(
  images: readonly LabeledImage[],
  classIds: readonly number[],
  tileSize: number,
  tileFeatures: (image: LabeledImage, core: Rect) => Promise<Float32Array[]>,
  maxPerClass = MAX_TRAINING_SAMPLES_PER_CLASS,
): Promise<TrainingMatrix | null> {
  // Per label value (0..255) in typed arrays: this scan visits every pixel of every image before each
  // fit, twice per stroke, on the main thread (with Maps it took 10–17 ms of a 1024² image).
  const counts = new Float64Array(256);
  for (const image of images) {
    const labels = image.labels;
    // Zeros skipped: most pixels are unlabeled, and counting them serialized the loop on one counter.
    for (let i = 0; i < labels.length; i++) if (labels[i] !== 0) counts[labels[i]]++;
  }
  const present = classIds.filter((id) => id > 0 && id < 256 && counts[id] > 0);
  if (present.length === 0) return null;
  const stride = new Float64Array(256);
  for (const id of present) stride[id] = Math.ceil(counts[id] / maxPerClass);
  const seen = new Float64Array(256);
  const total = present.reduce((n, id) => n + Math.ceil(counts[id] / stride[id]), 0);

  let samples: Float32Array | null = null;
  let featureCount = 0;
  const labelsOut = new Uint8Array(total);
  let row = 0;
  const unlabeledRows: Float32Array[] = [];
  for (const image of images) {
    const { labels, width } = image;
    for (const { core } of tileGrid(image.width, image.height, tileSize, 0)) {
      const picked: number[] = [];
      for (let y = core.y; y < core.y + core.height; y++) {
        for (let x = core.x, i = y * width + x; x < core.x + core.width; x++, i++) {
          const v = labels[i];
          if (v === 0 || stride[v] === 0) continue;
          if (seen[v]++ % stride[v] === 0) picked.push((y - core.y) * core.width + (x - core.x), v);
        }
      }
      if (picked.length === 0) continue;
      const unlabeledPicked = unlabeledLattice(labels, width, core);
      const planes = await tileFeatures(image, core);
      if (!samples) {
        featureCount = planes.length;
        samples = new Float32Array(total * featureCount);
      }
      const count = picked.length / 2;
      for (let k = 0; k < count; k++) labelsOut[row + k] = picked[2 * k + 1];
      // Plane by plane: a row at a time touched all the planes (each a different 256 KB) for every pixel.
      for (let f = 0; f < featureCount; f++) {
        const plane = planes[f];
        for (let k = 0; k < count; k++) samples[(row + k) * featureCount + f] = plane[picked[2 * k]];
      }
      row += count;
      const rows = new Float32Array(unlabeledPicked.length * featureCount);
      for (let f = 0; f < featureCount; f++) {
        const plane = planes[f];
        for (let r = 0; r < unlabeledPicked.length; r++)
          rows[r * featureCount + f] = plane[unlabeledPicked[r]];
      }
      unlabeledRows.push(rows);
    }
  }
  if (!samples) return null;
  return {
    samples: samples.subarray(0, row * featureCount),
    labels: labelsOut.subarray(0, row),
    featureCount,
    classIds: present,
    unlabeled: concatArrays(Float32Array, unlabeledRows),
  };
}

/** The lattice of unlabeled pixels offered to semi-supervised EM: (LATTICE_X·x + LATTICE_Y·y) mod UNLABELED_STRIDE = 0. */
const LATTICE_X = 7;
const LATTICE_Y = 13;
/** t with LATTICE_X · t ≡ 1 (mod UNLABELED_STRIDE), so each row's lattice points are found without testing every x. */
const LATTICE_X_INVERSE = Array.from({ length: UNLABELED_STRIDE }, (_, t) => t).find(
  (t) => (LATTICE_X * t) % UNLABELED_STRIDE === 1,
)!;

/** Tile-local indices of the unlabeled pixels of `core` on the lattice, row by row. */
function unlabeledLattice(labels: Uint8Array, width: number, core: Rect): number[] {
  const out: number[] = [];
  for (let y = core.y; y < core.y + core.height; y++) {
    const residue = (core.x * LATTICE_X + y * LATTICE_Y) % UNLABELED_STRIDE;
    const first = core.x + (((UNLABELED_STRIDE - residue) * LATTICE_X_INVERSE) % UNLABELED_STRIDE);
    for (let x = first; x < core.x + core.width; x += UNLABELED_STRIDE) {
      if (labels[y * width + x] === 0) out.push((y - core.y) * core.width + (x - core.x));
    }
  }
  return out;
}
