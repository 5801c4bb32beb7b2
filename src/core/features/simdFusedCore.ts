/**
 * The y sweep of the fused ilastik filter stage (fusedFilterStage.ts, coreSweep) as a WebAssembly SIMD
 * function, four pixels per step, for scales where all of smoothing, DoG, gradient magnitude, Laplacian and
 * Hessian eigenvalues are selected (every scale ≥ 0.7 of the `default` preset). Same formulas as the
 * JavaScript loop, in float32 lanes.
 *
 * Arguments (byte addresses in the module's memory), one call per output row:
 *   x0, x1, x2, xd           the four x-filtered planes (smoothing, ∂x, ∂xx, DoG inner smoothing)
 *   ra, rb, rm, rd, re       byte offsets in those planes of the rows y−2 … y+2 at the core's first column
 *   gx, gy                   the gradient row at the core's first column
 *   gs, dog, ggm, log, ev0, ev1   the output rows
 *   nBytes                   4 × the row's width (rounded up to a multiple of 16 by the caller's slack)
 *   weights                  11 float32: smoothing w0 w1 w2, ∂ w1 w2, ∂² w0 w1 w2, DoG inner w0 w1 w2
 */
import {
  F32X4_ADD,
  F32X4_MUL,
  F32X4_SPLAT,
  F32X4_SQRT,
  F32X4_SUB,
  F32_LOAD,
  I32,
  V128,
  V128_LOAD,
  V128_STORE,
  functionBody,
  get,
  op,
  set,
  splatConst,
  tee,
} from './wasmAssembler.js';

export const FUSED_CORE_PARAMS = 19;

const [X0, X1, X2, XD] = [0, 1, 2, 3];
const [RA, RB, RM, RD, RE] = [4, 5, 6, 7, 8];
const [GX, GY] = [9, 10];
const [OUT_GS, OUT_DOG, OUT_GGM, OUT_LOG, OUT_EV0, OUT_EV1] = [11, 12, 13, 14, 15, 16];
const [N_BYTES, WEIGHTS] = [17, 18];
// i32 locals: 20 row pointers (plane-major), then the byte offset of the current four pixels.
const ROW_PTR = 19;
const X4 = ROW_PTR + 20;
// v128 locals
const W = X4 + 1; // 11 weights
const HALF = W + 11;
const FOUR = HALF + 1;
const [M, BD, AE, GS, HYY, HXX, HXY, LOG, DIFF, A, B] = Array.from({ length: 11 }, (_, i) => FOUR + 1 + i);
const V128_LOCALS = 11 + 2 + 11;

const [S0, S1, S2, T1, T2, Q0, Q1, Q2, D0, D1, D2] = Array.from({ length: 11 }, (_, i) => W + i);
const rowPtr = (plane: number, row: number): number => ROW_PTR + plane * 5 + row;

const load = (ptr: number): number[] => [...get(ptr), ...get(X4), op.i32Add, ...V128_LOAD];
const store = (addr: number, value: number[]): number[] => [
  ...get(addr),
  ...get(X4),
  op.i32Add,
  ...value,
  ...V128_STORE,
];
const mul = (a: number[], b: number[]): number[] => [...a, ...b, ...F32X4_MUL];
const add = (a: number[], b: number[]): number[] => [...a, ...b, ...F32X4_ADD];
const sub = (a: number[], b: number[]): number[] => [...a, ...b, ...F32X4_SUB];

/** w0·m + w1·(b + d) + w2·(a + e) over the five rows of one plane. */
function symmetric(plane: number, w0: number, w1: number, w2: number): number[] {
  const p = (row: number) => load(rowPtr(plane, row));
  return add(add(mul(get(w0), p(2)), mul(get(w1), add(p(1), p(3)))), mul(get(w2), add(p(0), p(4))));
}

