/** Builds HDF5 files in tests with h5wasm, the way h5py, ilastik and Fiji lay them out. */
import h5wasm, { type Group } from 'h5wasm/node';

type Numbers =
  Uint8Array | Uint16Array | Uint32Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface DatasetSpec {
  /** Internal path, e.g. `data` or `exported/data` (groups are created). */
  name: string;
  data: Numbers;
  shape: number[];
  chunks?: number[];
  gzip?: boolean;
  /** vigra axistags keys, e.g. `zyx`, with optional resolutions per axis. */
  axistags?: { keys: string; resolution?: number[] };
  elementSizeUm?: number[];
}

export async function writeHdf5(path: string, datasets: DatasetSpec[]): Promise<void> {
  await h5wasm.ready;
  // h5py's default: the oldest file format, without metadata checksums.
  const file = new h5wasm.File(path, 'w', { libver: ['earliest', 'v108'] });
  try {
    for (const spec of datasets) {
      const parts = spec.name.split('/');
      let group: Group = file;
      for (const part of parts.slice(0, -1)) {
        group = (group.keys().includes(part) ? group.get(part) : group.create_group(part)) as Group;
      }
      const dataset = group.create_dataset({
        name: parts[parts.length - 1],
        data: spec.data,
        shape: spec.shape,
        ...(spec.chunks ? { chunks: spec.chunks } : {}),
        ...(spec.gzip ? { compression: 'gzip' as const, compression_opts: 4 } : {}),
      });
      if (spec.axistags) {
        const axes = [...spec.axistags.keys].map((key, i) => ({
          key,
          typeFlags: key === 'c' ? 1 : key === 't' ? 8 : 2,
          resolution: spec.axistags?.resolution?.[i] ?? 0,
          description: '',
        }));
        dataset.create_attribute('axistags', JSON.stringify({ axes }));
      }
      if (spec.elementSizeUm)
        dataset.create_attribute('element_size_um', new Float32Array(spec.elementSizeUm));
    }
  } finally {
    file.close();
  }
}

/** Values that differ at every index of a shape, so a misplaced pixel or channel shows. */
export function ramp(length: number, scale = 1): Float32Array {
  return Float32Array.from({ length }, (_, i) => (i * scale) % 60000);
}
