/** The classifier's export sources, as ilastik names them: Simple Segmentation and Uncertainty. */

/** The class value (1..K, from classValues) of the most probable class per pixel. */
export function simpleSegmentation(
  probabilities: Float32Array[],
  classValues: readonly number[],
): Uint8Array {
  if (probabilities.length !== classValues.length || probabilities.length === 0) {
    throw new RangeError(`${probabilities.length} probability planes for ${classValues.length} classes`);
  }
  const n = probabilities[0].length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestP = probabilities[0][i];
    for (let k = 1; k < probabilities.length; k++) {
      if (probabilities[k][i] > bestP) {
        bestP = probabilities[k][i];
        best = k;
      }
    }
    out[i] = classValues[best];
  }
  return out;
}

/** 1 − (p_first − p_second): 0 where the classifier is sure, 1 where the two best classes tie. */
export function uncertainty(probabilities: Float32Array[]): Float32Array {
  const n = probabilities[0]?.length ?? 0;
  const out = new Float32Array(n);
  if (probabilities.length < 2) return out;
  for (let i = 0; i < n; i++) {
    let first = -Infinity;
    let second = -Infinity;
    for (const plane of probabilities) {
      const p = plane[i];
      if (p > first) {
        second = first;
        first = p;
      } else if (p > second) second = p;
    }
    out[i] = 1 - (first - second);
  }
  return out;
}