export function fusedCoreBody(): number[] {
  const prologue: number[] = [];
  for (const plane of [X0, X1, X2, XD]) {
    [RA, RB, RM, RD, RE].forEach((r, row) => {
      prologue.push(...get(plane), ...get(r), op.i32Add, ...set(rowPtr(plane, row)));
    });
  }
  for (let i = 0; i < 11; i++) {
    prologue.push(...get(WEIGHTS), op.i32Const, 4 * i, op.i32Add, ...F32_LOAD, ...F32X4_SPLAT, ...set(W + i));
  }
  prologue.push(...splatConst(0.5), ...set(HALF), ...splatConst(4), ...set(FOUR));

  const x0 = (row: number) => load(rowPtr(X0, row));
  const x1 = (row: number) => load(rowPtr(X1, row));
  const body = [
    // smoothing and ∂yy share the five smoothed-along-x rows
    ...x0(2),
    ...set(M),
    ...add(x0(1), x0(3)),
    ...set(BD),
    ...add(x0(0), x0(4)),
    ...set(AE),
    ...add(add(mul(get(S0), get(M)), mul(get(S1), get(BD))), mul(get(S2), get(AE))),
    ...set(GS),
    ...store(OUT_GS, get(GS)),
    ...add(add(mul(get(Q0), get(M)), mul(get(Q1), get(BD))), mul(get(Q2), get(AE))),
    ...set(HYY),
    ...store(OUT_DOG, sub(get(GS), symmetric(XD, D0, D1, D2))),
    ...symmetric(X2, S0, S1, S2),
    ...set(HXX),
    ...add(mul(get(T1), sub(x1(1), x1(3))), mul(get(T2), sub(x1(0), x1(4)))),
    ...set(HXY),
    ...add(get(HXX), get(HYY)),
    ...set(LOG),
    ...store(OUT_LOG, get(LOG)),
    ...sub(get(HXX), get(HYY)),
    ...set(DIFF),
    // root = √(diff² + 4·hxy²), kept in DIFF
    ...add(mul(get(DIFF), get(DIFF)), mul(get(FOUR), mul(get(HXY), get(HXY)))),
    ...F32X4_SQRT,
    ...set(DIFF),
    ...store(OUT_EV0, mul(get(HALF), add(get(LOG), get(DIFF)))),
    ...store(OUT_EV1, mul(get(HALF), sub(get(LOG), get(DIFF)))),
    ...[...get(GX), ...get(X4), op.i32Add, ...V128_LOAD, ...tee(A)],
    ...get(A),
    ...F32X4_MUL,
    ...[...get(GY), ...get(X4), op.i32Add, ...V128_LOAD, ...tee(B)],
    ...get(B),
    ...F32X4_MUL,
    ...F32X4_ADD,
    ...F32X4_SQRT,
    ...set(A),
    ...store(OUT_GGM, get(A)),
  ];
  const loop = [
    ...[op.i32Const, 0, ...set(X4)],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[...get(X4), ...get(N_BYTES), op.i32GeS, op.brIf, 1],
    ...body,
    ...[...get(X4), op.i32Const, 16, op.i32Add, ...set(X4)],
    ...[op.br, 0, op.end, op.end],
  ];
  return functionBody(
    [
      [21, I32],
      [V128_LOCALS, V128],
    ],
    [...prologue, ...loop],
  );
}

/** v128.load at a constant byte offset from the address on the stack. */
const loadAt = (offset: number): number[] => [0xfd, 0x00, 0, offset];

export const TENSOR_ROWS_PARAMS = 7;

/**
 * Structure tensor, x sweep of one row (radius-1 outer smoothing): params gx, gy (the padded gradient row:
 * column −1 first), sxx, sxy, syy (output rows), nBytes, weights (w0, w1). Products rounded to float32 by the
 * lanes, as vigra stores them.
 */
