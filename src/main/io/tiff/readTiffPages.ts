/**
 * Reads the directories of a TIFF (classic or BigTIFF, either byte order): each page's size, sample
 * layout, compression, predictor and where its strips or tiles are. Every count and offset comes from an
 * untrusted file, so each is checked against the file size and the bounds in tiffConstants.ts; strip
 * tables are read per page on demand.
 */
import type { FileHandle } from 'node:fs/promises';
import { MAX_IFD_ENTRIES, MAX_TIFF_PAGES, TAG } from './tiffConstants.js';

export interface TiffFile {
  readonly handle: FileHandle;
  readonly size: number;
  readonly littleEndian: boolean;
  readonly bigTiff: boolean;
}

/** One entry's type, count and where its values are (inline values are copied out). */
interface Entry {
  readonly type: number;
  readonly count: number;
  readonly inline: DataView | null;
  readonly offset: number;
}

export interface TiffPage {
  readonly width: number;
  readonly height: number;
  readonly samplesPerPixel: number;
  readonly bitsPerSample: number;
  /** 1 unsigned, 2 signed, 3 float. */
  readonly sampleFormat: number;
  readonly compression: number;
  readonly predictor: number;
  /** 1 chunky (samples interleaved), 2 planar (one set of strips per sample). */
  readonly planar: number;
  readonly photometric: number;
  /** Strips: full width, `blockHeight` rows; tiles: `blockWidth` × `blockHeight`. */
  readonly tiled: boolean;
  readonly blockWidth: number;
  readonly blockHeight: number;
  readonly offsetsEntry: Entry;
  readonly byteCountsEntry: Entry;
}

const TYPE_SIZE: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  16: 8,
  17: 8,
  18: 8,
};

export class TiffFormatError extends Error {}

export async function readBytes(file: TiffFile, offset: number, length: number): Promise<DataView> {
  if (!Number.isSafeInteger(offset) || offset < 0 || length < 0 || offset + length > file.size) {
    throw new TiffFormatError(
      `a value at byte ${offset} (${length} bytes) lies outside the ${file.size}-byte file`,
    );
  }
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.handle.read(buffer, 0, length, offset);
  if (bytesRead !== length) throw new TiffFormatError(`the file ended before byte ${offset + length}`);
  return new DataView(buffer.buffer, buffer.byteOffset, length);
}

/** Reads the header; null when the file is not a TIFF. */
export async function openTiffFile(
  handle: FileHandle,
  size: number,
): Promise<{ file: TiffFile; firstIfd: number } | null> {
  if (size < 8) return null;
  const header = Buffer.alloc(16);
  await handle.read(header, 0, Math.min(16, size), 0);
  const order = header.readUInt16BE(0);
  if (order !== 0x4949 && order !== 0x4d4d) return null;
  const littleEndian = order === 0x4949;
  const magic = littleEndian ? header.readUInt16LE(2) : header.readUInt16BE(2);
  if (magic === 42) {
    const ifd = littleEndian ? header.readUInt32LE(4) : header.readUInt32BE(4);
    return { file: { handle, size, littleEndian, bigTiff: false }, firstIfd: ifd };
  }
  if (magic === 43 && size >= 16) {
    const ifd = Number(littleEndian ? header.readBigUInt64LE(8) : header.readBigUInt64BE(8));
    return { file: { handle, size, littleEndian, bigTiff: true }, firstIfd: ifd };
  }
  return null;
}

/** The compression tag of the first page (1 when absent); null when the file is not a TIFF or the header is unreadable. */
/** What the route between the two TIFF readers depends on, from the first page's directory. */
export interface FirstPageSummary {
  readonly compression: number;
  readonly photometric: number;
  /** Another page follows the first (a stack or a multi-channel file). */
  readonly hasMorePages: boolean;
}

export async function readFirstPageSummary(
  handle: FileHandle,
  size: number,
): Promise<FirstPageSummary | null> {
  try {
    const opened = await openTiffFile(handle, size);
    if (!opened) return null;
    const { entries, next } = await readDirectory(opened.file, opened.firstIfd);
    const valueOf = async (tag: number, absent: number) => {
      const entry = entries.get(tag);
      return entry ? await readNumber(opened.file, entry) : absent;
    };
    return {
      compression: await valueOf(TAG.Compression, 1),
      photometric: await valueOf(TAG.Photometric, 1),
      hasMorePages: next !== 0,
    };
  } catch {
    return null;
  }
}

/** Every page of the file, following the chain of directories (loops and overlong chains refused). */
export async function readTiffPages(file: TiffFile, firstIfd: number): Promise<TiffPage[]> {
  const pages: TiffPage[] = [];
  const seen = new Set<number>();
  for (let ifd = firstIfd; ifd !== 0;) {
    if (seen.has(ifd)) throw new TiffFormatError(`its page directories loop back to byte ${ifd}`);
    if (pages.length >= MAX_TIFF_PAGES) throw new TiffFormatError(`it has more than ${MAX_TIFF_PAGES} pages`);
    seen.add(ifd);
    const { entries, next } = await readDirectory(file, ifd);
    pages.push(await pageFrom(file, entries, pages.length));
    ifd = next;
  }
  if (pages.length === 0) throw new TiffFormatError('it has no pages');
  return pages;
}

