/**
 * A tiny WebAssembly assembler: the binary encoding of just the instructions the feature bank's SIMD loops
 * use (simdConvolution.ts, simdFusedCore.ts, the classifier's simdDiagonalLogDensity.ts), so the modules need
 * no build step and no dependency.
 */
export const I32 = 0x7f;
export const V128 = 0x7b;
export const op = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  f32Load: 0x2a,
  i32Const: 0x41,
  f32Const: 0x43,
  i32GeS: 0x4e,
  i32GtS: 0x4a,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Shl: 0x74,
};

export function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

/** i32.const immediates are signed LEB128 (a single byte ≥ 64 would read as negative). */
export function signedLeb(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      bytes.push(byte);
      return bytes;
    }
    bytes.push(byte | 0x80);
  }
}

/** A SIMD instruction: the 0xfd prefix and its opcode as unsigned LEB128. */
export const simd = (code: number): number[] => [0xfd, ...unsignedLeb(code)];
export const V128_LOAD = [...simd(0x00), 0, 0];
export const V128_STORE = [...simd(0x0b), 0, 0];
export const F32X4_SPLAT = simd(0x13);
export const F32X4_SQRT = simd(0xe3);
export const F32X4_ADD = simd(0xe4);
export const F32X4_SUB = simd(0xe5);
export const F32X4_MUL = simd(0xe6);
export const F32_LOAD = [op.f32Load, 2, 0];

export const get = (i: number): number[] => [op.localGet, ...unsignedLeb(i)];
export const set = (i: number): number[] => [op.localSet, ...unsignedLeb(i)];
export const tee = (i: number): number[] => [op.localTee, ...unsignedLeb(i)];

/** f32.const v, then splat to four lanes. */
export function splatConst(v: number): number[] {
  const bytes = new Uint8Array(new Float32Array([v]).buffer);
  return [op.f32Const, ...bytes, ...F32X4_SPLAT];
}

export const vec = (items: number[][]): number[] => [...unsignedLeb(items.length), ...items.flat()];
export const section = (id: number, body: number[]): number[] => [id, ...unsignedLeb(body.length), ...body];
export const name = (s: string): number[] => vec([...s].map((ch) => [ch.charCodeAt(0)]));

/** A function body: local declarations (count, type) and code, prefixed with its size. */
export function functionBody(locals: [number, number][], code: number[]): number[] {
  const body = [...vec(locals.map(([count, type]) => [...unsignedLeb(count), type])), ...code, op.end];
  return [...unsignedLeb(body.length), ...body];
}

/** A function type with `params` i32 parameters and no result. */
export const i32FunctionType = (params: number): number[] => [
  0x60,
  ...vec(Array.from({ length: params }, () => [I32])),
  ...vec([]),
];

/** An exported function of an assembled module: i32 parameters, no result. */
export interface WasmFunction {
  readonly name: string;
  readonly params: number;
  /** Its body from `functionBody`. */
  readonly body: number[];
}

/** A module exporting one growable memory (`memory`, one page to start) and the given functions. */
export function assembleModule(functions: readonly WasmFunction[]): Uint8Array {
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(functions.map((f) => i32FunctionType(f.params)))),
    ...section(3, vec(functions.map((_, i) => unsignedLeb(i)))),
    ...section(5, vec([[0x00, 1]])),
    ...section(
      7,
      vec([
        [...name('memory'), 0x02, 0],
        ...functions.map((f, i) => [...name(f.name), 0x00, ...unsignedLeb(i)]),
      ]),
    ),
    ...section(10, vec(functions.map((f) => f.body))),
  ]);
}

// --- instantiation, typed without the DOM or Node typings that src/core does not load ---
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

export interface WasmInstance {
  readonly memory: WasmMemory;
  readonly functions: Readonly<Record<string, (...args: number[]) => void>>;
}

/** Instantiates a module synchronously; null where WebAssembly (or its SIMD) is unavailable. */
export function instantiateModule(bytes: Uint8Array): WasmInstance | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!api) return null;
  try {
    const { exports } = new api.Instance(new api.Module(bytes), {});
    return {
      memory: exports.memory as WasmMemory,
      functions: exports as Record<string, (...args: number[]) => void>,
    };
  } catch {
    return null; // an engine without SIMD rejects the module: callers fall back to JavaScript
  }
}

const WASM_PAGE_BYTES = 65536;

/** Grows `memory` to hold at least `bytes`; false past wasm32's 4 GiB or the engine's limit. */
export function growMemoryTo(memory: WasmMemory, bytes: number): boolean {
  if (bytes <= memory.buffer.byteLength) return true;
  try {
    memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / WASM_PAGE_BYTES));
    return true;
  } catch {
    return false;
  }
}
