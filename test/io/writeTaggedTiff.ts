/**
 * Builds small TIFFs the way ImageJ and OME-TIFF writers lay them out — an ImageDescription on the first
 * page, XResolution/YResolution/ResolutionUnit on every page — so metadata reading is tested on files
 * made in the test itself. Little-endian, uncompressed, one strip per page, 8- or 16-bit grey or 8-bit RGB.
 */
import { writeFile } from 'node:fs/promises';

export interface TaggedTiffOptions {
  width: number;
  height: number;
  /** One array per page: width × height × samples values, pixel-interleaved. */
  pages: (Uint8Array | Uint16Array)[];
  samples?: 1 | 3;
  description?: string;
  /** Pixels per unit, as stored (ImageJ: per `unit`, with resolutionUnit 1). */
  xResolution?: number;
  yResolution?: number;
  /** 1 none, 2 inch, 3 cm. */
  resolutionUnit?: number;
  /** Pages of another size than width × height (a thumbnail after a stack), by page index. */
  pageSizes?: Record<number, { width: number; height: number }>;
}

type Entry = [tag: number, type: number, values: number[] | Uint8Array];

export async function writeTaggedTiff(path: string, options: TaggedTiffOptions): Promise<void> {
  const { pages } = options;
  const samples = options.samples ?? 1;
  const bits = pages[0] instanceof Uint16Array ? 16 : 8;
  const chunks: Uint8Array[] = [new Uint8Array(8)];
  let size = 8;
  const append = (bytes: Uint8Array): number => {
    const at = size;
    chunks.push(bytes);
    size += bytes.length;
    if (size % 2) {
      chunks.push(new Uint8Array(1));
      size++;
    }
    return at;
  };
  const ifdOffsets: number[] = [];
  const ifds: { at: number; bytes: Uint8Array }[] = [];
  for (let p = 0; p < pages.length; p++) {
    const data = pages[p];
    const { width, height } = options.pageSizes?.[p] ?? options;
    const stripAt = append(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    const entries: Entry[] = [
      [256, 4, [width]],
      [257, 4, [height]],
      [258, 3, Array(samples).fill(bits) as number[]],
      [259, 3, [1]],
      [262, 3, [samples === 3 ? 2 : 1]],
      ...(p === 0 && options.description !== undefined
        ? [[270, 2, new Uint8Array([...Buffer.from(options.description, 'utf8'), 0])] as Entry]
        : []),
      [273, 4, [stripAt]],
      [277, 3, [samples]],
      [278, 4, [height]],
      [279, 4, [data.byteLength]],
      ...(options.xResolution !== undefined ? [[282, 5, rational(options.xResolution)] as Entry] : []),
      ...(options.yResolution !== undefined ? [[283, 5, rational(options.yResolution)] as Entry] : []),
      [284, 3, [1]],
      ...(options.resolutionUnit !== undefined ? [[296, 3, [options.resolutionUnit]] as Entry] : []),
    ];
    const ifd = encodeIfd(entries, size);
    ifdOffsets.push(append(ifd.bytes));
    ifds.push({ at: ifdOffsets[p], bytes: ifd.bytes });
  }
  // Chain the directories: each ends with the offset of the next (0 for the last).
  ifds.forEach(({ bytes }, p) => {
    const count = new DataView(bytes.buffer).getUint16(0, true);
    new DataView(bytes.buffer).setUint32(2 + count * 12, ifdOffsets[p + 1] ?? 0, true);
  });
  const header = new DataView(chunks[0].buffer);
  header.setUint16(0, 0x4949, true);
  header.setUint16(2, 42, true);
  header.setUint32(4, ifdOffsets[0], true);
  await writeFile(path, Buffer.concat(chunks));
}

/** A positive number as a TIFF RATIONAL: denominator 10⁶ as ImageJ writes 1/0.645, smaller if the numerator would overflow. */
function rational(value: number): number[] {
  const denominator = Math.min(1e6, Math.floor(0xffffffff / Math.max(value, 1)));
  return [Math.round(value * denominator), denominator];
}

function encodeIfd(entries: Entry[], at: number): { bytes: Uint8Array } {
  const head = 2 + entries.length * 12 + 4;
  const payloads = entries.map(([, type, values]) => encodeValues(type, values));
  const extra = payloads.reduce((n, p) => n + (p.length > 4 ? p.length + (p.length % 2) : 0), 0);
  const bytes = new Uint8Array(head + extra);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, entries.length, true);
  let extraAt = head;
  entries.forEach(([tag, type, values], i) => {
    const e = 2 + i * 12;
    view.setUint16(e, tag, true);
    view.setUint16(e + 2, type, true);
    view.setUint32(e + 4, type === 5 ? values.length / 2 : values.length, true);
    const payload = payloads[i];
    if (payload.length <= 4) {
      bytes.set(payload, e + 8);
    } else {
      bytes.set(payload, extraAt);
      view.setUint32(e + 8, at + extraAt, true);
      extraAt += payload.length + (payload.length % 2);
    }
  });
  return { bytes };
}

function encodeValues(type: number, values: number[] | Uint8Array): Uint8Array {
  if (values instanceof Uint8Array) return values;
  const size = type === 3 ? 2 : 4;
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => (size === 2 ? view.setUint16(i * 2, v, true) : view.setUint32(i * 4, v, true)));
  return out;
}
