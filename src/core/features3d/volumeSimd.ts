/**
 * The 3-D feature bank's WebAssembly SIMD loop: one 1-D convolution tap sum, four voxels per instruction,
 * over lines given by address. Along y and z the 2r + 1 tap lines are whole rows or planes (reflected near
 * the edges), so a z pass over the interior planes of a volume is a single call whose four lanes run along x;
 * along x the tap lines are the same row shifted by one voxel. Volumes live in the module's memory (an arena,
 * volumeArena.ts), so no pass copies its input.
 *
 * Two specializations: `taps5` for kernels of radius ≤ 2 (every filter of the ilastik convention; radius-1
 * kernels padded with zero weights, which adds exact zeros) reads its five line addresses once; `tapsN`
 * reads them from a table per group of four, for long kernels (pre-smoothing). Sums in float32 lanes, as
 * vigra's loops. Which function runs depends only on the kernel, so a block computes its voxels with exactly
 * the arithmetic of the whole volume.
 *
 * Arguments are byte addresses. out[i] = Σⱼ w[j]·(line₋ⱼ[i] ± line₊ⱼ[i]) (+ w[0]·line₀[i] for even kernels),
 * for i in [0, n) rounded up to a multiple of four (callers leave slack past every output).
 */
import {
  F32X4_ADD,
  F32X4_MUL,
  F32X4_SPLAT,
  F32X4_SUB,
  F32_LOAD,
  simd,
  I32,
  V128,
  V128_LOAD,
  V128_STORE,
  assembleModule,
  functionBody,
  get,
  growMemoryTo,
  instantiateModule,
  op,
  set,
  signedLeb,
  splatConst,
  type WasmMemory,
} from '../features/wasmAssembler.js';

import { EIG3_PARAMS, eig3Body } from './eigenvaluesSimd.js';

const I32_LOAD = [0x28, 2, 0];
const [F32X4_ADD_, F32X4_SUB_, F32X4_MUL_, F32X4_SPLAT_, F32_LOAD_] = [
  F32X4_ADD,
  F32X4_SUB,
  F32X4_MUL,
  F32X4_SPLAT,
  F32_LOAD,
];
const i32Const = (v: number): number[] => [op.i32Const, ...signedLeb(v)];

const F64_LOAD = [0x2b, 3, 0];
const F64X2_SPLAT = simd(0x14);
const F64X2_ADD = simd(0xf0);
const F64X2_SUB = simd(0xf1);
const F64X2_MUL = simd(0xf2);

/**
 * taps5(out, nBytes, a, b, m, d, e, weights): lines at offsets −2, −1, 0, +1, +2; weights w0 w1 w2 (float32,
 * or float64 for the float64 variant, whose lanes are two doubles).
 */
function taps5Body(isOdd: boolean, isDouble = false): number[] {
  const [F32X4_ADD, F32X4_SUB, F32X4_MUL, F32X4_SPLAT, F32_LOAD] = isDouble
    ? [F64X2_ADD, F64X2_SUB, F64X2_MUL, F64X2_SPLAT, F64_LOAD]
    : [F32X4_ADD_, F32X4_SUB_, F32X4_MUL_, F32X4_SPLAT_, F32_LOAD_];
  const [OUT, N, A, B, M, D, E, WTS] = [0, 1, 2, 3, 4, 5, 6, 7];
  const X = 8;
  const [W0, W1, W2] = [9, 10, 11];
  const at = (line: number): number[] => [...get(line), ...get(X), op.i32Add, ...V128_LOAD];
  const weight = (k: number): number[] => [
    ...get(WTS),
    ...i32Const((isDouble ? 8 : 4) * k),
    op.i32Add,
    ...F32_LOAD,
  ];
  const pair = isOdd ? F32X4_SUB : F32X4_ADD;
  const sum = isOdd
    ? [
        ...[...get(W1), ...at(B), ...at(D), ...pair, ...F32X4_MUL],
        ...[...get(W2), ...at(A), ...at(E), ...pair, ...F32X4_MUL],
        ...F32X4_ADD,
      ]
    : [
        ...[...get(W0), ...at(M), ...F32X4_MUL],
        ...[...get(W1), ...at(B), ...at(D), ...pair, ...F32X4_MUL],
        ...F32X4_ADD,
        ...[...get(W2), ...at(A), ...at(E), ...pair, ...F32X4_MUL],
        ...F32X4_ADD,
      ];
  const code = [
    ...[...weight(0), ...F32X4_SPLAT, ...set(W0)],
    ...[...weight(1), ...F32X4_SPLAT, ...set(W1)],
    ...[...weight(2), ...F32X4_SPLAT, ...set(W2)],
    ...[op.i32Const, 0, ...set(X)],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[...get(X), ...get(N), op.i32GeS, op.brIf, 1],
    ...[...get(OUT), ...get(X), op.i32Add, ...sum, ...V128_STORE],
    ...[...get(X), ...i32Const(16), op.i32Add, ...set(X)],
    ...[op.br, 0, op.end, op.end],
  ];
  return functionBody(
    [
      [1, I32],
      [3, V128],
    ],
    code,
  );
}

