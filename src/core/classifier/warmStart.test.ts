/**
 * Warm starts of the live fit: after a stroke, each class's EM starts from the last fit's class mixtures
 * mapped into the new model space. The refit must be as good as a fresh one (the overlay a user sees
 * must not get worse because it was computed faster), and anything that makes the old mixtures meaningless
 * (other classes or features, a projection, another size) must start cold.
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random.js';
import type { ClassifierOptions } from './classifierOptions.js';
import { fitClassMixture } from './fitClassMixture.js';
import { predictProbabilities } from './PixelClassifier.js';
import {
  classMixtureInput,
  finishTraining,
  prepareTraining,
  type PreparedTraining,
} from './trainingSteps.js';
import {
  classMixtureInputs,
  classMixtureStarts,
  WARM_START_MAX_ITER,
  type ClassMixturesStart,
} from './warmStart.js';

const D = 6;
/** Cluster centres: class 1 has three kinds of pixel, class 2 two. */
const CENTRES: Record<number, number[][]> = {
  1: [
    [0, 0, 0, 0, 0, 0],
    [4, 1, 0, 2, 0, 1],
    [0, 5, 2, 0, 1, 0],
  ],
  2: [
    [7, 7, 3, 3, 3, 3],
    [8, 2, 5, 5, 0, 4],
  ],
};

function draw(rng: SeededRandom, cls: number, kind = rng.nextInt(CENTRES[cls].length)): number[] {
  return CENTRES[cls][kind].map((c, i) => c + (1.2 + 0.2 * i) * rng.nextNormal());
}

/** Labelled rows (`perClass` per class), unlabeled rows of the image, and held-out rows with their class. */
function paintedRows(seed: number, perClass: number) {
  const rng = new SeededRandom(seed);
  const samples: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 2 * perClass; i++) {
    const cls = 1 + (i % 2);
    samples.push(...draw(rng, cls));
    labels.push(cls);
  }
  const unlabeled: number[] = [];
  for (let i = 0; i < 1500; i++) unlabeled.push(...draw(rng, rng.next() < 0.7 ? 1 : 2));
  return {
    samples: Float32Array.from(samples),
    labels: Uint8Array.from(labels),
    unlabeled: Float32Array.from(unlabeled),
  };
}

const OPTIONS: Partial<ClassifierOptions> = { components: 3 };

function prepare(rows: ReturnType<typeof paintedRows>, options = OPTIONS): PreparedTraining {
  return prepareTraining(rows.samples, rows.labels, D, options, rows.unlabeled);
}

function fitClasses(prepared: PreparedTraining, previous?: ClassMixturesStart) {
  const mixtures = classMixtureInputs(prepared, previous).map((i) =>
    fitClassMixture(i.Z, i.classIndex, i.n, i.r, i.k, i.o, i.components, i.init),
  );
  const start: ClassMixturesStart = {
    classes: prepared.classes,
    transform: prepared.transform,
    classMixtures: mixtures,
  };
  return { mixtures, start, model: finishTraining(prepared, mixtures) };
}

/** Share of held-out rows of each class's kinds that the model gives to their class. */
function accuracy(model: ReturnType<typeof fitClasses>['model'], seed: number): number {
  const rng = new SeededRandom(seed);
  const rows: number[][] = [];
  const truth: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const cls = 1 + (i % 2);
    rows.push(draw(rng, cls));
    truth.push(cls);
  }
  const planes = Array.from({ length: D }, (_, c) => Float32Array.from(rows, (r) => r[c]));
  const p = predictProbabilities(model, planes, rows.length);
  return truth.filter((cls, i) => (p[1][i] > p[0][i] ? 2 : 1) === cls).length / truth.length;
}

describe('warm-started class fits', () => {
  it('after more strokes, fit as well as a fresh fit, in fewer EM iterations', () => {
    // The last fit saw 150 rows per class; the new labels add 30 per class and the image sample moved.
    const before = fitClasses(prepare(paintedRows(1, 150)));
    const after = prepare(paintedRows(1, 180));
    expect(after.transform.mean).not.toEqual(before.start.transform.mean);
    const cold = fitClasses(after);
    const warm = fitClasses(after, before.start);
    const iterations = (f: typeof cold) => f.mixtures.reduce((s, m) => s + m.nIter, 0);
    expect(iterations(warm)).toBeLessThan(iterations(cold) / 2);
    warm.mixtures.forEach((m, k) => {
      expect(m.nIter).toBeLessThanOrEqual(WARM_START_MAX_ITER);
      // Mean log-likelihood per labelled row, 6-D: a fresh start's local optimum is not better by more.
      expect(m.meanLogLikelihood).toBeGreaterThan(cold.mixtures[k].meanLogLikelihood - 0.05);
    });
    expect(accuracy(warm.model, 9)).toBeGreaterThan(accuracy(cold.model, 9) - 0.01);
    expect(accuracy(warm.model, 9)).toBeGreaterThan(0.97);
  });

  it('start where the last fit ended when the model space has not moved', () => {
    const prepared = prepare(paintedRows(2, 150));
    const last = fitClasses(prepared).start;
    const starts = classMixtureStarts(last, prepared);
    starts.forEach((init, k) => {
      expect(Array.from(init!.means)).toEqual(last.classMixtures[k].means.map((v) => expect.closeTo(v, 12)));
      expect(Array.from(init!.covariances)).toEqual(
        last.classMixtures[k].covariances.map((v) => expect.closeTo(v, 12)),
      );
    });
  });

  it('start cold when the classes, the features, the projection or the sizes changed', () => {
    const rows = paintedRows(3, 150);
    const last = fitClasses(prepare(rows)).start;
    const otherClasses = prepare({ ...rows, labels: rows.labels.map((v) => (v === 2 ? 3 : v)) });
    const fewerFeatures = prepareTraining(
      rows.samples.filter((_, i) => i % D !== 0),
      rows.labels,
      D - 1,
      OPTIONS,
      rows.unlabeled.filter((_, i) => i % D !== 0),
    );
    const projected = prepare(rows, { ...OPTIONS, projectionDims: 3 });
    const fewerComponents = prepare(rows, { components: 2 });
    for (const prepared of [otherClasses, fewerFeatures, projected, fewerComponents]) {
      expect(classMixtureStarts(last, prepared)).toEqual([undefined, undefined]);
      // Exactly the cold fit's input, iteration cap included.
      expect(classMixtureInputs(prepared, last)).toEqual(
        prepared.classes.map((_, k) => classMixtureInput(prepared, k)),
      );
    }
  });
});
