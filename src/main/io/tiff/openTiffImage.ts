/**
 * Opens TIFFs whose compression sharp's libtiff lacks (ZSTD, LZMA) with Mixel's own strip and tile
 * reader, behind the same `OpenedImage` and with the same metadata rules (OME-XML, ImageJ, `--axes`) as
 * the sharp reader; other compressions neither reads are named exactly, with what to do.
 */
import { open } from 'node:fs/promises';
import type { PlanarImage, SampleType } from '../../../core/image.js';
import type { ImageInfo } from '../../../core/imageSource.js';
import {
  axisSize,
  pageIndex,
  planeCount,
  resolveImageMetadata,
  type ImageMetadata,
} from '../../../core/imageMetadata.js';
import type { Rect } from '../../../core/tiling.js';
import { ImageReadError } from '../ImageReadError.js';
import type { OpenImageOptions, OpenedImage } from '../OpenedImage.js';
import { MAX_IMAGE_PIXELS, checkRegion } from '../openSharpImage.js';
import { readTiffDescription } from '../readTiffDescription.js';
import { blockBytes } from './decodeTiffBlock.js';
import {
  openTiffFile,
  readFirstPageSummary,
  type FirstPageSummary,
  readTiffPages,
  TiffFormatError,
  type TiffPage,
} from './readTiffPages.js';
import { TiffBlockReader } from './TiffBlockReader.js';
import {
  COMPRESSION_NAMES,
  MAX_BLOCK_BYTES,
  OWN_COMPRESSIONS,
  SHARP_COMPRESSIONS,
  STACK_COMPRESSIONS,
} from './tiffConstants.js';

/**
 * How a TIFF should be read: by sharp, by Mixel's reader ('own-stack': by sharp when Mixel's reader refuses
 * it), or not at all. Mixel's reader takes the
 * compressions sharp's libtiff lacks, and stacks it decodes as sharp would (grey or RGB, uncompressed or
 * deflate): prediction in 3-D reads a small rectangle of every plane for each block, and sharp opens the
 * file and walks the page chain for each, which cost more CPU than the features (3.5× the CPU of Mixel's
 * reader, which keeps the page table and decodes only the strips a rectangle touches).
 */
export async function tiffRoute(
  path: string,
): Promise<'sharp' | 'own' | 'own-stack' | { unsupported: number }> {
  let first: FirstPageSummary | null = null;
  try {
    const handle = await open(path, 'r');
    try {
      first = await readFirstPageSummary(handle, (await handle.stat()).size);
    } finally {
      await handle.close();
    }
  } catch {
    return 'sharp'; // unreadable files get sharp's (and fileSize's) messages
  }
  if (first === null) return 'sharp';
  const { compression, photometric, hasMorePages } = first;
  if (hasMorePages && STACK_COMPRESSIONS.has(compression) && (photometric === 1 || photometric === 2))
    return 'own-stack';
  if (SHARP_COMPRESSIONS.has(compression)) return 'sharp';
  return OWN_COMPRESSIONS.has(compression) ? 'own' : { unsupported: compression };
}

/** One line: `compression 50001 (WebP) is not supported; re-save with deflate or LZW`. */
export function unsupportedCompression(compression: number): string {
  const name = COMPRESSION_NAMES[compression] ?? 'unknown';
  return `compression ${compression} (${name}) is not supported; re-save with deflate or LZW`;
}

const SAMPLE_TYPES: Record<string, SampleType> = { '8-1': 'uint8', '16-1': 'uint16', '32-3': 'float32' };
const SAMPLE_NAMES: Record<string, string> = {
  '8-2': 'int8',
  '16-2': 'int16',
  '32-1': 'uint32',
  '32-2': 'int32',
  '64-3': 'float64',
};

