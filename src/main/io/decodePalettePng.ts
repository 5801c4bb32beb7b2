/**
 * Palette (indexed) PNGs hold label images — Mixel's own Simple Segmentation export, ilastik's and Fiji's
 * label exports — whose meaning is the index, not the colour. libvips always expands the palette to RGB,
 * so indexed PNGs are decoded here: chunks, zlib, and the five PNG row filters; 1/2/4/8-bit indices.
 */
import { inflateSync } from 'node:zlib';

export interface PaletteImage {
  readonly width: number;
  readonly height: number;
  /** One index per pixel, row-major. */
  readonly indices: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Decodes the indices of an indexed PNG; throws an Error with a short reason if it is not one. */
export function decodePalettePng(file: Uint8Array): PaletteImage {
  if (file.length < 8 || SIGNATURE.some((b, i) => file[i] !== b)) throw new Error('not a PNG file');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let width = 0;
  let height = 0;
  let bitDepth = 0;
  const idat: Uint8Array[] = [];
  let at = 8;
  while (at + 8 <= file.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(file[at + 4], file[at + 5], file[at + 6], file[at + 7]);
    const data = file.subarray(at + 8, at + 8 + length);
    if (data.length < length) throw new Error(`PNG chunk ${type} is cut short (truncated file)`);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      bitDepth = data[8];
      if (data[9] !== 3) throw new Error('PNG is not indexed (colour type 3)');
      if (data[12] !== 0)
        throw new Error('interlaced indexed PNGs are not supported: save without interlacing');
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (!width || !height || ![1, 2, 4, 8].includes(bitDepth))
    throw new Error('PNG header is missing or invalid');
  const total = idat.reduce((n, d) => n + d.length, 0);
  const compressed = new Uint8Array(total);
  let offset = 0;
  for (const d of idat) {
    compressed.set(d, offset);
    offset += d.length;
  }
  const raw = inflateSync(compressed);
  const stride = Math.ceil((width * bitDepth) / 8);
  if (raw.length < height * (stride + 1)) throw new Error('PNG image data is cut short (truncated file)');
  const rows = unfilter(raw, stride, height, bitDepth);
  const indices = new Uint8Array(width * height);
  const perByte = 8 / bitDepth;
  const mask = (1 << bitDepth) - 1;
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    for (let x = 0; x < width; x++) {
      if (bitDepth === 8) indices[y * width + x] = rows[row + x];
      else {
        const byte = rows[row + Math.floor(x / perByte)];
        const shift = 8 - bitDepth * ((x % perByte) + 1);
        indices[y * width + x] = (byte >> shift) & mask;
      }
    }
  }
  return { width, height, indices };
}

/** Undoes PNG's per-row filters (none, sub, up, average, Paeth); bytes per pixel is 1 for indexed data. */
function unfilter(raw: Uint8Array, stride: number, height: number, _bitDepth: number): Uint8Array {
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    for (let i = 0; i < stride; i++) {
      const a = i > 0 ? out[dst + i - 1] : 0;
      const b = y > 0 ? out[dst - stride + i] : 0;
      const c = i > 0 && y > 0 ? out[dst - stride + i - 1] : 0;
      let predictor = 0;
      if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) throw new Error(`PNG row ${y} has an unknown filter ${filter}`);
      out[dst + i] = (raw[src + i] + predictor) & 255;
    }
  }
  return out;
}
