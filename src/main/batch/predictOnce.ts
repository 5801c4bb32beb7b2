/**
 * Per-image adaptation and prediction of a plane whose features fit in memory whole (ONCE_FEATURE_BYTES):
 * the features are computed once, in bands of rows on the worker pool; adaptation's sample is drawn from
 * them (the same pixels of the same windows as adaptToImage.ts draws, so the same choice), and the plane
 * is predicted from the same features (job 'predictFeatures') — so adaptation costs only its fit. A larger plane is predicted
 * tile by tile with features dropped after each tile, and adaptation computes features for a few windows
 * of it first (adaptToImage.ts); on a 512² image those windows cost half its own features again.
 */
import { cropPlane } from '../../core/image.js';
import type { ImageSource } from '../../core/imageSource.js';
import {
  ADAPTATION_SAMPLE_PIXELS,
  ADAPTATION_SEED,
  ADAPTATION_WINDOW_COUNT,
  ADAPTATION_WINDOW_SIZE,
} from '../../core/classifier/adaptation/adaptationConstants.js';
import { featureRoles } from '../../core/classifier/adaptation/featureRoles.js';
import {
  gatherFeatureRows,
  samplePixelIndices,
  sampleWindows,
  windowPixelsInImage,
} from '../../core/classifier/adaptation/samplePixels.js';
import type { FeatureConvention, FeatureSelection } from '../../core/features/selection.js';
import { adaptFromSample, withNote, type AdaptationRequest, type AdaptedPlane } from './adaptToImage.js';
import { matchPlaneNoise } from './noiseMatching.js';
import type { Rect } from '../../core/tiling.js';
import { noiseResponses, noiseSdFromResponses } from '../../core/classifier/adaptation/noiseMatch.js';
import { readBand, writeBand, type BandWriteOptions } from './predictStreaming.js';

/**
 * The largest feature stack (bytes, float32) of one plane held whole to be computed once: 64 MiB holds a
 * 512² image's 49 default features (51 MiB) and keeps memory well below what a desktop has. Larger planes
 * are adapted on windows and predicted tile by tile.
 */
export const ONCE_FEATURE_BYTES = 64 * 2 ** 20;

/** Whether a plane's features (width × height × featureCount float32) are held whole under `limit`. */
export function fitsOnce(
  width: number,
  height: number,
  featureCount: number,
  limit: number = ONCE_FEATURE_BYTES,
): boolean {
  return width * height * featureCount * Float32Array.BYTES_PER_ELEMENT <= limit;
}

export interface PredictOnceOptions extends AdaptationRequest, BandWriteOptions {
  readonly source: ImageSource;
  readonly plane: number;
  readonly selection: FeatureSelection;
  readonly convention: FeatureConvention;
  readonly haloPx: number;
  /** Widest piece of a band whose features one job computes (the prediction's tile size). */
  readonly tileSize: number;
  /** The plane's feature offsets under options.normalize (planeFeatureOffsets), as prediction uses. */
  readonly offsets: readonly number[];
  /** Told the adaptation as soon as it is chosen, before the plane is predicted. */
  readonly onAdapted?: (adapted: AdaptedPlane) => void;
  readonly onTile?: (done: number, total: number) => void;
}

export interface PredictedOnce {
  readonly adapted: AdaptedPlane;
  /**
   * False when the adaptation chose an intensity transfer, which changes the image the features are
   * computed from: the plane is then still to be predicted, with adapted.normalize.
   */
  readonly isPredicted: boolean;
}

/** One band of rows of the plane and its feature planes (rows × width each). */
interface FeatureBand {
  readonly y: number;
  readonly rows: number;
  readonly features: Float32Array[];
  /** Per channel, the noise filter's responses over the band's rows of the sample windows (noiseMatch.ts). */
  readonly noiseResponses: Float32Array[][];
}

