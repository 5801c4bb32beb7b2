/**
 * The list of images a batch works on: glob patterns expanded by Mixel itself (so a quoted `"*.tif"`
 * works on every shell, Windows included), sorted, and split into shards for cluster jobs.
 */
import { glob, isDynamicPattern } from 'tinyglobby';

/**
 * Names Mixel gives its exports by default (core/export/exportNames.ts; earlier versions wrote
 * `Simple_Segmentation` and `_z0001` suffixes): skipped by patterns, so a rerun does not classify its own
 * outputs. Probabilities as PNG carry their class (`_Probabilities-nucleus.png`).
 */
const EXPORT_NAME =
  /_(Probabilities|Simple[ _]Segmentation|Uncertainty|Features|Labels)(-[\w-]+)?(_z\d+)?\.(tif|tiff|png|npy|zarr)$/i;
/** Folders a pattern may match: OME-Zarr images (`*.zarr`, `*.ome.zarr`); other folders are not images. */
const ZARR_FOLDER = /\.zarr$/i;

/**
 * Expands glob arguments; plain paths are kept as given (even if missing, so they fail with a clear
 * message). A pattern that matches nothing is an error: it is almost always a typo. Files a pattern
 * matches that are named like Mixel's own exports are left out.
 */
export async function expandImageArguments(args: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const arg of args) {
    if (!isDynamicPattern(arg)) {
      out.push(arg);
      continue;
    }
    const matches = await glob(arg.replace(/\\/g, '/'), { onlyFiles: false, expandDirectories: false });
    // Folders come back with a trailing slash: only Zarr folders are kept, without it.
    const inputs = matches
      .filter((m) => !m.endsWith('/') || ZARR_FOLDER.test(m.slice(0, -1)))
      .map((m) => (m.endsWith('/') ? m.slice(0, -1) : m))
      .filter((m) => !EXPORT_NAME.test(m));
    if (inputs.length === 0) throw new RangeError(`the pattern "${arg}" matches no image files`);
    out.push(...inputs.sort());
  }
  return [...new Set(out)];
}

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!(count >= 1 && index >= 1 && index <= count)) {
    throw new RangeError(`--shard ${text} is not i/n with 1 ≤ i ≤ n (e.g. --shard 2/8)`);
  }
  return { index, count };
}

/**
 * Every n-th file of the sorted list, starting at the i-th: deterministic and independent of argument
 * order, so n jobs given the same pattern cover every file exactly once.
 */
export function selectShard(files: readonly string[], shard: Shard): string[] {
  return [...files].sort().filter((_, k) => k % shard.count === shard.index - 1);
}
