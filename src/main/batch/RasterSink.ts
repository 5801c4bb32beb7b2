/**
 * Where an export goes, band by band (a row of tiles at a time): TIFF and .npy stream to disk; PNG (one
 * channel only) is assembled in memory and encoded at the end, since PNG rows are compressed as one stream.
 * Every sink writes under a temporary name: `finish` completes it there, `commit` renames it into place
 * (so the outputs of a whole image can be committed together), `close` does both; `abort` leaves nothing
 * behind that was not committed.
 */
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ExportFormat } from './exportTargets.js';
import { NpyWriter } from '../io/NpyWriter.js';
import { TiffStripWriter, type RasterArray, type RasterSampleType } from '../io/TiffStripWriter.js';
import { writeIntegerImage } from '../io/writeIntegerImage.js';
import type { ImageJGeometry } from '../io/imagejGeometry.js';
import { commitTemporaryFile, createTemporaryFile } from '../io/writeFileAtomic.js';
import { prepareOutputFolder } from '../io/prepareOutput.js';

/** PNG rows are compressed as one stream, so the image is held whole: up to 1 G pixels (1–2 GB). */
const MAX_PNG_PIXELS = 2 ** 30;

export interface RasterSink {
  readonly path: string;
  /** Writes rows y0.. of every channel (one array of rows × width per channel). Bands arrive top to bottom. */
  writeBand(y0: number, channels: RasterArray[]): Promise<void>;
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
  /** TIFF only: the input's pixel size and the pages' axes, as ImageJ hyperstack metadata. */
  readonly geometry?: ImageJGeometry;
  /** TIFF label images: `#rrggbb` of class value 1, 2, … as an ImageJ colour LUT (values stay 1..K). */
  readonly classColors?: readonly (string | undefined)[];
  /** For PNG label images: writes the finished raster (e.g. a palette PNG); default is a grey PNG. */
  readonly writePng?: (
    path: string,
    pixels: Uint8Array | Uint16Array,
    width: number,
    height: number,
  ) => Promise<void>;
}

export async function createRasterSink(options: SinkOptions): Promise<RasterSink> {
  await prepareOutputFolder(dirname(options.path));
  const { path, width, height, channels, sampleType } = options;
  if (options.format === 'tiff') {
    const writer = await TiffStripWriter.create(path, {
      width,
      height,
      pages: channels,
      sampleType,
      pageNames: options.channelNames,
      geometry: options.geometry,
      classColors: options.classColors,
    });
    return {
      path,
      writeBand: async (_y0, planes) => {
        for (let c = 0; c < planes.length; c++) await writer.writeRows(c, planes[c]);
      },
      finish: () => writer.finish(),
      commit: () => writer.commit(),
      close: () => writer.close(),
      abort: () => writer.abort(),
    };
  }
  if (options.format === 'npy') {
    const writer = await NpyWriter.create(path, { width, height, channels, sampleType });
    return {
      path,
      writeBand: async (y0, planes) => {
        for (let c = 0; c < planes.length; c++) await writer.writeRows(c, y0, planes[c]);
      },
      finish: () => writer.finish(),
      commit: () => writer.commit(),
      close: () => writer.close(),
      abort: () => writer.abort(),
    };
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
  const writePng = options.writePng ?? writeIntegerImage;
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
    writeBand: async (y0, planes) => {
      if (!pixels) throw new Error(`${path}: rows written after finish`);
      pixels.set(planes[0] as Uint8Array & Uint16Array, y0 * width);
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
