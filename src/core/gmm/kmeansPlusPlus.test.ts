import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random.js';
import { kmeansPlusPlus } from './kmeansPlusPlus.js';

/**
 * k-means++ as first written: full distances, centres scanned in index order. The fitted mixtures start
 * from this partition, so the kernel's shortcuts must give it exactly, ties included.
 */
function plainKmeans(X: Float64Array, n: number, d: number, k: number, rng: SeededRandom): Int32Array {
  const distance = (i: number, centers: Float64Array, c: number) => {
    let s = 0;
    for (let f = 0; f < d; f++) s += (X[i * d + f] - centers[c * d + f]) ** 2;
    return s;
  };
  const centers = new Float64Array(k * d);
  const nearest = new Float64Array(n).fill(Infinity);
  let chosen = rng.nextInt(n);
  for (let c = 0; c < k; c++) {
    for (let f = 0; f < d; f++) centers[c * d + f] = X[chosen * d + f];
    let total = 0;
    for (let i = 0; i < n; i++) {
      nearest[i] = Math.min(nearest[i], distance(i, centers, c));
      total += nearest[i];
    }
    if (c === k - 1) break;
    let target = rng.next() * total;
    chosen = n - 1;
    for (let i = 0; i < n; i++) {
      target -= nearest[i];
      if (target < 0) {
        chosen = i;
        break;
      }
    }
  }
  const labels = new Int32Array(n);
  for (let iter = 0; iter < 10; iter++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (distance(i, centers, c) < distance(i, centers, best)) best = c;
      if (labels[i] !== best || iter === 0) changed++;
      labels[i] = best;
    }
    if (changed === 0) break;
    const sums = new Float64Array(k * d);
    const counts = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      counts[labels[i]]++;
      for (let f = 0; f < d; f++) sums[labels[i] * d + f] += X[i * d + f];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] > 0) for (let f = 0; f < d; f++) centers[c * d + f] = sums[c * d + f] / counts[c];
    }
  }
  return labels;
}

describe('kmeansPlusPlus', () => {
  it('gives the partition of full distance scans on blobs in many dimensions', () => {
    const rng = new SeededRandom(4);
    const [n, d, k] = [3000, 24, 8];
    const X = Float64Array.from({ length: n * d }, (_, t) => 3 * (Math.floor(t / d) % 5) + rng.nextNormal());
    expect(kmeansPlusPlus(X, n, d, k, new SeededRandom(9))).toEqual(
      plainKmeans(X, n, d, k, new SeededRandom(9)),
    );
  });

  it('breaks ties between equally near centres as the full scan does (lowest centre first)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rng = new SeededRandom(seed);
      const [n, d] = [20 + rng.nextInt(60), 1 + rng.nextInt(4)];
      const k = Math.min(n, 1 + rng.nextInt(6));
      // Three values per coordinate: many rows and centres coincide, many distances tie.
      const X = Float64Array.from({ length: n * d }, () => rng.nextInt(3));
      const fast = kmeansPlusPlus(X, n, d, k, new SeededRandom(seed));
      expect(fast, `seed ${seed}`).toEqual(plainKmeans(X, n, d, k, new SeededRandom(seed)));
    }
  });
});
