/**
 * The diagonal-covariance log densities of prediction (classifier/predictProbabilities.ts) in WebAssembly SIMD:
 * this Mahalanobis sum is most of prediction's time, and JavaScript has no SIMD. Assembled at start-up by
 * the feature bank's tiny assembler (no build step, no dependency); where WebAssembly SIMD is missing,
 * `simdDiagonalKernel()` returns null and the JavaScript kernel runs instead. Prediction then turns the
 * densities into class probabilities in the same module (simdPosteriors.ts): 0.25 against 1.0 µs per pixel
 * and thread for the JavaScript loops (49 features, 10 components, `npm run bench:predict`).
 *
 * Form: per component j and pixel, D_j = Σ_q ((z_q − μ_jq) · p_jq)², subtract then multiply then square
 * (with a tail bound, each term first capped: min(((z_q − μ_jq) · p_jq)², b_jq), one more instruction),
 * so each term is computed from small, centred numbers (an expanded square A z² + B z + C would cancel in
 * narrow lanes). z = w·x + o is computed here too, in float64 from the float32 planes copied into the
 * module's memory (the JavaScript kernel's formula), and everything runs in float64 lanes (f64x2, two pixels
 * per instruction): measured with float32 lanes, the probabilities moved by 7·10⁻⁶ on the benchmark's model
 * and by more than 10⁻⁵ on the test's narrow components, for only ~25% more speed.
 */
import {
  I32,
  V128,
  functionBody,
  get,
  op,
  set,
  signedLeb,
  simd,
  unsignedLeb,
  assembleModule,
  growMemoryTo,
  instantiateModule,
  type WasmMemory,
} from '../features/wasmAssembler.js';
import type { GmmParameters } from './gmmTypes.js';
import {
  CLASS_FITS_PARAMS,
  POSTERIORS_PARAMS,
  classFitsBody,
  posteriorsBody,
  type PosteriorPrecision,
} from './simdPosteriors.js';

/** Lanes per v128 for float64 values, and the vectors processed per step (independent add chains). */
const LANES = 2;
const VECTORS = 4;
const ELEMENT_BYTES = 8;
const STEP_PIXELS = LANES * VECTORS;
/**
 * The planes are laid out one after another with this stride (in elements): not a power of two, so the
 * 49 loads of one pixel step fall into different cache sets instead of evicting each other.
 */
const planeStride = (chunk: number): number => Math.ceil(chunk / STEP_PIXELS) * STEP_PIXELS + 2 * STEP_PIXELS;

const load = (offset: number): number[] => [...simd(0x00), 3, ...unsignedLeb(offset)];
const store = (offset: number): number[] => [...simd(0x0b), 3, ...unsignedLeb(offset)];
const LOAD_TWO_F32 = [...simd(0x5d), 3];
const F64X2_PROMOTE_LOW_F32X4 = simd(0x5f);
const F64X2_ADD = simd(0xf0);
const F64X2_SUB = simd(0xf1);
const F64X2_MUL = simd(0xf2);
// pmin (b < a ? b : a), one x86 minpd; min proper costs several instructions to order NaNs and zeros.
const F64X2_PMIN = simd(0xf6);
const ZERO = [...simd(0x0c), ...new Array<number>(16).fill(0)];

// Params (byte addresses except counts): z planes, coefficients (per component and feature: μ splat, p
// splat), output planes, bytes of pixels to do, features, components, plane stride in bytes.
const [Z, COEF, OUT, N_BYTES, DIMS, COMPONENTS, STRIDE] = [0, 1, 2, 3, 4, 5, 6];
const PARAMS = 7;
// i32 locals
const [PX, J, C, ZP, CP, OP] = [7, 8, 9, 10, 11, 12];
// v128 locals
const [MU, P, Y] = [13, 14, 15];
const ACC = 16;
const BOUND = ACC + VECTORS;
/** Coefficient splats per component and feature: μ and p, and with a tail bound the term's cap. */
const coefficientSplats = (bounded: boolean): number => (bounded ? 3 : 2);

