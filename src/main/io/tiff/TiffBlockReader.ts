/**
 * Reads rectangles of TIFF pages by decoding only the strips or tiles that intersect them, keeping recently
 * decoded blocks (BLOCK_CACHE_BYTES) because neighbouring regions share strips. The file is opened for
 * each read and closed after it.
 */
import { open } from 'node:fs/promises';
import { createPlanarImage, type PlanarImage } from '../../../core/image.js';
import type { Rect } from '../../../core/tiling.js';
import { blockBytes, blockSamples, decompressBlock } from './decodeTiffBlock.js';
import { readBytes, readNumbers, TiffFormatError, type TiffFile, type TiffPage } from './readTiffPages.js';
import { BLOCK_CACHE_BYTES, PAGE_TABLE_CACHE } from './tiffConstants.js';

interface BlockTable {
  readonly offsets: number[];
  readonly byteCounts: number[];
}

type Samples = ReturnType<typeof blockSamples>;

export class TiffBlockReader {
  private readonly tables = new Map<number, BlockTable>();
  private readonly blocks = new Map<string, Samples>();
  private cachedBytes = 0;

  constructor(
    private readonly path: string,
    private readonly format: { readonly littleEndian: boolean; readonly bigTiff: boolean },
    private readonly pages: readonly TiffPage[],
  ) {}

  /** All samples of `rect` of one page, one plane per sample. */
  async readRegion(pageIndex: number, rect: Rect): Promise<PlanarImage> {
    const page = this.pages[pageIndex];
    const handle = await open(this.path, 'r');
    try {
      const file: TiffFile = { handle, size: (await handle.stat()).size, ...this.format };
      const table = await this.table(file, pageIndex, page);
      const out = createPlanarImage(rect.width, rect.height, page.samplesPerPixel);
      const across = Math.ceil(page.width / page.blockWidth);
      const perPlane = across * Math.ceil(page.height / page.blockHeight);
      const planes = page.planar === 2 ? page.samplesPerPixel : 1;
      const bx0 = Math.floor(rect.x / page.blockWidth);
      const bx1 = Math.floor((rect.x + rect.width - 1) / page.blockWidth);
      const by0 = Math.floor(rect.y / page.blockHeight);
      const by1 = Math.floor((rect.y + rect.height - 1) / page.blockHeight);
      for (let plane = 0; plane < planes; plane++) {
        for (let by = by0; by <= by1; by++) {
          for (let bx = bx0; bx <= bx1; bx++) {
            const index = plane * perPlane + by * across + bx;
            const samples = await this.block(file, pageIndex, page, table, index, by);
            this.copy(samples, page, bx, by, plane, rect, out);
          }
        }
      }
      return out;
    } finally {
      await handle.close();
    }
  }

  private async table(file: TiffFile, pageIndex: number, page: TiffPage): Promise<BlockTable> {
    const cached = this.tables.get(pageIndex);
    if (cached) return cached;
    const across = Math.ceil(page.width / page.blockWidth);
    const total =
      across * Math.ceil(page.height / page.blockHeight) * (page.planar === 2 ? page.samplesPerPixel : 1);
    const read = async (entry: TiffPage['offsetsEntry']) => {
      if (entry.count < total)
        throw new TiffFormatError(`page ${pageIndex} lists ${entry.count} of its ${total} strips or tiles`);
      return readNumbers(file, { ...entry, count: total }, total);
    };
    const table = { offsets: await read(page.offsetsEntry), byteCounts: await read(page.byteCountsEntry) };
    if (this.tables.size >= PAGE_TABLE_CACHE) this.tables.delete(this.tables.keys().next().value as number);
    this.tables.set(pageIndex, table);
    return table;
  }

  private async block(
    file: TiffFile,
    pageIndex: number,
    page: TiffPage,
    table: BlockTable,
    index: number,
    by: number,
  ): Promise<Samples> {
    const key = `${pageIndex}:${index}`;
    const cached = this.blocks.get(key);
    if (cached) {
      this.blocks.delete(key);
      this.blocks.set(key, cached);
      return cached;
    }
    // Strips end at the image's last row; tiles are always whole.
    const rows = page.tiled
      ? page.blockHeight
      : Math.min(page.blockHeight, page.height - by * page.blockHeight);
    const layout = {
      width: page.blockWidth,
      rows,
      samples: page.planar === 2 ? 1 : page.samplesPerPixel,
      bitsPerSample: page.bitsPerSample,
      sampleFormat: page.sampleFormat,
      predictor: page.predictor,
      littleEndian: this.format.littleEndian,
    };
    const expected = blockBytes(layout);
    const offset = table.offsets[index];
    const length = table.byteCounts[index];
    // A compressed block is never much larger than its data; a byte count far beyond it is corrupt.
    if (length > expected * 2 + 1024 * 1024) {
      throw new TiffFormatError(
        `strip or tile ${index} of page ${pageIndex} claims ${length} bytes for ${expected} bytes of pixels`,
      );
    }
    const view = await readBytes(file, offset, length);
    const raw = await decompressBlock(
      page.compression,
      new Uint8Array(view.buffer, view.byteOffset, view.byteLength),
      expected,
    );
    const samples = blockSamples(raw, layout);
    this.blocks.set(key, samples);
    this.cachedBytes += samples.byteLength;
    while (this.cachedBytes > BLOCK_CACHE_BYTES && this.blocks.size > 1) {
      const [oldest, value] = this.blocks.entries().next().value as [string, Samples];
      this.blocks.delete(oldest);
      this.cachedBytes -= value.byteLength;
    }
    return samples;
  }

  /** Copies the part of block (bx, by) inside `rect` into the output planes. */
  private copy(
    samples: Samples,
    page: TiffPage,
    bx: number,
    by: number,
    plane: number,
    rect: Rect,
    out: PlanarImage,
  ): void {
    const perPixel = page.planar === 2 ? 1 : page.samplesPerPixel;
    const x0 = Math.max(rect.x, bx * page.blockWidth);
    const x1 = Math.min(rect.x + rect.width, (bx + 1) * page.blockWidth, page.width);
    const y0 = Math.max(rect.y, by * page.blockHeight);
    const y1 = Math.min(rect.y + rect.height, (by + 1) * page.blockHeight, page.height);
    for (let s = 0; s < perPixel; s++) {
      const channel = out.channels[page.planar === 2 ? plane : s];
      for (let y = y0; y < y1; y++) {
        let src =
          ((y - by * page.blockHeight) * page.blockWidth + (x0 - bx * page.blockWidth)) * perPixel + s;
        let dst = (y - rect.y) * rect.width + (x0 - rect.x);
        for (let x = x0; x < x1; x++, src += perPixel, dst++) channel[dst] = samples[src];
      }
    }
  }
}