export function tensorRowsBody(): number[] {
  const [GXR, GYR, SXX, SXY, SYY, N, WT] = [0, 1, 2, 3, 4, 5, 6];
  const X = 7;
  const [W0, W1, A0, A1, A2, B0, B1, B2] = Array.from({ length: 8 }, (_, i) => 8 + i);
  const at = (base: number, offset: number) => [...get(base), ...get(X), op.i32Add, ...loadAt(offset)];
  const smooth = (p0: number[], p1: number[], p2: number[]) =>
    add(mul(get(W0), p1), mul(get(W1), add(p0, p2)));
  const code = [
    ...[...get(WT), ...F32_LOAD, ...F32X4_SPLAT, ...set(W0)],
    ...[...get(WT), op.i32Const, 4, op.i32Add, ...F32_LOAD, ...F32X4_SPLAT, ...set(W1)],
    ...[op.i32Const, 0, ...set(X)],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[...get(X), ...get(N), op.i32GeS, op.brIf, 1],
    ...at(GXR, 0),
    ...set(A0),
    ...at(GXR, 4),
    ...set(A1),
    ...at(GXR, 8),
    ...set(A2),
    ...at(GYR, 0),
    ...set(B0),
    ...at(GYR, 4),
    ...set(B1),
    ...at(GYR, 8),
    ...set(B2),
    ...store2(SXX, X, smooth(mul(get(A0), get(A0)), mul(get(A1), get(A1)), mul(get(A2), get(A2)))),
    ...store2(SXY, X, smooth(mul(get(A0), get(B0)), mul(get(A1), get(B1)), mul(get(A2), get(B2)))),
    ...store2(SYY, X, smooth(mul(get(B0), get(B0)), mul(get(B1), get(B1)), mul(get(B2), get(B2)))),
    ...[...get(X), op.i32Const, 16, op.i32Add, ...set(X)],
    ...[op.br, 0, op.end, op.end],
  ];
  return functionBody(
    [
      [1, I32],
      [8, V128],
    ],
    code,
  );
}

export const TENSOR_COLUMNS_PARAMS = 10;

/**
 * Structure tensor, y sweep of one row and its eigenvalues: params sxx, sxy, syy (plane bases), up, at,
 * down (byte offsets of the rows y−1, y, y+1), ev0, ev1 (output rows), nBytes, weights (w0, w1).
 */
export function tensorColumnsBody(): number[] {
  const [PXX, PXY, PYY, UP, AT, DOWN, EV0, EV1, N, WT] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const X = 10;
  const [W0, W1, HALF4, FOUR4, P, Q, O, SUM] = Array.from({ length: 8 }, (_, i) => 11 + i);
  const row = (plane: number, offset: number) => [
    ...get(plane),
    ...get(offset),
    op.i32Add,
    ...get(X),
    op.i32Add,
    ...V128_LOAD,
  ];
  const smooth = (plane: number) =>
    add(mul(get(W0), row(plane, AT)), mul(get(W1), add(row(plane, UP), row(plane, DOWN))));
  const code = [
    ...[...get(WT), ...F32_LOAD, ...F32X4_SPLAT, ...set(W0)],
    ...[...get(WT), op.i32Const, 4, op.i32Add, ...F32_LOAD, ...F32X4_SPLAT, ...set(W1)],
    ...[...splatConst(0.5), ...set(HALF4), ...splatConst(4), ...set(FOUR4)],
    ...[op.i32Const, 0, ...set(X)],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[...get(X), ...get(N), op.i32GeS, op.brIf, 1],
    ...smooth(PXX),
    ...set(P),
    ...smooth(PXY),
    ...set(O),
    ...smooth(PYY),
    ...set(Q),
    ...add(get(P), get(Q)),
    ...set(SUM),
    // √((p − q)² + 4·o²), kept in P
    ...sub(get(P), get(Q)),
    ...tee(P),
    ...get(P),
    ...F32X4_MUL,
    ...mul(get(FOUR4), mul(get(O), get(O))),
    ...F32X4_ADD,
    ...F32X4_SQRT,
    ...set(P),
    ...store2(EV0, X, mul(get(HALF4), add(get(SUM), get(P)))),
    ...store2(EV1, X, mul(get(HALF4), sub(get(SUM), get(P)))),
    ...[...get(X), op.i32Const, 16, op.i32Add, ...set(X)],
    ...[op.br, 0, op.end, op.end],
  ];
  return functionBody(
    [
      [1, I32],
      [8, V128],
    ],
    code,
  );
}

/** v128.store of `value` at local `addr` + local `x`. */
function store2(addr: number, x: number, value: number[]): number[] {
  return [...get(addr), ...get(x), op.i32Add, ...value, ...V128_STORE];
}

export const X_ROWS_PARAMS = 7;