/** The squared distances D_j; `bounded`: each feature's term capped by its splat (tail bound). */
function kernelBody(bounded: boolean): number[] {
  const accumulate: number[] = [];
  const cap = bounded ? [...get(BOUND), ...F64X2_PMIN] : [];
  for (let v = 0; v < VECTORS; v++) {
    accumulate.push(
      ...[...get(ZP), ...load(v * 16), ...get(MU), ...F64X2_SUB, ...get(P), ...F64X2_MUL, ...set(Y)],
      ...[...get(ACC + v), ...get(Y), ...get(Y), ...F64X2_MUL, ...cap, ...F64X2_ADD, ...set(ACC + v)],
    );
  }
  const splats = coefficientSplats(bounded);
  const loadBound = bounded ? [...get(CP), ...load(32), ...set(BOUND)] : [];
  const zeroAccumulators = Array.from({ length: VECTORS }, (_, v) => [...ZERO, ...set(ACC + v)]).flat();
  const storeAccumulators = Array.from({ length: VECTORS }, (_, v) => [
    ...get(OP),
    ...get(ACC + v),
    ...store(v * 16),
  ]).flat();
  const code = [
    ...[op.i32Const, 0, ...set(PX)],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[...get(PX), ...get(N_BYTES), op.i32GeS, op.brIf, 1],
    ...[op.i32Const, 0, ...set(J), ...get(COEF), ...set(CP), ...get(OUT), ...get(PX), op.i32Add, ...set(OP)],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[...get(J), ...get(COMPONENTS), op.i32GeS, op.brIf, 1],
    ...zeroAccumulators,
    ...[...get(Z), ...get(PX), op.i32Add, ...set(ZP), op.i32Const, 0, ...set(C)],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[...get(C), ...get(DIMS), op.i32GeS, op.brIf, 1],
    ...[...get(CP), ...load(0), ...set(MU), ...get(CP), ...load(16), ...set(P), ...loadBound],
    ...accumulate,
    ...[...get(ZP), ...get(STRIDE), op.i32Add, ...set(ZP)],
    ...[...get(CP), op.i32Const, ...signedLeb(splats * 16), op.i32Add, ...set(CP)],
    ...[...get(C), op.i32Const, 1, op.i32Add, ...set(C)],
    ...[op.br, 0, op.end, op.end],
    ...storeAccumulators,
    ...[...get(OP), ...get(STRIDE), op.i32Add, ...set(OP)],
    ...[...get(J), op.i32Const, 1, op.i32Add, ...set(J)],
    ...[op.br, 0, op.end, op.end],
    ...[...get(PX), op.i32Const, ...signedLeb(STEP_PIXELS * ELEMENT_BYTES), op.i32Add, ...set(PX)],
    ...[op.br, 0, op.end, op.end],
  ];
  return functionBody(
    [
      [6, I32],
      [3 + VECTORS + (bounded ? 1 : 0), V128],
    ],
    code,
  );
}

/**
 * z = w·x + o in float64 (as the JavaScript kernel computes it), from the raw float32 planes the caller
 * copied in, four pixels per step. Params: x planes, z planes, per feature (w splat, o splat), bytes of z
 * to write per plane, features, x and z plane strides in bytes.
 */
const STANDARDIZE_PARAMS = 7;
function standardizeBody(): number[] {
  const [X, ZS, WO, Z_BYTES, N_DIMS, X_STRIDE, Z_STRIDE] = [0, 1, 2, 3, 4, 5, 6];
  const [CC, XR, ZR, XQ, ZQ, END] = [7, 8, 9, 10, 11, 12];
  const [W, O] = [13, 14];
  const half = (offset: number): number[] => [
    ...get(ZQ),
    ...[...get(XQ), ...LOAD_TWO_F32, ...unsignedLeb(offset), ...F64X2_PROMOTE_LOW_F32X4],
    ...[...get(W), ...F64X2_MUL, ...get(O), ...F64X2_ADD],
    ...store(offset * 2),
  ];
  const code = [
    ...[op.i32Const, 0, ...set(CC), ...get(X), ...set(XR), ...get(ZS), ...set(ZR)],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[...get(CC), ...get(N_DIMS), op.i32GeS, op.brIf, 1],
    ...[...get(WO), ...load(0), ...set(W), ...get(WO), ...load(16), ...set(O)],
    ...[...get(XR), ...set(XQ), ...get(ZR), ...set(ZQ), ...get(ZR), ...get(Z_BYTES), op.i32Add, ...set(END)],
    ...[op.block, 0x40, op.loop, 0x40],
    ...[...get(ZQ), ...get(END), op.i32GeS, op.brIf, 1],
    ...half(0),
    ...half(8),
    ...[...get(XQ), op.i32Const, 16, op.i32Add, ...set(XQ)],
    ...[...get(ZQ), op.i32Const, 32, op.i32Add, ...set(ZQ)],
    ...[op.br, 0, op.end, op.end],
    ...[...get(XR), ...get(X_STRIDE), op.i32Add, ...set(XR)],
    ...[...get(ZR), ...get(Z_STRIDE), op.i32Add, ...set(ZR)],
    ...[...get(WO), op.i32Const, 32, op.i32Add, ...set(WO)],
    ...[...get(CC), op.i32Const, 1, op.i32Add, ...set(CC)],
    ...[op.br, 0, op.end, op.end],
  ];
  return functionBody(
    [
      [6, I32],
      [2, V128],
    ],
    code,
  );
}

