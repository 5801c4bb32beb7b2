/**
 * Where an export goes, band by band (a row of tiles at a time): TIFF and .npy stream to disk — a z/t
 * stack as one file, plane after plane; PNG (one channel, one plane) is assembled in memory and encoded at
 * the end, since PNG rows are compressed as one stream: greyscale (class values read as values by every
 * reader), or with `png-color` a palette PNG in the class colours. Several channels as PNG (probabilities
 * per class) are one PNG per channel. Every sink writes under a temporary name: `finish` completes it
 * there, `commit` renames it into place (so the outputs of a whole image can be committed together),
 * `close` does both; `abort` leaves nothing behind that was not committed.
 */
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DEFAULT_CLASS_COLORS } from '../../core/project/Project.js';
import type { ExportFormat } from './exportTargets.js';
import { NpyWriter } from '../io/NpyWriter.js';
import { TiffStripWriter, type RasterArray, type RasterSampleType } from '../io/TiffStripWriter.js';
import { writeIntegerImage } from '../io/writeIntegerImage.js';
import { writeSegmentationPng } from '../io/writeSegmentationPng.js';
import type { ImageJGeometry } from '../io/imagejGeometry.js';
import { commitTemporaryFile, createTemporaryFile } from '../io/writeFileAtomic.js';
import { prepareOutputFolder } from '../io/prepareOutput.js';
import { asOutputError } from '../io/fileErrors.js';
import { createZarrSink } from '../io/zarr/zarrSink.js';

/** PNG rows are compressed as one stream, so the image is held whole: up to 1 G pixels (1–2 GB). */
const MAX_PNG_PIXELS = 2 ** 30;

export interface RasterSink {
  /** The file written (the first, for one PNG per channel). */
  readonly path: string;
  /** Every file written, in channel order. */
  readonly paths: readonly string[];
  /**
   * Writes rows y0.. of every channel (one array of rows × width per channel) of one plane of the file
   * (0 unless the file is a stack). Each plane's bands arrive top to bottom.
   */
  writeBand(y0: number, channels: RasterArray[], plane?: number): Promise<void>;
  /** Completes the file under its temporary name, flushed to disk. */
  finish(): Promise<void>;
  /** Renames the finished file into place. */
  commit(): Promise<void>;
  /** finish, then commit. */
  close(): Promise<void>;
  abort(): Promise<void>;
}

export interface SinkOptions {
  readonly path: string;
  readonly format: ExportFormat;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly sampleType: RasterSampleType;
  readonly channelNames?: readonly string[];
  /**
   * Sizes of the plane axes (t, z) the file holds as one stack, slowest first; none for one plane. TIFF
   * pages run channels fastest, then z, then t (ImageJ's order); npy gets them as leading axes.
   */
  readonly planeShape?: readonly number[];
  /** TIFF only: the input's pixel size and the pages' axes, as ImageJ hyperstack metadata. */
  readonly geometry?: ImageJGeometry;
  /** Label images: `#rrggbb` of class value 1, 2, … — a TIFF's ImageJ LUT, `png-color`'s palette (values stay 1..K). */
  readonly classColors?: readonly (string | undefined)[];
  /** PNG of several channels: one file per channel, at these paths. */
  readonly channelPaths?: readonly string[];
}

/**
 * A sink for `options`; a file-system error while writing (a full disk, a read-only mount) is one line
 * naming the output file, not the bare errno text.
 */
export async function createRasterSink(options: SinkOptions): Promise<RasterSink> {
  return namingOutputErrors(await createSink(options));
}

function namingOutputErrors(sink: RasterSink): RasterSink {
  const named =
    <A extends unknown[]>(run: (...args: A) => Promise<void>) =>
    async (...args: A): Promise<void> => {
      try {
        await run(...args);
      } catch (err) {
        throw asOutputError(sink.path, err);
      }
    };
  return {
    path: sink.path,
    paths: sink.paths,
    writeBand: named((y0: number, channels: RasterArray[], plane?: number) =>
      sink.writeBand(y0, channels, plane),
    ),
    finish: named(() => sink.finish()),
    commit: named(() => sink.commit()),
    close: named(() => sink.close()),
    abort: () => sink.abort(),
  };
}

