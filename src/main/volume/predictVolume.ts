/**
 * Prediction of a stack with 3-D features, streamed block by block with bounded memory: each t frame is a
 * volume cut into z slabs of y bands of x blocks (volumeBlocks.ts); a block's outer voxels are read,
 * classified on the pool (its features never leave the worker), and a band's cores are stitched into
 * rows of each of its planes and written through the same outputs as 2-D prediction (writeBand), at the
 * plane's flat index t·Z + z. At most a few blocks' voxels and two bands of results are held at once.
 */
import type { AdaptationChoice } from '../../core/classifier/adaptation/adaptationConstants.js';
import type { FittedClassifier } from '../../core/classifier/PixelClassifier.js';
import type { Box } from '../../core/features3d/volume3d.js';
import type { FeatureSettings, NormalizationSettings } from '../../core/project/Project.js';
import type { WorkerPool } from '../engine/WorkerPool.js';
import type { OpenedImage } from '../io/OpenedImage.js';
import { writeBand, type StreamOutput } from '../batch/predictStreaming.js';
import { adaptToFrame, type AdaptedFrame } from './adaptVolume.js';
import { chooseBlockCore, relativeBox, volumeBands, type VolumeBand } from './volumeBlocks.js';
import { VOLUME_BANDS_IN_FLIGHT } from './volumeConstants.js';
import {
  checkVolumeFits,
  volumeBlockCosts,
  volumeFeatureCount,
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

/** Where a plane's results go: outputs and the plane's index in them. */
export interface VolumePlaneOutputs {
  readonly outputs: readonly StreamOutput[];
  readonly index: number;
}

export interface VolumePredictionOptions {
  readonly source: OpenedImage;
  readonly pool: WorkerPool;
  readonly model: FittedClassifier;
  readonly modelKey: string;
  readonly features: FeatureSettings;
  readonly normalization: NormalizationSettings;
  /** The outputs of a plane (flat index); called when the plane's first band is written. */
  readonly outputsFor: (plane: number) => Promise<VolumePlaneOutputs>;
  /** Called with planes whose every row has been written (per-plane files finish there). */
  readonly onPlanesDone?: (planes: number[]) => Promise<void>;
  /** The scribbles of rows y0..y0+rows of a plane, for the Labels export. */
  readonly labelRows?: (plane: number, y0: number, rows: number) => Uint8Array | undefined;
  /** The outputs include a Features export: blocks' features are computed on the pool too. */
  readonly wantsFeatures?: boolean;
  /** Overrides the block plan's core (tests: many blocks in a small stack). */
  readonly blockCore?: { readonly depth: number; readonly side: number };
  readonly onBlock?: (done: number, total: number) => void;
  /** Adapts the model to each frame before predicting it (adaptVolume.ts); absent: the model as trained. */
  readonly adapt?: VolumeAdaptation;
  readonly signal?: AbortSignal;
}

export interface VolumeAdaptation {
  /** The adaptation asked for frame t. */
  readonly choiceFor: (t: number) => AdaptationChoice;
  readonly classNames: readonly string[];
  /** What was applied to frame t and why. */
  readonly onAdapted?: (t: number, adapted: AdaptedFrame) => void;
}

/** A counting gate: at most `limit` holders at once. */
function gate(limit: number): <R>(run: () => Promise<R>) => Promise<R> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (run) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await run();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

interface FrameContext {
  readonly options: VolumePredictionOptions;
  /** The model for this frame: the project's, or its adaptation to the frame. */
  readonly model: FittedClassifier;
  readonly modelKey: string;
  readonly spec: VolumeFeatureSpec;
  readonly layout: StackLayout;
  readonly t: number;
  readonly normalize: Normalize;
  readonly offsets: number[];
  readonly wantsFeatures: boolean;
  readonly withBlock: <R>(run: () => Promise<R>) => Promise<R>;
  readonly onBlockDone: () => void;
}

interface BandPlanes {
  readonly band: VolumeBand;
  /** Per class, band.depth × band.height × width (z-major). */
  readonly probabilities: Float32Array[];
  readonly features: Float32Array[] | null;
}

async function classifyBand(ctx: FrameContext, band: VolumeBand): Promise<BandPlanes> {
  const { source, pool, signal } = ctx.options;
  const { model, modelKey } = ctx;
  const { width, height } = source.info;
  const volumeShape = { depth: ctx.layout.zSize, height, width };
  const run = async (outer: Box, core: Box) =>
    ctx.withBlock(async () => {
      const volume = await readVolumeBox(source, ctx.layout, ctx.t, outer, ctx.normalize);
      const input = {
        channels: [...volume.channels],
        outer: { depth: volume.depth, height: volume.height, width: volume.width },
        region: relativeBox(core, outer),
        selection: ctx.spec.selection,
        convention: ctx.spec.convention,
        layout: ctx.spec.layout,
        offsets: ctx.offsets,
        volumeShape,
      };
      const [classified, features] = await Promise.all([
        pool.run('classifyVolumeBlock', { ...input, model, modelKey }, { signal }),
        ctx.wantsFeatures ? pool.run('volumeFeatureBlock', input, { signal }) : null,
      ]);
      ctx.onBlockDone();
      // Stitched as each block arrives, so a band's results are held once, not also as blocks' parts.
      stitched.probabilities = stitch(stitched.probabilities, classified.probabilities, core);
      if (features) stitched.features = stitch(stitched.features, features.planes, core);
    });
  const size = band.depth * band.height * width;
  const stitched: { probabilities: Float32Array[]; features: Float32Array[] | null } = {
    probabilities: [],
    features: null,
  };
  const stitch = (planes: Float32Array[] | null, parts: Float32Array[], core: Box): Float32Array[] => {
    const target = planes?.length ? planes : parts.map(() => new Float32Array(size));
    parts.forEach((part, k) => {
      for (let z = 0; z < core.depth; z++)
        for (let y = 0; y < core.height; y++) {
          const from = (z * core.height + y) * core.width;
          target[k].set(part.subarray(from, from + core.width), (z * band.height + y) * width + core.x);
        }
    });
    return target;
  };
  await Promise.all(band.blocks.map((b) => run(b.outer, b.core)));
  return { band, ...stitched };
}

async function writeBandPlanes(ctx: FrameContext, result: BandPlanes): Promise<void> {
  const { band } = result;
  const { width } = ctx.options.source.info;
  const rows = band.height * width;
  const slice = (planes: Float32Array[] | null, z: number) =>
    planes && planes.map((p) => p.subarray(z * rows, (z + 1) * rows));
  for (let z = 0; z < band.depth; z++) {
    const plane = planeIndex(ctx.layout, ctx.t, band.z + z);
    const target = await ctx.options.outputsFor(plane);
    const labelRows = ctx.options.labelRows;
    await writeBand(
      {
        outputs: target.outputs,
        outputPlane: target.index,
        classValues: ctx.options.model.classes,
        labelRows: labelRows && ((y0, n) => labelRows(plane, y0, n) ?? new Uint8Array(n * width)),
      },
      {
        y: band.y,
        rows: band.height,
        probabilities: slice(result.probabilities, z) as Float32Array[],
        features: slice(result.features, z),
      },
    );
  }
}

/** Predicts every frame of `source` into the outputs (not finished, not committed). */
export async function predictVolume(options: VolumePredictionOptions): Promise<void> {
  const { source } = options;
  const { width, height, channels, axes } = source.info;
  const spec = volumeFeatureSpec(options.features);
  const layout = stackLayout(source);
  const frame = { depth: layout.zSize, height, width };
  checkVolumeFits(spec, frame, axes);
  const featureCount = volumeFeatureCount(spec, channels);
  if (featureCount !== options.model.featureCount) {
    throw new RangeError(
      `has ${channels} channel(s) but the project was trained on images with ${options.model.featureCount / volumeFeatureCount(spec, 1)}`,
    );
  }
  const wantsFeatures = options.wantsFeatures === true;
  const resultCount = options.model.classes.length + (wantsFeatures ? featureCount : 0);
  const core =
    options.blockCore ?? chooseBlockCore(frame, spec.halo, volumeBlockCosts(spec, channels, resultCount));
  const bands = volumeBands(frame, core, spec.halo);
  const total = bands.reduce((n, b) => n + b.blocks.length, 0) * layout.tSize;
  let done = 0;
  const withBlock = gate(options.pool.threads + 1);
  for (let t = 0; t < layout.tSize; t++) {
    options.signal?.throwIfAborted();
    const measured = await frameNormalizer(source, layout, t, options.normalization);
    const measuredOffsets = await frameFeatureOffsets(source, layout, t, measured);
    const adapted = options.adapt
      ? await adaptToFrame({
          source,
          layout,
          t,
          normalize: measured,
          offsets: measuredOffsets,
          spec,
          model: options.model,
          modelKey: options.modelKey,
          pool: options.pool,
          choice: options.adapt.choiceFor(t),
          classNames: options.adapt.classNames,
          signal: options.signal,
        })
      : null;
    if (adapted) options.adapt?.onAdapted?.(t, adapted);
    const normalize = adapted?.normalize ?? measured;
    // An intensity transfer changes what the features see: the offsets follow it.
    const offsets =
      normalize === measured ? measuredOffsets : await frameFeatureOffsets(source, layout, t, normalize);
    const ctx: FrameContext = {
      options,
      model: adapted?.model ?? options.model,
      modelKey: adapted?.modelKey ?? options.modelKey,
      spec,
      layout,
      t,
      normalize,
      offsets,
      wantsFeatures,
      withBlock,
      onBlockDone: () => options.onBlock?.(++done, total),
    };
    await streamBands(ctx, bands);
  }
}

/** Classifies bands with VOLUME_BANDS_IN_FLIGHT at once and writes them in order. */
async function streamBands(ctx: FrameContext, bands: readonly VolumeBand[]): Promise<void> {
  const inFlight: Promise<BandPlanes>[] = [];
  let next = 0;
  const launch = () => {
    if (next >= bands.length) return;
    const band = classifyBand(ctx, bands[next++]);
    band.catch(() => undefined);
    inFlight.push(band);
  };
  for (let i = 0; i < VOLUME_BANDS_IN_FLIGHT; i++) launch();
  try {
    for (let i = 0; i < bands.length; i++) {
      const result = await (inFlight.shift() as Promise<BandPlanes>);
      launch();
      await writeBandPlanes(ctx, result);
      const isSlabEnd = i === bands.length - 1 || bands[i + 1].z !== result.band.z;
      if (isSlabEnd && ctx.options.onPlanesDone) {
        const planes = Array.from({ length: result.band.depth }, (_, z) =>
          planeIndex(ctx.layout, ctx.t, result.band.z + z),
        );
        await ctx.options.onPlanesDone(planes);
      }
    }
  } finally {
    await Promise.allSettled(inFlight);
  }
}
