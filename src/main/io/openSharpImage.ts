/**
 * Reads images through sharp (libvips) with raw values kept: sharp would otherwise turn 16-bit grey data
 * into 8-bit sRGB, so every read names the file's own colour space (grey16, b-w, rgb16, srgb, scrgb).
 * Regions are read with `extract`, which libvips evaluates on demand, so a 20000² TIFF is never decoded
 * whole. Pages of a multi-page file are z-planes, time points and/or channels, as the file's OME-XML or
 * ImageJ metadata says, as `axes` overrides, or guessed (see src/core/imageMetadata.ts).
 */
import sharp, { type Metadata } from 'sharp';
import { readFile, stat } from 'node:fs/promises';
import { createPlanarImage, type PlanarImage, type SampleType } from '../../core/image.js';
import type { ImageInfo } from '../../core/imageSource.js';
import {
  axisSize,
  pageIndex,
  planeCount,
  resolveImageMetadata,
  type ImageMetadata,
} from '../../core/imageMetadata.js';
import type { Rect } from '../../core/tiling.js';
import { ImageReadError, describeSharpError } from './ImageReadError.js';
import { MAX_PALETTE_PNG_PIXELS, decodePalettePng } from './decodePalettePng.js';
import { readTiffDescription } from './readTiffDescription.js';
import { openTiffImage, tiffRoute, unsupportedCompression } from './tiff/openTiffImage.js';
import type { OpenImageOptions, OpenedImage } from './OpenedImage.js';

// Decoded pixels are used once, region by region; libvips' operation cache would only hold memory.
sharp.cache(false);

/**
 * Largest plane (width × height) opened at all, and sharp's `limitInputPixels`: 2³⁶ pixels (262144²) is
 * beyond whole-slide scans (~100000²), which `mixel predict` streams region by region; a header declaring
 * more is a corrupt file or a decompression bomb, refused before any pixel is decoded. Whole-image reads
 * have their own, much lower bound (MAX_WHOLE_IMAGE_BYTES, and the commands' memory budget).
 */
export const MAX_IMAGE_PIXELS = 2 ** 36;

const SAMPLE_TYPES: Record<string, SampleType> = { uchar: 'uint8', ushort: 'uint16', float: 'float32' };
const RAW_COLOUR_SPACES = new Set(['b-w', 'grey16', 'srgb', 'rgb16', 'scrgb', 'multiband']);

/** Opens a TIFF, PNG or JPEG through sharp and reads its header; pixels are read later by `readRegion`. */
export async function openSharpImage(path: string, options: OpenImageOptions = {}): Promise<OpenedImage> {
  const size = await fileSize(path);
  if (size === 0) throw new ImageReadError(path, 'the file is empty (0 bytes)');
  // sharp's libtiff lacks ZSTD and LZMA (and reports them as corrupt): those go to Mixel's own reader, and
  // so do stacks it decodes as sharp would (tiffRoute).
  const route = await tiffRoute(path);
  if (route === 'own') return openTiffImage(path, options);
  if (route === 'own-stack') {
    try {
      return await openTiffImage(path, options);
    } catch {
      // Pages of other sizes or kinds (thumbnails, masks): sharp reads such files page by page.
    }
  }
  if (typeof route === 'object') throw new ImageReadError(path, unsupportedCompression(route.unsupported));
  return openWithSharp(path, options);
}