async function createSink(options: SinkOptions): Promise<RasterSink> {
  await prepareOutputFolder(dirname(options.path));
  const { path, width, height, channels, sampleType } = options;
  const planes = (options.planeShape ?? []).reduce((a, b) => a * b, 1);
  // An OME-Zarr folder: chunk rows flushed as bands complete them, a 2× pyramid built on the way.
  if (options.format === 'zarr') return createZarrSink(options);
  if (options.format === 'tiff') {
    const names = options.channelNames;
    const writer = await TiffStripWriter.create(path, {
      width,
      height,
      pages: channels * planes,
      sampleType,
      pageNames: names && Array.from({ length: channels * planes }, (_, page) => names[page % channels]),
      geometry: options.geometry,
      classColors: options.classColors,
    });
    return {
      path,
      paths: [path],
      writeBand: async (_y0, bands, plane = 0) => {
        for (let c = 0; c < bands.length; c++) await writer.writeRows(plane * channels + c, bands[c]);
      },
      finish: () => writer.finish(),
      commit: () => writer.commit(),
      close: () => writer.close(),
      abort: () => writer.abort(),
    };
  }
  if (options.format === 'npy') {
    const writer = await NpyWriter.create(path, {
      width,
      height,
      channels,
      sampleType,
      planeShape: options.planeShape,
    });
    return {
      path,
      paths: [path],
      writeBand: async (y0, bands, plane = 0) => {
        for (let c = 0; c < bands.length; c++) await writer.writeRows(c, y0, bands[c], plane);
      },
      finish: () => writer.finish(),
      commit: () => writer.commit(),
      close: () => writer.close(),
      abort: () => writer.abort(),
    };
  }
  if (planes > 1) {
    throw new RangeError(
      `a PNG holds one plane; ${path} would need ${planes}: put {z} or {t} in --output for one PNG per plane, or use --format tiff`,
    );
  }
  if (channels > 1 && options.channelPaths?.length === channels) {
    return splitChannelSink(options, options.channelPaths);
  }
  if (channels !== 1 || sampleType === 'float32') {
    throw new RangeError(
      `a PNG holds one integer channel; ${path} would need ${channels} ${sampleType} channels`,
    );
  }
  if (width * height > MAX_PNG_PIXELS) {
    throw new RangeError(`a ${width} × ${height} PNG is too large to assemble in memory: use --format tiff`);
  }
  // Held until `finish` encodes it, then released: a z-stack's planes wait finished (not in memory) for
  // their common commit.
  let pixels: Uint8Array | Uint16Array | null =
    sampleType === 'uint16' ? new Uint16Array(width * height) : new Uint8Array(width * height);
  const colors = options.classColors;
  const writePng =
    options.format === 'png-color'
      ? (to: string, values: Uint8Array | Uint16Array, w: number, h: number) =>
          writeSegmentationPng(to, values as Uint8Array, w, h, paletteColors(colors))
      : (to: string, values: Uint8Array | Uint16Array, w: number, h: number) =>
          writeIntegerImage(to, values, w, h, 'png');
  // The PNG is encoded at `finish` into a name reserved now (exclusive create), and renamed at `commit`.
  const { tmpPath, handle } = await createTemporaryFile(path);
  await handle.close();
  let isCommitted = false;
  const finish = async () => {
    if (!pixels) return;
    await writePng(tmpPath, pixels, width, height);
    pixels = null;
  };
  const commit = async () => {
    if (isCommitted) return;
    await commitTemporaryFile(tmpPath, path);
    isCommitted = true;
  };
  return {
    path,
    paths: [path],
    writeBand: async (y0, bands) => {
      if (!pixels) throw new Error(`${path}: rows written after finish`);
      pixels.set(bands[0] as Uint8Array & Uint16Array, y0 * width);
    },
    finish,
    commit,
    close: async () => {
      await finish();
      await commit();
    },
    abort: async () => {
      pixels = null;
      if (!isCommitted) await rm(tmpPath, { force: true });
    },
  };
}

/** The palette of a `png-color` file: class k in its colour, classes without one in the default colours. */
function paletteColors(colors: readonly (string | undefined)[] | undefined): string[] {
  const count = Math.max(colors?.length ?? 0, DEFAULT_CLASS_COLORS.length);
  return Array.from(
    { length: count },
    (_, k) => colors?.[k] ?? DEFAULT_CLASS_COLORS[k % DEFAULT_CLASS_COLORS.length],
  );
}

/** One single-channel PNG per channel (probabilities of each class), committed and aborted together. */
async function splitChannelSink(options: SinkOptions, paths: readonly string[]): Promise<RasterSink> {
  const sinks: RasterSink[] = [];
  try {
    for (const path of paths) sinks.push(await createSink({ ...options, path, channels: 1 }));
  } catch (err) {
    await Promise.all(sinks.map((s) => s.abort()));
    throw err;
  }
  const each = async (run: (sink: RasterSink) => Promise<void>) => {
    for (const sink of sinks) await run(sink);
  };
  return {
    path: paths[0],
    paths,
    writeBand: async (y0, bands) => {
      for (let c = 0; c < sinks.length; c++) await sinks[c].writeBand(y0, [bands[c]]);
    },
    finish: () => each((s) => s.finish()),
    commit: () => each((s) => s.commit()),
    close: () => each((s) => s.close()),
    abort: async () => {
      await Promise.all(sinks.map((s) => s.abort()));
    },
  };
}
