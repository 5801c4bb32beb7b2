/**
 * Zarr's compressors with the decoded size bounded before any output is allocated. A chunk's metadata says
 * how many bytes it decodes to (chunk shape × item size); zarrita's own gzip/zlib decoders and numcodecs'
 * blosc, lz4 and zstd would inflate whatever a file holds, so a 1 KB hostile chunk could demand gigabytes.
 * Here gzip and zlib inflate through node:zlib with `maxOutputLength` (on libuv's pool, off the main
 * thread), and blosc, lz4 and zstd have the size their headers declare checked first.
 */
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { registry } from 'zarrita';
import { MAX_ZARR_CHUNK_BYTES } from './zarrLimits.js';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

/** Bytes per element of zarr data types (v3 names, as zarrita reports v2 dtypes too). */
export const ZARR_ITEM_BYTES: Record<string, number> = {
  bool: 1,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  float16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  int64: 8,
  uint64: 8,
  float64: 8,
};

/** Room for checksums and headers that bytes-to-bytes codecs add on top of the raw chunk (crc32c: 4 bytes). */
const CODEC_OVERHEAD_BYTES = 64 * 1024;

interface ChunkMeta {
  dataType: string;
  shape: number[];
}

interface BytesCodec {
  kind: 'bytes_to_bytes';
  encode(data: Uint8Array): Promise<Uint8Array>;
  decode(data: Uint8Array): Promise<Uint8Array>;
}

type CodecEntry = Awaited<ReturnType<NonNullable<ReturnType<typeof registry.get>>>>;

/** The most bytes a chunk of this shape and type can decode to (plus codec overhead). */
export function decodedBound(meta: ChunkMeta): number {
  const item = ZARR_ITEM_BYTES[meta.dataType];
  const elements = meta.shape.reduce((a, b) => a * b, 1);
  if (!item || !Number.isFinite(elements)) return MAX_ZARR_CHUNK_BYTES;
  return Math.min(MAX_ZARR_CHUNK_BYTES + CODEC_OVERHEAD_BYTES, elements * item + CODEC_OVERHEAD_BYTES);
}

function tooLarge(codec: string, declared: number, bound: number): Error {
  return new RangeError(
    `a ${codec} chunk declares ${declared} decoded bytes, more than its chunk shape allows (${bound})`,
  );
}

function noEncode(codec: string): () => Promise<Uint8Array> {
  return () => Promise.reject(new Error(`${codec}: Mixel's Zarr reader does not encode`));
}

function zlibCodec(name: string, inflater: typeof gunzipAsync): CodecEntry {
  return {
    fromConfig: (_config: unknown, meta: ChunkMeta): BytesCodec => {
      const bound = decodedBound(meta);
      return {
        kind: 'bytes_to_bytes',
        encode: noEncode(name),
        decode: async (data) => {
          try {
            const out = await inflater(data, { maxOutputLength: bound });
            return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
          } catch (err) {
            const code = (err as NodeJS.ErrnoException).code;
            if (code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(name, bound + 1, bound);
            throw new Error(`${name} data is corrupt (${(err as Error).message})`);
          }
        },
      };
    },
  } as unknown as CodecEntry;
}

/** Wraps a numcodecs decoder with a check of the decoded size its header declares. */
function checkedCodec(
  name: string,
  load: () => Promise<{
    fromConfig(config: never): { decode(d: Uint8Array): Promise<Uint8Array> | Uint8Array };
  }>,
  declaredSize: (data: Uint8Array) => number | null,
  fallback?: (data: Uint8Array, bound: number) => Uint8Array,
): () => Promise<CodecEntry> {
  return async () => {
    const inner = await load();
    return {
      fromConfig: (config: unknown, meta: ChunkMeta): BytesCodec => {
        const codec = inner.fromConfig(config as never);
        const bound = decodedBound(meta);
        return {
          kind: 'bytes_to_bytes',
          encode: noEncode(name),
          decode: async (data) => {
            const declared = declaredSize(data);
            if (declared !== null && declared > bound) throw tooLarge(name, declared, bound);
            if (declared === null && fallback) return fallback(data, bound);
            return codec.decode(data);
          },
        };
      },
    } as unknown as CodecEntry;
  };
}

function readUint32(data: Uint8Array, at: number): number {
  return (data[at] | (data[at + 1] << 8) | (data[at + 2] << 16)) + data[at + 3] * 2 ** 24;
}

/** Blosc's 16-byte header: nbytes (decoded) at 4, cbytes at 12. */
function bloscSize(data: Uint8Array): number {
  if (data.length < 16) throw new Error('blosc chunk shorter than its 16-byte header');
  if (readUint32(data, 12) > data.length) throw new Error('blosc chunk is truncated');
  return readUint32(data, 4);
}

/** numcodecs' LZ4 prefixes the decoded size as a little-endian uint32. */
function lz4Size(data: Uint8Array): number {
  if (data.length < 4) throw new Error('lz4 chunk shorter than its 4-byte header');
  return readUint32(data, 0);
}

/** Frame_Content_Size of the first zstd frame, or null when the frame does not state it. */
export function zstdContentSize(data: Uint8Array): number | null {
  if (data.length < 6 || readUint32(data, 0) !== 0xfd2fb528) throw new Error('not a zstd frame');
  const descriptor = data[4];
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const dictBytes = [0, 1, 2, 4][descriptor & 3];
  const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag];
  if (fcsBytes === 0) return null;
  const at = 5 + (singleSegment ? 0 : 1) + dictBytes;
  if (data.length < at + fcsBytes) throw new Error('zstd frame header is truncated');
  if (fcsBytes === 1) return data[at];
  if (fcsBytes === 2) return data[at] + (data[at + 1] << 8) + 256;
  if (fcsBytes === 4) return readUint32(data, at);
  return readUint32(data, at) + readUint32(data, at + 4) * 2 ** 32;
}

/** A zstd stream without a declared size decodes into a buffer of the chunk's size, never more. */
function zstdIntoBound(data: Uint8Array, bound: number): Uint8Array {
  try {
    return zstdDecompress(data, new Uint8Array(bound));
  } catch (err) {
    throw new Error(`zstd data is corrupt or larger than its chunk (${(err as Error).message})`);
  }
}

let registered = false;

/** Replaces zarrita's decoders by the bounded ones above (once per process). */
export function registerBoundedCodecs(): void {
  if (registered) return;
  registered = true;
  const gzip = zlibCodec('gzip', gunzipAsync);
  const zlib = zlibCodec('zlib', inflateAsync);
  const blosc = checkedCodec('blosc', () => import('numcodecs/blosc').then((m) => m.default), bloscSize);
  const lz4 = checkedCodec('lz4', () => import('numcodecs/lz4').then((m) => m.default), lz4Size);
  const zstd = checkedCodec(
    'zstd',
    () => import('numcodecs/zstd').then((m) => m.default),
    zstdContentSize,
    zstdIntoBound,
  );
  for (const prefix of ['', 'numcodecs.']) {
    registry.set(`${prefix}gzip`, () => Promise.resolve(gzip));
    registry.set(`${prefix}zlib`, () => Promise.resolve(zlib));
    registry.set(`${prefix}blosc`, blosc);
    registry.set(`${prefix}lz4`, lz4);
    registry.set(`${prefix}zstd`, zstd);
  }
}
