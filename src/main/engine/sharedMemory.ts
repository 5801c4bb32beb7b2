/** Typed arrays in shared memory: handed to worker jobs, they are read and written there without a copy. */
type SharedKind<T> = { new (buffer: SharedArrayBuffer): T; readonly BYTES_PER_ELEMENT: number };
type Numeric = Float32Array | Float64Array | Int32Array;

export function sharedArray<T extends Numeric>(Kind: SharedKind<T>, length: number): T {
  return new Kind(new SharedArrayBuffer(length * Kind.BYTES_PER_ELEMENT));
}

/** `array` itself if it is already shared, else a shared copy. */
export function toShared<T extends Numeric>(array: T): T {
  if (array.buffer instanceof SharedArrayBuffer) return array;
  const copy = sharedArray(array.constructor as SharedKind<T>, array.length);
  copy.set(array as never);
  return copy;
}
