import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32, writeSegmentationPng } from './writeSegmentationPng.js';

const dir = mkdtempSync(join(tmpdir(), 'mixel-seg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeSegmentationPng', () => {
  it('writes an indexed PNG that decodes back to the exact class values', async () => {
    const width = 37;
    const height = 11;
    const values = Uint8Array.from({ length: width * height }, (_, i) => 1 + ((i * 7) % 3));
    const path = join(dir, 'seg.png');
    await writeSegmentationPng(path, values, width, height);
    const meta = await sharp(path).metadata();
    expect(meta.isPalette).toBe(true);
    expect([meta.width, meta.height]).toEqual([width, height]);
    // Decoded by sharp, every pixel shows its class colour: mapped back through the palette it gives
    // exactly the values written (yellow, blue, red for classes 1, 2, 3).
    const rgb = await sharp(path).removeAlpha().raw().toBuffer();
    const colourToClass = new Map([
      ['255,225,25', 1],
      ['0,130,200', 2],
      ['230,25,75', 3],
    ]);
    const decoded = Uint8Array.from(
      { length: width * height },
      (_, i) => colourToClass.get([...rgb.subarray(3 * i, 3 * i + 3)].join(',')) ?? 0,
    );
    expect(decoded).toEqual(values);
    // The stored indices themselves are the class values (what score.py, Fiji and PIL read as labels).
    expect(storedIndices(readFileSync(path), width, height)).toEqual(values);
  });

  it('computes the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

/** The palette indices of an 8-bit indexed PNG whose rows all use filter 0 (as ours do). */
function storedIndices(png: Buffer, width: number, height: number): Uint8Array {
  const idat: Buffer[] = [];
  for (let pos = 8; pos < png.length;) {
    const length = png.readUInt32BE(pos);
    if (png.toString('latin1', pos + 4, pos + 8) === 'IDAT')
      idat.push(png.subarray(pos + 8, pos + 8 + length));
    pos += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    out.set(raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1)), y * width);
  return out;
}
