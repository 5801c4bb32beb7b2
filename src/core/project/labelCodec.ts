/**
 * Label rasters in the project file: run-length encoded, then base64, so a 2048² raster of sparse
 * scribbles takes a few kilobytes of JSON instead of four megabytes. A run is its value (one byte)
 * followed by its length as an unsigned LEB128 varint (1 byte up to 127 pixels, 3 bytes up to 2 M).
 */

export function encodeLabelRuns(labels: Uint8Array): string {
  const bytes: number[] = [];
  let i = 0;
  while (i < labels.length) {
    const value = labels[i];
    let j = i + 1;
    while (j < labels.length && labels[j] === value) j++;
    bytes.push(value);
    let run = j - i;
    while (run >= 0x80) {
      bytes.push((run & 0x7f) | 0x80);
      run = Math.floor(run / 128);
    }
    bytes.push(run);
    i = j;
  }
  return encodeBase64(Uint8Array.from(bytes));
}

/** Decodes runs into a raster of `pixelCount` values; throws a RangeError if the runs do not add up. */
export function decodeLabelRuns(encoded: string, pixelCount: number): Uint8Array {
  const out = new Uint8Array(pixelCount);
  forEachLabelRun(encoded, pixelCount, (value, start, end) => {
    if (value !== 0) out.fill(value, start, end);
  });
  return out;
}

/**
 * Checks encoded runs without building the raster: they must decode, cover exactly `pixelCount` pixels
 * and hold no value above `maxValue` (the class count). Throws a RangeError saying what is wrong.
 */
export function checkLabelRuns(encoded: string, pixelCount: number, maxValue: number): void {
  forEachLabelRun(encoded, pixelCount, (value, start) => {
    if (value > maxValue) {
      throw new RangeError(`label value ${value} at pixel ${start} is above the ${maxValue} classes`);
    }
  });
}

/** Whether encoded runs hold any labelled (non-zero) pixel, without building the raster. */
export function hasLabelledRuns(encoded: string, pixelCount: number): boolean {
  let found = false;
  forEachLabelRun(encoded, pixelCount, (value) => {
    if (value !== 0) found = true;
  });
  return found;
}

/** A varint longer than this cannot be a run length of a raster below 2^35 pixels. */
const MAX_VARINT_BYTES = 5;

function forEachLabelRun(
  encoded: string,
  pixelCount: number,
  visit: (value: number, start: number, end: number) => void,
): void {
  const bytes = decodeBase64(encoded);
  let pos = 0;
  let i = 0;
  while (i < bytes.length) {
    const value = bytes[i++];
    let run = 0;
    let scale = 1;
    for (let k = 0; ; k++) {
      if (i >= bytes.length) throw new RangeError('label runs are cut short');
      if (k >= MAX_VARINT_BYTES) throw new RangeError('a label run length is too long');
      const b = bytes[i++];
      run += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) break;
    }
    if (pos + run > pixelCount)
      throw new RangeError(`label runs cover more than the ${pixelCount} pixels of the image`);
    visit(value, pos, pos + run);
    pos += run;
  }
  if (pos !== pixelCount)
    throw new RangeError(`label runs cover ${pos} of the ${pixelCount} pixels of the image`);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** Standard base64 with padding (RFC 4648); src/core has no Buffer or btoa. */
export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  const CHUNK = 3 * 4096;
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(bytes.length, start + CHUNK);
    let s = '';
    for (let i = start; i < end; i += 3) {
      const b0 = bytes[i];
      const b1 = i + 1 < end ? bytes[i + 1] : 0;
      const b2 = i + 2 < end ? bytes[i + 2] : 0;
      const n = (b0 << 16) | (b1 << 8) | b2;
      s += ALPHABET[(n >> 18) & 63] + ALPHABET[(n >> 12) & 63];
      s += i + 1 < end ? ALPHABET[(n >> 6) & 63] : '=';
      s += i + 2 < end ? ALPHABET[n & 63] : '=';
    }
    parts.push(s);
  }
  return parts.join('');
}

export function decodeBase64(text: string): Uint8Array {
  const clean = text.replace(/=+$/, '');
  if (clean.length % 4 === 1) throw new RangeError('base64 text has an impossible length');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    let n = 0;
    const count = Math.min(4, clean.length - i);
    for (let k = 0; k < 4; k++) {
      const code = k < count ? clean.charCodeAt(i + k) : 65; // 'A' = 0 pads the last group
      const v = code < 128 ? LOOKUP[code] : -1;
      if (v < 0) throw new RangeError(`base64 text has an invalid character at ${i + k}`);
      n = (n << 6) | v;
    }
    out[o++] = (n >> 16) & 255;
    if (count > 2) out[o++] = (n >> 8) & 255;
    if (count > 3) out[o++] = n & 255;
  }
  return out;
}
