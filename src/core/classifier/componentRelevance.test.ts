/**
 * Relevance from the class mixtures' components: a class whose scribbles hold dim and bright objects is
 * told from the background by intensity, although its class mean lies between the two kinds. (What it
 * buys on real images — GOWT1's dim and bright nuclei 0.687 → 0.724 mean IoU — is measured by
 * `npm run bench:accuracy`.)
 */
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random.js';
import type { ClassifierOptions, RelevanceOptions } from './classifierOptions.js';
import { fitPixelClassifier, type FittedClassifier } from './PixelClassifier.js';

const NOISE_FEATURES = 6;
const d = 2 + NOISE_FEATURES;

/**
 * Feature 0 is the intensity: background 5, dim objects 7.5, bright objects 15 (unit spread). Feature 1
 * separates objects of both kinds from the background a little (1.2 apart); the rest is noise. Objects
 * are dim and bright in equal numbers.
 */
function dimAndBright(seed: number, n: number) {
  const rng = new SeededRandom(seed);
  const rows = new Float32Array(n * d);
  const truth = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const isObject = rng.next() < 0.3;
    const isDim = isObject && rng.next() < 0.5;
    truth[i] = isObject ? 2 : 1;
    rows[i * d] = (isObject ? (isDim ? 7.5 : 15) : 5) + rng.nextNormal();
    rows[i * d + 1] = (isObject ? 6.2 : 5) + rng.nextNormal();
    for (let q = 2; q < d; q++) rows[i * d + q] = rng.nextNormal();
  }
  return { rows, truth };
}

function modelWith(weighting: RelevanceOptions['weighting']): FittedClassifier {
  const scribbles = dimAndBright(1, 600);
  const options: Partial<ClassifierOptions> = {
    components: 4,
    priors: 'counts',
    semiSupervised: { enabled: false, lambda: 1, sampleCount: 0 },
    relevance: { weighting, exponent: 1, total: 2 },
  };
  return fitPixelClassifier(scribbles.rows, scribbles.truth, d, options, dimAndBright(2, 4000).rows);
}

describe('relevance from the class components', () => {
  const components = modelWith('components');
  const fisher = modelWith('fisher');

  it('gives the intensity most of the weight where the class means play it down', () => {
    const byComponents = components.transform.relevance!;
    const byFisher = fisher.transform.relevance!;
    expect(byComponents.reduce((s, v) => s + v, 0)).toBeCloseTo(2, 10);
    expect(byComponents[0]).toBeGreaterThan(0.8 * 2);
    expect(byComponents[0]).toBeGreaterThan(byFisher[0] + 0.2);
  });
});
