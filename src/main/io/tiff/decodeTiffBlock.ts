/**
 * Decodes one strip or tile: decompression bounded to the bytes the block should hold (a crafted stream
 * cannot inflate past it), then the predictor undone — 2, horizontal differencing of integers; 3, the
 * floating-point predictor (bytes shuffled by significance, then differenced) — and the samples returned
 * as numbers in the file's layout (pixel-interleaved within the block).
 */
import { inflateSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import xz from 'xz-decompress';
import { COMPRESSION } from './tiffConstants.js';
import { TiffFormatError } from './readTiffPages.js';
import { splitDeltaFilter, undoDelta } from './xzDeltaFilter.js';

export interface BlockLayout {
  /** Pixels per row of the block (the tile width, or the image width for strips). */
  readonly width: number;
  readonly rows: number;
  /** Samples per pixel stored in the block: all of them (chunky) or one (planar). */
  readonly samples: number;
  readonly bitsPerSample: number;
  readonly sampleFormat: number;
  readonly predictor: number;
  readonly littleEndian: boolean;
}

export function blockBytes(
  layout: Pick<BlockLayout, 'width' | 'rows' | 'samples' | 'bitsPerSample'>,
): number {
  return layout.width * layout.rows * layout.samples * (layout.bitsPerSample / 8);
}

/** Decompresses `bytes` to exactly the block's size; shorter output is a damaged block. */
export async function decompressBlock(
  compression: number,
  bytes: Uint8Array,
  expected: number,
): Promise<Uint8Array> {
  let out: Uint8Array;
  switch (compression) {
    case COMPRESSION.None:
      out = bytes;
      break;
    case COMPRESSION.Deflate:
    case COMPRESSION.AdobeDeflate:
      out = damagedAs('deflate', () => inflateSync(bytes, { maxOutputLength: Math.max(1, expected) }));
      break;
    case COMPRESSION.ZSTD:
      out = damagedAs('ZSTD', () => zstdDecompress(bytes, new Uint8Array(expected)));
      break;
    case COMPRESSION.LZMA: {
      const delta = splitDeltaFilter(bytes);
      out = await xzDecompress(delta?.stream ?? bytes, expected);
      if (delta) undoDelta(out, delta.distance);
      break;
    }
    default:
      throw new TiffFormatError(`compression ${compression} reached the decoder`);
  }
  if (out.length < expected) {
    throw new TiffFormatError(`a strip or tile decodes to ${out.length} bytes where ${expected} belong`);
  }
  return out.length === expected ? out : out.subarray(0, expected);
}

function damagedAs(codec: string, decode: () => Uint8Array): Uint8Array {
  try {
    return decode();
  } catch (err) {
    throw new TiffFormatError(`a ${codec} strip or tile is damaged (${(err as Error).message})`);
  }
}

/** libtiff's LZMA codec writes a complete xz stream per strip; reading stops at `limit` bytes. */
async function xzDecompress(bytes: Uint8Array, limit: number): Promise<Uint8Array> {
  const input = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  const reader = new xz.XzReadableStream(input).getReader();
  const out = new Uint8Array(limit);
  let filled = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = limit - filled;
      out.set(value.subarray(0, room), filled);
      filled += Math.min(room, value.length);
      if (value.length > room) break; // more than the block holds: the rest is ignored, unread.
    }
  } catch (err) {
    throw new TiffFormatError(`an LZMA strip or tile is damaged (${(err as Error).message})`);
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return out.subarray(0, filled);
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type Samples =
  Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/** The block's samples after the predictor is undone, in the block's pixel-interleaved order. */
export function blockSamples(raw: Uint8Array, layout: BlockLayout): Samples {
  const { width, rows, samples, bitsPerSample, sampleFormat, predictor } = layout;
  const bytesPer = bitsPerSample / 8;
  const count = width * rows * samples;
  if (predictor === 3) return undoFloatPredictor(raw, layout);
  const values = typedSamples(bitsPerSample, sampleFormat, count);
  if (layout.littleEndian === HOST_LITTLE_ENDIAN || bytesPer === 1) {
    // Same byte order as this machine: one copy of the bytes is the samples.
    new Uint8Array(values.buffer).set(raw.subarray(0, count * bytesPer));
  } else {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const get = sampleGetter(view, bitsPerSample, sampleFormat, layout.littleEndian);
    for (let i = 0; i < count; i++) values[i] = get(i * bytesPer);
  }
  if (predictor === 2) {
    if (sampleFormat === 3) throw new TiffFormatError('predictor 2 on floating-point samples');
    const rowLength = width * samples;
    // Typed arrays wrap on overflow exactly as the writer's modular differences did.
    for (let y = 0; y < rows; y++) {
      const start = y * rowLength;
      for (let i = start + samples; i < start + rowLength; i++) values[i] += values[i - samples];
    }
  }
  return values;
}

function typedSamples(bits: number, format: number, count: number): Samples {
  if (format === 3) return bits === 64 ? new Float64Array(count) : new Float32Array(count);
  const signed = format === 2;
  if (bits === 8) return signed ? new Int8Array(count) : new Uint8Array(count);
  if (bits === 16) return signed ? new Int16Array(count) : new Uint16Array(count);
  return signed ? new Int32Array(count) : new Uint32Array(count);
}

function sampleGetter(view: DataView, bits: number, format: number, le: boolean): (at: number) => number {
  if (format === 3) return bits === 64 ? (at) => view.getFloat64(at, le) : (at) => view.getFloat32(at, le);
  const signed = format === 2;
  if (bits === 8) return signed ? (at) => view.getInt8(at) : (at) => view.getUint8(at);
  if (bits === 16) return signed ? (at) => view.getInt16(at, le) : (at) => view.getUint16(at, le);
  return signed ? (at) => view.getInt32(at, le) : (at) => view.getUint32(at, le);
}

/**
 * Adobe's floating-point predictor (TIFF Technical Note 3): each row holds the values' most significant
 * bytes first, then the next bytes, …, differenced byte by byte with a stride of the samples per pixel.
 */
function undoFloatPredictor(raw: Uint8Array, layout: BlockLayout): Samples {
  const { width, rows, samples, bitsPerSample } = layout;
  if (layout.sampleFormat !== 3) throw new TiffFormatError('predictor 3 on integer samples');
  const bytesPer = bitsPerSample / 8;
  const perRow = width * samples;
  const rowBytes = perRow * bytesPer;
  const out = bitsPerSample === 64 ? new Float64Array(perRow * rows) : new Float32Array(perRow * rows);
  const row = new Uint8Array(rowBytes);
  const value = new DataView(new ArrayBuffer(8));
  for (let y = 0; y < rows; y++) {
    row.set(raw.subarray(y * rowBytes, (y + 1) * rowBytes));
    for (let i = samples; i < rowBytes; i++) row[i] = (row[i] + row[i - samples]) & 0xff;
    for (let i = 0; i < perRow; i++) {
      for (let b = 0; b < bytesPer; b++) value.setUint8(b, row[b * perRow + i]);
      out[y * perRow + i] = bytesPer === 8 ? value.getFloat64(0, false) : value.getFloat32(0, false);
    }
  }
  return out;
}
