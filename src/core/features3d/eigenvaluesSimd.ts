/**
 * symmetricEigenvalues3x3.ts's formulas as a WebAssembly SIMD function, two voxels per step in float64 lanes:
 * the eigenvalues of the Hessian and the structure tensor at every scale were half of the 3-D bank's time in
 * JavaScript. Same arithmetic (float64, the shifted closed form, the Chebyshev cos(φ)), so both paths agree to
 * float64 rounding; results are rounded to float32.
 *
 * eig3(a00, a01, a02, a11, a12, a22, out0, out1, out2, nBytes, coefficients): byte addresses of six float32
 * input rows and three float32 output rows, 4 × the row's length (rounded up to a multiple of 8 by the
 * caller's slack), and the address of the 16 float64 power-basis coefficients of cos(acos(t)/3) in x.
 */
import { I32, V128, functionBody, get, op, set, signedLeb, simd } from '../features/wasmAssembler.js';

const LOAD64_ZERO = [...simd(0x5d), 3, 0];
const STORE64_LANE0 = [...simd(0x5b), 3, 0, 0];
const PROMOTE = simd(0x5f);
const DEMOTE = simd(0x5e);
const SPLAT = simd(0x14);
const ADD = simd(0xf0);
const SUB = simd(0xf1);
const MUL = simd(0xf2);
const DIV = simd(0xf3);
const MIN = simd(0xf4);
const MAX = simd(0xf5);
const SQRT = simd(0xef);
const F64_LOAD = [0x2b, 3, 0];

export const EIG3_PARAMS = 11;

type Expr = number[];

function constF64(v: number): Expr {
  const bytes = new Uint8Array(new Float64Array([v]).buffer);
  return [0x44, ...bytes, ...SPLAT];
}

