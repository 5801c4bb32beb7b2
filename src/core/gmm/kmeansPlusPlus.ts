/**
 * k-means++ seeding followed by a few Lloyd iterations: the starting partition for EM (scikit-learn's
 * init_params='kmeans'). Seeded, so a given seed always gives the same start.
 */
import type { SeededRandom } from '../random.js';

/** Lloyd iterations after seeding: EM refines the partition anyway, so a rough one is enough. */
const LLOYD_ITERATIONS = 10;

/** Returns a cluster index per row of X (n × d), with k clusters (k ≤ n). */
export function kmeansPlusPlus(
  X: ArrayLike<number>,
  n: number,
  d: number,
  k: number,
  rng: SeededRandom,
): Int32Array {
  const centers = new Float64Array(k * d);
  const nearest = new Float64Array(n).fill(Infinity);
  let chosen = rng.nextInt(n);
  for (let c = 0; c < k; c++) {
    for (let f = 0; f < d; f++) centers[c * d + f] = X[chosen * d + f];
    let total = 0;
    for (let i = 0; i < n; i++) {
      const dist = squaredDistanceBelow(X, i, centers, c, d, nearest[i]);
      if (dist < nearest[i]) nearest[i] = dist;
      total += nearest[i];
    }
    if (c === k - 1) break;
    // D² sampling: a point is picked with probability proportional to its squared distance to the nearest centre.
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
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let iter = 0; iter < LLOYD_ITERATIONS; iter++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      // The row's last centre first: its distance bounds the others', most of which then stop early.
      // Ties still go to the lowest centre index, as a scan in index order from Infinity gives them.
      let best = 0;
      let bestDist = Infinity;
      let first = -1;
      if (iter > 0) {
        const dist = squaredDistanceBelow(X, i, centers, labels[i], d, Infinity);
        // Not finite (overflow, NaN): the plain scan below decides, as it always did.
        if (dist < Infinity) {
          first = best = labels[i];
          bestDist = dist;
        }
      }
      for (let c = 0; c < k; c++) {
        if (c === first) continue;
        const dist = squaredDistanceBelow(X, i, centers, c, d, bestDist);
        if (dist < bestDist || (dist === bestDist && c < best)) {
          bestDist = dist;
          best = c;
        }
      }
      if (labels[i] !== best || iter === 0) changed++;
      labels[i] = best;
    }
    if (changed === 0) break;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = labels[i];
      counts[c]++;
      for (let f = 0; f < d; f++) sums[c * d + f] += X[i * d + f];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue; // an empty cluster keeps its centre; EM re-seeds empty components
      for (let f = 0; f < d; f++) centers[c * d + f] = sums[c * d + f] / counts[c];
    }
  }
  return labels;
}

/**
 * The squared distance from row i to centre c, or, as soon as the running sum exceeds `bound`, that
 * partial sum: a number above `bound` all the same, since adding non-negative terms never lowers a
 * floating-point sum. A comparison with `bound` therefore decides as the full sum would, and a full sum
 * is the same number as without the bound (same terms, same order).
 */
function squaredDistanceBelow(
  X: ArrayLike<number>,
  i: number,
  centers: Float64Array,
  c: number,
  d: number,
  bound: number,
): number {
  let s = 0;
  for (let f = 0; f < d; f++) {
    const t = X[i * d + f] - centers[c * d + f];
    s += t * t;
    if (s > bound) return s;
  }
  return s;
}