function moduleBytes(): Uint8Array {
  return assembleModule([
    { name: 'squaredDistances', params: PARAMS, body: kernelBody(false) },
    { name: 'boundedSquaredDistances', params: PARAMS, body: kernelBody(true) },
    { name: 'standardize', params: STANDARDIZE_PARAMS, body: standardizeBody() },
    { name: 'posteriors', params: POSTERIORS_PARAMS, body: posteriorsBody('exact') },
    { name: 'displayPosteriors', params: POSTERIORS_PARAMS, body: posteriorsBody('display') },
    { name: 'classFits', params: CLASS_FITS_PARAMS, body: classFitsBody() },
  ]);
}

type KernelFn = (...args: number[]) => void;

/** Evaluates m pixels from `start` of the planes into planes of `out` (plane t at out[t·outStride]). */
export type ChunkEvaluator = (
  featurePlanes: Float32Array[],
  start: number,
  m: number,
  out: Float64Array,
  outStride: number,
) => void;

/**
 * Per class, max over its components of (log wⱼ + log N(z; μⱼ, Σⱼ)) + shift[j]: the class fits of the
 * "unexplained" score, computed beside the posteriors instead of from copied-out log densities.
 */
export interface ClassFitsRequest {
  /** One shift per component. */
  readonly shift: ArrayLike<number>;
  /** Receives one plane per class (plane c at out[c·outStride]). */
  readonly out: Float64Array;
}

export interface DiagonalEvaluator {
  /** log wⱼ + log N(z; μⱼ, Σⱼ), one plane per component. */
  readonly logDensities: ChunkEvaluator;
  /**
   * p(class | x), one plane per class (predictProbabilities' posteriors, in SIMD too: simdPosteriors.ts).
   * `logDensityOut` (optional) also receives log wⱼ + log N(z; μⱼ, Σⱼ), one plane per component, which the
   * posteriors leave behind at no cost (the "unexplained" score reads them).
   */
  readonly classProbabilities: (
    featurePlanes: Float32Array[],
    start: number,
    m: number,
    out: Float64Array,
    outStride: number,
    logDensityOut?: Float64Array,
    classFitsOut?: ClassFitsRequest,
  ) => void;
}

/**
 * A diagonal mixture evaluated behind an affine map of the raw features, z = weights·x + offset, its
 * components grouped into classes (the prepared pixel classifier is one; this module does not know it).
 */
export interface StandardizedDiagonalMixture {
  readonly nClasses: number;
  readonly featureCount: number;
  /** Model-space dimension r (the kernel evaluates only r = featureCount with a diagonal map). */
  readonly dims: number;
  /** r × d, row-major. */
  readonly weights: Float64Array;
  readonly offset: Float64Array;
  readonly isDiagonal: boolean;
  readonly params: GmmParameters;
  /** For each component, its class (0..nClasses − 1). */
  readonly componentClass: Int32Array;
  /** Per component and model dimension (K × r), the cap on the term ((z − μ) p)² (a tail bound); null: none. */
  readonly termBound?: Float64Array | null;
}

export interface SimdDiagonalKernel {
  /**
   * An evaluator for this model and chunks of up to `chunk` pixels (null: memory cannot grow), its class
   * probabilities at `precision` (log densities and class fits are the same at either).
   */
  forModel(
    p: StandardizedDiagonalMixture,
    chunk: number,
    precision?: PosteriorPrecision,
  ): DiagonalEvaluator | null;
  /**
   * EM's E-step loop on float64 rows: out[i·K + j] = Σ_c ((X[i·d + c] − μ_jc) · p_jc)² for the n rows of X,
   * with the JavaScript loop's arithmetic in the same order, so the sums are bit for bit the same. False
   * (nothing written) when the memory cannot grow.
   */
  rowSquaredDistances(params: GmmParameters, X: ArrayLike<number>, n: number, out: Float64Array): boolean;
}

