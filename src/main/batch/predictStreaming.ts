/**
 * Prediction of an image of any size with memory bounded by the tile budget: the image is walked a row
 * of tiles (a band) at a time; each band's rows plus the feature halo are read from the ImageSource,
 * normalized, cut into tiles with their halos, classified on the worker pool, and the tiles' cores are
 * stitched into the band, turned into the requested results and appended to the outputs. Two bands are
 * in flight, so reading the next band overlaps classifying the current one.
 */
import { cropPlane, type PlanarImage } from '../../core/image.js';
import type { ImageSource } from '../../core/imageSource.js';
import type { TileCrop } from '../../core/tiling.js';
import { simpleSegmentation, uncertainty } from '../../core/classifier/outputs.js';
import type { RasterArray, RasterSampleType } from '../io/TiffStripWriter.js';
import { assertFeatureInput, assertFiniteSamples } from '../io/checkImageValues.js';
import { isLabelResult } from '../../core/export/exportNames.js';
import type { ResultType, ValueRescale } from './exportTargets.js';
import type { RasterSink } from './RasterSink.js';

/** What to do about an image whose values the features cannot take (checkImageValues.ts). */
export const PREDICT_RANGE_REMEDY =
  'rescale the image like the training images (or clip its outliers if the project normalizes by percentiles)';

/** One tile's crop (core + halo, clipped to the image) to classify or take features of. */
export type TileRequest = TileCrop;

/** Per-class probability planes of the tile's core. */
export type ClassifyTile = (tile: TileRequest) => Promise<Float32Array[]>;
/** Feature planes of the tile's core (for the Features export). */
export type ComputeTileFeatures = (tile: TileRequest) => Promise<Float32Array[]>;

export interface StreamOutput {
  readonly result: ResultType;
  readonly sampleType: RasterSampleType;
  readonly sink: RasterSink;
  /** Maps values linearly before conversion (ilastik's export_drange); default 0..1 → the type's range. */
  readonly rescale?: ValueRescale;
}

export interface StreamingPredictionOptions {
  readonly source: ImageSource;
  readonly plane: number;
  readonly tileSize: number;
  readonly haloPx: number;
  /** Maps raw intensities to what the classifier was trained on. */
  readonly normalize: (image: PlanarImage) => PlanarImage;
  readonly classifyTile: ClassifyTile;
  readonly computeTileFeatures?: ComputeTileFeatures;
  /** Label value of each probability plane, for Simple Segmentation. */
  readonly classValues: readonly number[];
  readonly outputs: readonly StreamOutput[];
  /** Where this plane goes in the outputs: its index in a stack file, 0 when each plane has its own files. */
  readonly outputPlane?: number;
  /** The scribbles of rows y0..y0+rows (0 unlabeled, 1..K), for the Labels export. */
  readonly labelRows?: (y0: number, rows: number) => Uint8Array;
  readonly onTile?: (done: number, total: number) => void;
}

/** Bands classified at once: one being computed while the next is read and queued. */
const BANDS_IN_FLIGHT = 2;

export async function predictStreaming(options: StreamingPredictionOptions): Promise<void> {
  const { source, tileSize } = options;
  const { width, height } = source.info;
  const bandStarts: number[] = [];
  for (let y = 0; y < height; y += tileSize) bandStarts.push(y);
  const tilesPerBand = Math.ceil(width / tileSize);
  const total = bandStarts.length * tilesPerBand;
  let done = 0;
  const onTileDone = () => options.onTile?.(++done, total);

  const inFlight: Promise<BandResult>[] = [];
  let next = 0;
  const launch = () => {
    if (next >= bandStarts.length) return;
    const band = classifyBand(options, bandStarts[next++], onTileDone);
    // Handled when awaited in turn; until then a failure must not count as an unhandled rejection.
    band.catch(() => undefined);
    inFlight.push(band);
  };
  for (let i = 0; i < BANDS_IN_FLIGHT; i++) launch();
  try {
    while (inFlight.length > 0) {
      const band = await (inFlight.shift() as Promise<BandResult>);
      launch();
      await writeBand(options, band);
    }
  } finally {
    // A failure leaves other bands running; let them settle so no work outlives the call.
    await Promise.allSettled(inFlight);
  }
}

/** A band of rows of one plane, ready to be written: probabilities and, for a Features export, features. */
export interface BandResult {
  readonly y: number;
  readonly rows: number;
  readonly probabilities: Float32Array[];
  readonly features: Float32Array[] | null;
}

/**
 * Rows y..y+rows of the plane with `haloPx` rows of context above and below (as far as the image goes),
 * checked for non-finite samples, normalized and checked again: what a band's feature tiles read.
 */
export async function readBand(
  options: {
    readonly source: ImageSource;
    readonly plane: number;
    readonly normalize: (image: PlanarImage) => PlanarImage;
  },
  y: number,
  rows: number,
  haloPx: number,
): Promise<{ band: PlanarImage; outerY0: number }> {
  const { source, plane } = options;
  const { width, height } = source.info;
  const outerY0 = Math.max(0, y - haloPx);
  const outerY1 = Math.min(height, y + rows + haloPx);
  const raw = await source.readRegion({ x: 0, y: outerY0, width, height: outerY1 - outerY0 }, plane);
  assertFiniteSamples(source.name, raw, { y: outerY0 });
  const band = options.normalize(raw);
  assertFeatureInput(source.name, band, PREDICT_RANGE_REMEDY, { y: outerY0 });
  return { band, outerY0 };
}

