/**
 * Bayes' rule of prediction (classifier/predictProbabilities.ts, `posteriors`) as a WebAssembly SIMD function, two
 * pixels per step in float64 lanes, after the squared distances of simdDiagonalLogDensity.ts: with those in
 * SIMD, the ten exp() per pixel of the JavaScript loop were as slow as all the distances together.
 *
 * Same steps as the JavaScript loop: L_j = c_j − ½ D_j, shift by the pixel's largest L_j, terms below e⁻⁸⁰
 * dropped (they cannot change a float32 probability, and their exp() would be subnormal), sums per class
 * in component order, divide by the total. exp(s) for s ∈ (−80, 0]: s = n ln 2 + r with |r| ≤ ½ ln 2
 * (ln 2 split in two so n ln 2 is exact), e^r by its Taylor series to r¹³/13! (relative error < 10⁻¹⁵),
 * times 2ⁿ built in the exponent bits. The window's overlay, 8 bits a class, gets a shorter series
 * (`PosteriorPrecision`).
 *
 * Params (byte addresses): D planes (overwritten with L), per component c_j as an f64x2 splat, per
 * component the byte offset of its class's plane (i32), the class planes, bytes per plane to do,
 * components, classes, plane stride in bytes.
 */
import { I32, V128, functionBody, get, op, set, simd, tee } from '../features/wasmAssembler.js';

export const POSTERIORS_PARAMS = 8;

const LOAD = [...simd(0x00), 3, 0];
const STORE = [...simd(0x0b), 3, 0];
const I32_LOAD = [0x28, 2, 0];
const V128_AND = simd(0x4e);
const V128_ANY_TRUE = simd(0x53);
const I32_EQZ = 0x45;
const F64X2_GT = simd(0x4a);
const F64X2_NEAREST = simd(0x94);
const F64X2_ADD = simd(0xf0);
const F64X2_SUB = simd(0xf1);
const F64X2_MUL = simd(0xf2);
const F64X2_DIV = simd(0xf3);
const F64X2_MAX = simd(0xf5);
const I32X4_TRUNC_SAT_F64X2_S_ZERO = simd(0xfc);
const I64X2_EXTEND_LOW_I32X4_S = simd(0xc7);
const I64X2_SHL = simd(0xcb);
const I64X2_ADD = simd(0xce);

function constant(bytes: ArrayBuffer): number[] {
  return [...simd(0x0c), ...new Uint8Array(bytes)];
}
const f64x2 = (v: number): number[] => constant(new Float64Array([v, v]).buffer);
const EXPONENT_BIAS = constant(new Int32Array([1023, 0, 1023, 0]).buffer);

const NEGLIGIBLE_LOG_RATIO = -80;

/**
 * 'exact': probabilities as the JavaScript loop's to float32 (saved and exported results). 'display':
 * for the window's overlay, quantized to 0..255: e^r to r⁷/7! (relative error < 10⁻⁸, so a probability
 * moves by at most ~10⁻⁸ and no byte changes but on a rounding tie), a tile's prediction ~12% faster.
 */
export type PosteriorPrecision = 'exact' | 'display';
const TAYLOR_TERMS: Record<PosteriorPrecision, number> = { exact: 13, display: 7 };
// ln 2 = LN2_HI + LN2_LO, LN2_HI with its low bits zero so that n · LN2_HI is exact for |n| < 2¹¹.
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;

const [D, CONSTS, CLASS_OFFSETS, CLASSES, N_BYTES, COMPONENTS, N_CLASSES, STRIDE] = [0, 1, 2, 3, 4, 5, 6, 7];
const [PX, J, LP, CA, OA, CP] = [8, 9, 10, 11, 12, 13];
const [MAX, TOTAL, S, N, R, Q] = [14, 15, 16, 17, 18, 19];

const increment = (local: number, by: number[]): number[] => [...get(local), ...by, op.i32Add, ...set(local)];
const i32 = (v: number): number[] => [op.i32Const, v];

/** e^S (masked to 0 where S ≤ −80), left on the stack; the series to r^terms / terms!. */
function exp(terms: number): number[] {
  const horner: number[] = [...f64x2(1 / factorial(terms)), ...set(Q)];
  for (let t = terms - 1; t >= 0; t--) {
    horner.push(...get(Q), ...get(R), ...F64X2_MUL, ...f64x2(1 / factorial(t)), ...F64X2_ADD, ...set(Q));
  }
  return [
    ...[...get(S), ...f64x2(Math.LOG2E), ...F64X2_MUL, ...F64X2_NEAREST, ...set(N)],
    ...[...get(S), ...get(N), ...f64x2(LN2_HI), ...F64X2_MUL, ...F64X2_SUB],
    ...[...get(N), ...f64x2(LN2_LO), ...F64X2_MUL, ...F64X2_SUB, ...set(R)],
    ...horner,
    ...get(Q),
    ...[
      ...get(N),
      ...I32X4_TRUNC_SAT_F64X2_S_ZERO,
      ...I64X2_EXTEND_LOW_I32X4_S,
      ...EXPONENT_BIAS,
      ...I64X2_ADD,
    ],
    ...[...i32(52), ...I64X2_SHL, ...F64X2_MUL],
    ...[...get(S), ...f64x2(NEGLIGIBLE_LOG_RATIO), ...F64X2_GT, ...V128_AND],
  ];
}

function factorial(t: number): number {
  let f = 1;
  for (let i = 2; i <= t; i++) f *= i;
  return f;
}