export function eig3Body(): number[] {
  const [A00, A01, A02, A11, A12, A22, OUT0, OUT1, OUT2, N, COEF] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const X = 11; // i32 byte offset
  let next = 12;
  const v = (): number => next++;
  const [P00, P01, P02, P11, P12, P22] = [v(), v(), v(), v(), v(), v()];
  const [MEAN, B00, B11, B22, C0, C1, AD3, MB, MAG, T, XX, X2, X4, CS, SN] = Array.from({ length: 15 }, v);
  const [INV3, HALF, ONE, TWO, ZERO, NEG1, TINY, ROOT3] = Array.from({ length: 8 }, v);
  const M = Array.from({ length: 16 }, v);
  const vCount = next - 12;

  const g = (l: number): Expr => get(l);
  const bin =
    (opc: number[]) =>
    (a: Expr, b: Expr): Expr => [...a, ...b, ...opc];
  const add = bin(ADD);
  const sub = bin(SUB);
  const mul = bin(MUL);
  const div = bin(DIV);
  const min = bin(MIN);
  const max = bin(MAX);
  const sqrt = (a: Expr): Expr => [...a, ...SQRT];
  const assign = (l: number, e: Expr): Expr => [...e, ...set(l)];
  const load = (row: number): Expr => [...get(row), ...get(X), op.i32Add, ...LOAD64_ZERO, ...PROMOTE];
  const store = (row: number, e: Expr): Expr => [
    ...get(row),
    ...get(X),
    op.i32Add,
    ...e,
    ...DEMOTE,
    ...STORE64_LANE0,
  ];

  const prologue: Expr = [
    ...assign(INV3, constF64(1 / 3)),
    ...assign(HALF, constF64(0.5)),
    ...assign(ONE, constF64(1)),
    ...assign(TWO, constF64(2)),
    ...assign(ZERO, constF64(0)),
    ...assign(NEG1, constF64(-1)),
    ...assign(TINY, constF64(1e-300)),
    ...assign(ROOT3, constF64(Math.sqrt(3))),
  ];
  M.forEach((l, k) =>
    prologue.push(
      ...get(COEF),
      op.i32Const,
      ...signedLeb(8 * k),
      op.i32Add,
      ...F64_LOAD,
      ...SPLAT,
      ...set(l),
    ),
  );

  const x = g(XX);
  const poly = (k: number): Expr =>
    // (m[k] + m[k+1]·x) + (m[k+2] + m[k+3]·x)·x²
    add(add(g(M[k]), mul(g(M[k + 1]), x)), mul(add(g(M[k + 2]), mul(g(M[k + 3]), x)), g(X2)));
  const body: Expr = [
    ...assign(P00, load(A00)),
    ...assign(P01, load(A01)),
    ...assign(P02, load(A02)),
    ...assign(P11, load(A11)),
    ...assign(P12, load(A12)),
    ...assign(P22, load(A22)),
    ...assign(MEAN, mul(add(add(g(P00), g(P11)), g(P22)), g(INV3))),
    ...assign(B00, sub(g(P00), g(MEAN))),
    ...assign(B11, sub(g(P11), g(MEAN))),
    ...assign(B22, sub(g(P22), g(MEAN))),
    // c0 = b00·b11·b22 + 2·p01·p02·p12 − b00·p12² − b11·p02² − b22·p01²
    ...assign(
      C0,
      sub(
        sub(
          sub(
            add(mul(mul(g(B00), g(B11)), g(B22)), mul(mul(mul(g(TWO), g(P01)), g(P02)), g(P12))),
            mul(mul(g(B00), g(P12)), g(P12)),
          ),
          mul(mul(g(B11), g(P02)), g(P02)),
        ),
        mul(mul(g(B22), g(P01)), g(P01)),
      ),
    ),
    // c1 = b00·b11 − p01² + b00·b22 − p02² + b11·b22 − p12²
    ...assign(
      C1,
      sub(
        add(
          sub(add(sub(mul(g(B00), g(B11)), mul(g(P01), g(P01))), mul(g(B00), g(B22))), mul(g(P02), g(P02))),
          mul(g(B11), g(B22)),
        ),
        mul(g(P12), g(P12)),
      ),
    ),
    ...assign(AD3, min(mul(g(C1), g(INV3)), g(ZERO))),
    ...assign(MB, mul(g(HALF), g(C0))),
    ...assign(MAG, sqrt(sub(g(ZERO), g(AD3)))),
    ...assign(T, div(g(MB), max(mul(mul(g(MAG), g(MAG)), g(MAG)), g(TINY)))),
    ...assign(T, max(min(g(T), g(ONE)), g(NEG1))),
    ...assign(XX, sub(mul(g(TWO), sqrt(mul(g(HALF), add(g(ONE), g(T))))), g(ONE))),
    ...assign(X2, mul(x, x)),
    ...assign(X4, mul(g(X2), g(X2))),
    ...assign(
      CS,
      add(add(poly(0), mul(poly(4), g(X4))), mul(add(poly(8), mul(poly(12), g(X4))), mul(g(X4), g(X4)))),
    ),
    ...assign(SN, sqrt(max(sub(g(ONE), mul(g(CS), g(CS))), g(ZERO)))),
    ...store(OUT0, add(g(MEAN), mul(mul(g(TWO), g(MAG)), g(CS)))),
    ...store(OUT1, sub(g(MEAN), mul(g(MAG), sub(g(CS), mul(g(ROOT3), g(SN)))))),
    ...store(OUT2, sub(g(MEAN), mul(g(MAG), add(g(CS), mul(g(ROOT3), g(SN)))))),
  ];
  const loop: Expr = [
    ...[op.i32Const, 0, ...set(X)],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[...get(X), ...get(N), op.i32GeS, op.brIf, 1],
    ...body,
    ...[...get(X), op.i32Const, 8, op.i32Add, ...set(X)],
    ...[op.br, 0, op.end, op.end],
  ];
  return functionBody(
    [
      [1, I32],
      [vCount, V128],
    ],
    [...prologue, ...loop],
  );
}
