/**
 * Reads the first page's ImageDescription and resolution tags of a TIFF (classic or BigTIFF, either byte
 * order) straight from the file: sharp does not expose the description, which holds OME-XML or ImageJ's
 * hyperstack layout. Only the header, the first directory and the few values it points at are read, each
 * offset checked against the file size; anything odd yields "no metadata" (sharp reports real damage).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { MAX_DESCRIPTION_CHARS, type ResolutionTags } from '../../core/imageMetadataParsers.js';
import { TAG } from './tiff/tiffConstants.js';

export interface TiffDescriptionTags {
  readonly description?: string;
  readonly resolution?: ResolutionTags;
}

/** A first directory with more entries than this is corrupt (real ones have 10–40). */
const MAX_IFD_ENTRIES = 1024;
const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 16: 8 };

/** The first page's description and resolution; {} when the file is not a TIFF or the values are out of bounds. */
export async function readTiffDescription(path: string): Promise<TiffDescriptionTags> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const fileSize = (await handle.stat()).size;
    return (await readFirstDirectory(handle, fileSize)) ?? {};
  } catch {
    return {};
  } finally {
    await handle?.close();
  }
}

async function readFirstDirectory(handle: FileHandle, fileSize: number): Promise<TiffDescriptionTags | null> {
  const read = async (offset: number, length: number): Promise<DataView | null> => {
    if (!Number.isSafeInteger(offset) || offset < 0 || length < 0 || offset + length > fileSize) return null;
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    return bytesRead === length ? new DataView(buffer.buffer, buffer.byteOffset, length) : null;
  };
  const header = await read(0, Math.min(16, fileSize));
  if (!header || header.byteLength < 8) return null;
  const order = header.getUint16(0, false);
  if (order !== 0x4949 && order !== 0x4d4d) return null;
  const le = order === 0x4949;
  const magic = header.getUint16(2, le);
  const isBig = magic === 43;
  if (magic !== 42 && !(isBig && header.byteLength >= 16)) return null;
  const ifd = isBig ? Number(header.getBigUint64(8, le)) : header.getUint32(4, le);
  const countView = await read(ifd, isBig ? 8 : 2);
  if (!countView) return null;
  const count = isBig ? Number(countView.getBigUint64(0, le)) : countView.getUint16(0, le);
  if (count === 0 || count > MAX_IFD_ENTRIES) return null;
  const entrySize = isBig ? 20 : 12;
  const entries = await read(ifd + countView.byteLength, count * entrySize);
  if (!entries) return null;
  const result: { description?: string; resolution: { x?: number; y?: number; unit?: number } } = {
    resolution: {},
  };
  for (let i = 0; i < count; i++) {
    const at = i * entrySize;
    const tag = entries.getUint16(at, le);
    if (!(Object.values(TAG) as number[]).includes(tag)) continue;
    const type = entries.getUint16(at + 2, le);
    const n = isBig ? Number(entries.getBigUint64(at + 4, le)) : entries.getUint32(at + 4, le);
    const bytes = (TYPE_SIZE[type] ?? 0) * n;
    if (bytes === 0 || (tag === TAG.ImageDescription && (type !== 2 || n > MAX_DESCRIPTION_CHARS))) continue;
    if (tag !== TAG.ImageDescription && bytes > 8) continue;
    const inline = isBig ? 8 : 4;
    const valueAt = at + (isBig ? 12 : 8);
    const value =
      bytes <= inline
        ? new DataView(entries.buffer, entries.byteOffset + valueAt, bytes)
        : await read(
            isBig ? Number(entries.getBigUint64(valueAt, le)) : entries.getUint32(valueAt, le),
            bytes,
          );
    if (!value) continue;
    if (tag === TAG.ImageDescription) {
      result.description = decodeAscii(value);
    } else if (tag === TAG.ResolutionUnit) {
      result.resolution.unit = type === 3 ? value.getUint16(0, le) : value.getUint32(0, le);
    } else if (type === 5) {
      const denominator = value.getUint32(4, le);
      const perUnit = denominator === 0 ? undefined : value.getUint32(0, le) / denominator;
      if (tag === TAG.XResolution) result.resolution.x = perUnit;
      else result.resolution.y = perUnit;
    }
  }
  return result;
}

/** TIFF ASCII is NUL-terminated 7-bit text; tifffile and ImageJ write UTF-8 in it (µ in units, names). */
function decodeAscii(view: DataView): string {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  const end = bytes.indexOf(0);
  return new TextDecoder('utf-8').decode(end < 0 ? bytes : bytes.subarray(0, end));
}
