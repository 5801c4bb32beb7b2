/**
 * Stacks as volumes: an image's planes (flat index t·Z + z, as ImageInfo.planes counts them) grouped into
 * t frames of Z planes, each classified on its own as one volume. Reads boxes of a frame plane by plane
 * through the ImageSource, normalized as the project says and checked as the 2-D path checks tiles.
 */
import { featureOffsets } from '../../core/features/featureOffset.js';
import type { Box, Volume } from '../../core/features3d/volume3d.js';
import type { PlanarImage } from '../../core/image.js';
import { normalizeForFeatures } from '../../core/normalization.js';
import type { ChannelRange, NormalizationSettings } from '../../core/project/Project.js';
import { measureFrameRange } from '../io/imageStatistics.js';
import { axisSize } from '../../core/imageMetadata.js';
import { assertFeatureInput, assertFiniteSamples } from '../io/checkImageValues.js';
import type { OpenedImage } from '../io/OpenedImage.js';
import { OFFSET_SAMPLE_PLANES } from './volumeConstants.js';

const VOLUME_RANGE_REMEDY =
  'rescale the stack like the training images (or clip its outliers if the project normalizes by percentiles)';

export interface StackLayout {
  /** Planes per frame (the z axis; 1 for images without z). */
  readonly zSize: number;
  /** Frames (the t axis; 1 for images without t). */
  readonly tSize: number;
}

export function stackLayout(source: OpenedImage): StackLayout {
  return { zSize: axisSize(source.metadata, 'z'), tSize: axisSize(source.metadata, 't') };
}

/** Flat plane index of (t, z). */
export function planeIndex(layout: StackLayout, t: number, z: number): number {
  return t * layout.zSize + z;
}

/** Maps each plane's raw pixels to what the features see (the project's normalization). */
export type Normalize = (image: PlanarImage) => PlanarImage;

/** The voxels of `box` of frame `t`, one z-major Float32Array per channel, normalized and checked. */
export async function readVolumeBox(
  source: OpenedImage,
  layout: StackLayout,
  t: number,
  box: Box,
  normalize: Normalize,
): Promise<Volume> {
  const planeSize = box.height * box.width;
  const channels = Array.from(
    { length: source.info.channels },
    () => new Float32Array(box.depth * planeSize),
  );
  const rect = { x: box.x, y: box.y, width: box.width, height: box.height };
  for (let z = 0; z < box.depth; z++) {
    const raw = await source.readRegion(rect, planeIndex(layout, t, box.z + z));
    const origin = { x: box.x, y: box.y };
    assertFiniteSamples(source.name, raw, origin);
    const plane = normalize(raw);
    assertFeatureInput(source.name, plane, VOLUME_RANGE_REMEDY, origin);
    plane.channels.forEach((ch, c) => channels[c].set(ch, z * planeSize));
  }
  return { depth: box.depth, height: box.height, width: box.width, channels };
}

/**
 * The feature offsets (featureOffset.ts) of frame `t`, shared by all its blocks so that they stitch
 * exactly: medians of an even sample of a few planes.
 */
export async function frameFeatureOffsets(
  source: OpenedImage,
  layout: StackLayout,
  t: number,
  normalize: Normalize,
): Promise<number[]> {
  const { width, height, channels } = source.info;
  const count = Math.min(OFFSET_SAMPLE_PLANES, layout.zSize);
  const perPlane = Math.ceil(65536 / count);
  const step = Math.max(1, Math.floor((width * height) / perPlane));
  const samples = Array.from({ length: channels }, () => [] as number[]);
  for (let k = 0; k < count; k++) {
    const z = Math.floor(((k + 0.5) * layout.zSize) / count);
    const plane = normalize(await source.readRegion({ x: 0, y: 0, width, height }, planeIndex(layout, t, z)));
    plane.channels.forEach((ch, c) => {
      for (let i = 0; i < ch.length; i += step) samples[c].push(ch[i]);
    });
  }
  return featureOffsets(samples.map((s) => Float32Array.from(s)));
}

/** The percentile range of frame `t`, measured over the whole frame (measureFrameRange in imageStatistics.ts). */
export function frameRange(
  source: OpenedImage,
  layout: StackLayout,
  t: number,
  settings: NormalizationSettings,
): Promise<ChannelRange> {
  return measureFrameRange(source, layout.zSize, t, settings);
}

/**
 * The normalization of frame `t` under the project's settings: one range per frame (measureFrameRange),
 * so that all planes of a volume are scaled alike, in training and prediction.
 */
export async function frameNormalizer(
  source: OpenedImage,
  layout: StackLayout,
  t: number,
  settings: NormalizationSettings,
): Promise<Normalize> {
  if (settings.mode === 'none') return (image) => image;
  const range = await frameRange(source, layout, t, settings);
  return (image) => normalizeForFeatures(image, settings, range);
}
