/**
 * NumPy .npy files (format 1.0), written band by band at their place in the file, so big outputs stream.
 * Layout is C order: the plane axes of a stack first (t, z — those with more than one position), then
 * channels when there are several, then (height, width): e.g. (z, c, y, x) — napari opens it with one
 * slider per leading axis. Written under a temporary name, renamed on `close`.
 */
import { TemporaryOutputFile } from './TemporaryOutputFile.js';
import type { RasterArray, RasterSampleType } from './TiffStripWriter.js';

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

  private constructor(
    private readonly file: TemporaryOutputFile,
    private readonly width: number,
    private readonly height: number,
    private readonly sampleType: RasterSampleType,
    private readonly channels: number,
    headerLength: number,
  ) {
    this.headerLength = headerLength;
  }

  static async create(
    path: string,
    options: {
      width: number;
      height: number;
      channels: number;
      sampleType: RasterSampleType;
      /** Sizes of the stack's plane axes, slowest first (e.g. [t, z]); their product is the plane count. */
      planeShape?: readonly number[];
    },
  ): Promise<NpyWriter> {
    const { width, height, channels, sampleType } = options;
    const planeShape = options.planeShape ?? [];
    const planes = planeShape.reduce((a, b) => a * b, 1);
    const shape = [...planeShape, ...(channels === 1 ? [] : [channels]), height, width];
    const header = npyHeader(sampleType, shape);
    const file = await TemporaryOutputFile.create(path);
    try {
      await file.handle.write(header, 0, header.length, 0);
      // Sizing the file up front keeps it valid (zeros) even if bands arrive out of order.
      await file.handle.truncate(header.length + planes * channels * width * height * BYTES[sampleType]);
    } catch (err) {
      await file.abort();
      throw err;
    }
    return new NpyWriter(file, width, height, sampleType, channels, header.length);
  }

  /** Writes rows y0.. of one channel of one plane; `rows` holds whole rows of `width` samples. */
  async writeRows(channel: number, y0: number, rows: RasterArray, plane = 0): Promise<void> {
    const bytes = new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength);
    const bps = BYTES[this.sampleType];
    const image = plane * this.channels + channel;
    const position = this.headerLength + (image * this.height + y0) * this.width * bps;
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.file.handle.write(
        bytes,
        done,
        bytes.length - done,
        position + done,
      );
      done += bytesWritten;
    }
  }

  async close(): Promise<void> {
    await this.finish();
    await this.commit();
  }

  get path(): string {
    return this.file.path;
  }

  /** Flushes the complete file under its temporary name, so several outputs can be committed together. */
  finish(): Promise<void> {
    return this.file.finish();
  }

  /** Renames the finished file into place. */
  commit(): Promise<void> {
    return this.file.commit();
  }

  abort(): Promise<void> {
    return this.file.abort();
  }
}
