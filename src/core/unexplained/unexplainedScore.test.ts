/**
 * The unexplained map on a synthetic image with a third kind of object (bright squares) that no scribble
 * covers: a model of background and nuclei flags the squares and leaves the scribbled kinds alone.
 */
import { describe, expect, it } from 'vitest';
import { computeFeatures } from '../features/computeFeatures.js';
import { presetSelection } from '../features/selection.js';
import { fitPixelClassifier, prepareClassifier } from '../classifier/PixelClassifier.js';
import { makeThirdKindSample } from '../../../test/helpers/thirdKindSample.js';
import { calibrateUnexplained, predictWithUnexplained } from './unexplainedScore.js';

const SIZE = 320;
const UNLABELED_STRIDE = 37;
/** Squares of the third kind: 3 of 28², about 2 % of the image. */
const SQUARES = 3;

function trainedOnTwoKinds(semiSupervised: boolean, seed: number) {
  const sample = makeThirdKindSample(SIZE, SIZE, seed, SQUARES);
  const n = SIZE * SIZE;
  const planes = computeFeatures(
    { width: SIZE, height: SIZE, channels: [Float32Array.from(sample.image)] },
    presetSelection('default'),
    'ilastik',
  );
  const d = planes.length;
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (sample.scribbles[i] > 0) rows.push(i);
  const samples = new Float32Array(rows.length * d);
  const labels = new Uint8Array(rows.length);
  rows.forEach((i, r) => {
    for (let c = 0; c < d; c++) samples[r * d + c] = planes[c][i];
    labels[r] = sample.scribbles[i];
  });
  // Unlabeled pixels from everywhere, squares included, as the live loop offers semi-supervised EM.
  const rowCount = Math.ceil(n / UNLABELED_STRIDE);
  const unlabeled = new Float32Array(rowCount * d);
  for (let u = 0; u < rowCount; u++)
    for (let c = 0; c < d; c++) unlabeled[u * d + c] = planes[c][u * UNLABELED_STRIDE];
  const model = fitPixelClassifier(
    samples,
    labels,
    d,
    { semiSupervised: { enabled: semiSupervised, lambda: 1, sampleCount: 30000, iterations: 5 } },
    semiSupervised ? unlabeled : undefined,
  );
  const prepared = prepareClassifier(model);
  const classOfRow = Array.from(labels, (v) => model.classes.indexOf(v));
  const calibration = calibrateUnexplained(prepared, samples, classOfRow, rows.length, unlabeled);
  const { unexplained } = predictWithUnexplained(prepared, planes, n, calibration);
  const flaggedShare = (kind: number) => {
    let all = 0;
    let flagged = 0;
    for (let i = 0; i < n; i++) {
      if (sample.truth[i] !== kind) continue;
      all++;
      if (unexplained[i] > 0) flagged++;
    }
    return flagged / all;
  };
  return { flaggedShare, unexplained };
}

describe('unexplained pixels', () => {
  for (const [semiSupervised, seed] of [
    [true, 5],
    [true, 6],
    [false, 5],
    [false, 9],
  ] as const) {
    it(`flags an object kind no class covers (${semiSupervised ? 'semi-supervised' : 'supervised'} model, image ${seed})`, () => {
      const { flaggedShare } = trainedOnTwoKinds(semiSupervised, seed);
      expect(flaggedShare(3)).toBeGreaterThan(0.8);
      expect(flaggedShare(1)).toBeLessThan(0.05);
      expect(flaggedShare(2)).toBeLessThan(0.05);
    });
  }
});
