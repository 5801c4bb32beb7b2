/**
 * A minimal baseline TIFF writer for float32 planes (sharp cannot write float32 from a JS array): one page
 * per plane, little-endian, uncompressed, in strips of about 64 kB, SampleFormat = 3 (IEEE float),
 * BitsPerSample = 32, with the plane's name as PageName and ImageDescription. Values are written bit for bit.
 * Pages are streamed to a temporary file beside the target, which is renamed when complete, so memory stays at
 * one plane and readers never see half a file. Classic TIFF: the file must stay under 4 GiB.
 */
import { rm } from 'node:fs/promises';
import { endianness } from 'node:os';
import { commitTemporaryFile, createTemporaryFile } from './writeFileAtomic.js';

const TAG = {
  imageWidth: 256,
  imageLength: 257,
  bitsPerSample: 258,
  compression: 259,
  photometric: 262,
  imageDescription: 270,
  stripOffsets: 273,
  samplesPerPixel: 277,
  rowsPerStrip: 278,
  stripByteCounts: 279,
  planarConfiguration: 284,
  pageName: 285,
  sampleFormat: 339,
} as const;

const TYPE_ASCII = 2;
const TYPE_SHORT = 3;
const TYPE_LONG = 4;
const TYPE_SIZES: Record<number, number> = { [TYPE_ASCII]: 1, [TYPE_SHORT]: 2, [TYPE_LONG]: 4 };

const COMPRESSION_NONE = 1;
const PHOTOMETRIC_BLACK_IS_ZERO = 1;
const SAMPLE_FORMAT_IEEE_FLOAT = 3;
const TARGET_STRIP_BYTES = 64 * 1024;
const CLASSIC_TIFF_LIMIT = 2 ** 32;

interface Entry {
  tag: number;
  type: number;
  values: number[] | Uint8Array;
}

export interface Float32TiffOptions {
  /** One name per page, stored as PageName and ImageDescription (e.g. the feature channel name). */
  pageNames?: string[];
}

