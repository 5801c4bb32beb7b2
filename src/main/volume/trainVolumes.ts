/**
 * Training from labels on any planes of any stacks with 3-D features: each t frame of a stack is a volume;
 * only the blocks whose core holds labels are read and get features (on the pool, job
 * volumeTrainingSamples), their labelled voxels and a seeded sample of unlabelled ones become training
 * rows exactly as the 2-D trainer's tiles do, and the same EM fits the model.
 */
import type { ClassifierOptions } from '../../core/classifier/classifierOptions.js';
import type { FittedClassifier } from '../../core/classifier/PixelClassifier.js';
import type { Box } from '../../core/features3d/volume3d.js';
import type { FeatureSettings, NormalizationSettings } from '../../core/project/Project.js';
import type { WorkerPool } from '../engine/WorkerPool.js';
import type { OpenedImage } from '../io/OpenedImage.js';
import {
  fitSampleParts,
  unlabeledSampleFraction,
  type TrainingProgress,
} from '../classify/trainClassifier.js';
import type { TrainingSamples } from '../classify/trainingSamplesJob.js';
import { chooseBlockCore, relativeBox, volumeBands } from './volumeBlocks.js';
import { volumeGroupCount } from './volumeBlockJobs.js';
import {
  checkVolumeFits,
  volumeBlockCosts,
  volumeFeatureNames,
  volumeFeatureSpec,
  type VolumeFeatureSpec,
} from './volumeFeatureSpec.js';
import {
  frameFeatureOffsets,
  frameNormalizer,
  planeIndex,
  readVolumeBox,
  stackLayout,
  type Normalize,
  type StackLayout,
} from './volumeFrames.js';

export interface VolumeTrainingInput {
  readonly source: OpenedImage;
  /** Labels by flat plane index (t·Z + z): width × height, 0 = unlabeled, 1..K. */
  readonly labelPlanes: ReadonlyMap<number, Uint8Array>;
}

export interface VolumeTrainingOptions {
  readonly features: FeatureSettings;
  readonly normalization: NormalizationSettings;
  readonly classifier?: Partial<ClassifierOptions>;
  /** Overrides the block plan's core (tests: many blocks in a small stack). */
  readonly blockCore?: { readonly depth: number; readonly side: number };
  readonly onProgress?: TrainingProgress;
  readonly signal?: AbortSignal;
}

interface BlockJob {
  readonly input: VolumeTrainingInput;
  readonly layout: StackLayout;
  readonly t: number;
  readonly core: Box;
  readonly outer: Box;
  readonly labels: Uint8Array;
  readonly groupBase: number;
}

/** Throws naming the stack when it cannot be trained on with 3-D features. */
function checkStack(input: VolumeTrainingInput, spec: VolumeFeatureSpec, layout: StackLayout): void {
  const { info, name } = input.source;
  try {
    checkVolumeFits(spec, { depth: layout.zSize, height: info.height, width: info.width }, info.axes);
  } catch (err) {
    throw new RangeError(`${name}: ${(err as Error).message}`);
  }
}

/** The core-sized labels of `core` in frame `t` (z-major), or null when it holds none. */
function blockLabels(
  input: VolumeTrainingInput,
  layout: StackLayout,
  t: number,
  core: Box,
): Uint8Array | null {
  const { width } = input.source.info;
  const planeSize = core.height * core.width;
  let out: Uint8Array | null = null;
  for (let z = 0; z < core.depth; z++) {
    const plane = input.labelPlanes.get(planeIndex(layout, t, core.z + z));
    if (!plane) continue;
    for (let y = 0; y < core.height; y++) {
      const row = plane.subarray((core.y + y) * width + core.x, (core.y + y) * width + core.x + core.width);
      if (!out && !row.some((v) => v > 0)) continue;
      out ??= new Uint8Array(core.depth * planeSize);
      out.set(row, z * planeSize + y * core.width);
    }
  }
  return out;
}

