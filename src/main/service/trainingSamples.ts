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
  const counts = new Map<number, number>(classIds.map((id) => [id, 0]));
  for (const image of images) {
    const labels = image.labels;
    for (let i = 0; i < labels.length; i++) {
      const v = labels[i];
      if (v !== 0 && counts.has(v)) counts.set(v, counts.get(v)! + 1);
    }
  }
  const present = classIds.filter((id) => counts.get(id)! > 0);
  if (present.length === 0) return null;
  const stride = new Map(present.map((id) => [id, Math.ceil(counts.get(id)! / maxPerClass)]));
  const seen = new Map(present.map((id) => [id, 0]));
  const total = present.reduce((n, id) => n + Math.ceil(counts.get(id)! / stride.get(id)!), 0);

  let samples: Float32Array | null = null;
  let featureCount = 0;
  const labelsOut = new Uint8Array(total);
  let row = 0;
  const unlabeledRows: Float32Array[] = [];
  for (const image of images) {
    for (const { core } of tileGrid(image.width, image.height, tileSize, 0)) {
      const picked: number[] = [];
      const unlabeledPicked: number[] = [];
      for (let y = core.y; y < core.y + core.height; y++) {
        for (let x = core.x; x < core.x + core.width; x++) {
          const v = image.labels[y * image.width + x];
          if (v === 0 && (x * 7 + y * 13) % UNLABELED_STRIDE === 0)
            unlabeledPicked.push((y - core.y) * core.width + (x - core.x));
          if (v === 0 || !stride.has(v)) continue;
          const n = seen.get(v)!;
          seen.set(v, n + 1);
          if (n % stride.get(v)! === 0) picked.push((y - core.y) * core.width + (x - core.x), v);
        }
      }
      if (picked.length === 0) continue;
      const planes = await tileFeatures(image, core);
      if (!samples) {
        featureCount = planes.length;
        samples = new Float32Array(total * featureCount);
      }
      for (let k = 0; k < picked.length; k += 2) {
        const local = picked[k];
        for (let f = 0; f < featureCount; f++) samples[row * featureCount + f] = planes[f][local];
        labelsOut[row++] = picked[k + 1];
      }
      const rows = new Float32Array(unlabeledPicked.length * featureCount);
      unlabeledPicked.forEach((local, r) => {
        for (let f = 0; f < featureCount; f++) rows[r * featureCount + f] = planes[f][local];
      });
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