export async function writeFloat32Tiff(
  path: string,
  pages: Float32Array[],
  width: number,
  height: number,
  options: Float32TiffOptions = {},
): Promise<void> {
  if (endianness() !== 'LE')
    throw new Error('writeFloat32Tiff writes little-endian TIFFs on little-endian hosts only');
  if (pages.length === 0) throw new RangeError('a TIFF needs at least one page');
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`invalid TIFF size ${width}×${height}`);
  }
  for (const p of pages) {
    if (p.length !== width * height)
      throw new RangeError(`page has ${p.length} values, expected ${width}×${height}`);
  }
  const names = options.pageNames;
  if (names && names.length !== pages.length) {
    throw new RangeError(`${names.length} page names for ${pages.length} pages`);
  }
  const estimated = pages.length * (width * height * 4 + 1024);
  if (estimated >= CLASSIC_TIFF_LIMIT) {
    throw new RangeError(
      `${pages.length} float32 pages of ${width}×${height} exceed the 4 GiB of a classic TIFF`,
    );
  }

  const { tmpPath: tmp, handle: file } = await createTemporaryFile(path);
  try {
    const header = Buffer.alloc(8);
    header.write('II', 0, 'latin1');
    header.writeUInt16LE(42, 2);
    header.writeUInt32LE(8, 4);
    await file.write(header, 0, 8, 0);
    let offset = 8;
    for (let p = 0; p < pages.length; p++) {
      const isLast = p === pages.length - 1;
      offset = await writePage(file, offset, pages[p], width, height, names?.[p], isLast);
    }
    await file.sync();
    await file.close();
    await commitTemporaryFile(tmp, path);
  } catch (err) {
    await file.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Writes one IFD, its out-of-line values and its pixels at `offset`; returns the offset after them. */
async function writePage(
  file: import('node:fs/promises').FileHandle,
  offset: number,
  plane: Float32Array,
  width: number,
  height: number,
  name: string | undefined,
  isLast: boolean,
): Promise<number> {
  const rowBytes = width * 4;
  const rowsPerStrip = Math.max(1, Math.min(height, Math.floor(TARGET_STRIP_BYTES / rowBytes)));
  const stripCount = Math.ceil(height / rowsPerStrip);
  const stripByteCounts: number[] = [];
  for (let s = 0; s < stripCount; s++)
    stripByteCounts.push(Math.min(rowsPerStrip, height - s * rowsPerStrip) * rowBytes);
  const nameBytes = name === undefined ? null : Buffer.from(`${name}\0`, 'utf8');

  const entries: Entry[] = [
    { tag: TAG.imageWidth, type: TYPE_LONG, values: [width] },
    { tag: TAG.imageLength, type: TYPE_LONG, values: [height] },
    { tag: TAG.bitsPerSample, type: TYPE_SHORT, values: [32] },
    { tag: TAG.compression, type: TYPE_SHORT, values: [COMPRESSION_NONE] },
    { tag: TAG.photometric, type: TYPE_SHORT, values: [PHOTOMETRIC_BLACK_IS_ZERO] },
    ...(nameBytes ? [{ tag: TAG.imageDescription, type: TYPE_ASCII, values: nameBytes }] : []),
    { tag: TAG.stripOffsets, type: TYPE_LONG, values: [] as number[] }, // filled below
    { tag: TAG.samplesPerPixel, type: TYPE_SHORT, values: [1] },
    { tag: TAG.rowsPerStrip, type: TYPE_LONG, values: [rowsPerStrip] },
    { tag: TAG.stripByteCounts, type: TYPE_LONG, values: stripByteCounts },
    { tag: TAG.planarConfiguration, type: TYPE_SHORT, values: [1] },
    ...(nameBytes ? [{ tag: TAG.pageName, type: TYPE_ASCII, values: nameBytes }] : []),
    { tag: TAG.sampleFormat, type: TYPE_SHORT, values: [SAMPLE_FORMAT_IEEE_FLOAT] },
  ];
  const ifdBytes = 2 + entries.length * 12 + 4;
  const outOfLineBytes = (e: Entry): number => {
    const n = e.values.length * TYPE_SIZES[e.type];
    return n > 4 ? n + (n % 2) : 0; // values longer than 4 bytes live after the IFD, word-aligned
  };
  // Strip offsets: known once the size of everything before the pixels is known.
  const stripOffsetsEntry = entries.find((e) => e.tag === TAG.stripOffsets)!;
  stripOffsetsEntry.values = new Array<number>(stripCount).fill(0);
  let extra = 0;
  for (const e of entries) extra += outOfLineBytes(e);
  const pixelStart = offset + ifdBytes + extra;
  stripOffsetsEntry.values = stripByteCounts.map((_, s) => pixelStart + s * rowsPerStrip * rowBytes);
  const pixelBytes = plane.length * 4;
  const next = pixelStart + pixelBytes;

  const meta = Buffer.alloc(ifdBytes + extra);
  meta.writeUInt16LE(entries.length, 0);
  let extraAt = ifdBytes;
  entries.forEach((e, i) => {
    const at = 2 + i * 12;
    meta.writeUInt16LE(e.tag, at);
    meta.writeUInt16LE(e.type, at + 2);
    meta.writeUInt32LE(e.values.length, at + 4);
    const inline = outOfLineBytes(e) === 0;
    let valueAt = at + 8;
    if (!inline) {
      meta.writeUInt32LE(offset + extraAt, at + 8);
      valueAt = extraAt;
      extraAt += outOfLineBytes(e);
    }
    for (let v = 0; v < e.values.length; v++) {
      const value = e.values[v];
      if (e.type === TYPE_ASCII) meta.writeUInt8(value, valueAt + v);
      else if (e.type === TYPE_SHORT) meta.writeUInt16LE(value, valueAt + 2 * v);
      else meta.writeUInt32LE(value, valueAt + 4 * v);
    }
  });
  meta.writeUInt32LE(isLast ? 0 : next, 2 + entries.length * 12);
  await file.write(meta, 0, meta.length, offset);
  await file.write(new Uint8Array(plane.buffer, plane.byteOffset, pixelBytes), 0, pixelBytes, pixelStart);
  return next;
}
