/**
 * Builds Zarr folders in tests by hand — JSON files and chunk files written with node:fs and node:zlib —
 * the way zarr-python lays them out (v2: `.zarray` / `.zattrs`, v3: `zarr.json`), so the reader is tested
 * against the format, not against Mixel's own writer.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';

export type Numbers = Uint8Array | Uint16Array | Int16Array | Float32Array | Float64Array;

export interface ArraySpec {
  data: Numbers;
  shape: number[];
  chunks: number[];
  /** numpy dtype string for v2 (`<u2`, `|u1`, `<f4`, …). */
  dtype: string;
  compressor?: 'gzip' | 'zlib' | null;
  order?: 'C' | 'F';
  separator?: '/' | '.';
  attributes?: Record<string, unknown>;
}

const V3_TYPES: Record<string, string> = {
  '|u1': 'uint8',
  '<u2': 'uint16',
  '<i2': 'int16',
  '<f4': 'float32',
  '<f8': 'float64',
};

/** Value of element `index` (one coordinate per dimension) of a C-ordered array. */
function offsetOf(index: number[], shape: number[]): number {
  return index.reduce((acc, i, d) => acc * shape[d] + i, 0);
}

function* chunkIndices(shape: number[], chunks: number[]): Generator<number[]> {
  const counts = shape.map((n, d) => Math.ceil(n / chunks[d]));
  const index = counts.map(() => 0);
  for (;;) {
    yield [...index];
    let d = counts.length - 1;
    while (d >= 0 && ++index[d] === counts[d]) index[d--] = 0;
    if (d < 0) return;
  }
}

