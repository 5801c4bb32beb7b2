import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random.js';
import {
  applyBlockStatistics,
  blockCount,
  blockStatistics,
  EM_BLOCK_ROWS,
  semiSupervisedRows,
} from './blockEm.js';
import { runEm } from './em.js';
import { makeGmmParameters } from './gmmParameters.js';

/** Two classes of two components each in 5-D; labeled rows then unlabeled ones, over several blocks. */
function problem() {
  const rng = new SeededRandom(21);
  const d = 5;
  const centre = (j: number) => [j * 2, -j, j % 2, 0.5 * j, 1];
  const row = (j: number) => centre(j).map((c) => c + rng.nextNormal());
  const nLabeled = 3000;
  const Z = new Float64Array(nLabeled * d);
  const classIndex = new Int32Array(nLabeled);
  for (let i = 0; i < nLabeled; i++) {
    const j = i % 4;
    classIndex[i] = j < 2 ? 0 : 1;
    Z.set(row(j), i * d);
  }
  const nU = 2 * EM_BLOCK_ROWS + 77;
  const U = { Z: new Float64Array(nU * d), n: nU };
  for (let i = 0; i < nU; i++) U.Z.set(row(rng.nextInt(4)), i * d);
  const start = () =>
    makeGmmParameters(
      'diag',
      d,
      [0.3, 0.2, 0.25, 0.25],
      [0, 1, 2, 3].flatMap((j) => centre(j).map((c) => c + 0.3)),
      new Array(4 * d).fill(1.5),
    );
  return { d, rows: semiSupervisedRows(Z, classIndex, nLabeled, d, U, 1, [0, 0, 1, 1]), start };
}

describe('block EM', () => {
  const { rows, start } = problem();

  it('gives the parameters of the plain EM loop, whatever the blocks', () => {
    const plain = start();
    runEm(rows.X, rows.n, plain, rows, { regCovar: 0.01, maxIter: 4, tol: 0 });
    const blocked = start();
    for (let iter = 0; iter < 4; iter++) {
      const blocks = Array.from({ length: blockCount(rows.n) }, (_, b) => blockStatistics(rows, b, blocked));
      applyBlockStatistics(blocked, blocks, rows, 0.01);
    }
    expect(blockCount(rows.n)).toBe(3);
    for (let t = 0; t < plain.means.length; t++) {
      expect(blocked.means[t]).toBeCloseTo(plain.means[t], 9);
      expect(blocked.covariances[t]).toBeCloseTo(plain.covariances[t], 9);
    }
    for (let j = 0; j < 4; j++) expect(blocked.weights[j]).toBeCloseTo(plain.weights[j], 12);
  });

  it('keeps a labeled row inside its class: no responsibility mass of class-0 rows reaches class 1', () => {
    const labeledOnly = { ...rows, n: 3000 };
    const stats = blockStatistics(labeledOnly, 0, start());
    // Rows 0..2999 alternate classes 0,0,1,1 in fours; block 0 holds them all (3000 < EM_BLOCK_ROWS).
    expect(stats.mass[0] + stats.mass[1]).toBeCloseTo(1500, 6);
    expect(stats.mass[2] + stats.mass[3]).toBeCloseTo(1500, 6);
    expect(stats.worstRow).toBe(-1);
  });

  it('restarts an emptied component on the worst-explained unlabeled row', () => {
    const params = start();
    const blocks = Array.from({ length: blockCount(rows.n) }, (_, b) => blockStatistics(rows, b, params));
    const worst = blocks.reduce((a, b) => (b.worstLogLikelihood < a.worstLogLikelihood ? b : a));
    const emptied = blocks.map((b) => ({
      ...b,
      mass: Float64Array.from(b.mass, (m, j) => (j === 1 ? 0 : m)),
    }));
    const step = applyBlockStatistics(params, emptied, rows, 0.01);
    expect(step.reseeded).toBe(1);
    expect(Array.from(params.means.subarray(5, 10))).toEqual(
      Array.from(rows.X.subarray(worst.worstRow * 5, worst.worstRow * 5 + 5)),
    );
    expect(Number.isFinite(step.lowerBound)).toBe(true);
  });
});
