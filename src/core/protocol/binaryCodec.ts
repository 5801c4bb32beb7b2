/**
 * One message ↔ one binary frame. The message is JSON except its pixel buffers: every typed array or
 * ArrayBuffer is replaced in the JSON header by a reference and its bytes are appended after the header,
 * so pixels never travel as JSON arrays of numbers (STYLE.md §3).
 *
 * Frame: [u32 LE header length][header UTF-8][pad to 8][buffer 0][pad to 8][buffer 1]…
 * Header: {"v": <message with {"$bin": i, "$type": "Float32Array"} in place of buffers>, "b": [[offset, length]…]}
 */

// TextEncoder/TextDecoder exist in every runtime we target (Node, browsers, Electron) but not in the ES
// library that src/core compiles against, so they are looked up rather than imported.
interface TextCodecs {
  TextEncoder: new () => { encode(text: string): Uint8Array };
  TextDecoder: new () => { decode(bytes: Uint8Array): string };
}
const codecs = globalThis as unknown as TextCodecs;
const utf8Encoder = new codecs.TextEncoder();
const utf8Decoder = new codecs.TextDecoder();

const TYPED_ARRAYS = {
  Float32Array,
  Float64Array,
  Uint8Array,
  Uint8ClampedArray,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
} as const;
type TypedArrayName = keyof typeof TYPED_ARRAYS;
type BinaryKind = TypedArrayName | 'ArrayBuffer';

interface BinaryRef {
  $bin: number;
  $type: BinaryKind;
}

const align8 = (n: number): number => (n + 7) & ~7;

export function encodeFrame(message: unknown): ArrayBuffer {
  const parts: Uint8Array[] = [];
  const value = replaceBinaries(message, parts);
  const ranges: [number, number][] = [];
  let dataLength = 0;
  for (const part of parts) {
    ranges.push([dataLength, part.byteLength]);
    dataLength = align8(dataLength + part.byteLength);
  }
  const header = utf8Encoder.encode(JSON.stringify({ v: value, b: ranges }));
  const dataStart = align8(4 + header.byteLength);
  const frame = new ArrayBuffer(dataStart + dataLength);
  new DataView(frame).setUint32(0, header.byteLength, true);
  const bytes = new Uint8Array(frame);
  bytes.set(header, 4);
  parts.forEach((part, i) => bytes.set(part, dataStart + ranges[i][0]));
  return frame;
}

/**
 * `views`: typed arrays are views into `frame` instead of copies (ArrayBuffers are still copied out). For
 * a receiver that keeps nothing it would transfer and owns the frame alone: the window, where each
 * full-resolution probability tile (192 kB) was copied once more on the main thread for nothing. The
 * server keeps copies: what it decodes comes from outside and may be handed on to workers.
 */
export function decodeFrame(frame: ArrayBuffer, { views = false }: { views?: boolean } = {}): unknown {
  if (frame.byteLength < 4) throw new Error('malformed frame: shorter than its header length');
  const headerLength = new DataView(frame).getUint32(0, true);
  if (4 + headerLength > frame.byteLength) throw new Error('malformed frame: header runs past the end');
  const header = JSON.parse(utf8Decoder.decode(new Uint8Array(frame, 4, headerLength))) as {
    v: unknown;
    b: [number, number][];
  };
  const dataStart = align8(4 + headerLength);
  const buffers = header.b.map(([offset, length]): BufferPart => {
    const start = dataStart + offset;
    if (start + length > frame.byteLength) throw new Error('malformed frame: buffer runs past the end');
    return views ? { frame, start, length } : { frame: frame.slice(start, start + length), start: 0, length };
  });
  return restoreBinaries(header.v, buffers);
}

/** One buffer of a frame: `length` bytes from `start` of `frame` (offsets are multiples of 8, see encodeFrame). */
interface BufferPart {
  readonly frame: ArrayBuffer;
  readonly start: number;
  readonly length: number;
}

function replaceBinaries(value: unknown, parts: Uint8Array[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof ArrayBuffer) {
    parts.push(new Uint8Array(value));
    return { $bin: parts.length - 1, $type: 'ArrayBuffer' } satisfies BinaryRef;
  }
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor.name as TypedArrayName;
    if (!(name in TYPED_ARRAYS)) throw new TypeError(`cannot send a ${name} over the wire`);
    parts.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    return { $bin: parts.length - 1, $type: name } satisfies BinaryRef;
  }
  if (Array.isArray(value)) return value.map((item) => replaceBinaries(item, parts));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) out[key] = replaceBinaries(item, parts);
  }
  return out;
}

function restoreBinaries(value: unknown, buffers: BufferPart[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => restoreBinaries(item, buffers));
  const record = value as Record<string, unknown>;
  if (typeof record.$bin === 'number' && typeof record.$type === 'string') {
    const part = buffers[record.$bin];
    if (!part) throw new Error(`malformed frame: missing buffer ${record.$bin}`);
    const { frame, start, length } = part;
    if (record.$type === 'ArrayBuffer')
      return start === 0 && length === frame.byteLength ? frame : frame.slice(start, start + length);
    const Ctor = TYPED_ARRAYS[record.$type as TypedArrayName];
    if (!Ctor) throw new Error(`malformed frame: unknown buffer type ${record.$type}`);
    if (length % Ctor.BYTES_PER_ELEMENT !== 0)
      throw new Error(
        `malformed frame: buffer ${record.$bin} is not a whole number of ${record.$type} elements`,
      );
    return new Ctor(frame, start, length / Ctor.BYTES_PER_ELEMENT);
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) {
    // JSON.parse makes "__proto__" an own key; assigning it would give the object a prototype chosen by
    // the sender (one that passes `instanceof Float32Array` checks and then throws on use).
    if (key !== '__proto__') out[key] = restoreBinaries(item, buffers);
  }
  return out;
}