/** One chunk's raw bytes (edge chunks padded with 0, as zarr stores them), in C or F order. */
function chunkBytes(spec: ArraySpec, chunk: number[]): Uint8Array {
  const { shape, chunks, data } = spec;
  const n = chunks.reduce((a, b) => a * b, 1);
  const out = new (data.constructor as new (n: number) => Numbers)(n);
  const local = chunks.map(() => 0);
  for (let k = 0; k < n; k++) {
    // k walks the chunk in C order; F order stores the first axis fastest.
    let rest = k;
    for (let d = chunks.length - 1; d >= 0; d--) {
      local[d] = rest % chunks[d];
      rest = Math.floor(rest / chunks[d]);
    }
    const global = local.map((i, d) => chunk[d] * chunks[d] + i);
    if (global.some((g, d) => g >= shape[d])) continue;
    const at = spec.order === 'F' ? local.reduceRight((acc, i, d) => acc * chunks[d] + i, 0) : k;
    out[at] = data[offsetOf(global, shape)];
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

function compress(bytes: Uint8Array, compressor: ArraySpec['compressor']): Uint8Array {
  if (compressor === 'gzip') return gzipSync(bytes);
  if (compressor === 'zlib') return deflateSync(bytes);
  return bytes;
}

async function put(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, data);
}

/** A zarr v2 array folder as zarr-python 2 writes it. */
export async function writeZarrV2Array(folder: string, spec: ArraySpec): Promise<void> {
  const compressor = spec.compressor === undefined ? 'gzip' : spec.compressor;
  const separator = spec.separator ?? '/';
  await put(
    join(folder, '.zarray'),
    JSON.stringify({
      zarr_format: 2,
      shape: spec.shape,
      chunks: spec.chunks,
      dtype: spec.dtype,
      compressor: compressor === null ? null : { id: compressor, level: 5 },
      fill_value: 0,
      filters: null,
      order: spec.order ?? 'C',
      dimension_separator: separator,
    }),
  );
  if (spec.attributes) await put(join(folder, '.zattrs'), JSON.stringify(spec.attributes));
  for (const chunk of chunkIndices(spec.shape, spec.chunks)) {
    await put(join(folder, chunk.join(separator)), compress(chunkBytes(spec, chunk), compressor));
  }
}

/** A zarr v3 array folder (bytes + gzip codecs, default chunk keys `c/i/j`). */
export async function writeZarrV3Array(
  folder: string,
  spec: ArraySpec,
  dimensionNames?: string[],
): Promise<void> {
  await put(
    join(folder, 'zarr.json'),
    JSON.stringify({
      zarr_format: 3,
      node_type: 'array',
      shape: spec.shape,
      data_type: V3_TYPES[spec.dtype],
      chunk_grid: { name: 'regular', configuration: { chunk_shape: spec.chunks } },
      chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
      fill_value: 0,
      codecs: [
        { name: 'bytes', configuration: { endian: 'little' } },
        { name: 'gzip', configuration: { level: 5 } },
      ],
      attributes: spec.attributes ?? {},
      ...(dimensionNames ? { dimension_names: dimensionNames } : {}),
    }),
  );
  for (const chunk of chunkIndices(spec.shape, spec.chunks)) {
    await put(join(folder, 'c', ...chunk.map(String)), gzipSync(chunkBytes(spec, chunk)));
  }
}

export interface OmeLevel {
  path: string;
  spec: ArraySpec;
  scale: number[];
}

export interface OmeAxisSpec {
  name: string;
  type?: string;
  unit?: string;
}

/** An OME-Zarr 0.4 image (v2 group with multiscales) or, with version 0.5, a v3 group (`attributes.ome`). */
export async function writeOmeZarr(
  folder: string,
  axes: OmeAxisSpec[],
  levels: OmeLevel[],
  options: { version?: '0.4' | '0.5'; channelLabels?: string[] } = {},
): Promise<void> {
  const version = options.version ?? '0.4';
  const multiscales = [
    {
      version,
      axes,
      datasets: levels.map((l) => ({
        path: l.path,
        coordinateTransformations: [{ type: 'scale', scale: l.scale }],
      })),
    },
  ];
  const omero = options.channelLabels
    ? { channels: options.channelLabels.map((label) => ({ label, color: 'FFFFFF' })) }
    : undefined;
  if (version === '0.5') {
    await put(
      join(folder, 'zarr.json'),
      JSON.stringify({
        zarr_format: 3,
        node_type: 'group',
        attributes: { ome: { version, multiscales, ...(omero ? { omero } : {}) } },
      }),
    );
    for (const l of levels)
      await writeZarrV3Array(
        join(folder, l.path),
        l.spec,
        axes.map((a) => a.name),
      );
    return;
  }
  await put(join(folder, '.zgroup'), JSON.stringify({ zarr_format: 2 }));
  await put(join(folder, '.zattrs'), JSON.stringify({ multiscales, ...(omero ? { omero } : {}) }));
  for (const l of levels) await writeZarrV2Array(join(folder, l.path), l.spec);
}

/** Distinct values per element: value = f(index) so any misplaced pixel shows. */
export function indexRamp(shape: number[], make: (n: number) => Numbers, modulo = 65521): Numbers {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = make(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7) % modulo;
  return out;
}

/**
 * A zarr v3 array stored in shards (the `sharding_indexed` codec, as OME-Zarr 0.5 writers use): each shard
 * file holds its inner chunks gzipped one after another, then an index of (offset, length) per chunk.
 */
export async function writeZarrV3ShardedArray(
  folder: string,
  spec: ArraySpec,
  shardShape: number[],
): Promise<void> {
  await put(
    join(folder, 'zarr.json'),
    JSON.stringify({
      zarr_format: 3,
      node_type: 'array',
      shape: spec.shape,
      data_type: V3_TYPES[spec.dtype],
      chunk_grid: { name: 'regular', configuration: { chunk_shape: shardShape } },
      chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
      fill_value: 0,
      codecs: [
        {
          name: 'sharding_indexed',
          configuration: {
            chunk_shape: spec.chunks,
            codecs: [
              { name: 'bytes', configuration: { endian: 'little' } },
              { name: 'gzip', configuration: { level: 5 } },
            ],
            index_codecs: [{ name: 'bytes', configuration: { endian: 'little' } }],
            index_location: 'end',
          },
        },
      ],
      attributes: {},
    }),
  );
  const perShard = shardShape.map((n, d) => n / spec.chunks[d]);
  for (const shard of chunkIndices(spec.shape, shardShape)) {
    const parts: Uint8Array[] = [];
    const index: bigint[] = [];
    let offset = 0;
    for (const inner of chunkIndices(shardShape, spec.chunks)) {
      const global = inner.map((i, d) => shard[d] * perShard[d] + i);
      const bytes = gzipSync(chunkBytes(spec, global));
      parts.push(bytes);
      index.push(BigInt(offset), BigInt(bytes.length));
      offset += bytes.length;
    }
    const indexBytes = new Uint8Array(new BigUint64Array(index).buffer);
    await put(join(folder, 'c', ...shard.map(String)), Buffer.concat([...parts, indexBytes]));
  }
}
