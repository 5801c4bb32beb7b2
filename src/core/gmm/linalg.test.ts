import { describe, expect, it } from 'vitest';
import {
  choleskyLower,
  invertLowerTriangular,
  logDetFromCholesky,
  logSumExp,
  symmetricEigen,
} from './linalg.js';

const spd3 = Float64Array.from([4, 2, 0.6, 2, 5, 1.5, 0.6, 1.5, 3]);

describe('logSumExp', () => {
  it('matches the direct sum and survives huge and −∞ inputs', () => {
    expect(logSumExp([Math.log(1), Math.log(2), Math.log(3)])).toBeCloseTo(Math.log(6), 12);
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.log(2), 9);
    expect(logSumExp([-1000, -Infinity])).toBe(-1000);
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
  });
  it('reads a strided column', () => {
    const m = [0, 9, 0, 9, 0, 9];
    expect(logSumExp(m, 1, 3, 2)).toBeCloseTo(9 + Math.log(3), 12);
  });
});

describe('choleskyLower', () => {
  it('reconstructs A = L Lᵀ', () => {
    const l = choleskyLower(spd3, 3)!;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += l[i * 3 + k] * l[j * 3 + k];
        expect(s).toBeCloseTo(spd3[i * 3 + j], 12);
      }
    }
    expect(l[1]).toBe(0);
  });
  it('returns null for a matrix that is not positive definite', () => {
    expect(choleskyLower(Float64Array.from([1, 2, 2, 1]), 2)).toBeNull();
    expect(choleskyLower(Float64Array.from([NaN, 0, 0, 1]), 2)).toBeNull();
  });
});

describe('logDetFromCholesky', () => {
  it('equals log det A', () => {
    const det = 4 * (5 * 3 - 1.5 * 1.5) - 2 * (2 * 3 - 1.5 * 0.6) + 0.6 * (2 * 1.5 - 5 * 0.6);
    expect(logDetFromCholesky(choleskyLower(spd3, 3)!, 3)).toBeCloseTo(Math.log(det), 12);
  });
});

describe('invertLowerTriangular', () => {
  it('gives L⁻¹ with L L⁻¹ = I', () => {
    const l = choleskyLower(spd3, 3)!;
    const inv = invertLowerTriangular(l, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += l[i * 3 + k] * inv[k * 3 + j];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });
});

describe('symmetricEigen', () => {
  it('finds A v = λ v with eigenvalues in descending order', () => {
    const { values, vectors } = symmetricEigen(spd3, 3);
    expect(values[0]).toBeGreaterThanOrEqual(values[1]);
    expect(values[1]).toBeGreaterThanOrEqual(values[2]);
    for (let k = 0; k < 3; k++) {
      for (let i = 0; i < 3; i++) {
        let av = 0;
        for (let j = 0; j < 3; j++) av += spd3[i * 3 + j] * vectors[k * 3 + j];
        expect(av).toBeCloseTo(values[k] * vectors[k * 3 + i], 10);
      }
    }
    expect(values[0] + values[1] + values[2]).toBeCloseTo(12, 10);
  });
});