export async function adaptAndPredictOnce(options: PredictOnceOptions): Promise<PredictedOnce> {
  const { source, pool } = options;
  const { width, height } = source.info;
  // Bands enough to keep every thread busy (a 512² plane is one prediction tile, which one thread computes).
  const bandRows = Math.max(1, Math.min(options.tileSize, Math.ceil(height / pool.threads)));
  const bandStarts: number[] = [];
  for (let y = 0; y < height; y += bandRows) bandStarts.push(y);
  // The very pixels the windows' features would give (adaptToImage.ts), so the choice is the same.
  const windows = sampleWindows(
    width,
    height,
    ADAPTATION_WINDOW_COUNT,
    ADAPTATION_WINDOW_SIZE,
    options.haloPx,
  );
  const bands = await Promise.all(bandStarts.map((y) => bandFeatures(options, y, bandRows, windows)));

  const started = performance.now();
  const windowPixels = windows.reduce((s, w) => s + w.width * w.height, 0);
  const drawn = samplePixelIndices(windowPixels, ADAPTATION_SAMPLE_PIXELS, ADAPTATION_SEED);
  const pixels = windowPixelsInImage(windows, width, drawn);
  const rows = gatherFeatureRows(
    bands.map((b) => b.features),
    pixels,
  );
  const roles = featureRoles(options.selection, source.info.channels);
  const noise = Array.from({ length: source.info.channels }, (_, c) =>
    noiseSdFromResponses(bands.flatMap((b) => b.noiseResponses[c])),
  );
  const { request, note } = await matchPlaneNoise(options, noise);
  const adapted = withNote(await adaptFromSample(request, { rows, n: pixels.length }, roles, started), note);
  options.onAdapted?.(adapted);
  if (adapted.result.intensity) return { adapted, isPredicted: false };

  const wantsFeatures = options.outputs.some((o) => o.result === 'Features');
  let done = 0;
  const predicted = bands.map(async (band) => {
    const result = await pool.run(
      'predictFeatures',
      {
        features: band.features,
        pixelCount: band.rows * width,
        model: adapted.model,
        modelKey: adapted.modelKey,
      },
      // A Features export still writes them: then they are copied to the worker, not moved.
      {
        transfer: wantsFeatures ? [] : band.features.map((p) => p.buffer as ArrayBuffer),
        signal: options.signal,
      },
    );
    options.onTile?.(++done, bands.length);
    return result.probabilities;
  });
  // Handled when awaited in turn; until then a failure must not count as an unhandled rejection.
  for (const p of predicted) p.catch(() => undefined);
  try {
    for (let b = 0; b < bands.length; b++) {
      const { y, rows: bandHeight, features } = bands[b];
      const probabilities = await predicted[b];
      await writeBand(options, {
        y,
        rows: bandHeight,
        probabilities,
        features: wantsFeatures ? features : null,
      });
    }
  } finally {
    await Promise.allSettled(predicted);
  }
  return { adapted, isPredicted: true };
}

/** Feature planes of rows y..y+bandRows, computed on the pool a prediction tile's width at a time. */
async function bandFeatures(
  options: PredictOnceOptions,
  y: number,
  bandRows: number,
  windows: readonly Rect[],
): Promise<FeatureBand> {
  const { source, haloPx, tileSize, selection, convention, offsets } = options;
  const { width, height } = source.info;
  const rows = Math.min(bandRows, height - y);
  const { band, outerY0 } = await readBand(options, y, rows, haloPx);
  const responses = band.channels.map((plane) =>
    windows.flatMap((core) => {
      const y0 = Math.max(core.y, y);
      const y1 = Math.min(core.y + core.height, y + rows);
      if (y1 <= y0) return [];
      const region = { x: core.x, y: y0 - outerY0, width: core.width, height: y1 - y0 };
      return [noiseResponses(plane, width, band.height, region)];
    }),
  );
  const pieces: Promise<{ x: number; w: number; planes: Float32Array[] }>[] = [];
  for (let x = 0; x < width; x += tileSize) {
    const w = Math.min(tileSize, width - x);
    const ox0 = Math.max(0, x - haloPx);
    const ox1 = Math.min(width, x + w + haloPx);
    const planes = band.channels.map((p) => cropPlane(p, width, ox0, 0, ox1 - ox0, band.height));
    pieces.push(
      options.pool
        .run(
          'featureTile',
          {
            planes,
            width: ox1 - ox0,
            height: band.height,
            core: { x: x - ox0, y: y - outerY0, width: w, height: rows },
            selection,
            convention,
            offsets,
          },
          { transfer: planes.map((p) => p.buffer as ArrayBuffer), signal: options.signal },
        )
        .then((result) => ({ x, w, planes: result.planes })),
    );
  }
  const parts = await Promise.all(pieces);
  if (parts.length === 1) return { y, rows, features: parts[0].planes, noiseResponses: responses };
  const features = parts[0].planes.map(() => new Float32Array(rows * width));
  for (const part of parts) {
    part.planes.forEach((p, c) => {
      for (let r = 0; r < rows; r++)
        features[c].set(p.subarray(r * part.w, (r + 1) * part.w), r * width + part.x);
    });
  }
  return { y, rows, features, noiseResponses: responses };
}
