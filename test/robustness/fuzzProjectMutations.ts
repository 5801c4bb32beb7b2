/**
 * Mutations of a valid project file for the fuzz loop: numbers to extremes, types swapped, arrays cut or
 * grown, keys dropped or added, label runs corrupted, versions changed, and raw text damage (cut short,
 * bytes flipped, NaN and Infinity written as JSON cannot). Pure and seeded: a case is reproduced from its
 * seed and index.
 */
import { SeededRandom } from '../../src/core/random.js';

/** The seeded generator with the two helpers the mutations use. */
export class Random extends SeededRandom {
  int(n: number): number {
    return this.nextInt(n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.nextInt(items.length)];
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

const EXTREME_NUMBERS = [
  0,
  -0,
  -1,
  1,
  0.5,
  2,
  255,
  256,
  1e-320,
  1e-30,
  1e6,
  1e20,
  1e300,
  1e308,
  -1e308,
  2 ** 53 + 2,
];
/** Written literally into the text: JSON has no such numbers, so the parser must refuse them. */
const NON_JSON_NUMBERS = ['NaN', 'Infinity', '-Infinity', '1e999'];
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Every path in the document (objects and arrays included), for picking what to damage. */
function allPaths(value: Json, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(value)) {
    // Long arrays (covariances, label data) get a sample of their elements, not all of them.
    const step = Math.max(1, Math.floor(value.length / 16));
    for (let i = 0; i < value.length; i += step) allPaths(value[i], [...path, i], out);
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) allPaths(value[key], [...path, key], out);
  }
  return out;
}

function getAt(root: Json, path: Path): Json {
  let node = root;
  for (const key of path) node = (node as Record<string | number, Json>)[key];
  return node;
}

function setAt(root: Json, path: Path, value: Json | undefined): Json {
  if (path.length === 0) return value ?? null;
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, Json>;
  const key = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else parent[key] = value;
  return root;
}

function mutateString(random: Random, text: string): string {
  switch (random.int(5)) {
    case 0:
      return text.slice(0, random.int(text.length + 1));
    case 1: {
      const at = random.int(text.length + 1);
      return text.slice(0, at) + random.pick([...BASE64]) + text.slice(at + 1);
    }
    case 2:
      return text + Array.from({ length: 1 + random.int(12) }, () => random.pick([...BASE64])).join('');
    case 3:
      return random.pick(['', '=', '====', '!!', '\u0000', 'A'.repeat(4096)]);
    default:
      return text.split('').reverse().join('');
  }
}

function mutateNode(random: Random, value: Json): Json | undefined {
  const swaps: Json[] = [null, true, 'x', '1', [], {}, 0];
  if (typeof value === 'number') {
    return random.next() < 0.8
      ? random.pick(EXTREME_NUMBERS) * (random.next() < 0.5 ? 1 : value || 1)
      : random.pick(swaps);
  }
  if (typeof value === 'string')
    return random.next() < 0.8 ? mutateString(random, value) : random.pick(swaps);
  if (Array.isArray(value)) {
    switch (random.int(5)) {
      case 0:
        return value.slice(0, random.int(value.length + 1));
      case 1:
        return [...value, ...value.slice(0, 1 + random.int(Math.max(1, value.length)))];
      case 2:
        return value.map((v) => (typeof v === 'number' ? random.pick(EXTREME_NUMBERS) : v));
      case 3:
        return [];
      default:
        return random.pick(swaps);
    }
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (random.next() < 0.4 && keys.length > 0) {
      const copy = { ...value };
      delete copy[random.pick(keys)];
      return copy;
    }
    if (random.next() < 0.5) return { ...value, ['unknown' + random.int(10)]: random.pick(swaps) };
    return random.pick(swaps);
  }
  return random.next() < 0.5 ? undefined : random.pick(swaps);
}

/** Targeted damage where hostile files hurt most: scales, versions, label runs, model numbers. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function mutateHotSpot(random: Random, doc: Record<string, any>): void {
  const ids = Object.keys(doc.labels ?? {});
  switch (random.int(6)) {
    case 0:
      doc.version = random.pick([0, -1, 1.5, 2, 1e308, '1', null]);
      return;
    case 1:
      doc.features.selection.scales[random.int(doc.features.selection.scales.length)] =
        random.pick(EXTREME_NUMBERS);
      return;
    case 2:
      if (ids.length) doc.labels[ids[0]].data = mutateString(random, doc.labels[ids[0]].data);
      return;
    case 3: {
      const arrays = ['weights', 'means', 'covariances'];
      const name = random.pick(arrays);
      const values = doc.model?.mixture?.[name];
      if (Array.isArray(values)) values[random.int(values.length)] = random.pick(EXTREME_NUMBERS);
      return;
    }
    case 4: {
      const t = doc.model?.transform;
      const name = random.pick(['mean', 'scale']);
      if (Array.isArray(t?.[name])) t[name][random.int(t[name].length)] = random.pick(EXTREME_NUMBERS);
      return;
    }
    default:
      if (doc.images?.[0])
        doc.images[0][random.pick(['width', 'height', 'channels', 'planes'])] = random.pick(EXTREME_NUMBERS);
  }
}

/** The text of one fuzz case: the valid document damaged by 1–3 mutations, then perhaps raw text damage. */
export function mutatedProjectText(random: Random, valid: Json): string {
  const doc = structuredClone(valid);
  const mutations = 1 + random.int(3);
  let root: Json = doc;
  for (let m = 0; m < mutations; m++) {
    if (random.next() < 0.4) {
      try {
        mutateHotSpot(random, root as Record<string, unknown>);
      } catch {
        // An earlier mutation already replaced the part this one aims at: nothing left to damage there.
      }
      continue;
    }
    const path = random.pick(allPaths(root));
    root = setAt(root, path, mutateNode(random, getAt(root, path)));
  }
  let text = JSON.stringify(root, null, random.next() < 0.5 ? 2 : undefined);
  const damage = random.next();
  if (damage < 0.05) text = text.slice(0, random.int(text.length));
  else if (damage < 0.1) {
    const at = random.int(text.length);
    text = text.slice(0, at) + String.fromCharCode(random.int(256)) + text.slice(at + 1);
  } else if (damage < 0.15) text = text.replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/, random.pick(NON_JSON_NUMBERS));
  return text;
}
