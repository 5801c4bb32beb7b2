/**
 * A TIFF writer that appends strips as rows arrive, so an output of a 20000² image never sits in memory
 * whole: each page (a class, a feature) receives rows top to bottom, rows are grouped into strips,
 * optionally deflated, and appended to the file; the directories (IFDs) go at the end. Pages are
 * min-is-black, one sample per pixel, uint8/uint16/float32 — what Fiji, napari (tifffile) and libvips
 * read as is. Files that could pass 4 GB are written as BigTIFF. The file is written under a temporary
 * name and renamed on `close`, so a failed run leaves no partial output.
 */
import { promisify } from 'node:util';
import { deflate } from 'node:zlib';
import { TemporaryOutputFile } from './TemporaryOutputFile.js';
import { IJ_METADATA_BYTE_COUNTS_TAG, IJ_METADATA_TAG, imagejLutTags } from './imagejLut.js';
import { imagejDescription, pixelsPerUnit, type ImageJGeometry } from './imagejGeometry.js';
import { TAG } from './tiff/tiffConstants.js';

export type RasterSampleType = 'uint8' | 'uint16' | 'float32';
export type RasterArray = Uint8Array | Uint16Array | Float32Array;

export interface TiffStripWriterOptions {
  width: number;
  height: number;
  pages: number;
  sampleType: RasterSampleType;
  /** Deflate (Adobe, code 8) or none; deflate by default. */
  compression?: 'none' | 'deflate';
  /** Stored as each page's PageName tag, e.g. the class names. */
  pageNames?: readonly string[];
  /** Forces BigTIFF; by default it is used when the uncompressed data could exceed 4 GB. */
  bigTiff?: boolean;
  /**
   * The input's geometry, written as ImageJ does: X/YResolution in pixels per unit with ResolutionUnit
   * none, and a hyperstack description (channels × slices × frames = pages, unit, z spacing) on page 0.
   */
  geometry?: ImageJGeometry;
  /**
   * Label images: `#rrggbb` of class value 1, 2, … as an ImageJ LUT, so Fiji shows class colours while
   * the values stay 1..K (needs `geometry`, since ImageJ reads its metadata only from ImageJ files).
   */
  classColors?: readonly (string | undefined)[];
}

const BYTES: Record<RasterSampleType, number> = { uint8: 1, uint16: 2, float32: 4 };
/** About 256 KB per strip: large enough for deflate to work well, small enough to keep memory flat. */
const TARGET_STRIP_BYTES = 256 * 1024;
/** Classic TIFF offsets are 32-bit; keep a margin for directories. */
const CLASSIC_TIFF_LIMIT = 0xffffffff - 64 * 1024 * 1024;

/** Off the main thread (libuv's pool), so the event loop keeps feeding the workers while strips compress. */
const deflateAsync = promisify(deflate);

const TYPE = { BYTE: 1, ASCII: 2, SHORT: 3, LONG: 4, RATIONAL: 5, LONG8: 16 } as const;
/** TIFF ResolutionUnit "none": the unit is the one in ImageJ's description, as ImageJ writes it. */
const RESOLUTION_UNIT_NONE = 1;
/** A label image's values index its LUT one to one (value k → entry k), also for 16-bit samples. */
const LUT_DISPLAY_RANGE = [0, 255] as const;

interface PageState {
  readonly stripOffsets: number[];
  readonly stripByteCounts: number[];
  /** Rows received but not yet written (less than one strip); allocated at the page's first rows, dropped when it is complete. */
  pending: Uint8Array | null;
  pendingRows: number;
  rowsWritten: number;
}

export class TiffStripWriter {
  readonly rowsPerStrip: number;
  private readonly rowBytes: number;
  private readonly isBig: boolean;
  private readonly pageStates: PageState[];
  private position: number;