function planBlocks(
  inputs: readonly VolumeTrainingInput[],
  spec: VolumeFeatureSpec,
  options: VolumeTrainingOptions,
): BlockJob[] {
  const jobs: BlockJob[] = [];
  let groupBase = 0;
  for (const input of inputs) {
    const layout = stackLayout(input.source);
    checkStack(input, spec, layout);
    const { width, height, channels } = input.source.info;
    const frame = { depth: layout.zSize, height, width };
    const core = options.blockCore ?? chooseBlockCore(frame, spec.halo, volumeBlockCosts(spec, channels, 0));
    const frames = new Set([...input.labelPlanes.keys()].map((p) => Math.floor(p / layout.zSize)));
    for (const t of [...frames].sort((a, b) => a - b)) {
      for (const band of volumeBands(frame, core, spec.halo)) {
        for (const block of band.blocks) {
          const labels = blockLabels(input, layout, t, block.core);
          if (labels) jobs.push({ input, layout, t, ...block, labels, groupBase });
        }
      }
      groupBase += volumeGroupCount(frame);
    }
  }
  return jobs;
}

/** Runs `run` over `items` with at most `limit` in flight (each holds a block's voxels until its job ends). */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await run(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

export async function trainVolumeClassifier(
  pool: WorkerPool,
  inputs: readonly VolumeTrainingInput[],
  options: VolumeTrainingOptions,
): Promise<FittedClassifier> {
  if (inputs.length === 0) throw new RangeError('no stacks to train on');
  const channels = inputs[0].source.info.channels;
  for (const { source } of inputs) {
    if (source.info.channels !== channels) {
      throw new RangeError(
        `${source.name}: all training images need the same number of channels (${channels} vs ${source.info.channels})`,
      );
    }
  }
  const spec = volumeFeatureSpec(options.features);
  const jobs = planBlocks(inputs, spec, options);
  if (jobs.length === 0) throw new RangeError('there are no labels to train on: paint at least two classes');
  let unlabeled = 0;
  for (const job of jobs) for (const v of job.labels) if (v === 0) unlabeled++;
  // Gaussian tails unless asked: the tail bound was measured on 2-D images, and on the synthetic stack that
  // only z context decides (test/volume/volumeAccuracy.test.ts) it cost 3-D features 0.83 → 0.42: voxels
  // off the labelled plane lie far from both object classes in the z features, and the class those
  // Gaussian tails favour (the wider one) is the right one there.
  const classifierOptions = { tailBound: null, ...options.classifier };
  const unlabeledFraction = unlabeledSampleFraction(classifierOptions, unlabeled);
  // Offsets and normalization once per frame, shared by its blocks (they must stitch exactly).
  const frameSetup = new Map<string, Promise<{ offsets: number[]; normalize: Normalize }>>();
  const setupOf = (job: BlockJob) => {
    const key = `${inputs.indexOf(job.input)}/${job.t}`;
    let setup = frameSetup.get(key);
    if (!setup) {
      setup = (async () => {
        const normalize = await frameNormalizer(job.input.source, job.layout, job.t, options.normalization);
        const offsets = await frameFeatureOffsets(job.input.source, job.layout, job.t, normalize);
        return { offsets, normalize };
      })();
      frameSetup.set(key, setup);
    }
    return setup;
  };
  let done = 0;
  const parts: TrainingSamples[] = await mapLimited(jobs, pool.threads + 1, async (job, index) => {
    const { offsets, normalize } = await setupOf(job);
    const volume = await readVolumeBox(job.input.source, job.layout, job.t, job.outer, normalize);
    const { info } = job.input.source;
    const part = await pool.run(
      'volumeTrainingSamples',
      {
        channels: [...volume.channels],
        outer: { depth: volume.depth, height: volume.height, width: volume.width },
        region: relativeBox(job.core, job.outer),
        selection: spec.selection,
        convention: spec.convention,
        layout: spec.layout,
        offsets,
        volumeShape: { depth: job.layout.zSize, height: info.height, width: info.width },
        labels: job.labels,
        unlabeledFraction,
        seed: (classifierOptions.seed ?? 0) * 7919 + index,
        origin: { z: job.core.z, y: job.core.y, x: job.core.x },
        groupBase: job.groupBase,
      },
      { signal: options.signal, transfer: volume.channels.map((c) => c.buffer as ArrayBuffer) },
    );
    options.onProgress?.('features', ++done, jobs.length);
    return part;
  });
  const model = await fitSampleParts(pool, parts, classifierOptions, options.onProgress, options.signal);
  return { ...model, featureNames: volumeFeatureNames(spec, channels) };
}
