/**
 * Semi-supervised EM for diagonal mixtures, in blocks of rows. Each EM step is one pass over the rows
 * that only sums per-block statistics (responsibility mass, Σ r·x, Σ r·x², log-likelihood), so the
 * blocks can be computed by different workers. The blocks are always summed in block order, so a step
 * gives bit-identical parameters however the blocks were shared out (fitClassifierOnPool runs them on
 * the pool, fitPixelClassifier in one thread).
 */
import { eStep, EMPTY_COMPONENT_FRACTION, LOG_RESPONSIBILITY_FLOOR, WEIGHT_EPS } from './em.js';
import { gmmParameters, toFittedGmm, type FittedGmm } from './GaussianMixture.js';
import { updatePrecision, type GmmParameters } from './gmmParameters.js';

/** Rows per block: big enough that a worker job is mostly arithmetic, small enough to split over cores. */
export const EM_BLOCK_ROWS = 4096;

/** The rows of a semi-supervised EM: labeled rows (group = class) then unlabeled ones (group −1). */
export interface EmRows {
  /** n × d, row-major (may live in shared memory). */
  readonly X: Float64Array;
  readonly n: number;
  readonly d: number;
  readonly sampleGroup: Int32Array;
  readonly sampleWeight: Float64Array;
  readonly componentGroup: Int32Array;
}

export interface BlockStatistics {
  /** K: Σ w·r per component. */
  readonly mass: Float64Array;
  /** K × d: Σ w·r·x and Σ w·r·x². */
  readonly sumX: Float64Array;
  readonly sumX2: Float64Array;
  /** Σ w·log p(x) and Σ w over the block's rows. */
  readonly logLikelihood: number;
  readonly weight: number;
  /** The worst-explained unlabeled row of the block (−1 if none), where an emptied component restarts. */
  readonly worstRow: number;
  readonly worstLogLikelihood: number;
}

export function blockCount(n: number): number {
  return Math.ceil(n / EM_BLOCK_ROWS);
}

/** E-step over one block, reduced to the sums the M-step needs. */
export function blockStatistics(rows: EmRows, block: number, params: GmmParameters): BlockStatistics {
  const { d } = rows;
  const k = params.nComponents;
  const start = block * EM_BLOCK_ROWS;
  const end = Math.min(rows.n, start + EM_BLOCK_ROWS);
  const m = end - start;
  const sampleGroup = rows.sampleGroup.subarray(start, end);
  const sampleWeight = rows.sampleWeight.subarray(start, end);
  const X = rows.X.subarray(start * d, end * d);
  const logResp = new Float64Array(m * k);
  const logNorm = new Float64Array(m);
  eStep(X, m, params, { sampleGroup, sampleWeight, componentGroup: rows.componentGroup }, logResp, logNorm);
  const mass = new Float64Array(k);
  const sumX = new Float64Array(k * d);
  const sumX2 = new Float64Array(k * d);
  let logLikelihood = 0;
  let weight = 0;
  let worstRow = -1;
  let worstLogLikelihood = Infinity;
  for (let i = 0; i < m; i++) {
    const w = sampleWeight[i];
    logLikelihood += w * logNorm[i];
    weight += w;
    if (sampleGroup[i] < 0 && logNorm[i] < worstLogLikelihood) {
      worstLogLikelihood = logNorm[i];
      worstRow = start + i;
    }
    const row = i * d;
    for (let j = 0; j < k; j++) {
      const lr = logResp[i * k + j];
      if (lr < LOG_RESPONSIBILITY_FLOOR) continue;
      const r = w * Math.exp(lr);
      mass[j] += r;
      const base = j * d;
      for (let c = 0; c < d; c++) {
        const rx = r * X[row + c];
        sumX[base + c] += rx;
        sumX2[base + c] += rx * X[row + c];
      }
    }
  }
  return { mass, sumX, sumX2, logLikelihood, weight, worstRow, worstLogLikelihood };
}

/**
 * M-step from the blocks' sums (in block order): new weights, means and variances (E[x²] − μ² +
 * regCovar). A component that emptied restarts on the worst-explained unlabeled row with unit variance
 * (the features are standardized). Returns the mean log-likelihood of the E-step and the restarts.
 */
