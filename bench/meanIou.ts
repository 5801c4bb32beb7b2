/** Mean intersection over union of the classes present in the truth: the reference's score.py and cross_image.py. */
export function meanIou(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  const classes = [...new Set(Array.from(truth))];
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
