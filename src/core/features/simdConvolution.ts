/**
 * The feature bank's WebAssembly SIMD module (four pixels per instruction, float32 lanes; JavaScript has no
 * SIMD, and these loops are most of the feature bank's time): the 1-D loop for long kernels (radius ≥ 3:
 * ilastik's pre-smoothing, every filter of the direct convention), built here, and the sweeps of the fused
 * ilastik stage (simdFusedCore.ts). A few kilobytes, assembled at start-up by wasmAssembler.ts (no build step,
 * no dependency); where WebAssembly SIMD is missing, `simdConvolver()` returns null and the plain JavaScript
 * loops run instead.
 *
 * Numerics: sums in float32 (as vigra's own loops) instead of float64; the difference is a few float32 ulps
 * of the result, far below the 10⁻³-of-range tolerance of the vigra goldens. Which path runs depends only on
 * the kernel and the selected features, so tiles stay identical to the whole image.
 */

import {
  F32X4_ADD,
  F32X4_MUL,
  F32X4_SPLAT,
  F32X4_SUB,
  F32_LOAD,
  I32,
  V128,
  V128_LOAD,
  V128_STORE,
  functionBody,
  op,
  assembleModule,
  growMemoryTo,
  instantiateModule,
} from './wasmAssembler.js';
import {
  FUSED_CORE_PARAMS,
  GRADIENT_ROWS_PARAMS,
  TENSOR_COLUMNS_PARAMS,
  TENSOR_ROWS_PARAMS,
  X_ROWS_PARAMS,
  fusedCoreBody,
  gradientRowsBody,
  tensorColumnsBody,
  tensorRowsBody,
  xRowsBody,
} from './simdFusedCore.js';

/** The memory of the module and its two loops (even and odd kernels). */
export interface SimdConvolver {
  /** Float32 view of the module's memory; renewed when the memory grows. */
  heap: Float32Array;
  /**
   * Makes room for `floats` values of working memory after the kernel area; returns the heap, or null when
   * the module's 32-bit memory cannot grow that far (callers then run their JavaScript loops).
   */
  reserve(floats: number): Float32Array | null;
  /**
   * out[i] = Σₖ kernel[k]·in[i − k] for i in [0, n) rounded up to a multiple of 4 (the caller leaves slack):
   * `inIndex` is where in[−r] sits in the heap, `outIndex` where out[0] goes, the kernel's weights (offsets
   * 0…r) are at heap[0…r]. Indices are in float32 elements.
   */
  run(isOdd: boolean, inIndex: number, outIndex: number, n: number, radius: number): void;
  /** One row of the fused ilastik filter stage (see simdFusedCore.ts); arguments are byte addresses. */
  fusedCore: (...args: number[]) => void;
  /** The structure tensor's x and y sweeps (see simdFusedCore.ts). */
  tensorRows: (...args: number[]) => void;
  tensorColumns: (...args: number[]) => void;
  /** The fused stage's x sweep and gradient, one row per call (see simdFusedCore.ts). */
  xRows: (...args: number[]) => void;
  gradientRows: (...args: number[]) => void;
}

/** Kernel weights live at the start of the heap; working memory starts here (in float32 elements). */
export const SIMD_WORK_START = 64;

/** The largest kernel radius the weight area holds. */
export const SIMD_MAX_RADIUS = SIMD_WORK_START - 1;

/** Params: 0 in, 1 out, 2 n, 3 kernel (byte addresses except n), 4 radius; locals 5 x, 6 j, 7 c, 8 acc. */
function loopBody(isOdd: boolean): number[] {
  const [IN, OUT, N, K, R, X, J, C, ACC] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const get = (i: number) => [op.localGet, i];
  const set = (i: number) => [op.localSet, i];
  const times4 = [op.i32Const, 2, op.i32Shl];
  const code = [
    ...[op.i32Const, 0, ...set(X)],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[...get(X), ...get(N), op.i32GeS, op.brIf, 1],
    ...[...get(IN), ...get(X), ...get(R), op.i32Add, ...times4, op.i32Add, ...set(C)],
    ...[...get(C), ...V128_LOAD, ...get(K), ...F32_LOAD, ...F32X4_SPLAT, ...F32X4_MUL, ...set(ACC)],
    ...[op.i32Const, 1, ...set(J)],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[...get(J), ...get(R), op.i32GtS, op.brIf, 1],
    ...get(ACC),
    ...[...get(C), ...get(J), ...times4, op.i32Sub, ...V128_LOAD],
    ...[...get(C), ...get(J), ...times4, op.i32Add, ...V128_LOAD],
    ...(isOdd ? F32X4_SUB : F32X4_ADD),
    ...[...get(K), ...get(J), ...times4, op.i32Add, ...F32_LOAD, ...F32X4_SPLAT],
    ...F32X4_MUL,
    ...F32X4_ADD,
    ...set(ACC),
    ...[...get(J), op.i32Const, 1, op.i32Add, ...set(J)],
    ...[op.br, 0, op.end, op.end],
    ...[...get(OUT), ...get(X), ...times4, op.i32Add, ...get(ACC), ...V128_STORE],
    ...[...get(X), op.i32Const, 4, op.i32Add, ...set(X)],
    ...[op.br, 0, op.end, op.end],
  ];
  return functionBody(
    [
      [3, I32],
      [1, V128],
    ],
    code,
  );
}

function moduleBytes(): Uint8Array {
  return assembleModule([
    { name: 'even', params: 5, body: loopBody(false) },
    { name: 'odd', params: 5, body: loopBody(true) },
    { name: 'fusedCore', params: FUSED_CORE_PARAMS, body: fusedCoreBody() },
    { name: 'tensorRows', params: TENSOR_ROWS_PARAMS, body: tensorRowsBody() },
    { name: 'tensorColumns', params: TENSOR_COLUMNS_PARAMS, body: tensorColumnsBody() },
    { name: 'xRows', params: X_ROWS_PARAMS, body: xRowsBody() },
    { name: 'gradientRows', params: GRADIENT_ROWS_PARAMS, body: gradientRowsBody() },
  ]);
}

type LoopFn = (inAddr: number, outAddr: number, n: number, kernelAddr: number, radius: number) => void;

let convolver: SimdConvolver | null | undefined;

/** The SIMD convolver of this thread, or null where WebAssembly SIMD is unavailable. */
export function simdConvolver(): SimdConvolver | null {
  if (convolver !== undefined) return convolver;
  convolver = null;
  const wasm = instantiateModule(moduleBytes());
  if (!wasm) return null;
  const { memory, functions } = wasm;
  const even = functions.even as LoopFn;
  const odd = functions.odd as LoopFn;
  const c: SimdConvolver = {
    heap: new Float32Array(memory.buffer),
    reserve(floats: number): Float32Array | null {
      if (!growMemoryTo(memory, (SIMD_WORK_START + floats) * 4)) return null;
      if (c.heap.buffer !== memory.buffer) c.heap = new Float32Array(memory.buffer);
      return c.heap;
    },
    run(isOdd, inIndex, outIndex, n, radius) {
      (isOdd ? odd : even)(inIndex * 4, outIndex * 4, n, 0, radius);
    },
    fusedCore: functions.fusedCore,
    tensorRows: functions.tensorRows,
    tensorColumns: functions.tensorColumns,
    xRows: functions.xRows,
    gradientRows: functions.gradientRows,
  };
  convolver = c;
  return convolver;
}
