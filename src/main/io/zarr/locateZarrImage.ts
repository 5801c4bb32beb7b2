/**
 * Finds the array a Zarr path means. `x.zarr` (an OME-Zarr image group) means its full-resolution dataset;
 * `x.zarr/1` (a dataset of that group) means that resolution level, with the group's axes and that level's
 * scale; a bioformats2raw folder means its first image (`x.zarr/0`); a plain array folder means itself,
 * with no OME metadata. Zarr v2 (`.zarray`, `.zattrs`) and v3 / OME-Zarr 0.5 (`zarr.json`) alike.
 */
import { basename, dirname, join } from 'node:path';
import { BoundedFileStore, ZarrFileError } from './BoundedFileStore.js';
import { parseMultiscales, type OmeMultiscale } from './omeMultiscales.js';

export interface ZarrImageLocation {
  /** The array folder. */
  readonly arrayPath: string;
  /** The multiscale image the array is a level of, or null for a plain array. */
  readonly multiscale: OmeMultiscale | null;
  /** Which dataset of the multiscale (0: full resolution). */
  readonly level: number;
  /** 2 or 3. */
  readonly zarrFormat: number;
}

interface ZarrNode {
  readonly kind: 'array' | 'group' | 'none';
  readonly zarrFormat: number;
  readonly attributes: unknown;
}

/** Reads what a folder is: a v3 `zarr.json`, else v2 `.zarray` / `.zgroup` with `.zattrs`. */
export async function readZarrNode(folder: string): Promise<ZarrNode> {
  const store = new BoundedFileStore(folder);
  const v3 = await readJson(store, 'zarr.json');
  if (v3 !== undefined) {
    const node = v3 as { node_type?: unknown; attributes?: unknown };
    const kind = node.node_type === 'array' ? 'array' : node.node_type === 'group' ? 'group' : null;
    if (!kind) throw new ZarrFileError('zarr.json has no node_type "array" or "group"');
    return { kind, zarrFormat: 3, attributes: node.attributes ?? {} };
  }
  const attributes = (await readJson(store, '.zattrs')) ?? {};
  if ((await readJson(store, '.zarray')) !== undefined) return { kind: 'array', zarrFormat: 2, attributes };
  const isGroup = (await readJson(store, '.zgroup')) !== undefined;
  if (isGroup || (await store.get('/.zattrs')) !== undefined) {
    return { kind: 'group', zarrFormat: 2, attributes };
  }
  return { kind: 'none', zarrFormat: 0, attributes: null };
}

async function readJson(store: BoundedFileStore, name: string): Promise<unknown> {
  const bytes = await store.get(`/${name}`);
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch (err) {
    throw new ZarrFileError(`${name} is not JSON (${(err as Error).message.split('\n')[0].slice(0, 80)})`);
  }
}

/** What `path` names, or throws a one-line RangeError / ZarrFileError saying why it is no Zarr image. */
export async function locateZarrImage(path: string): Promise<ZarrImageLocation> {
  const node = await readZarrNode(path);
  if (node.kind === 'array') {
    // A dataset of an OME-Zarr image: the parent group says its axes and this level's scale.
    const parent = await readZarrNode(dirname(path)).catch(() => null);
    const multiscale = parent?.kind === 'group' ? parseMultiscales(parent.attributes) : null;
    const level = multiscale?.datasets.findIndex((d) => d.path === basename(path)) ?? -1;
    if (multiscale && level >= 0) return { arrayPath: path, multiscale, level, zarrFormat: node.zarrFormat };
    return { arrayPath: path, multiscale: null, level: 0, zarrFormat: node.zarrFormat };
  }
  if (node.kind === 'group') {
    const multiscale = parseMultiscales(node.attributes);
    if (multiscale) {
      return {
        arrayPath: join(path, ...multiscale.datasets[0].path.split('/')),
        multiscale,
        level: 0,
        zarrFormat: node.zarrFormat,
      };
    }
    if (isBioformats2raw(node.attributes)) {
      const series = await readZarrNode(join(path, '0'));
      const inner = series.kind === 'group' ? parseMultiscales(series.attributes) : null;
      if (inner) {
        return {
          arrayPath: join(path, '0', ...inner.datasets[0].path.split('/')),
          multiscale: { ...inner, notes: [...inner.notes, 'bioformats2raw layout: series 0 is read'] },
          level: 0,
          zarrFormat: series.zarrFormat,
        };
      }
    }
    throw new RangeError(
      'a Zarr group without OME-Zarr "multiscales" metadata: give the path of an image or of an array inside it',
    );
  }
  throw new RangeError('not a Zarr array or OME-Zarr image (no .zarray, .zattrs or zarr.json in the folder)');
}

function isBioformats2raw(attributes: unknown): boolean {
  const a = attributes as Record<string, unknown> | null;
  return (
    a !== null &&
    typeof a === 'object' &&
    ('bioformats2raw.layout' in a ||
      (typeof a.ome === 'object' && a.ome !== null && 'bioformats2raw.layout' in (a.ome as object)))
  );
}