/** Runs `body` as many times as the local `count` says, the local `counter` going from 0. */
function loop(counter: number, count: number, body: number[]): number[] {
  return [
    ...[op.i32Const, 0, ...set(counter)],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[...get(counter), ...get(count), op.i32GeS, op.brIf, 1],
    ...body,
    ...increment(counter, i32(1)),
    ...[op.br, 0, op.end, op.end],
  ];
}

/**
 * The class fits of the "unexplained" score (core/unexplained) from the L_j the posteriors left behind:
 * per class, max over its components of L_j + shift_j, two pixels per step (the JavaScript loop's sums
 * and comparisons, so the same numbers). Params (byte addresses): L planes, per component shift_j as an
 * f64x2 splat, per component the byte offset of its class's plane (i32), the fit planes, bytes per plane
 * to do, components, classes, plane stride in bytes.
 */
export const CLASS_FITS_PARAMS = 8;

export function classFitsBody(): number[] {
  const [L, SHIFTS, OFFSETS, FITS, BYTES, K, CLASS_COUNT, PLANE] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [P, JJ, LQ, SQ, OQ, FQ] = [8, 9, 10, 11, 12, 13];
  const clear = loop(JJ, CLASS_COUNT, [
    ...get(FQ),
    ...f64x2(-Infinity),
    ...STORE,
    ...increment(FQ, get(PLANE)),
  ]);
  const best = loop(JJ, K, [
    ...[...get(FITS), ...get(P), op.i32Add, ...get(OQ), ...I32_LOAD, op.i32Add, ...tee(FQ)],
    ...[...get(FQ), ...LOAD, ...get(LQ), ...LOAD, ...get(SQ), ...LOAD, ...F64X2_ADD, ...F64X2_MAX],
    ...STORE,
    ...increment(LQ, get(PLANE)),
    ...increment(SQ, i32(16)),
    ...increment(OQ, i32(4)),
  ]);
  const code = [
    ...[op.i32Const, 0, ...set(P)],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[...get(P), ...get(BYTES), op.i32GeS, op.brIf, 1],
    ...[...get(FITS), ...get(P), op.i32Add, ...set(FQ)],
    ...clear,
    ...[...get(L), ...get(P), op.i32Add, ...set(LQ), ...get(SHIFTS), ...set(SQ), ...get(OFFSETS), ...set(OQ)],
    ...best,
    ...increment(P, i32(16)),
    ...[op.br, 0, op.end, op.end],
  ];
  return functionBody([[6, I32]], code);
}

export function posteriorsBody(precision: PosteriorPrecision): number[] {
  const logDensities = loop(J, COMPONENTS, [
    ...get(LP),
    ...[...get(CA), ...LOAD, ...f64x2(0.5), ...get(LP), ...LOAD, ...F64X2_MUL, ...F64X2_SUB, ...tee(S)],
    ...STORE,
    ...[...get(MAX), ...get(S), ...F64X2_MAX, ...set(MAX)],
    ...increment(LP, get(STRIDE)),
    ...increment(CA, i32(16)),
  ]);
  const zeroClasses = loop(J, N_CLASSES, [...get(CP), ...f64x2(0), ...STORE, ...increment(CP, get(STRIDE))]);
  // A component negligible in both lanes (a quarter of the terms on bench:live's model) would add exactly
  // +0 to the sums: its exp() is skipped, the sums unchanged bit for bit.
  const bothNegligible = [
    ...[...get(S), ...f64x2(NEGLIGIBLE_LOG_RATIO), ...F64X2_GT, ...V128_ANY_TRUE, I32_EQZ],
  ];
  const sums = loop(J, COMPONENTS, [
    ...[...get(LP), ...LOAD, ...get(MAX), ...F64X2_SUB, ...set(S)],
    ...[op.block, 0x40, ...bothNegligible, op.brIf, 0],
    ...[...get(CLASSES), ...get(PX), op.i32Add, ...get(OA), ...I32_LOAD, op.i32Add, ...set(CP)],
    ...exp(TAYLOR_TERMS[precision]),
    ...tee(Q),
    ...[...get(TOTAL), ...F64X2_ADD, ...set(TOTAL)],
    ...[...get(CP), ...get(CP), ...LOAD, ...get(Q), ...F64X2_ADD, ...STORE],
    op.end,
    ...increment(LP, get(STRIDE)),
    ...increment(OA, i32(4)),
  ]);
  const normalize = loop(J, N_CLASSES, [
    ...[...get(CP), ...get(CP), ...LOAD, ...get(TOTAL), ...F64X2_DIV, ...STORE],
    ...increment(CP, get(STRIDE)),
  ]);
  const code = [
    ...[op.i32Const, 0, ...set(PX)],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[...get(PX), ...get(N_BYTES), op.i32GeS, op.brIf, 1],
    ...[
      ...f64x2(-Infinity),
      ...set(MAX),
      ...get(D),
      ...get(PX),
      op.i32Add,
      ...set(LP),
      ...get(CONSTS),
      ...set(CA),
    ],
    ...logDensities,
    ...[...get(CLASSES), ...get(PX), op.i32Add, ...set(CP)],
    ...zeroClasses,
    ...[
      ...f64x2(0),
      ...set(TOTAL),
      ...get(D),
      ...get(PX),
      op.i32Add,
      ...set(LP),
      ...get(CLASS_OFFSETS),
      ...set(OA),
    ],
    ...sums,
    ...[...get(CLASSES), ...get(PX), op.i32Add, ...set(CP)],
    ...normalize,
    ...increment(PX, i32(16)),
    ...[op.br, 0, op.end, op.end],
  ];
  return functionBody(
    [
      [6, I32],
      [6, V128],
    ],
    code,
  );
}
