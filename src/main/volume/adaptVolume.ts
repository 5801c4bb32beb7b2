/**
 * Per-frame adaptation of a 3-D project's model (`mixel predict --adapt` on stacks), as adaptToImage.ts
 * adapts a plane: the 3-D features of a grid of small windows — each on its own plane, the planes spread
 * evenly through the frame, each window read with the feature halo in z, y and x and computed on the pool
 * like a prediction block — then adaptClassifier's choice on the pool (job 'adaptModel'). The project's
 * model is not changed: an adapted copy with its own cache key comes back, or the model itself, and the
 * normalization to predict the frame with (the project's, then the intensity transfer when chosen).
 */
import {
  ADAPTATION_WINDOW_COUNT,
  ADAPTATION_WINDOW_SIZE,
  ADAPTATION_WORK_SHARE,
} from '../../core/classifier/adaptation/adaptationConstants.js';
import { isAdaptable } from '../../core/classifier/adaptation/adaptedModel.js';
import { featureRoles, type FeatureRole } from '../../core/classifier/adaptation/featureRoles.js';
import { sampleWindows } from '../../core/classifier/adaptation/samplePixels.js';
import { concatArrays } from '../../core/concatArrays.js';
import { cellChannelCount3d, isScaleIn2d } from '../../core/features3d/featureLayout3d.js';
import { boxVoxels, growBox, type Shape3 } from '../../core/features3d/volume3d.js';
import type { Rect } from '../../core/tiling.js';
import { FEATURE_CHANNEL_COUNTS, selectedFeatures } from '../../core/features/selection.js';
import {
  adaptFromSample,
  unadapted,
  type AdaptationRequest,
  type AdaptedPlane,
} from '../batch/adaptToImage.js';
import type { OpenedImage } from '../io/OpenedImage.js';
import { relativeBox } from './volumeBlocks.js';
import type { VolumeFeatureSpec } from './volumeFeatureSpec.js';
import { readVolumeBox, type StackLayout } from './volumeFrames.js';

/** options.normalize is the frame's normalization as prediction applies it, with its feature offsets. */
export interface AdaptFrameOptions extends AdaptationRequest {
  readonly source: OpenedImage;
  readonly layout: StackLayout;
  readonly t: number;
  readonly offsets: readonly number[];
  readonly spec: VolumeFeatureSpec;
}

/** normalize: options.normalize, followed by the intensity transfer when one was chosen. */
export type AdaptedFrame = AdaptedPlane;

/**
 * How each 3-D feature channel follows the image's intensity: the 2-D bank's roles (featureRoles.ts) for
 * the same selection, each cell widened to its 3-D channel count (eigenvalues: three channels in 3-D, two
 * in 2-D), references moved to the 3-D indices. Both banks order channels by feature, scale, input channel.
 */
export function volumeFeatureRoles(spec: VolumeFeatureSpec, channels: number): FeatureRole[] | null {
  const roles2d = featureRoles(spec.selection, channels);
  if (!roles2d) return null;
  const index3d = new Map<number, number>();
  const widened: FeatureRole[] = [];
  let at2d = 0;
  for (const { feature, scaleIndex } of selectedFeatures(spec.selection)) {
    const count = cellChannelCount3d(feature, isScaleIn2d(spec.layout, scaleIndex));
    for (let c = 0; c < channels; c++) {
      index3d.set(at2d, widened.length);
      for (let k = 0; k < count; k++) widened.push(roles2d[at2d]);
      at2d += FEATURE_CHANNEL_COUNTS[feature];
    }
  }
  return widened.map((role) => ({ ...role, reference: index3d.get(role.reference) as number }));
}

/**
 * The sample windows of a frame (in-plane rectangles; window i lies on its own plane): up to
 * ADAPTATION_WINDOW_COUNT, fewer when their feature work — each window one plane deep, grown by the halo
 * in z, y and x — would pass ADAPTATION_WORK_SHARE of the frame's own voxels (a 512 × 512 × 40 stack: the
 * z halo spans the whole frame, so a few windows, not 25).
 */
export function volumeAdaptationWindows(frame: Shape3, halo: readonly [number, number, number]): Rect[] {
  const grown = (n: number, h: number, size: number) => Math.min(n, size + 2 * h);
  const windowWork =
    grown(frame.depth, halo[0], 1) *
    grown(frame.height, halo[1], ADAPTATION_WINDOW_SIZE) *
    grown(frame.width, halo[2], ADAPTATION_WINDOW_SIZE);
  const affordable = Math.floor((ADAPTATION_WORK_SHARE * boxVoxels(frame)) / windowWork);
  const count = Math.max(1, Math.min(ADAPTATION_WINDOW_COUNT, affordable));
  return sampleWindows(frame.width, frame.height, count, ADAPTATION_WINDOW_SIZE);
}

/** The sample windows' core features (one plane per feature channel, window after window). */
async function windowFeatures(options: AdaptFrameOptions): Promise<Float32Array[]> {
  const { source, layout, t, spec, pool } = options;
  const { width, height } = source.info;
  const frame = { depth: layout.zSize, height, width };
  const windows = volumeAdaptationWindows(frame, spec.halo);
  const parts = await Promise.all(
    windows.map(async (rect, i) => {
      const z = Math.floor(((i + 0.5) * layout.zSize) / windows.length);
      const core = { z, y: rect.y, x: rect.x, depth: 1, height: rect.height, width: rect.width };
      const outer = growBox(core, spec.halo, frame);
      const volume = await readVolumeBox(source, layout, t, outer, options.normalize);
      const result = await pool.run(
        'volumeFeatureBlock',
        {
          channels: [...volume.channels],
          outer: { depth: volume.depth, height: volume.height, width: volume.width },
          region: relativeBox(core, outer),
          selection: spec.selection,
          convention: spec.convention,
          layout: spec.layout,
          offsets: options.offsets,
          volumeShape: frame,
        },
        { signal: options.signal },
      );
      return result.planes;
    }),
  );
  return (parts[0] ?? []).map((_, c) =>
    concatArrays(
      Float32Array,
      parts.map((part) => part[c]),
    ),
  );
}

export async function adaptToFrame(options: AdaptFrameOptions): Promise<AdaptedFrame> {
  const started = performance.now();
  if (options.choice === 'off' || !isAdaptable(options.model)) return unadapted(options);
  const planes = await windowFeatures(options);
  const roles = volumeFeatureRoles(options.spec, options.source.info.channels);
  return adaptFromSample(options, planes, roles, started);
}