/** Opens an image with sharp alone, whatever its compression (the route is tiffRoute's choice). */
export async function openWithSharp(path: string, options: OpenImageOptions = {}): Promise<OpenedImage> {
  let meta: Metadata;
  try {
    meta = await sharp(path, { limitInputPixels: MAX_IMAGE_PIXELS, unlimited: true }).metadata();
  } catch (err) {
    throw new ImageReadError(path, describeSharpError(err));
  }
  const { width, height } = meta;
  if (!width || !height) throw new ImageReadError(path, 'the header gives no image size');
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new ImageReadError(
      path,
      `its header declares ${width} × ${height} pixels, more than the ${MAX_IMAGE_PIXELS} Mixel opens (corrupt or a decompression bomb?)`,
    );
  }
  if (meta.format === 'png' && meta.isPalette) return openPalettePng(path, width, height);
  const sampleType = SAMPLE_TYPES[meta.depth ?? ''];
  if (!sampleType) {
    throw new ImageReadError(
      path,
      `samples of type "${meta.depth}" are not supported (use 8/16-bit or 32-bit float)`,
    );
  }
  const space = meta.space ?? '';
  if (!RAW_COLOUR_SPACES.has(space)) {
    throw new ImageReadError(path, `colour space "${space}" is not supported (use grey or RGB)`);
  }
  const pages = meta.pages ?? 1;
  const samples = meta.channels ?? 1;
  const tags = meta.format === 'tiff' ? await readTiffDescription(path) : {};
  let metadata: ImageMetadata;
  try {
    metadata = resolveImageMetadata({ pages, samples, ...tags, axesOption: options.axes });
  } catch (err) {
    throw new ImageReadError(path, (err as Error).message);
  }
  const pageChannels = metadata.pageAxes.includes('c') ? axisSize(metadata, 'c') : 1;
  const info: ImageInfo = {
    width,
    height,
    pages,
    channels: metadata.pageAxes.includes('c') ? pageChannels : samples,
    planes: planeCount(metadata),
    sampleType,
    axes: metadata.axes,
    format: meta.format ?? 'unknown',
  };
  const readPage = (page: number, rect: Rect) =>
    readPageRegion(path, page, rect, space, meta.depth as string);
  return {
    info,
    name: path,
    isAxesGuessed: metadata.axesSource === 'guessed',
    metadata,
    async readRegion(rect: Rect, plane: number): Promise<PlanarImage> {
      checkRegion(path, info, rect, plane);
      if (!metadata.pageAxes.includes('c')) return readPage(pageIndex(metadata, plane, 0), rect);
      const out = createPlanarImage(rect.width, rect.height, 0);
      for (let c = 0; c < pageChannels; c++) {
        out.channels.push((await readPage(pageIndex(metadata, plane, c), rect)).channels[0]);
      }
      return out;
    },
  };
}

/**
 * An indexed PNG is a label image: its pixels are the palette indices (class values), not colours. They are
 * decoded on the first read, after a size check from the header, so `mixel info` and the commands' memory
 * estimates never decode them.
 */
async function openPalettePng(path: string, width: number, height: number): Promise<OpenedImage> {
  let decoded: Promise<Uint8Array> | undefined;
  const indices = (): Promise<Uint8Array> => {
    if (width * height > MAX_PALETTE_PNG_PIXELS) {
      throw new ImageReadError(
        path,
        `indexed PNG of ${width} × ${height} pixels is larger than the ${MAX_PALETTE_PNG_PIXELS} pixels Mixel decodes whole; save large label images as greyscale PNG or TIFF`,
      );
    }
    decoded ??= readFile(path).then(
      (file) => {
        const image = decodePalettePng(new Uint8Array(file));
        if (image.width !== width || image.height !== height)
          throw new ImageReadError(path, 'the file changed while it was read');
        return image.indices;
      },
      (err: unknown) => {
        throw new ImageReadError(path, `cannot read it (${(err as NodeJS.ErrnoException).code ?? err})`);
      },
    );
    return decoded.catch((err: unknown) => {
      if (err instanceof ImageReadError) throw err;
      throw new ImageReadError(path, `cannot decode the indexed PNG (${(err as Error).message})`);
    });
  };
  const info: ImageInfo = {
    width,
    height,
    pages: 1,
    channels: 1,
    planes: 1,
    sampleType: 'uint8',
    axes: 'yx',
    format: 'png',
  };
  return {
    info,
    name: path,
    isAxesGuessed: false,
    metadata: resolveImageMetadata({ pages: 1, samples: 1 }),
    async readRegion(rect: Rect, plane: number): Promise<PlanarImage> {
      checkRegion(path, info, rect, plane);
      const all = await indices();
      const out = createPlanarImage(rect.width, rect.height, 1);
      for (let y = 0; y < rect.height; y++) {
        const start = (rect.y + y) * width + rect.x;
        out.channels[0].set(all.subarray(start, start + rect.width), y * rect.width);
      }
      return out;
    },
  };
}

