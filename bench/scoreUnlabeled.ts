/**
 * Scores a segmentation on the pixels left unlabeled by the scribbles, as /work/shared/bench/score.py
 * --exclude-labels does: mean IoU over the classes present in the truth, and foreground F1 (class ≠ 1).
 */
export function scoreUnlabeled(
  pred: Uint8Array,
  gt: Uint8Array,
  scribbles: Uint8Array,
): { miou: number; f1: number } {
  const classes = [...new Set(gt)].sort();
  let tp = 0;
  let predFg = 0;
  let gtFg = 0;
  const inter = new Map<number, number>();
  const union = new Map<number, number>();
  for (let i = 0; i < gt.length; i++) {
    if (scribbles[i] !== 0) continue;
    const p = pred[i];
    const g = gt[i];
    for (const k of classes) {
      if (p === k && g === k) inter.set(k, (inter.get(k) ?? 0) + 1);
      if (p === k || g === k) union.set(k, (union.get(k) ?? 0) + 1);
    }
    if (p !== 1) predFg++;
    if (g !== 1) gtFg++;
    if (p !== 1 && g !== 1) tp++;
  }
  const ious = classes.map((k) => (inter.get(k) ?? 0) / Math.max(1, union.get(k) ?? 0));
  return { miou: ious.reduce((a, b) => a + b, 0) / ious.length, f1: (2 * tp) / Math.max(1, predFg + gtFg) };
}
