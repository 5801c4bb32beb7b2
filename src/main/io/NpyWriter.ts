/**
 * NumPy .npy files (format 1.0), written band by band at their place in the file, so big outputs stream.
 * Layout is C order: (channels, height, width) for several channels — napari opens it with one slider
 * over the channels — and (height, width) for one. Written under a temporary name, renamed on `close`.
 */
import { rm, type FileHandle } from 'node:fs/promises';
import type { RasterArray, RasterSampleType } from './TiffStripWriter.js';
import { commitTemporaryFile, createTemporaryFile } from './writeFileAtomic.js';

const DESCR: Record<RasterSampleType, string> = { uint8: '|u1', uint16: '<u2', float32: '<f4' };
const BYTES: Record<RasterSampleType, number> = { uint8: 1, uint16: 2, float32: 4 };

/** The .npy header for a C-order array: magic, version 1.0, and a dict padded to 64 bytes. */
export function npyHeader(sampleType: RasterSampleType, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${DESCR[sampleType]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + dict.length + 1;
  dict += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + dict.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]); // \x93NUMPY v1.0
  new DataView(out.buffer).setUint16(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  return out;
}

export class NpyWriter {
  private readonly headerLength: number;
  private isFinished = false;
  private isCommitted = false;

  private constructor(
    readonly path: string,
    private readonly tmpPath: string,
    private readonly handle: FileHandle,
    private readonly width: number,
    private readonly height: number,
    private readonly sampleType: RasterSampleType,
    headerLength: number,
  ) {
    this.headerLength = headerLength;
  }

  static async create(
    path: string,
    options: { width: number; height: number; channels: number; sampleType: RasterSampleType },
  ): Promise<NpyWriter> {
    const { width, height, channels, sampleType } = options;
    const shape = channels === 1 ? [height, width] : [channels, height, width];
    const header = npyHeader(sampleType, shape);
    const { tmpPath, handle } = await createTemporaryFile(path);
    await handle.write(header, 0, header.length, 0);
    // Sizing the file up front keeps it valid (zeros) even if bands arrive out of order.
    await handle.truncate(header.length + channels * width * height * BYTES[sampleType]);
    return new NpyWriter(path, tmpPath, handle, width, height, sampleType, header.length);
  }

  /** Writes rows y0.. of one channel; `rows` holds whole rows of `width` samples. */
  async writeRows(channel: number, y0: number, rows: RasterArray): Promise<void> {
    const bytes = new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength);
    const bps = BYTES[this.sampleType];
    const position = this.headerLength + (channel * this.height + y0) * this.width * bps;
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done, position + done);
      done += bytesWritten;
    }
  }

  async close(): Promise<void> {
    await this.finish();
    await this.commit();
  }

  /** Flushes the complete file under its temporary name, so several outputs can be committed together. */
  async finish(): Promise<void> {
    if (this.isFinished) return;
    this.isFinished = true;
    try {
      await this.handle.sync();
      await this.handle.close();
    } catch (err) {
      await rm(this.tmpPath, { force: true });
      throw err;
    }
  }

  /** Renames the finished file into place. */
  async commit(): Promise<void> {
    if (!this.isFinished) throw new Error(`${this.path}: commit before finish`);
    if (this.isCommitted) return;
    try {
      await commitTemporaryFile(this.tmpPath, this.path);
      this.isCommitted = true;
    } catch (err) {
      await rm(this.tmpPath, { force: true });
      throw err;
    }
  }

  async abort(): Promise<void> {
    if (!this.isFinished) {
      this.isFinished = true;
      await this.handle.close().catch(() => undefined);
    }
    if (!this.isCommitted) await rm(this.tmpPath, { force: true });
  }
}