async function classifyBand(
  options: StreamingPredictionOptions,
  y: number,
  onTileDone: () => void,
): Promise<BandResult> {
  const { source, tileSize, haloPx } = options;
  const { width, height } = source.info;
  const rows = Math.min(tileSize, height - y);
  const { band, outerY0 } = await readBand(options, y, rows, haloPx);
  const wantsFeatures = options.outputs.some((o) => o.result === 'Features');
  const tiles: Promise<{
    x: number;
    w: number;
    probabilities: Float32Array[];
    features: Float32Array[] | null;
  }>[] = [];
  for (let x = 0; x < width; x += tileSize) {
    const w = Math.min(tileSize, width - x);
    const ox0 = Math.max(0, x - haloPx);
    const ox1 = Math.min(width, x + w + haloPx);
    const request = (): TileRequest => ({
      planes: band.channels.map((p) => cropPlane(p, width, ox0, 0, ox1 - ox0, band.height)),
      width: ox1 - ox0,
      height: band.height,
      core: { x: x - ox0, y: y - outerY0, width: w, height: rows },
    });
    tiles.push(
      Promise.all([
        options.classifyTile(request()),
        wantsFeatures && options.computeTileFeatures ? options.computeTileFeatures(request()) : null,
      ]).then(([probabilities, features]) => {
        onTileDone();
        return { x, w, probabilities, features };
      }),
    );
  }
  const results = await Promise.all(tiles);
  const stitch = (pick: (r: (typeof results)[number]) => Float32Array[] | null): Float32Array[] | null => {
    const first = pick(results[0]);
    if (!first) return null;
    const planes = first.map(() => new Float32Array(rows * width));
    for (const r of results) {
      const parts = pick(r) as Float32Array[];
      parts.forEach((part, k) => {
        for (let row = 0; row < rows; row++)
          planes[k].set(part.subarray(row * r.w, (row + 1) * r.w), row * width + r.x);
      });
    }
    return planes;
  };
  return {
    y,
    rows,
    probabilities: stitch((r) => r.probabilities) as Float32Array[],
    features: stitch((r) => r.features),
  };
}

/** What writing a band needs: the outputs, where the plane goes in them, class values and scribbles. */
export type BandWriteOptions = Pick<
  StreamingPredictionOptions,
  'outputs' | 'outputPlane' | 'classValues' | 'labelRows'
>;

/** Turns a band into each output's result (segmentation, uncertainty, …) and appends it to the outputs. */
export async function writeBand(options: BandWriteOptions, band: BandResult): Promise<void> {
  for (const output of options.outputs) {
    let planes: Float32Array[] | Uint8Array[];
    if (output.result === 'Labels') {
      // An image without scribbles (not in the project) is all unlabeled.
      planes = [options.labelRows?.(band.y, band.rows) ?? new Uint8Array(band.probabilities[0].length)];
    } else if (output.result === 'Probabilities') planes = band.probabilities;
    else if (output.result === 'Uncertainty') planes = [uncertainty(band.probabilities)];
    else if (output.result === 'Features') {
      if (!band.features) throw new Error('the Features export needs a feature computation');
      planes = band.features;
    } else planes = [simpleSegmentation(band.probabilities, options.classValues)];
    const isLabels = isLabelResult(output.result);
    await output.sink.writeBand(
      band.y,
      planes.map((p) => convertSamples(p, output.sampleType, isLabels, output.rescale)),
      options.outputPlane ?? 0,
    );
  }
}

/**
 * Converts to the output sample type. Class values are copied as they are; values in 0..1 (probabilities,
 * uncertainty) are scaled to the full integer range and rounded — or, given a rescale, mapped from its
 * source range onto its target range, clipped to the target (and rounded for integer types).
 */
export function convertSamples(
  values: Float32Array | Uint8Array,
  sampleType: RasterSampleType,
  isLabels: boolean,
  rescale?: ValueRescale,
): RasterArray {
  if (rescale && !isLabels) return rescaleSamples(values, sampleType, rescale);
  if (sampleType === 'float32') return values instanceof Float32Array ? values : Float32Array.from(values);
  const out = sampleType === 'uint16' ? new Uint16Array(values.length) : new Uint8Array(values.length);
  if (isLabels) {
    out.set(values);
    return out;
  }
  const max = sampleType === 'uint16' ? 65535 : 255;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] * max + 0.5;
    out[i] = v <= 0 ? 0 : v >= max ? max : v;
  }
  return out;
}

function rescaleSamples(
  values: Float32Array | Uint8Array,
  sampleType: RasterSampleType,
  { source, target }: ValueRescale,
): RasterArray {
  const gain = (target[1] - target[0]) / (source[1] - source[0]);
  const offset = target[0] - source[0] * gain;
  const [low, high] = target;
  const isInteger = sampleType !== 'float32';
  const out =
    sampleType === 'uint16'
      ? new Uint16Array(values.length)
      : sampleType === 'uint8'
        ? new Uint8Array(values.length)
        : new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = offset + values[i] * gain;
    const clipped = v <= low ? low : v >= high ? high : v;
    out[i] = isInteger ? Math.round(clipped) : clipped;
  }
  return out;
}
