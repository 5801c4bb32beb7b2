/** Job 'emBlocks': one E-step over a range of row blocks of semi-supervised EM, reduced to block sums. */
import { blockStatistics, type BlockStatistics, type EmRows } from '../../../core/gmm/blockEm.js';
import { gmmParameters, type FittedGmm } from '../../../core/gmm/GaussianMixture.js';

export interface EmBlocksInput {
  /** The rows, in shared memory: every job of every step reads them without a copy. */
  readonly rows: EmRows;
  readonly mixture: FittedGmm;
  /** Blocks first … end − 1. */
  readonly first: number;
  readonly end: number;
}

export function emBlocksJob(input: EmBlocksInput): { blocks: BlockStatistics[] } {
  const params = gmmParameters(input.mixture);
  const blocks: BlockStatistics[] = [];
  for (let b = input.first; b < input.end; b++) blocks.push(blockStatistics(input.rows, b, params));
  return { blocks };
}
