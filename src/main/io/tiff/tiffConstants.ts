/**
 * TIFF numbers for Mixel's own strip and tile reader (used for the compressions sharp's libtiff is built
 * without), the strip writer and the description reader, and the bounds the reader keeps against untrusted
 * headers.
 */

export const TAG = {
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  Photometric: 262,
  ImageDescription: 270,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  XResolution: 282,
  YResolution: 283,
  PlanarConfiguration: 284,
  PageName: 285,
  ResolutionUnit: 296,
  Predictor: 317,
  TileWidth: 322,
  TileLength: 323,
  TileOffsets: 324,
  TileByteCounts: 325,
  SampleFormat: 339,
} as const;

export const COMPRESSION = {
  None: 1,
  LZW: 5,
  JPEG: 7,
  Deflate: 8,
  AdobeDeflate: 32946,
  PackBits: 32773,
  LZMA: 34925,
  ZSTD: 50000,
} as const;

/**
 * Compressions sharp (libvips' libtiff) decodes: none, LZW, old and new JPEG, deflate, PackBits, and WebP
 * (sharp's libvips bundles libwebp); read region by region by libvips.
 */
export const SHARP_COMPRESSIONS: ReadonlySet<number> = new Set([1, 5, 6, 7, 8, 32773, 32946, 50001]);

/** Compressions Mixel's own reader decodes: ZSTD and LZMA (libtiff writes xz streams), plus plain deflate for mixed files. */
export const OWN_COMPRESSIONS: ReadonlySet<number> = new Set([1, 8, 32946, 34925, 50000]);

/** Compressions of stacks (more than one page) read by Mixel's reader although sharp decodes them too. */
export const STACK_COMPRESSIONS: ReadonlySet<number> = new Set([1, 8, 32946]);

/** Names of compressions neither reader decodes, for a message that says exactly which one a file uses. */
export const COMPRESSION_NAMES: Readonly<Record<number, string>> = {
  2: 'CCITT RLE',
  3: 'CCITT Group 3',
  4: 'CCITT Group 4',
  32809: 'ThunderScan',
  32867: 'Kodak',
  32895: 'IT8 CT',
  32908: 'Pixar film',
  32909: 'Pixar log',
  34661: 'JBIG',
  34676: 'SGILog',
  34677: 'SGILog24',
  33003: 'JPEG 2000 (Aperio)',
  33005: 'JPEG 2000 (Aperio)',
  34712: 'JPEG 2000',
  34887: 'LERC',
  34892: 'lossy JPEG (DNG)',
  34933: 'PNG',
  34934: 'JPEG XR',
  50002: 'JPEG XL',
  52546: 'JPEG XL (DNG)',
};

/** Directories with more entries than this are corrupt (real ones have 10–40). */
export const MAX_IFD_ENTRIES = 1024;
/** More pages than this (2²⁰) is a loop or a corrupt file. */
export const MAX_TIFF_PAGES = 2 ** 20;
/** A strip or tile decoding to more than this (256 MB) is refused: it is decoded whole for any region. */
export const MAX_BLOCK_BYTES = 256 * 1024 ** 2;
/** Decoded strips and tiles kept for the next region (64 MB): neighbouring tiles share strips. */
export const BLOCK_CACHE_BYTES = 64 * 1024 ** 2;
/** Pages whose strip tables are kept in memory at once. */
export const PAGE_TABLE_CACHE = 16;
