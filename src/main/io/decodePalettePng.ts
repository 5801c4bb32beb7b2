/**
 * Palette (indexed) PNGs hold label images — Mixel's own Simple Segmentation export, ilastik's and Fiji's
 * label exports — whose meaning is the index, not the colour. libvips always expands the palette to RGB,
 * so indexed PNGs are decoded here: chunks, zlib, and the five PNG row filters; 1/2/4/8-bit indices.
 */
import { inflateSync } from 'node:zlib';
import { concatArrays } from '../../core/concatArrays.js';

export interface PaletteImage {
  readonly width: number;
  readonly height: number;
  /** One index per pixel, row-major. */
  readonly indices: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export interface PaletteHeader {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
}

/**
 * Indexed PNGs are decoded whole (rows depend on the rows above, and libvips cannot give us the indices):
 * the inflated rows, the unfiltered rows and the indices peak at about 3 bytes per pixel, so 2²⁸ pixels
 * (16384², plenty for label images) peak near 800 MB. Larger ones are refused from the header, before anything
 * is inflated: a 194 KB 1-bit PNG can declare 40000² pixels, which took 2.2 GB to decode.
 */
export const MAX_PALETTE_PNG_PIXELS = 2 ** 28;

/** Width, height and bit depth from the IHDR chunk, which the PNG format requires to come first. */
export function readPaletteHeader(file: Uint8Array): PaletteHeader {
  if (file.length < 8 || SIGNATURE.some((b, i) => file[i] !== b)) throw new Error('not a PNG file');
  if (file.length < 8 + 8 + 13) throw new Error('PNG header is cut short (truncated file)');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const type = String.fromCharCode(file[12], file[13], file[14], file[15]);
  if (type !== 'IHDR' || view.getUint32(8) !== 13) throw new Error('PNG header is missing or invalid');
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const bitDepth = file[24];
  if (file[25] !== 3) throw new Error('PNG is not indexed (colour type 3)');
  if (file[28] !== 0) throw new Error('interlaced indexed PNGs are not supported: save without interlacing');
  if (!width || !height || ![1, 2, 4, 8].includes(bitDepth))
    throw new Error('PNG header is missing or invalid');
  return { width, height, bitDepth };
}

/** Decodes the indices of an indexed PNG; throws an Error with a short reason if it is not one or too large. */
export function decodePalettePng(file: Uint8Array, maxPixels = MAX_PALETTE_PNG_PIXELS): PaletteImage {
  const { width, height, bitDepth } = readPaletteHeader(file);
  if (width * height > maxPixels) {
    throw new Error(
      `${width} × ${height} pixels is more than the ${maxPixels} an indexed PNG may have; save large label images as greyscale PNG or TIFF`,
    );
  }
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const idat: Uint8Array[] = [];
  let at = 8;
  while (at + 8 <= file.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(file[at + 4], file[at + 5], file[at + 6], file[at + 7]);
    const data = file.subarray(at + 8, at + 8 + length);
    if (data.length < length) throw new Error(`PNG chunk ${type} is cut short (truncated file)`);
    if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  const stride = Math.ceil((width * bitDepth) / 8);
  const expected = height * (stride + 1);
  let raw: Uint8Array;
  try {
    // Never inflate more than the header promises: extra data would only be a bomb.
    raw = inflateSync(concatArrays(Uint8Array, idat), { maxOutputLength: expected });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE')
      throw new Error('PNG holds more image data than its header declares');
    throw new Error(`PNG image data is corrupt (${(err as Error).message})`);
  }
  if (raw.length < expected) throw new Error('PNG image data is cut short (truncated file)');
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