/**
 * The fused stage's x sweep of one row: params src (the row, starting two pixels left of the first output,
 * mirrored at the image's edges by the caller), x0, x1, x2, xd (output rows), nBytes, weights (the 11 of
 * fusedCoreBody).
 */
export function xRowsBody(): number[] {
  const [SRC, OX0, OX1, OX2, OXD, N, WT] = [0, 1, 2, 3, 4, 5, 6];
  const X = 7;
  const W = 8; // 11 weights
  const [A, B, M, D, E, BD, AE] = Array.from({ length: 7 }, (_, i) => W + 11 + i);
  const [S0, S1, S2, T1, T2, Q0, Q1, Q2, D0, D1, D2] = Array.from({ length: 11 }, (_, i) => W + i);
  const at = (offset: number) => [...get(SRC), ...get(X), op.i32Add, ...loadAt(offset)];
  const weighted = (w0: number, w1: number, w2: number) =>
    add(add(mul(get(w0), get(M)), mul(get(w1), get(BD))), mul(get(w2), get(AE)));
  const code: number[] = [];
  for (let i = 0; i < 11; i++) {
    code.push(...get(WT), op.i32Const, 4 * i, op.i32Add, ...F32_LOAD, ...F32X4_SPLAT, ...set(W + i));
  }
  code.push(
    ...[op.i32Const, 0, ...set(X)],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[...get(X), ...get(N), op.i32GeS, op.brIf, 1],
    ...at(0),
    ...set(A),
    ...at(4),
    ...set(B),
    ...at(8),
    ...set(M),
    ...at(12),
    ...set(D),
    ...at(16),
    ...set(E),
    ...add(get(B), get(D)),
    ...set(BD),
    ...add(get(A), get(E)),
    ...set(AE),
    ...store2(OX0, X, weighted(S0, S1, S2)),
    ...store2(OX1, X, add(mul(get(T1), sub(get(B), get(D))), mul(get(T2), sub(get(A), get(E))))),
    ...store2(OX2, X, weighted(Q0, Q1, Q2)),
    ...store2(OXD, X, weighted(D0, D1, D2)),
    ...[...get(X), op.i32Const, 16, op.i32Add, ...set(X)],
    ...[op.br, 0, op.end, op.end],
  );
  return functionBody(
    [
      [1, I32],
      [18, V128],
    ],
    code,
  );
}

export const GRADIENT_ROWS_PARAMS = 11;

/**
 * The fused stage's gradient of one row: params x0, x1 (plane bases), ra, rb, rm, rd, re (byte offsets of the
 * rows y−2 … y+2 at the first column), gx, gy (output rows), nBytes, weights (the 11 of fusedCoreBody).
 */
export function gradientRowsBody(): number[] {
  const [PX0, PX1, RA, RB, RM, RD, RE, OGX, OGY, N, WT] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const X = 11;
  const [S0, S1, S2, T1, T2] = [12, 13, 14, 15, 16];
  const row = (plane: number, offset: number) => [
    ...get(plane),
    ...get(offset),
    op.i32Add,
    ...get(X),
    op.i32Add,
    ...V128_LOAD,
  ];
  const code: number[] = [];
  for (let i = 0; i < 5; i++) {
    code.push(...get(WT), op.i32Const, 4 * i, op.i32Add, ...F32_LOAD, ...F32X4_SPLAT, ...set(S0 + i));
  }
  code.push(
    ...[op.i32Const, 0, ...set(X)],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[...get(X), ...get(N), op.i32GeS, op.brIf, 1],
    ...store2(
      OGX,
      X,
      add(
        add(mul(get(S0), row(PX1, RM)), mul(get(S1), add(row(PX1, RB), row(PX1, RD)))),
        mul(get(S2), add(row(PX1, RA), row(PX1, RE))),
      ),
    ),
    ...store2(
      OGY,
      X,
      add(mul(get(T1), sub(row(PX0, RB), row(PX0, RD))), mul(get(T2), sub(row(PX0, RA), row(PX0, RE)))),
    ),
    ...[...get(X), op.i32Const, 16, op.i32Add, ...set(X)],
    ...[op.br, 0, op.end, op.end],
  );
  return functionBody(
    [
      [1, I32],
      [5, V128],
    ],
    code,
  );
}
