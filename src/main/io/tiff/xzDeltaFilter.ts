/**
 * libtiff's LZMA codec writes xz streams whose block runs a Delta filter before LZMA2; the xz decoder Mixel
 * uses (xz-embedded, compiled to WebAssembly) decodes LZMA2 but not Delta. The block header is rewritten
 * to LZMA2 alone — same header size, so the stream's index still matches — and the delta is undone here.
 */
import { crc32 } from 'node:zlib';

const STREAM_HEADER_BYTES = 12;
const FILTER_DELTA = 0x03;
const FILTER_LZMA2 = 0x21;

export interface DeltaSplit {
  /** The stream with a Delta-free block header. */
  readonly stream: Uint8Array;
  /** Delta distance in bytes (1–256), to undo after decompression. */
  readonly distance: number;
}

/** Null when the stream's first block does not start with a Delta filter followed by LZMA2. */
export function splitDeltaFilter(stream: Uint8Array): DeltaSplit | null {
  const at = STREAM_HEADER_BYTES;
  if (stream.length < at + 8 || stream[at] === 0) return null;
  const headerBytes = (stream[at] + 1) * 4;
  if (stream.length < at + headerBytes) return null;
  const flags = stream[at + 1];
  if ((flags & 0x3c) !== 0 || (flags & 0x03) !== 1) return null; // two filters, no reserved bits
  let p = at + 2;
  const sizes: Uint8Array[] = [];
  for (const bit of [0x40, 0x80]) {
    if (!(flags & bit)) continue;
    const start = p;
    while (p < at + headerBytes && stream[p] & 0x80) p++;
    p++;
    sizes.push(stream.subarray(start, p));
  }
  if (stream[p] !== FILTER_DELTA || stream[p + 1] !== 1) return null;
  const distance = stream[p + 2] + 1;
  const lzma2 = stream.subarray(p + 3, p + 6);
  if (lzma2[0] !== FILTER_LZMA2 || lzma2[1] !== 1) return null;
  const header = new Uint8Array(headerBytes);
  header[0] = stream[at];
  header[1] = flags & 0xc0; // one filter, same size fields
  let q = 2;
  for (const size of sizes) {
    header.set(size, q);
    q += size.length;
  }
  header.set(lzma2, q);
  const view = new DataView(header.buffer);
  view.setUint32(headerBytes - 4, crc32(header.subarray(0, headerBytes - 4)), true);
  const rewritten = new Uint8Array(stream);
  rewritten.set(header, at);
  return { stream: rewritten, distance };
}

/** Undoes xz's Delta filter in place: each byte was stored as its difference to the byte `distance` before. */
export function undoDelta(bytes: Uint8Array, distance: number): void {
  for (let i = distance; i < bytes.length; i++) bytes[i] = (bytes[i] + bytes[i - distance]) & 0xff;
}
