/**
 * The feature bank: ilastik's six features at the selected scales, for every input channel, as planes in the
 * channel order of selection.ts. Runs anywhere (worker, test, browser); the worker pool tiles large images
 * through it (src/main/features/computeFeatureStack.ts).
 */
import type { PlanarImage } from '../image.js';
import type { Rect } from '../tiling.js';
import { FEATURE_DEGREE, rangeSafeChannel } from './featureInputRange.js';
import { channelFeatureOffset, checkFeatureOffsets, subtractOffset } from './featureOffset.js';
import { computeScaleFeatures, scalePlan, scaleReachPx, type FeatureFlags } from './scaleFilters.js';
import {
  FEATURE_CHANNEL_COUNTS,
  FEATURE_IDS,
  validateSelection,
  type FeatureConvention,
  type FeatureId,
  type FeatureSelection,
} from './selection.js';
import { ConvolutionScratch } from './separableConvolution.js';

function flagsAt(sel: FeatureSelection, scaleIndex: number): FeatureFlags {
  const flags = {} as Record<FeatureId, boolean>;
  FEATURE_IDS.forEach((id, row) => (flags[id] = sel.enabled[row][scaleIndex]));
  return flags;
}

function hasAny(flags: FeatureFlags): boolean {
  return FEATURE_IDS.some((id) => flags[id]);
}

/**
 * How many pixels of context a tile needs on each side so that its core equals the whole-image result: the
 * longest chain of kernel radii of any selected (feature, scale), pre-smoothing included.
 */
export function featureHaloPx(sel: FeatureSelection, convention: FeatureConvention): number {
  validateSelection(sel);
  let halo = 0;
  sel.scales.forEach((scale, si) => {
    const flags = flagsAt(sel, si);
    if (hasAny(flags)) halo = Math.max(halo, scaleReachPx(scalePlan(scale, convention), flags));
  });
  return halo;
}

export interface FeatureOptions {
  /**
   * Per input channel, the offset subtracted before filtering and added back to smoothing only
   * (featureOffset.ts). Tiles of one image must share the image's: pass featureOffsets(image.channels) to
   * each. Default: each channel's own quantized median.
   */
  readonly offsets?: readonly number[];
}

/**
 * Computes the selected features. Returns one plane per output channel (featureChannelNames order) of
 * `region`'s size (default: the whole image); pixels of `image` outside `region` serve as context, and
 * borders reflect at the edges of `image`. A tile computed with featureHaloPx of context (and the image's
 * offsets) therefore equals the same region of the whole-image result.
 */
export function computeFeatures(
  image: PlanarImage,
  sel: FeatureSelection,
  convention: FeatureConvention,
  region?: Rect,
  options: FeatureOptions = {},
): Float32Array[] {
  validateSelection(sel);
  const { width: W, height: H } = image;
  const core = region ?? { x: 0, y: 0, width: W, height: H };
  if (
    !(core.width > 0 && core.height > 0) ||
    core.x < 0 ||
    core.y < 0 ||
    core.x + core.width > W ||
    core.y + core.height > H
  ) {
    throw new RangeError(
      `feature region ${core.width}×${core.height}+${core.x}+${core.y} is empty or outside the ${W}×${H} image`,
    );
  }
  for (const ch of image.channels) {
    if (ch.length !== W * H)
      throw new RangeError(`image channel has ${ch.length} values, expected ${W}×${H}`);
  }

  const inputCount = image.channels.length;
  const coreSize = core.width * core.height;
  // First output plane of each (row, scale) cell; a cell's planes run over input channels, then the feature's channels.
  const firstPlane: number[][] = FEATURE_IDS.map(() => []);
  let planeCount = 0;
  FEATURE_IDS.forEach((id, row) => {
    sel.scales.forEach((_, si) => {
      firstPlane[row][si] = planeCount;
      if (sel.enabled[row][si]) planeCount += FEATURE_CHANNEL_COUNTS[id] * inputCount;
    });
  });
  const planes: Float32Array[] = [];
  for (let i = 0; i < planeCount; i++) planes.push(new Float32Array(coreSize));

  const scratch = takeScratch();
  const ctx = { imageWidth: W, imageHeight: H, core, scratch };
  // Offset-free input (featureOffset.ts); channels too bright for the float32 filter stages are then scaled
  // down by a power of two (featureInputRange.ts).
  const offsets = options.offsets ?? image.channels.map(channelFeatureOffset);
  checkFeatureOffsets(offsets, image.channels.length);
  const inputs = image.channels.map((ch, c) => rangeSafeChannel(subtractOffset(ch, offsets[c])));
  sel.scales.forEach((scale, si) => {
    const flags = flagsAt(sel, si);
    if (!hasAny(flags)) return;
    const plan = scalePlan(scale, convention);
    inputs.forEach(({ data: channel }, c) => {
      const sink = (feature: FeatureId, k: number): Float32Array => {
        const row = FEATURE_IDS.indexOf(feature);
        return planes[firstPlane[row][si] + c * FEATURE_CHANNEL_COUNTS[feature] + k];
      };
      computeScaleFeatures(
        { data: channel, rect: { x: 0, y: 0, width: W, height: H } },
        plan,
        flags,
        ctx,
        sink,
      );
    });
  });
  releaseScratch(scratch);
  inputs.forEach(({ exponent }, c) => {
    FEATURE_IDS.forEach((id, row) => {
      const factor = 2 ** (exponent * FEATURE_DEGREE[id]);
      const add = id === 'gaussianSmoothing' ? offsets[c] : 0;
      if (factor === 1 && add === 0) return;
      sel.scales.forEach((_, si) => {
        if (!sel.enabled[row][si]) return;
        const first = firstPlane[row][si] + c * FEATURE_CHANNEL_COUNTS[id];
        for (let k = 0; k < FEATURE_CHANNEL_COUNTS[id]; k++) {
          const plane = planes[first + k];
          for (let i = 0; i < plane.length; i++) plane[i] = plane[i] * factor + add;
        }
      });
    });
  });
  return planes;
}

/**
 * Scratch kept between calls: a worker computes tile after tile, and reusing the planes of the last tile
 * saves allocating and zeroing ~20 planes per scale. Only tile-sized scratch is kept, so one whole-image call
 * does not pin hundreds of megabytes.
 */
const MAX_KEPT_SCRATCH_BYTES = 64 * 1024 * 1024;
let keptScratch: ConvolutionScratch | null = null;

function takeScratch(): ConvolutionScratch {
  const scratch = keptScratch ?? new ConvolutionScratch();
  keptScratch = null;
  return scratch;
}

function releaseScratch(scratch: ConvolutionScratch): void {
  if (scratch.byteLength <= MAX_KEPT_SCRATCH_BYTES) keptScratch = scratch;
}
