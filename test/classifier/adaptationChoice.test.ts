/**
 * What 'auto' chooses from the candidates' held-out reports, on reports measured with `npm run
 * bench:transfer` (gains in nats per pixel, shares as [first class, second class]): on a small drift
 * the plain moment match stands in for the class-aware one, even where that one gains a little more; a
 * plain drift takes the better of the two; and the plain match never adapts on its own at a small gain.
 */
import { describe, expect, it } from 'vitest';
import { autoChoice, type CandidateReport } from '../../src/core/classifier/adaptation/adaptClassifier.js';

function reports(plain: [number, number[]], classAware: [number, number[]]): CandidateReport[] {
  return [
    { method: 'standardize', gain: plain[0], shares: plain[1], refused: null },
    { method: 'moments', gain: classAware[0], shares: classAware[1], refused: null },
  ];
}

describe("auto's choice between the moment matches", () => {
  it('applies the plain match on a small drift even where the class-aware one gains more', () => {
    // ISBI slice 10 as is: the class-aware match gains 0.005 nats more, calls membrane on 21.1 % of the
    // pixels (truth 23.5 %, plain match 25.7 %) and segments worse: mean IoU 0.639 against 0.649.
    const choice = autoChoice(reports([0.053, [0.257, 0.743]], [0.058, [0.211, 0.789]]), [0.254, 0.746]);
    expect(choice?.method).toBe('standardize');
  });

  it('on a drift the likelihood sees plainly, takes the match that explains the image better', () => {
    // GOWT1 t72 of drift seed 2: class-aware 0.846 mean IoU, plain 0.832.
    const choice = autoChoice(reports([2.428, [0.909, 0.091]], [2.468, [0.9, 0.1]]), [0.915, 0.085]);
    expect(choice?.method).toBe('moments');
  });

  it('falls back on the class-aware match where the plain one would grow a class past its cap', () => {
    // ISBI slice 22 of drift seed 1: the plain match grows membrane 18.3 → 25.2 % (1.38×) at a small gain.
    const choice = autoChoice(reports([0.099, [0.252, 0.748]], [0.102, [0.213, 0.787]]), [0.183, 0.817]);
    expect(choice?.method).toBe('moments');
  });

  it('takes the class-aware match where the plain one explains the image worse than unadapted', () => {
    // The synthetic nuclei at 1.15 × exposure − 30 (adaptation.test.ts): off 0.815, class-aware 0.858.
    const choice = autoChoice(reports([-0.037, [0.817, 0.183]], [0.146, [0.802, 0.198]]), [0.783, 0.217]);
    expect(choice?.method).toBe('moments');
  });

  it('does not adapt by the plain match alone at a small gain, where the class-aware one was refused', () => {
    // HeLa t79 of drift seed 3 (21 % nuclei, the training image 3.6 %): the class-aware match would
    // cover a third of the image with nuclei; the plain one at 0.229 nats scores 0.761, unadapted 0.803.
    const refusedClassAware = reports([0.229, [0.816, 0.184]], [-0.718, [0.666, 0.334]]);
    refusedClassAware[1] = { ...refusedClassAware[1], refused: 'class 2 would cover 33.4 % of the image' };
    expect(autoChoice(refusedClassAware, [0.789, 0.211])).toBe(undefined);
  });

  it('adapts nothing when no candidate meets its rule, or the guards refused it', () => {
    expect(autoChoice(reports([0.004, [0.25, 0.75]], [0.017, [0.22, 0.78]]), [0.231, 0.769])).toBe(undefined);
    const refused = reports([0.5, [0.25, 0.75]], [0.6, [0.2, 0.8]]).map((r) => ({
      ...r,
      refused: 'a class would vanish',
    }));
    expect(autoChoice(refused, [0.231, 0.769])).toBe(undefined);
  });
});
