/**
 * What an image file is (ImageInfo) and how pixels are pulled out of it (ImageSource). Readers live in
 * src/main/io; everything else (features, prediction, export, the window) sees only these types, so a
 * 20000 × 20000 TIFF is read a region at a time through the same interface as a small PNG.
 */
import type { PlanarImage, SampleType } from './image.js';
import type { Rect } from './tiling.js';

/**
 * Axis letters in file order, slowest first, as in tifffile and napari: `y`, `x` are the plane; pages of
 * a multi-page file are `z` (focal planes), `t` (time points) or `c` (channels stored as separate pages);
 * a trailing `c` is the samples of one pixel (RGB). Examples: `yx`, `yxc`, `zyx`, `cyx`, `tyx`.
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
  /** 2-D planes that are classified separately: the page count when pages are z or t, else 1. */
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

/**
 * Checks an `--axes` string against a file's shape and returns which axis its pages are. Throws a
 * RangeError whose message says which axes fit.
 */
export function parseAxes(axes: string, pages: number, samplesPerPixel: number): 'z' | 't' | 'c' | null {
  const a = axes.toLowerCase();
  if (!/^[ztc]?yxc?$/.test(a)) {
    throw new RangeError(`axes "${axes}" not understood: use e.g. yx, yxc, zyx, tyx, cyx`);
  }
  const pageAxis = a.length > 2 && a[0] !== 'y' ? (a[0] as 'z' | 't' | 'c') : null;
  const hasSampleAxis = a.endsWith('xc');
  if (pageAxis === null && pages > 1) {
    throw new RangeError(
      `axes "${axes}" has no page axis but the file has ${pages} pages: use zyx, tyx or cyx`,
    );
  }
  if (hasSampleAxis && samplesPerPixel === 1) {
    throw new RangeError(
      `axes "${axes}" ends in c but the file has one sample per pixel: drop the trailing c`,
    );
  }
  if (pageAxis === 'c' && samplesPerPixel > 1) {
    throw new RangeError(
      `axes "${axes}": pages as channels need one sample per pixel (file has ${samplesPerPixel})`,
    );
  }
  return pageAxis;
}

/** The axes string for a file shape and its page axis. */
export function axesFor(pageAxis: 'z' | 't' | 'c' | null, samplesPerPixel: number): AxesString {
  return `${pageAxis ?? ''}yx${samplesPerPixel > 1 ? 'c' : ''}`;
}