/** Rows per call of the kernel in rowSquaredDistances: its planes stay in cache. */
const ROW_CHUNK = 1024;

let kernel: SimdDiagonalKernel | null | undefined;

/** The SIMD diagonal kernel of this thread, or null where WebAssembly SIMD is unavailable. */
export function simdDiagonalKernel(): SimdDiagonalKernel | null {
  if (kernel !== undefined) return kernel;
  kernel = null;
  const wasm = instantiateModule(moduleBytes());
  if (!wasm) return null;
  const { squaredDistances, boundedSquaredDistances, standardize, classFits } = wasm.functions;
  const distanceKernels = { plain: squaredDistances, bounded: boundedSquaredDistances };
  const posteriors = { exact: wasm.functions.posteriors, display: wasm.functions.displayPosteriors };
  kernel = makeKernel(wasm.memory, distanceKernels, standardize, posteriors, classFits);
  return kernel;
}

function makeKernel(
  memory: WasmMemory,
  distanceKernels: { readonly plain: KernelFn; readonly bounded: KernelFn },
  standardize: KernelFn,
  posteriorKernels: Record<PosteriorPrecision, KernelFn>,
  classFits: KernelFn,
): SimdDiagonalKernel {
  const reserve = (bytes: number): boolean => growMemoryTo(memory, bytes);
  return {
    forModel(p, chunk, precision = 'exact') {
      const { dims: r, featureCount: d, weights, offset, params } = p;
      const posteriors = posteriorKernels[precision];
      const k = params.nComponents;
      if (!p.isDiagonal || params.covariance !== 'diag' || r !== d) return null;
      const bound = p.termBound ?? null;
      const splats = coefficientSplats(bound !== null);
      const squaredDistances = bound ? distanceKernels.bounded : distanceKernels.plain;
      // Byte layout: kernel coefficients, standardization coefficients, float32 x planes, z planes, output.
      const stride = planeStride(chunk);
      const woStart = k * r * splats * 16;
      const xStart = woStart + r * 2 * 16;
      const xStride = stride * 4;
      const zStart = xStart + r * xStride;
      const zStride = stride * ELEMENT_BYTES;
      const outStart = zStart + r * zStride;
      const constStart = outStart + k * zStride;
      const classOffsetStart = constStart + k * 16;
      const classStart = classOffsetStart + Math.ceil(k / 4) * 16;
      const nClasses = p.nClasses;
      const shiftStart = classStart + nClasses * zStride;
      const fitStart = shiftStart + k * 16;
      if (!reserve(fitStart + nClasses * zStride)) return null;
      // Without the squared-distance term, which the kernel supplies: log wⱼ − ½ d log 2π + ½ log det Σⱼ⁻¹.
      const constant = new Float64Array(k);
      for (let j = 0; j < k; j++) {
        constant[j] =
          Math.log(params.weights[j]) - 0.5 * r * Math.log(2 * Math.PI) + params.halfLogDetPrecision[j];
      }
      /** Writes the squared distances D_j (planes at outStart); returns the pixels done (m rounded up). */
      const distances = (featurePlanes: Float32Array[], start: number, m: number): number => {
        // The memory may have grown (another model's call) since this evaluator was made: view it anew.
        const heap = new Float64Array(memory.buffer);
        const heap32 = new Float32Array(memory.buffer);
        for (let t = 0; t < k * r; t++) {
          for (let l = 0; l < LANES; l++) {
            heap[t * splats * LANES + l] = params.means[t];
            heap[t * splats * LANES + LANES + l] = params.precisionCholesky[t];
            if (bound) heap[t * splats * LANES + 2 * LANES + l] = bound[t];
          }
        }
        for (let c = 0; c < r; c++) {
          for (let l = 0; l < LANES; l++) {
            heap[woStart / ELEMENT_BYTES + c * 2 * LANES + l] = weights[c * d + c];
            heap[woStart / ELEMENT_BYTES + c * 2 * LANES + LANES + l] = offset[c];
          }
          heap32.set(featurePlanes[c].subarray(start, start + m), (xStart + c * xStride) / 4);
        }
        // Lanes past m (up to the step) compute from stale values: finite or not, their results are dropped.
        const padded = Math.ceil(m / STEP_PIXELS) * STEP_PIXELS;
        standardize(xStart, zStart, woStart, padded * ELEMENT_BYTES, r, xStride, zStride);
        squaredDistances(zStart, 0, outStart, padded * ELEMENT_BYTES, r, k, zStride);
        return padded;
      };
      const copyOut = (
        first: number,
        planes: number,
        m: number,
        out: Float64Array,
        outStride: number,
      ): void => {
        const heap = new Float64Array(memory.buffer);
        for (let t = 0; t < planes; t++) {
          const src = (first + t * zStride) / ELEMENT_BYTES;
          out.set(heap.subarray(src, src + m), t * outStride);
        }
      };
      return {
        logDensities(featurePlanes, start, m, out, outStride) {
          distances(featurePlanes, start, m);
          const heap = new Float64Array(memory.buffer);
          for (let j = 0; j < k; j++) {
            const src = (outStart + j * zStride) / ELEMENT_BYTES;
            const dst = j * outStride;
            const cj = constant[j];
            for (let i = 0; i < m; i++) out[dst + i] = cj - 0.5 * heap[src + i];
          }
        },
        classProbabilities(featurePlanes, start, m, out, outStride, logDensityOut, classFitsOut) {
          const padded = distances(featurePlanes, start, m);
          const heap = new Float64Array(memory.buffer);
          const classOffsets = new Int32Array(memory.buffer, classOffsetStart, k);
          for (let j = 0; j < k; j++) {
            heap[constStart / ELEMENT_BYTES + 2 * j] = constant[j];
            heap[constStart / ELEMENT_BYTES + 2 * j + 1] = constant[j];
            classOffsets[j] = p.componentClass[j] * zStride;
          }
          posteriors(
            outStart,
            constStart,
            classOffsetStart,
            classStart,
            padded * ELEMENT_BYTES,
            k,
            nClasses,
            zStride,
          );
          copyOut(classStart, nClasses, m, out, outStride);
          // The posteriors kernel overwrote the squared distances with the log densities L_j.
          if (logDensityOut) copyOut(outStart, k, m, logDensityOut, outStride);
          if (classFitsOut) {
            const shifts = new Float64Array(memory.buffer, shiftStart, 2 * k);
            for (let j = 0; j < k; j++) shifts[2 * j] = shifts[2 * j + 1] = classFitsOut.shift[j];
            const args = [outStart, shiftStart, classOffsetStart, fitStart, padded * ELEMENT_BYTES];
            classFits(...args, k, nClasses, zStride);
            copyOut(fitStart, nClasses, m, classFitsOut.out, outStride);
          }
        },
      };
    },
    rowSquaredDistances(params, X, n, out) {
      const { dim: r, nComponents: k } = params;
      const stride = planeStride(ROW_CHUNK);
      const zStart = k * r * 2 * 16;
      const zStride = stride * ELEMENT_BYTES;
      const outStart = zStart + r * zStride;
      if (!reserve(outStart + k * zStride)) return false;
      const heap = new Float64Array(memory.buffer);
      for (let t = 0; t < k * r; t++) {
        for (let l = 0; l < LANES; l++) {
          heap[t * 2 * LANES + l] = params.means[t];
          heap[t * 2 * LANES + LANES + l] = params.precisionCholesky[t];
        }
      }
      const zBase = zStart / ELEMENT_BYTES;
      const outBase = outStart / ELEMENT_BYTES;
      for (let start = 0; start < n; start += ROW_CHUNK) {
        const m = Math.min(ROW_CHUNK, n - start);
        for (let i = 0; i < m; i++) {
          const row = (start + i) * r;
          for (let q = 0; q < r; q++) heap[zBase + q * stride + i] = X[row + q];
        }
        // Lanes past m (up to the step) compute from stale values: finite or not, their results are dropped.
        const padded = Math.ceil(m / STEP_PIXELS) * STEP_PIXELS;
        distanceKernels.plain(zStart, 0, outStart, padded * ELEMENT_BYTES, r, k, zStride);
        for (let j = 0; j < k; j++) {
          const src = outBase + j * stride;
          for (let i = 0; i < m; i++) out[(start + i) * k + j] = heap[src + i];
        }
      }
      return true;
    },
  };
}
