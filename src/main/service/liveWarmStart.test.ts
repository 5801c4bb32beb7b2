/**
 * The live fit after a stroke starts EM from the last live fit (a few iterations instead of a k-means++
 * restart), and being that cheap it is the preview's fit too, so a stroke costs one fit. It must not start
 * warm when that fit no longer describes the project: after a change of classes, features or classifier
 * settings (invalidate), for the quick preview fit or Save's final fit, and not forever: after
 * MAX_WARM_STARTS_IN_A_ROW one fit starts afresh (the preview then fits quickly again).
 */
import { describe, expect, it } from 'vitest';
import type { ClassifierSettings } from '../../core/protocol/types.js';
import type { ClassifierEngine, TrainedModel } from './ClassifierEngine.js';
import { LIVE_COMPONENTS_PER_CLASS, MAX_WARM_STARTS_IN_A_ROW } from './liveFit.js';
import { LiveModel, type TrainingSource } from './LiveModel.js';

const SETTINGS: ClassifierSettings = { components: 8, semiSupervised: true };

/** An engine that records each fit: its level (by its settings) and the model it started from (null: cold). */
function recordingEngine() {
  const startedFrom: (string | null)[] = [];
  const levels: string[] = [];
  const engine = {
    featureNames: ['f'],
    fit: async (
      _s: Float32Array,
      _l: Uint8Array,
      featureCount: number,
      settings: ClassifierSettings,
      _u: unknown,
      _signal?: AbortSignal,
      warmStart?: TrainedModel,
    ) => {
      startedFrom.push(warmStart?.key ?? null);
      levels.push(
        settings.components === LIVE_COMPONENTS_PER_CLASS
          ? 'live'
          : settings.semiSupervised
            ? 'final'
            : 'quick',
      );
      return {
        classIds: [1, 2],
        featureCount,
        fitted: null,
        key: `fit-${startedFrom.length}`,
      } satisfies TrainedModel;
    },
  } as Pick<ClassifierEngine, 'featureNames' | 'fit'> as ClassifierEngine;
  return { engine, startedFrom, levels };
}

const source: TrainingSource = {
  images: [
    { id: 'a', width: 8, height: 8, labels: Uint8Array.from({ length: 64 }, (_, i) => (i % 8 < 4 ? 1 : 2)) },
  ],
  classIds: [1, 2],
  tileFeatures: async (_image, core) => [new Float32Array(core.width * core.height).fill(1)],
};

/** One stroke as the window sends it: labels change, the preview, the full-resolution pass (each fits if it must). */
async function stroke(live: LiveModel): Promise<void> {
  const signal = new AbortController().signal;
  live.labelsChanged();
  for (const isPreview of [true, false])
    if (live.needsTraining(isPreview)) await live.train(source, SETTINGS, signal, live.levelFor(isPreview));
}

describe('warm starts of the live fit', () => {
  it('start each live fit from the last live fit, which then serves the preview and the overlay', async () => {
    const { engine, startedFrom, levels } = recordingEngine();
    const live = new LiveModel(engine);
    await stroke(live);
    await stroke(live);
    await stroke(live);
    // The first stroke: a quick preview fit and a cold live fit; then one warm live fit per stroke.
    expect(levels).toEqual(['quick', 'live', 'live', 'live']);
    expect(startedFrom).toEqual([null, null, 'fit-2', 'fit-3']);
    await live.train(source, SETTINGS, new AbortController().signal); // Save's final fit
    expect(levels.at(-1)).toBe('final');
    expect(startedFrom.at(-1)).toBeNull();
  });

  it('start cold after classes, features or settings changed, with a quick preview first', async () => {
    const { engine, startedFrom, levels } = recordingEngine();
    const live = new LiveModel(engine);
    await stroke(live);
    await stroke(live);
    expect(startedFrom.at(-1)).toBe('fit-2');
    live.invalidate();
    await stroke(live);
    expect(levels.slice(-2)).toEqual(['quick', 'live']);
    expect(startedFrom.slice(-2)).toEqual([null, null]);
    await stroke(live);
    expect(startedFrom.at(-1)).toBe('fit-5');
  });

  it(`start afresh after ${MAX_WARM_STARTS_IN_A_ROW} warm starts in a row, or always when turned off`, async () => {
    const { engine, startedFrom, levels } = recordingEngine();
    const live = new LiveModel(engine);
    for (let i = 0; i < MAX_WARM_STARTS_IN_A_ROW + 3; i++) await stroke(live);
    const liveFits = startedFrom.filter((_, i) => levels[i] === 'live');
    const cold = liveFits.flatMap((from, i) => (from === null ? [i] : []));
    expect(cold).toEqual([0, MAX_WARM_STARTS_IN_A_ROW + 1]);
    // Each cold live fit came after a quick preview fit.
    expect(levels.filter((l) => l === 'quick')).toHaveLength(2);
    live.warmStart = false;
    await stroke(live);
    expect(levels.slice(-2)).toEqual(['quick', 'live']);
    expect(startedFrom.at(-1)).toBeNull();
  });
});
