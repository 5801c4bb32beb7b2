/**
 * Writes a label image (values 0..255, e.g. a Simple Segmentation with classes 1..K) as an 8-bit indexed
 * PNG whose palette shows each class in its colour, while the stored values stay the class values exactly.
 * sharp's `palette: true` quantizes (values would change), so the few chunks are written here directly:
 * IHDR (colour type 3), PLTE, IDAT (zlib), IEND.
 */
import { deflateSync } from 'node:zlib';
import { concatArrays } from '../../core/concatArrays.js';
import { DEFAULT_CLASS_COLORS } from '../../core/project/Project.js';
import { writeFileAtomic } from './writeFileAtomic.js';

const PNG_SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Palette entry per value: 0 (unlabeled) black, value k ≥ 1 the colour of class k (colours[k − 1]), as
 * '#rrggbb'. Values beyond the given colours repeat the default ones.
 */
export function encodeSegmentationPng(
  values: Uint8Array,
  width: number,
  height: number,
  colors: readonly string[] = DEFAULT_CLASS_COLORS,
): Uint8Array {
  if (values.length !== width * height) {
    throw new RangeError(`segmentation holds ${values.length} pixels, expected ${width} × ${height}`);
  }
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  const palette = new Uint8Array(3 * (max + 1));
  for (let v = 1; v <= max; v++)
    palette.set(parseHexColor(colors[(v - 1) % colors.length] ?? '#ffffff'), 3 * v);

  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 3, 0, 0, 0], 8); // 8 bits per index, colour type 3 (palette), deflate, filter 0, no interlace

  const raw = new Uint8Array(height * (width + 1)); // each row: filter byte 0 (none), then the indices
  for (let y = 0; y < height; y++) raw.set(values.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);

  return concatArrays(Uint8Array, [
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('PLTE', palette),
    chunk('IDAT', deflateSync(raw, { level: 6 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

export async function writeSegmentationPng(
  path: string,
  values: Uint8Array,
  width: number,
  height: number,
  colors?: readonly string[],
): Promise<void> {
  await writeFileAtomic(path, encodeSegmentationPng(values, width, height, colors));
}

function parseHexColor(color: string): number[] {
  const m = /^#?([0-9a-f]{6})$/i.exec(color);
  if (!m) throw new RangeError(`colour "${color}" is not of the form #rrggbb`);
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

let crcTable: Uint32Array | null = null;

/** CRC-32 (ISO 3309), as the PNG chunk checksum requires. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