export async function openTiffImage(path: string, options: OpenImageOptions = {}): Promise<OpenedImage> {
  const fail = (reason: string): never => {
    throw new ImageReadError(path, reason);
  };
  let pages: TiffPage[] = [];
  let format = { littleEndian: true, bigTiff: false };
  const handle = await open(path, 'r').catch((err: NodeJS.ErrnoException) =>
    fail(`cannot open it (${err.code ?? err.message})`),
  );
  try {
    const opened = await openTiffFile(handle, (await handle.stat()).size);
    if (!opened) return fail('not a TIFF file');
    format = { littleEndian: opened.file.littleEndian, bigTiff: opened.file.bigTiff };
    pages = await readTiffPages(opened.file, opened.firstIfd);
  } catch (err) {
    if (err instanceof ImageReadError) throw err;
    fail(`the TIFF structure is damaged (${(err as Error).message})`);
  } finally {
    await handle.close();
  }
  const first = pages[0];
  const sampleKey = `${first.bitsPerSample}-${first.sampleFormat}`;
  const sampleType: SampleType = SAMPLE_TYPES[sampleKey] ?? 'float32';
  pages.forEach((page, i) => checkPage(page, first, i, fail));
  if (!SAMPLE_TYPES[sampleKey] && !SAMPLE_NAMES[sampleKey]) {
    fail(
      `samples of ${first.bitsPerSample} bits (format ${first.sampleFormat}) are not supported (use 8/16-bit or 32-bit float)`,
    );
  }
  const tags = await readTiffDescription(path);
  let metadata: ImageMetadata;
  try {
    metadata = resolveImageMetadata({
      pages: pages.length,
      samples: first.samplesPerPixel,
      ...tags,
      axesOption: options.axes,
    });
  } catch (err) {
    return fail((err as Error).message);
  }
  if (SAMPLE_NAMES[sampleKey]) {
    metadata = {
      ...metadata,
      notes: [...metadata.notes, `stored as ${SAMPLE_NAMES[sampleKey]}, read as float32`],
    };
  }
  const pageChannels = metadata.pageAxes.includes('c') ? axisSize(metadata, 'c') : 1;
  const info: ImageInfo = {
    width: first.width,
    height: first.height,
    pages: pages.length,
    channels: metadata.pageAxes.includes('c') ? pageChannels : first.samplesPerPixel,
    planes: planeCount(metadata),
    sampleType,
    axes: metadata.axes,
    format: 'tiff',
  };
  const reader = new TiffBlockReader(path, format, pages);
  const readPage = async (page: number, rect: Rect): Promise<PlanarImage> => {
    try {
      return await reader.readRegion(page, rect);
    } catch (err) {
      if (err instanceof TiffFormatError || err instanceof RangeError || (err as Error).name === 'Error') {
        throw new ImageReadError(path, `the file is truncated or corrupt (${(err as Error).message})`);
      }
      throw err;
    }
  };
  return {
    info,
    name: path,
    isAxesGuessed: metadata.axesSource === 'guessed',
    metadata,
    async readRegion(rect: Rect, plane: number): Promise<PlanarImage> {
      checkRegion(path, info, rect, plane);
      if (!metadata.pageAxes.includes('c')) return readPage(pageIndex(metadata, plane, 0), rect);
      const channels: Float32Array[] = [];
      for (let c = 0; c < pageChannels; c++) {
        channels.push((await readPage(pageIndex(metadata, plane, c), rect)).channels[0]);
      }
      return { width: rect.width, height: rect.height, channels };
    },
  };
}

/** Every page must match the first (size, samples) and be decodable, checked before any pixel is read. */
function checkPage(page: TiffPage, first: TiffPage, index: number, fail: (reason: string) => never): void {
  const where = index === 0 ? '' : `page ${index}: `;
  if (!OWN_COMPRESSIONS.has(page.compression)) fail(`${where}${unsupportedCompression(page.compression)}`);
  if (page.width < 1 || page.height < 1 || page.width * page.height > MAX_IMAGE_PIXELS) {
    fail(
      `${where}its header declares ${page.width} × ${page.height} pixels (corrupt or a decompression bomb?)`,
    );
  }
  if (
    page.width !== first.width ||
    page.height !== first.height ||
    page.samplesPerPixel !== first.samplesPerPixel ||
    page.bitsPerSample !== first.bitsPerSample ||
    page.sampleFormat !== first.sampleFormat
  ) {
    fail(`page ${index} differs from the first in size or sample type; Mixel reads stacks of equal pages`);
  }
  if (page.samplesPerPixel < 1 || page.samplesPerPixel > 64)
    fail(`${where}${page.samplesPerPixel} samples per pixel`);
  if (![8, 16, 32, 64].includes(page.bitsPerSample))
    fail(`${where}samples of ${page.bitsPerSample} bits are not supported`);
  if (![1, 2, 3].includes(page.predictor)) fail(`${where}predictor ${page.predictor} is not supported`);
  if (page.planar !== 1 && page.planar !== 2)
    fail(`${where}planar configuration ${page.planar} is not supported`);
  if (page.photometric === 3 || page.photometric > 2) {
    fail(
      `${where}photometric interpretation ${page.photometric} (palette, YCbCr, …) is not supported by Mixel's ZSTD/LZMA reader`,
    );
  }
  if (page.blockWidth < 1 || page.blockHeight < 1 || (page.tiled && page.blockWidth % 16 !== 0)) {
    fail(`${where}strips or tiles of ${page.blockWidth} × ${page.blockHeight} pixels are malformed`);
  }
  const bytes = blockBytes({
    width: page.blockWidth,
    rows: page.blockHeight,
    samples: page.planar === 2 ? 1 : page.samplesPerPixel,
    bitsPerSample: page.bitsPerSample,
  });
  if (bytes > MAX_BLOCK_BYTES) {
    fail(
      `${where}its strips or tiles hold ${(bytes / 1024 ** 2).toFixed(0)} MB each, more than the ${MAX_BLOCK_BYTES / 1024 ** 2} MB Mixel decodes at once; re-save tiled or with smaller strips`,
    );
  }
}