async function readDirectory(
  file: TiffFile,
  ifd: number,
): Promise<{ entries: Map<number, Entry>; next: number }> {
  const le = file.littleEndian;
  const countView = await readBytes(file, ifd, file.bigTiff ? 8 : 2);
  const count = file.bigTiff ? Number(countView.getBigUint64(0, le)) : countView.getUint16(0, le);
  if (count === 0 || count > MAX_IFD_ENTRIES)
    throw new TiffFormatError(`a page directory has ${count} entries`);
  const entrySize = file.bigTiff ? 20 : 12;
  const body = await readBytes(file, ifd + countView.byteLength, count * entrySize + (file.bigTiff ? 8 : 4));
  const entries = new Map<number, Entry>();
  const inlineBytes = file.bigTiff ? 8 : 4;
  for (let i = 0; i < count; i++) {
    const at = i * entrySize;
    const tag = body.getUint16(at, le);
    const type = body.getUint16(at + 2, le);
    const n = file.bigTiff ? Number(body.getBigUint64(at + 4, le)) : body.getUint32(at + 4, le);
    const valueAt = at + (file.bigTiff ? 12 : 8);
    const bytes = (TYPE_SIZE[type] ?? 0) * n;
    if (bytes === 0) continue;
    const inline = bytes <= inlineBytes ? new DataView(body.buffer, body.byteOffset + valueAt, bytes) : null;
    const offset = inline
      ? 0
      : file.bigTiff
        ? Number(body.getBigUint64(valueAt, le))
        : body.getUint32(valueAt, le);
    entries.set(tag, { type, count: n, inline, offset });
  }
  const nextAt = count * entrySize;
  const next = file.bigTiff ? Number(body.getBigUint64(nextAt, le)) : body.getUint32(nextAt, le);
  return { entries, next };
}

/** The values of an entry as numbers (at most `limit`), reading them from the file when not inline. */
export async function readNumbers(file: TiffFile, entry: Entry, limit: number): Promise<number[]> {
  if (entry.count > limit)
    throw new TiffFormatError(`a table has ${entry.count} values where at most ${limit} fit`);
  const size = TYPE_SIZE[entry.type];
  const view = entry.inline ?? (await readBytes(file, entry.offset, size * entry.count));
  const le = file.littleEndian;
  const out = new Array<number>(entry.count);
  for (let i = 0; i < entry.count; i++) {
    const at = i * size;
    switch (entry.type) {
      case 1:
      case 6:
      case 7:
        out[i] = view.getUint8(at);
        break;
      case 3:
      case 8:
        out[i] = view.getUint16(at, le);
        break;
      case 4:
      case 9:
        out[i] = view.getUint32(at, le);
        break;
      case 16:
      case 17:
      case 18:
        out[i] = Number(view.getBigUint64(at, le));
        break;
      default:
        throw new TiffFormatError(`a table has values of type ${entry.type}`);
    }
  }
  return out;
}

async function readNumber(file: TiffFile, entry: Entry): Promise<number> {
  return (await readNumbers(file, { ...entry, count: 1 }, 1))[0];
}

async function pageFrom(file: TiffFile, entries: Map<number, Entry>, index: number): Promise<TiffPage> {
  const value = async (tag: number, fallback?: number): Promise<number> => {
    const entry = entries.get(tag);
    if (!entry) {
      if (fallback === undefined) throw new TiffFormatError(`page ${index} lacks tag ${tag}`);
      return fallback;
    }
    return readNumber(file, entry);
  };
  const width = await value(TAG.ImageWidth);
  const height = await value(TAG.ImageLength);
  const samplesPerPixel = await value(TAG.SamplesPerPixel, 1);
  const bits = entries.get(TAG.BitsPerSample);
  const bitsList = bits ? await readNumbers(file, bits, 64) : [1];
  if (new Set(bitsList).size !== 1)
    throw new TiffFormatError(`page ${index} mixes sample sizes ${bitsList.join('/')}`);
  const tiled = entries.has(TAG.TileOffsets);
  const blockWidth = tiled ? await value(TAG.TileWidth) : width;
  const blockHeight = tiled
    ? await value(TAG.TileLength)
    : Math.min(await value(TAG.RowsPerStrip, height), height);
  const offsetsEntry = entries.get(tiled ? TAG.TileOffsets : TAG.StripOffsets);
  const byteCountsEntry = entries.get(tiled ? TAG.TileByteCounts : TAG.StripByteCounts);
  if (!offsetsEntry || !byteCountsEntry)
    throw new TiffFormatError(`page ${index} has no strip or tile table`);
  return {
    width,
    height,
    samplesPerPixel,
    bitsPerSample: bitsList[0],
    sampleFormat: await value(TAG.SampleFormat, 1),
    compression: await value(TAG.Compression, 1),
    predictor: await value(TAG.Predictor, 1),
    planar: await value(TAG.PlanarConfiguration, 1),
    photometric: await value(TAG.Photometric, 1),
    tiled,
    blockWidth,
    blockHeight,
    offsetsEntry,
    byteCountsEntry,
  };
}
