/**
 * 2× reductions of a band of rows for the levels of an OME-Zarr pyramid: the mean of each 2 × 2 block for
 * intensities and probabilities (rounded for integer samples), the most frequent value for class labels
 * (a mean of classes 1 and 3 would invent class 2). Blocks cut by the image's right or bottom edge use
 * the pixels they have, so a level is ceil(w / 2) × ceil(h / 2).
 */
export type SampleArray = Uint8Array | Uint16Array | Float32Array;

export type Reduction = 'mean' | 'mode';

/** Halves `rows` rows × `width` columns of `src`; returns ceil(rows / 2) × ceil(width / 2) values. */
export function downsample2x(
  src: SampleArray,
  width: number,
  rows: number,
  reduction: Reduction,
): SampleArray {
  const outWidth = Math.ceil(width / 2);
  const outRows = Math.ceil(rows / 2);
  const out = new (src.constructor as new (n: number) => SampleArray)(outWidth * outRows);
  const isInteger = !(src instanceof Float32Array);
  const block = [0, 0, 0, 0];
  for (let oy = 0; oy < outRows; oy++) {
    const y0 = oy * 2;
    const hasBelow = y0 + 1 < rows;
    for (let ox = 0; ox < outWidth; ox++) {
      const x0 = ox * 2;
      const hasRight = x0 + 1 < width;
      let n = 0;
      block[n++] = src[y0 * width + x0];
      if (hasRight) block[n++] = src[y0 * width + x0 + 1];
      if (hasBelow) block[n++] = src[(y0 + 1) * width + x0];
      if (hasRight && hasBelow) block[n++] = src[(y0 + 1) * width + x0 + 1];
      if (reduction === 'mode') {
        out[oy * outWidth + ox] = modeOf(block, n);
      } else {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += block[i];
        out[oy * outWidth + ox] = isInteger ? Math.round(sum / n) : sum / n;
      }
    }
  }
  return out;
}

/** The most frequent of the first n values; a tie goes to the value met first (the top-left pixel). */
function modeOf(values: number[], n: number): number {
  let best = values[0];
  let bestCount = 0;
  for (let i = 0; i < n; i++) {
    let count = 0;
    for (let j = 0; j < n; j++) if (values[j] === values[i]) count++;
    if (count > bestCount) {
      best = values[i];
      bestCount = count;
    }
  }
  return best;
}
