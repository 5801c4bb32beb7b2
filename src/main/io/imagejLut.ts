/**
 * An ImageJ colour lookup table for a label image, stored as ImageJ stores it: in the IJMetadata tags
 * (50838 byte counts, 50839 data) of the first page, a header naming one `luts` entry, then 256 reds,
 * 256 greens, 256 blues. Fiji shows value k in class k's colour, while the pixels stay plain grey values
 * (PhotometricInterpretation min-is-black): tifffile, imageio, scikit-image and napari read 1..K, not
 * colours, which a palette TIFF (PhotometricInterpretation 3) would not guarantee.
 */

export const IJ_METADATA_BYTE_COUNTS_TAG = 50838;
export const IJ_METADATA_TAG = 50839;
/** An ImageJ LUT has 256 entries per colour component. */
const LUT_ENTRIES = 256;

export interface ImageJLutTags {
  readonly byteCounts: number[];
  readonly data: Uint8Array;
}

/**
 * The IJMetadata of one LUT where value v (1-based class value) has `colors[v - 1]` (`#rrggbb`); value 0
 * and values without a colour are black. Written little-endian, as the file is (ImageJ reads the
 * header's integers in the file's byte order, so 'IJIJ' and 'luts' appear reversed).
 */
export function imagejLutTags(colors: readonly (string | undefined)[]): ImageJLutTags {
  const header = new Uint8Array(12);
  const view = new DataView(header.buffer);
  view.setUint32(0, 0x494a494a, true); // "IJIJ"
  view.setUint32(4, 0x6c757473, true); // "luts"
  view.setUint32(8, 1, true); // one LUT
  const lut = new Uint8Array(3 * LUT_ENTRIES);
  colors.slice(0, LUT_ENTRIES - 1).forEach((color, i) => {
    const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color ?? '');
    if (!match) return;
    for (let component = 0; component < 3; component++) {
      lut[component * LUT_ENTRIES + i + 1] = parseInt(match[component + 1], 16);
    }
  });
  const data = new Uint8Array(header.length + lut.length);
  data.set(header);
  data.set(lut, header.length);
  return { byteCounts: [header.length, lut.length], data };
}
