/**
 * What an image file is (ImageInfo) and how pixels are pulled out of it (ImageSource). Readers live in
 * src/main/io; everything else (features, prediction, export, the window) sees only these types, so a
 * 20000 × 20000 TIFF is read a region at a time through the same interface as a small PNG.
 */
import type { PlanarImage, SampleType } from './image.js';
import type { Rect } from './tiling.js';

/**
 * Axis letters in file order, slowest first, as in tifffile and napari: `y`, `x` are the plane; pages of
 * a multi-page file run along `t` (time points), `z` (focal planes) and/or `c` (channels stored as separate
 * pages); a trailing `c` is the samples of one pixel (RGB). Examples: `yx`, `yxc`, `zyx`, `cyx`, `tzcyx`
 * (decided in imageMetadata.ts).
 */
export type AxesString = string;

export interface ValueRange {
  readonly min: number;
  readonly max: number;
}

export interface ImageInfo {
  readonly width: number;
  readonly height: number;
  /** Pages in the file (1 for PNG and JPEG). */
  readonly pages: number;
  /** Channels of the image as classified: samples per pixel, or the page count when pages are channels. */
  readonly channels: number;
  /** 2-D planes that are classified separately: every combination of the t and z page axes (1 if none). */
  readonly planes: number;
  readonly sampleType: SampleType;
  readonly axes: AxesString;
  /** The container format as the reader saw it: 'tiff', 'png', 'jpeg'. */
  readonly format: string;
  /** Smallest and largest value over all pixels, when they have been computed. */
  readonly valueRange?: ValueRange;
}

/** Pixels of one image, read on demand. Implementations keep no more than the requested region in memory. */
export interface ImageSource {
  readonly info: ImageInfo;
  /** The file (or other origin) the pixels come from; used in messages. */
  readonly name: string;
  /** Reads a rectangle of one plane (0 ≤ plane < info.planes), all channels, raw values as float32. */
  readRegion(rect: Rect, plane: number): Promise<PlanarImage>;
}

/** Every channel of `image` must be finite: NaN or ±Infinity would poison feature sums and EM. */
export function findNonFinite(image: PlanarImage): { channel: number; index: number } | null {
  for (let c = 0; c < image.channels.length; c++) {
    const plane = image.channels[c];
    for (let i = 0; i < plane.length; i++) {
      const v = plane[i];
      if (v - v !== 0) return { channel: c, index: i };
    }
  }
  return null;
}

/** The axes a multi-page file most likely has when the user did not say: few pages → channels, many → z. */
export function guessPageAxis(pages: number, samplesPerPixel: number): 'c' | 'z' {
  return samplesPerPixel === 1 && pages >= 2 && pages <= MAX_PAGES_GUESSED_AS_CHANNELS ? 'c' : 'z';
}

/** Up to four single-sample pages are read as channels (typical of fluorescence stains); more look like a z-stack. */
export const MAX_PAGES_GUESSED_AS_CHANNELS = 4;