  private constructor(
    private readonly file: TemporaryOutputFile,
    private readonly options: TiffStripWriterOptions,
  ) {
    const { width, height, pages, sampleType } = options;
    this.rowBytes = width * BYTES[sampleType];
    this.rowsPerStrip = Math.max(1, Math.min(height, Math.floor(TARGET_STRIP_BYTES / this.rowBytes)));
    this.isBig = options.bigTiff ?? this.rowBytes * height * pages > CLASSIC_TIFF_LIMIT;
    this.position = this.isBig ? 16 : 8;
    this.pageStates = Array.from({ length: pages }, () => ({
      stripOffsets: [],
      stripByteCounts: [],
      pending: null,
      pendingRows: 0,
      rowsWritten: 0,
    }));
  }

  static async create(path: string, options: TiffStripWriterOptions): Promise<TiffStripWriter> {
    const { width, height, pages } = options;
    for (const [name, v] of Object.entries({ width, height, pages })) {
      if (!Number.isInteger(v) || v < 1)
        throw new RangeError(`TIFF ${name} must be a whole number ≥ 1 (got ${v})`);
    }
    const g = options.geometry;
    if (g && g.channels * g.slices * g.frames !== pages) {
      throw new RangeError(
        `TIFF geometry of ${g.channels} channels × ${g.slices} slices × ${g.frames} frames does not match its ${pages} pages`,
      );
    }
    return new TiffStripWriter(await TemporaryOutputFile.create(path), options);
  }

