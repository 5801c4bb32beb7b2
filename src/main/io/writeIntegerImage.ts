/**
 * Writes a single-channel 8- or 16-bit image as PNG or TIFF through sharp, keeping raw values: sharp
 * would otherwise expand grey data to RGB and compress TIFFs with lossy JPEG, so both are named here.
 * The file is written to a temporary name and renamed, so a crash never leaves a half-written output.
 */
import sharp from 'sharp';
import { writeFileAtomic } from './writeFileAtomic.js';

/** `format` defaults to the path's extension (.tif/.tiff → TIFF, else PNG); name it when writing to a temporary name. */
export async function writeIntegerImage(
  path: string,
  pixels: Uint8Array | Uint16Array,
  width: number,
  height: number,
  format: 'png' | 'tiff' = /\.tiff?$/i.test(path) ? 'tiff' : 'png',
): Promise<void> {
  const is16 = pixels instanceof Uint16Array;
  let image = sharp(pixels, { raw: { width, height, channels: 1 } }).toColourspace(is16 ? 'grey16' : 'b-w');
  image = format === 'tiff' ? image.tiff({ compression: 'lzw' }) : image.png({ compressionLevel: 6 });
  await writeFileAtomic(path, await image.toBuffer());
}
