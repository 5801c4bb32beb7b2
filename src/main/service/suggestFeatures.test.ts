/**
 * "Suggest features" ranking on synthetic data where exactly one feature (Gaussian Gradient Magnitude)
 * carries the class, every other channel being noise: that feature must come out on top, and a cancel
 * must stop the ranking at once.
 */
import { describe, expect, it } from 'vitest';
import { FEATURE_IDS } from '../../core/features/selection.js';
import { SeededRandom } from '../../core/random.js';
import type { Rect } from '../../core/protocol/types.js';
import { scoreFeatureSetsJob } from '../engine/jobs/scoreFeatureSetsJob.js';
import {
  rankCandidates,
  suggestFeatureSets,
  universeCells,
  type SuggestDeps,
  type SuggestSource,
} from './suggestFeatures.js';

const SIZE = 96;
const SEPARATING_ROW = FEATURE_IDS.indexOf('gaussianGradientMagnitude');

/** Left half class 1, right half class 2; labels on two stripes of each half. */
function source(): SuggestSource {
  const labels = new Uint8Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) if (y % 24 < 6) labels[y * SIZE + x] = x < SIZE / 2 ? 1 : 2;
  const pixels = { width: SIZE, height: SIZE, channels: [new Float32Array(SIZE * SIZE)] };
  const matrix = universeCells(1).universe;
  return {
    images: [{ id: 'im', plane: 0, width: SIZE, height: SIZE, labels, pixels }],
    classIds: [1, 2],
    current: matrix,
    preview: { pixels, rect: { x: 32, y: 32, width: 32, height: 32 } },
    tileSize: 64,
  };
}

/** Noise everywhere, except the gradient-magnitude channels, which are 1.2 higher on the right half. */
function deps(progress: number[] = []): SuggestDeps {
  const { cells } = universeCells(1);
  const separating = new Set(cells.filter((c) => c.row === SEPARATING_ROW).flatMap((c) => c.channels));
  const channelCount = cells.reduce((n, c) => n + c.channels.length, 0);
  return {
    async computeFeatures(_image, core: Rect) {
      const random = new SeededRandom(core.x * 1000 + core.y + 1);
      return Array.from({ length: channelCount }, (_, ch) => {
        const plane = new Float32Array(core.width * core.height);
        for (let y = 0; y < core.height; y++)
          for (let x = 0; x < core.width; x++) {
            const right = core.x + x >= SIZE / 2 ? 1 : 0;
            plane[y * core.width + x] = random.nextNormal() + (separating.has(ch) ? 1.2 * right : 0);
          }
        return plane;
      });
    },
    scoreSets: async (input) => scoreFeatureSetsJob(input),
    onProgress: (done, total) => progress.push(done / total),
  };
}

describe('suggestFeatureSets', () => {
  it('ranks the one feature that separates the classes first, with a preview that shows both halves', async () => {
    const progress: number[] = [];
    const outcome = await suggestFeatureSets(source(), deps(progress), new AbortController().signal);
    const top = outcome.suggestions[0];
    // Only gradient-magnitude cells are on in the winning set.
    top.features.enabled.forEach((row, r) => {
      if (r !== SEPARATING_ROW) expect(row.every((on) => !on)).toBe(true);
    });
    expect(top.detail).toContain('Gaussian Gradient Magnitude');
    expect(top.accuracy).toBeGreaterThan(0.9);
    // Among the per-feature groups, the gradient magnitude beats every other feature.
    const groups = outcome.suggestions.filter((s) => s.name.endsWith('all scales'));
    expect(groups[0]?.name).toBe('Gaussian Gradient Magnitude, all scales');
    // Noise-only sets sit near chance (log ½) and well below the winner.
    expect(outcome.current!.logLikelihood).toBeLessThan(top.logLikelihood);
    // The preview crop straddles the halves: left pixels class 1, right pixels class 2, mostly.
    const preview = top.preview;
    expect(preview).toHaveLength(32 * 32);
    const row = Array.from(preview.subarray(16 * 32, 17 * 32));
    expect(row.slice(0, 12).filter((v) => v === 1).length).toBeGreaterThan(8);
    expect(row.slice(20).filter((v) => v === 2).length).toBeGreaterThan(8);
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1])).toBe(true);
  });

  it('stops when cancelled, without finishing the ranking', async () => {
    const controller = new AbortController();
    const progress: number[] = [];
    const base = deps(progress);
    let jobs = 0;
    const counting: SuggestDeps = {
      ...base,
      scoreSets: async (input, signal) => {
        jobs++;
        if (jobs === 2) controller.abort();
        return base.scoreSets(input, signal);
      },
    };
    await expect(suggestFeatureSets(source(), counting, controller.signal)).rejects.toThrow();
    expect(jobs).toBe(2);
    expect(progress.at(-1)).toBeLessThan(0.2);
  });

  it('refuses to rank with fewer than two classes labelled, naming what to do', async () => {
    const s = source();
    const oneClass = {
      ...s,
      images: [{ ...s.images[0], labels: s.images[0].labels.map((v) => (v === 2 ? 0 : v)) }],
    };
    await expect(suggestFeatureSets(oneClass, deps(), new AbortController().signal)).rejects.toMatchObject({
      code: 'not-enough-labels',
    });
  });
});

describe('rankCandidates', () => {
  const set = (name: string, channels: number, logLikelihood: number, foldError = 0) => ({
    name,
    cells: Array.from({ length: channels }, (_, i) => i),
    score: { logLikelihood, accuracy: 1, foldError },
  });

  it('puts the set with more features first among scores within the folds’ noise', () => {
    const ranked = rankCandidates([set('one', 1, -0.001), set('seven', 7, -0.004), set('all', 37, -0.2)]);
    expect(ranked.map((c) => c.name)).toEqual(['seven', 'one', 'all']);
  });

  it('still puts a clearly better small set above a bigger one', () => {
    const ranked = rankCandidates([set('big', 37, -0.3), set('small', 2, -0.05)]);
    expect(ranked.map((c) => c.name)).toEqual(['small', 'big']);
  });

  it('widens the tie to the best score’s fold standard error', () => {
    const ranked = rankCandidates([set('small', 2, -0.05, 0.04), set('big', 37, -0.08)]);
    expect(ranked.map((c) => c.name)).toEqual(['big', 'small']);
  });
});