async function readPageRegion(
  path: string,
  page: number,
  rect: Rect,
  space: string,
  depth: string,
): Promise<PlanarImage> {
  let data: Buffer;
  let channels: number;
  try {
    let pipeline = sharp(path, { page, limitInputPixels: MAX_IMAGE_PIXELS, unlimited: true }).extract({
      left: rect.x,
      top: rect.y,
      width: rect.width,
      height: rect.height,
    });
    if (space !== 'multiband') pipeline = pipeline.toColourspace(space);
    const result = await pipeline.raw({ depth: depth as 'uchar' }).toBuffer({ resolveWithObject: true });
    data = result.data;
    channels = result.info.channels;
  } catch (err) {
    throw new ImageReadError(path, describeSharpError(err));
  }
  const samples = typedView(data, depth);
  const n = rect.width * rect.height;
  if (samples.length !== n * channels) {
    throw new ImageReadError(
      path,
      `expected ${n * channels} samples in the region, decoded ${samples.length}`,
    );
  }
  const out = createPlanarImage(rect.width, rect.height, channels);
  // One channel needs no de-interleaving: a typed-array copy converts each value as the loop would, in
  // less than half the time of the loop's first runs (training reads its image and its labels whole once).
  if (channels === 1) out.channels[0].set(samples);
  else {
    for (let c = 0; c < channels; c++) {
      const plane = out.channels[c];
      for (let i = 0, j = c; i < n; i++, j += channels) plane[i] = samples[j];
    }
  }
  return out;
}

function typedView(data: Buffer, depth: string): Uint8Array | Uint16Array | Float32Array {
  if (depth === 'ushort') {
    // A fresh copy guarantees the 2-byte alignment a Uint16Array view needs.
    const aligned = data.byteOffset % 2 === 0 ? data : Buffer.from(data);
    return new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.length / 2);
  }
  if (depth === 'float') {
    const aligned = data.byteOffset % 4 === 0 ? data : Buffer.from(data);
    return new Float32Array(aligned.buffer, aligned.byteOffset, aligned.length / 4);
  }
  return data;
}

/** Whether `rect` is a non-empty region of whole pixels inside a `width × height` image. */
export function isRegionInside(rect: Rect, width: number, height: number): boolean {
  return (
    Number.isInteger(rect.x) &&
    Number.isInteger(rect.y) &&
    Number.isInteger(rect.width) &&
    Number.isInteger(rect.height) &&
    rect.x >= 0 &&
    rect.y >= 0 &&
    rect.width > 0 &&
    rect.height > 0 &&
    rect.x + rect.width <= width &&
    rect.y + rect.height <= height
  );
}

export function checkRegion(path: string, info: ImageInfo, rect: Rect, plane: number): void {
  if (!isRegionInside(rect, info.width, info.height)) {
    throw new RangeError(
      `${path}: region ${JSON.stringify(rect)} is outside the ${info.width} × ${info.height} image`,
    );
  }
  if (!Number.isInteger(plane) || plane < 0 || plane >= info.planes) {
    throw new RangeError(`${path}: plane ${plane} does not exist (the image has ${info.planes})`);
  }
}

export async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ImageReadError(
      path,
      code === 'ENOENT' ? 'no such file' : `cannot open it (${code ?? String(err)})`,
    );
  }
}