/** tapsN(out, nBytes, table, weights, radius): table holds 2r + 1 i32 line addresses, offsets −r … +r. */
function tapsNBody(isOdd: boolean): number[] {
  const [OUT, N, TABLE, WTS, R] = [0, 1, 2, 3, 4];
  const [X, J, LO, HI, CENTER] = [5, 6, 7, 8, 9];
  const ACC = 10;
  const times4 = [op.i32Const, 2, op.i32Shl];
  const code = [
    // CENTER = table + 4r: the line at offset 0
    ...[...get(TABLE), ...get(R), ...times4, op.i32Add, ...set(CENTER)],
    ...[op.i32Const, 0, ...set(X)],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[...get(X), ...get(N), op.i32GeS, op.brIf, 1],
    ...(isOdd
      ? [...splatConst(0), ...set(ACC)]
      : [
          ...[...get(CENTER), ...I32_LOAD, ...get(X), op.i32Add, ...V128_LOAD],
          ...[...get(WTS), ...F32_LOAD, ...F32X4_SPLAT, ...F32X4_MUL, ...set(ACC)],
        ]),
    ...[...get(CENTER), op.i32Const, 4, op.i32Sub, ...set(LO)],
    ...[...get(CENTER), op.i32Const, 4, op.i32Add, ...set(HI)],
    ...[op.i32Const, 1, ...set(J)],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[...get(J), ...get(R), op.i32GtS, op.brIf, 1],
    ...get(ACC),
    ...[...get(LO), ...I32_LOAD, ...get(X), op.i32Add, ...V128_LOAD],
    ...[...get(HI), ...I32_LOAD, ...get(X), op.i32Add, ...V128_LOAD],
    ...(isOdd ? F32X4_SUB : F32X4_ADD),
    ...[...get(WTS), ...get(J), ...times4, op.i32Add, ...F32_LOAD, ...F32X4_SPLAT],
    ...F32X4_MUL,
    ...F32X4_ADD,
    ...set(ACC),
    ...[...get(LO), op.i32Const, 4, op.i32Sub, ...set(LO)],
    ...[...get(HI), op.i32Const, 4, op.i32Add, ...set(HI)],
    ...[...get(J), op.i32Const, 1, op.i32Add, ...set(J)],
    ...[op.br, 0, op.end, op.end],
    ...[...get(OUT), ...get(X), op.i32Add, ...get(ACC), ...V128_STORE],
    ...[...get(X), ...i32Const(16), op.i32Add, ...set(X)],
    ...[op.br, 0, op.end, op.end],
  ];
  return functionBody(
    [
      [5, I32],
      [1, V128],
    ],
    code,
  );
}

export type Taps5 = (
  out: number,
  nBytes: number,
  a: number,
  b: number,
  m: number,
  d: number,
  e: number,
  weights: number,
) => void;
export type TapsN = (out: number, nBytes: number, table: number, weights: number, radius: number) => void;

export interface VolumeSimd {
  readonly memory: WasmMemory;
  readonly taps5Even: Taps5;
  readonly taps5Odd: Taps5;
  readonly tapsNEven: TapsN;
  readonly tapsNOdd: TapsN;
  /** taps5Even over float64 lines (two doubles per step; nBytes and addresses in bytes, weights float64). */
  readonly taps5EvenF64: Taps5;
  /** Eigenvalues of symmetric 3 × 3 tensors (eigenvaluesSimd.ts). */
  readonly eig3: (...args: number[]) => void;
}

let instance: VolumeSimd | null | undefined;

/** This thread's SIMD loops, or null where WebAssembly SIMD is missing (the JavaScript loops run instead). */
export function volumeSimd(): VolumeSimd | null {
  if (instance !== undefined) return instance;
  const wasm = instantiateModule(
    assembleModule([
      { name: 'taps5Even', params: 8, body: taps5Body(false) },
      { name: 'taps5Odd', params: 8, body: taps5Body(true) },
      { name: 'tapsNEven', params: 5, body: tapsNBody(false) },
      { name: 'tapsNOdd', params: 5, body: tapsNBody(true) },
      { name: 'taps5EvenF64', params: 8, body: taps5Body(false, true) },
      { name: 'eig3', params: EIG3_PARAMS, body: eig3Body() },
    ]),
  );
  instance = wasm
    ? {
        memory: wasm.memory,
        taps5Even: wasm.functions.taps5Even as Taps5,
        taps5Odd: wasm.functions.taps5Odd as Taps5,
        tapsNEven: wasm.functions.tapsNEven as TapsN,
        tapsNOdd: wasm.functions.tapsNOdd as TapsN,
        taps5EvenF64: wasm.functions.taps5EvenF64 as Taps5,
        eig3: wasm.functions.eig3,
      }
    : null;
  return instance;
}

export { growMemoryTo };