export function applyBlockStatistics(
  params: GmmParameters,
  blocks: readonly BlockStatistics[],
  rows: EmRows,
  regCovar: number,
): { lowerBound: number; reseeded: number } {
  const { dim: d, nComponents: k, means, covariances, weights } = params;
  const mass = new Float64Array(k);
  means.fill(0);
  covariances.fill(0);
  let logLikelihood = 0;
  let weight = 0;
  let worstRow = -1;
  let worstLogLikelihood = Infinity;
  for (const b of blocks) {
    for (let j = 0; j < k; j++) mass[j] += b.mass[j];
    for (let t = 0; t < k * d; t++) {
      means[t] += b.sumX[t];
      covariances[t] += b.sumX2[t];
    }
    logLikelihood += b.logLikelihood;
    weight += b.weight;
    if (b.worstRow >= 0 && b.worstLogLikelihood < worstLogLikelihood) {
      worstLogLikelihood = b.worstLogLikelihood;
      worstRow = b.worstRow;
    }
  }
  let reseeded = 0;
  for (let j = 0; j < k; j++) {
    mass[j] += WEIGHT_EPS;
    if (mass[j] < EMPTY_COMPONENT_FRACTION * weight && worstRow >= 0) {
      for (let c = 0; c < d; c++) {
        means[j * d + c] = rows.X[worstRow * d + c];
        covariances[j * d + c] = 1 + regCovar;
      }
      mass[j] = weight / rows.n;
      reseeded++;
      continue;
    }
    for (let c = 0; c < d; c++) {
      const mean = means[j * d + c] / mass[j];
      means[j * d + c] = mean;
      covariances[j * d + c] = Math.max(0, covariances[j * d + c] / mass[j] - mean * mean) + regCovar;
    }
  }
  let massSum = 0;
  for (let j = 0; j < k; j++) massSum += mass[j];
  for (let j = 0; j < k; j++) weights[j] = mass[j] / massSum;
  for (let j = 0; j < k; j++) updatePrecision(params, j);
  return { lowerBound: logLikelihood / weight, reseeded };
}

/** Labeled rows Z (class = group) then the unlabeled rows U with total weight λ relative to the labeled. */
export function semiSupervisedRows(
  Z: Float64Array,
  classIndex: Int32Array,
  n: number,
  d: number,
  U: { Z: Float64Array; n: number },
  lambda: number,
  componentClass: readonly number[],
  allocate: (length: number) => Float64Array = (length) => new Float64Array(length),
): EmRows {
  const total = n + U.n;
  const X = allocate(total * d);
  X.set(Z.subarray(0, n * d));
  X.set(U.Z.subarray(0, U.n * d), n * d);
  const sampleGroup = new Int32Array(total).fill(-1);
  sampleGroup.set(classIndex.subarray(0, n));
  const sampleWeight = new Float64Array(total).fill(1);
  sampleWeight.fill((lambda * n) / Math.max(1, U.n), n);
  return { X, n: total, d, sampleGroup, sampleWeight, componentGroup: Int32Array.from(componentClass) };
}

/**
 * One run of block EM from `start`: whoever computes the blocks (this thread or the pool) calls step()
 * with the statistics of every block under `params`, in block order, until isDone.
 */
export class BlockEmRun {
  readonly params: GmmParameters;
  private lowerBound = -Infinity;
  private iterations = 0;
  private converged = false;

  constructor(
    readonly rows: EmRows,
    private readonly start: FittedGmm,
    private readonly settings: { readonly regCovar: number; readonly tol: number; readonly maxIter: number },
  ) {
    this.params = gmmParameters(start);
  }

  get isDone(): boolean {
    return this.converged || this.iterations >= this.settings.maxIter;
  }

  /** The parameters the next blocks are to be computed with, as a structured-cloneable mixture. */
  current(): FittedGmm {
    return toFittedGmm(this.params, this.lowerBound, this.iterations, this.converged);
  }

  /** The M-step from this iteration's blocks; converged when the log-likelihood moved by < tol. */
  step(blocks: readonly BlockStatistics[]): void {
    const step = applyBlockStatistics(this.params, blocks, this.rows, this.settings.regCovar);
    this.converged = step.reseeded === 0 && Math.abs(step.lowerBound - this.lowerBound) < this.settings.tol;
    this.lowerBound = step.lowerBound;
    this.iterations++;
  }

  /** The refined mixture (the start itself when no step ran). */
  result(): FittedGmm {
    return this.iterations === 0 ? this.start : this.current();
  }
}
