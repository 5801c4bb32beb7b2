/** Mean IoU over the classes present in the truth: the reference's cross_image.py and score.py. */
export function meanIou(pred: Uint8Array, truth: Uint8Array): number {
  const classes = [...new Set(truth)];
  let sum = 0;
  for (const k of classes) {
    let inter = 0;
    let union = 0;
    for (let i = 0; i < truth.length; i++) {
      const a = pred[i] === k;
      const b = truth[i] === k;
      if (a && b) inter++;
      if (a || b) union++;
    }
    sum += inter / Math.max(1, union);
  }
  return sum / classes.length;
}

export function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
}
