/** Typed arrays joined end to end into a new one of the given kind. */
export type NumericArray = Float32Array | Float64Array | Uint8Array | Int32Array;

export function concatArrays<T extends NumericArray>(
  Kind: new (length: number) => T,
  parts: readonly T[],
): T {
  const out = new Kind(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p as never, offset);
    offset += p.length;
  }
  return out;
}
