/**
 * Stacks as volumes: an image's planes (flat index t·Z + z, as ImageInfo.planes counts them) grouped into
 * t frames of Z planes, each classified on its own as one volume. Reads boxes of a frame plane by plane
 * through the ImageSource, normalized as the project says and checked as the 2-D path checks tiles.
 */
import { featureOffsets } from '../../core/features/featureOffset.js';
import type { Box, Volume } from '../../core/features3d/volume3d.js';
import type { PlanarImage } from '../../core/image.js';
import { channelRangeOf, normalizeForFeatures, percentileSampleRects } from '../../core/normalization.js';
import type { ChannelRange, NormalizationSettings } from '../../core/project/Project.js';
import { ImageReadError } from '../io/ImageReadError.js';
import { axisSize } from '../../core/imageMetadata.js';
import { assertFeatureInput, assertFiniteSamples } from '../io/checkImageValues.js';
import type { OpenedImage } from '../io/OpenedImage.js';
import { NORMALIZATION_SAMPLE_PLANES, OFFSET_SAMPLE_PLANES } from './volumeConstants.js';

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

/**
 * The percentile range of frame `t`, measured over the whole frame: the normalization's sample rectangles
 * (percentileSampleRects) on NORMALIZATION_SAMPLE_PLANES planes spread evenly through z, each plane giving
 * every k-th value (k = planes sampled, a different phase per plane), so the frame's sample is no larger
 * than one plane's. A dark or empty plane in the middle of the stack then no longer sets the range of all.
 */
export async function measureFrameRange(
  source: OpenedImage,
  layout: StackLayout,
  t: number,
  settings: NormalizationSettings,
): Promise<ChannelRange> {
  const { width, height, channels } = source.info;
  const count = Math.min(NORMALIZATION_SAMPLE_PLANES, layout.zSize);
  const rects = percentileSampleRects(width, height);
  const samples = Array.from({ length: channels }, () => [] as Float32Array[]);
  for (let k = 0; k < count; k++) {
    const z = Math.floor(((k + 0.5) * layout.zSize) / count);
    for (const rect of rects) {
      const part = await source.readRegion(rect, planeIndex(layout, t, z));
      part.channels.forEach((values, c) => {
        const picked = new Float32Array(Math.max(0, Math.ceil((values.length - (k % count)) / count)));
        for (let i = k % count, j = 0; i < values.length; i += count, j++) {
          const v = values[i];
          if (v - v !== 0) throw new ImageReadError(source.name, 'contains NaN or infinite values');
          picked[j] = v;
        }
        samples[c].push(picked);
      });
    }
  }
  const joined = samples.map((parts) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  });
  return channelRangeOf(joined, settings);
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
  const range = await measureFrameRange(source, layout, t, settings);
  return (image) => normalizeForFeatures(image, settings, range);
}