  /**
   * Appends `rowCount` rows (`rows` holds rowCount × width samples) to a page; each page's rows must
   * arrive top to bottom, pages may interleave.
   */
  async writeRows(page: number, rows: RasterArray): Promise<void> {
    const state = this.pageStates[page];
    if (!state) throw new RangeError(`page ${page} does not exist (the TIFF has ${this.options.pages})`);
    const bytes = new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength);
    if (bytes.length % this.rowBytes !== 0) throw new RangeError('writeRows needs whole rows');
    const rowCount = bytes.length / this.rowBytes;
    if (state.rowsWritten + state.pendingRows + rowCount > this.options.height) {
      throw new RangeError(`page ${page} would get more than ${this.options.height} rows`);
    }
    // A stack of many planes has many pages: only the pages being written hold a strip buffer.
    state.pending ??= new Uint8Array(this.rowsPerStrip * this.rowBytes);
    let offset = 0;
    while (offset < bytes.length) {
      const free = (this.rowsPerStrip - state.pendingRows) * this.rowBytes;
      const take = Math.min(free, bytes.length - offset);
      state.pending.set(bytes.subarray(offset, offset + take), state.pendingRows * this.rowBytes);
      state.pendingRows += take / this.rowBytes;
      offset += take;
      const isLastStrip = state.rowsWritten + state.pendingRows === this.options.height;
      if (state.pendingRows === this.rowsPerStrip || isLastStrip) await this.flushStrip(state);
    }
  }

  /** Writes the directories, flushes to disk and renames the file into place. */
  async close(): Promise<void> {
    await this.finish();
    await this.commit();
  }

  /**
   * Completes the file under its temporary name (directories written, flushed to disk) without renaming
   * it, so several outputs can be committed together; on failure the temporary file is removed.
   */
  async finish(): Promise<void> {
    if (this.file.finished) return;
    try {
      this.pageStates.forEach((s, page) => {
        if (s.rowsWritten !== this.options.height) {
          throw new Error(`TIFF page ${page} got ${s.rowsWritten} of ${this.options.height} rows`);
        }
      });
      await this.writeDirectories();
    } catch (err) {
      await this.file.abort();
      throw err;
    }
    await this.file.finish();
    // A finished file may wait for its commit (an image's outputs commit together): free the strip buffers.
    for (const state of this.pageStates) state.pending = null;
  }

  get path(): string {
    return this.file.path;
  }

  /** Renames the finished file into place. */
  commit(): Promise<void> {
    return this.file.commit();
  }

  /** Drops the partial (or finished but uncommitted) file; a committed file stays. */
  abort(): Promise<void> {
    return this.file.abort();
  }

  private async flushStrip(state: PageState): Promise<void> {
    const raw = (state.pending as Uint8Array).subarray(0, state.pendingRows * this.rowBytes);
    const data = this.options.compression === 'none' ? raw : await deflateAsync(raw, { level: 1 });
    await this.append(data);
    state.stripOffsets.push(this.position - data.length);
    state.stripByteCounts.push(data.length);
    state.rowsWritten += state.pendingRows;
    state.pendingRows = 0;
    if (state.rowsWritten === this.options.height) state.pending = null;
  }

  private async append(data: Uint8Array): Promise<void> {
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.file.handle.write(data, done, data.length - done, this.position);
      done += bytesWritten;
      this.position += bytesWritten;
    }
  }

  private async writeDirectories(): Promise<void> {
    if (this.position % 2) await this.append(new Uint8Array(1)); // IFDs start on a word boundary
    const ifdOffsets: number[] = [];
    const ifds: Uint8Array[] = [];
    const nextPointers: number[] = [];
    let at = this.position;
    for (let page = 0; page < this.pageStates.length; page++) {
      ifdOffsets.push(at);
      const { bytes, nextPointerAt } = this.encodeIfd(page, at);
      ifds.push(bytes);
      nextPointers.push(nextPointerAt);
      at += bytes.length;
    }
    // Chain the directories: each ends with the offset of the next (0 after the last).
    ifds.forEach((ifd, page) => {
      const next = page + 1 < ifds.length ? ifdOffsets[page + 1] : 0;
      const view = new DataView(ifd.buffer, ifd.byteOffset, ifd.byteLength);
      const nextAt = nextPointers[page];
      if (this.isBig) view.setBigUint64(nextAt, BigInt(next), true);
      else view.setUint32(nextAt, next, true);
    });
    for (const ifd of ifds) await this.append(ifd);
    if (!this.isBig && this.position > 0xffffffff) {
      throw new Error('TIFF exceeds 4 GB; write it as BigTIFF');
    }
    const header = new DataView(new ArrayBuffer(this.isBig ? 16 : 8));
    header.setUint16(0, 0x4949, true); // "II": little-endian
    if (this.isBig) {
      header.setUint16(2, 43, true);
      header.setUint16(4, 8, true);
      header.setUint16(6, 0, true);
      header.setBigUint64(8, BigInt(ifdOffsets[0]), true);
    } else {
      header.setUint16(2, 42, true);
      header.setUint32(4, ifdOffsets[0], true);
    }
    await this.file.handle.write(new Uint8Array(header.buffer), 0, header.byteLength, 0);
  }

  /** One directory with its out-of-line values (strip tables, page name) placed right after it. */
  private encodeIfd(page: number, ifdOffset: number): { bytes: Uint8Array; nextPointerAt: number } {
    const state = this.pageStates[page];
    const { width, height, sampleType } = this.options;
    const name = this.options.pageNames?.[page];
    const geometry = this.options.geometry;
    const resolution = geometry ? pixelsPerUnit(geometry) : null;
    const lut =
      geometry && page === 0 && this.options.classColors ? imagejLutTags(this.options.classColors) : null;
    const entries: [number, number, number[] | string][] = [
      [TAG.ImageWidth, TYPE.LONG, [width]],
      [TAG.ImageLength, TYPE.LONG, [height]],
      [TAG.BitsPerSample, TYPE.SHORT, [BYTES[sampleType] * 8]],
      [TAG.Compression, TYPE.SHORT, [this.options.compression === 'none' ? 1 : 8]],
      [TAG.Photometric, TYPE.SHORT, [1]],
      ...(geometry && page === 0
        ? [
            [
              TAG.ImageDescription,
              TYPE.ASCII,
              imagejDescription(geometry, lut ? LUT_DISPLAY_RANGE : undefined),
            ] as [number, number, string],
          ]
        : []),
      [TAG.StripOffsets, this.isBig ? TYPE.LONG8 : TYPE.LONG, state.stripOffsets],
      [TAG.SamplesPerPixel, TYPE.SHORT, [1]],
      [TAG.RowsPerStrip, TYPE.LONG, [this.rowsPerStrip]],
      [TAG.StripByteCounts, this.isBig ? TYPE.LONG8 : TYPE.LONG, state.stripByteCounts],
      ...(resolution
        ? ([
            [TAG.XResolution, TYPE.RATIONAL, rational(resolution.x)],
            [TAG.YResolution, TYPE.RATIONAL, rational(resolution.y)],
          ] as [number, number, number[]][])
        : []),
      [TAG.PlanarConfiguration, TYPE.SHORT, [1]],
      ...(this.options.pageNames
        ? [[TAG.PageName, TYPE.ASCII, name ?? `page ${page}`] as [number, number, string]]
        : []),
      ...(resolution
        ? [[TAG.ResolutionUnit, TYPE.SHORT, [RESOLUTION_UNIT_NONE]] as [number, number, number[]]]
        : []),
      [TAG.SampleFormat, TYPE.SHORT, [sampleType === 'float32' ? 3 : 1]],
      ...(lut
        ? ([
            [IJ_METADATA_BYTE_COUNTS_TAG, TYPE.LONG, lut.byteCounts],
            [IJ_METADATA_TAG, TYPE.BYTE, Array.from(lut.data)],
          ] as [number, number, number[]][])
        : []),
    ];
    const entrySize = this.isBig ? 20 : 12;
    const inlineBytes = this.isBig ? 8 : 4;
    const headSize = (this.isBig ? 8 : 2) + entries.length * entrySize + (this.isBig ? 8 : 4);
    const payloads = entries.map(([, type, value]) => encodeValue(type, value));
    let extra = 0;
    for (const p of payloads) if (p.length > inlineBytes) extra += p.length + (p.length % 2);
    const out = new Uint8Array(headSize + extra);
    const view = new DataView(out.buffer);
    if (this.isBig) view.setBigUint64(0, BigInt(entries.length), true);
    else view.setUint16(0, entries.length, true);
    let extraAt = headSize;
    entries.forEach(([tag, type, value], i) => {
      const at = (this.isBig ? 8 : 2) + i * entrySize;
      const count =
        typeof value === 'string'
          ? value.length + 1
          : type === TYPE.RATIONAL
            ? value.length / 2
            : value.length;
      view.setUint16(at, tag, true);
      view.setUint16(at + 2, type, true);
      const payload = payloads[i];
      const valueAt = at + (this.isBig ? 12 : 8);
      if (this.isBig) view.setBigUint64(at + 4, BigInt(count), true);
      else view.setUint32(at + 4, count, true);
      if (payload.length <= inlineBytes) {
        out.set(payload, valueAt);
      } else {
        out.set(payload, extraAt);
        if (this.isBig) view.setBigUint64(valueAt, BigInt(ifdOffset + extraAt), true);
        else view.setUint32(valueAt, ifdOffset + extraAt, true);
        extraAt += payload.length + (payload.length % 2);
      }
    });
    return { bytes: out, nextPointerAt: headSize - (this.isBig ? 8 : 4) };
  }
}

/** A positive number as a TIFF RATIONAL (numerator, denominator), as exact as 32-bit parts allow. */
function rational(value: number): number[] {
  const denominator = Math.max(1, Math.min(1_000_000_000, Math.floor(0xffffffff / Math.ceil(value + 1))));
  return [Math.max(1, Math.round(value * denominator)), denominator];
}

function encodeValue(type: number, value: number[] | string): Uint8Array {
  if (typeof value === 'string') {
    const ascii = Uint8Array.from([...value].map((ch) => (ch.charCodeAt(0) < 128 ? ch.charCodeAt(0) : 63)));
    const out = new Uint8Array(ascii.length + 1);
    out.set(ascii);
    return out;
  }
  const size =
    type === TYPE.BYTE ? 1 : type === TYPE.SHORT ? 2 : type === TYPE.LONG || type === TYPE.RATIONAL ? 4 : 8;
  const out = new Uint8Array(value.length * size);
  const view = new DataView(out.buffer);
  value.forEach((v, i) => {
    if (size === 1) view.setUint8(i, v);
    else if (size === 2) view.setUint16(i * size, v, true);
    else if (size === 4) view.setUint32(i * size, v, true);
    else view.setBigUint64(i * size, BigInt(v), true);
  });
  return out;
}
