/**
 * A second, independent TIFF decoder for tests (little-endian, classic and BigTIFF, strips, no or deflate
 * compression, one sample per pixel): outputs are checked with it as well as with sharp, so a bug shared
 * by our writer and libvips' reader of it cannot hide.
 */
import { inflateSync } from 'node:zlib';

export interface ParsedPage {
  width: number;
  height: number;
  bitsPerSample: number;
  sampleFormat: number;
  pageName?: string;
  /** Every tag of the page: numbers (a RATIONAL as numerator, denominator pairs) or ASCII text. */
  tags: Map<number, number[] | string>;
  values: Uint8Array | Uint16Array | Float32Array;
}

export function parseTiff(file: Uint8Array): ParsedPage[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (view.getUint16(0, true) !== 0x4949) throw new Error('not a little-endian TIFF');
  const magic = view.getUint16(2, true);
  const isBig = magic === 43;
  if (!isBig && magic !== 42) throw new Error(`bad TIFF magic ${magic}`);
  let ifd = isBig ? Number(view.getBigUint64(8, true)) : view.getUint32(4, true);
  const pages: ParsedPage[] = [];
  while (ifd !== 0) {
    const count = isBig ? Number(view.getBigUint64(ifd, true)) : view.getUint16(ifd, true);
    const tags = new Map<number, number[] | string>();
    for (let i = 0; i < count; i++) {
      const at = ifd + (isBig ? 8 : 2) + i * (isBig ? 20 : 12);
      const tag = view.getUint16(at, true);
      const type = view.getUint16(at + 2, true);
      const n = isBig ? Number(view.getBigUint64(at + 4, true)) : view.getUint32(at + 4, true);
      const size = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 16: 8 }[type as 1] ?? 0;
      const inline = isBig ? 8 : 4;
      const valueAt = at + (isBig ? 12 : 8);
      const dataAt =
        n * size <= inline
          ? valueAt
          : isBig
            ? Number(view.getBigUint64(valueAt, true))
            : view.getUint32(valueAt, true);
      if (type === 2) {
        tags.set(tag, String.fromCharCode(...file.subarray(dataAt, dataAt + n - 1)));
      } else {
        const values: number[] = [];
        for (let k = 0; k < n && type === 5; k++) {
          values.push(view.getUint32(dataAt + k * 8, true), view.getUint32(dataAt + k * 8 + 4, true));
        }
        for (let k = 0; k < n && type !== 5; k++) {
          const p = dataAt + k * size;
          values.push(
            size === 1
              ? view.getUint8(p)
              : size === 2
                ? view.getUint16(p, true)
                : size === 4
                  ? view.getUint32(p, true)
                  : Number(view.getBigUint64(p, true)),
          );
        }
        tags.set(tag, values);
      }
    }
    const num = (tag: number, dflt?: number) =>
      ((tags.get(tag) as number[] | undefined)?.[0] ?? dflt) as number;
    const width = num(256);
    const height = num(257);
    const bits = num(258);
    const compression = num(259, 1);
    const sampleFormat = num(339, 1);
    if (num(277, 1) !== 1) throw new Error('test decoder reads one sample per pixel only');
    const offsets = tags.get(273) as number[];
    const counts = tags.get(279) as number[];
    const raw = new Uint8Array(width * height * (bits / 8));
    let o = 0;
    offsets.forEach((off, s) => {
      let strip = file.subarray(off, off + counts[s]);
      if (compression === 8 || compression === 32946) strip = inflateSync(strip);
      else if (compression !== 1) throw new Error(`test decoder cannot read compression ${compression}`);
      raw.set(strip.subarray(0, Math.min(strip.length, raw.length - o)), o);
      o += strip.length;
    });
    const values =
      bits === 8
        ? raw
        : bits === 16
          ? new Uint16Array(raw.buffer)
          : sampleFormat === 3
            ? new Float32Array(raw.buffer)
            : (() => {
                throw new Error(`bits ${bits}`);
              })();
    pages.push({
      width,
      height,
      bitsPerSample: bits,
      sampleFormat,
      pageName: tags.get(285) as string | undefined,
      tags,
      values,
    });
    const next = ifd + (isBig ? 8 : 2) + count * (isBig ? 20 : 12);
    ifd = isBig ? Number(view.getBigUint64(next, true)) : view.getUint32(next, true);
  }
  return pages;
}

/** Reads a .npy file: dtype, shape and values (C order). */
export function parseNpy(file: Uint8Array): {
  descr: string;
  shape: number[];
  values: Uint8Array | Uint16Array | Float32Array;
} {
  if (file[0] !== 0x93 || String.fromCharCode(...file.subarray(1, 6)) !== 'NUMPY')
    throw new Error('not a .npy file');
  const headerLength = file[8] | (file[9] << 8);
  const header = String.fromCharCode(...file.subarray(10, 10 + headerLength));
  const descr = /'descr': '([^']+)'/.exec(header)?.[1] as string;
  const shape = (/'shape': \(([^)]*)\)/.exec(header)?.[1] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const data = file.slice(10 + headerLength);
  const values =
    descr === '|u1' ? data : descr === '<u2' ? new Uint16Array(data.buffer) : new Float32Array(data.buffer);
  return { descr, shape, values };
}
