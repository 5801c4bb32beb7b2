/**
 * The live fit after a stroke starts EM from the last live fit (a few iterations instead of a k-means++
 * restart). It must not when that fit no longer describes the project: after a change of classes,
 * features or classifier settings (invalidate), for the quick preview fit or Save's final fit, and not
 * forever: after MAX_WARM_STARTS_IN_A_ROW one fit starts afresh.
 */
import { describe, expect, it } from 'vitest';
import type { ClassifierSettings } from '../../core/protocol/types.js';
import type { ClassifierEngine, TrainedModel } from './ClassifierEngine.js';
import { MAX_WARM_STARTS_IN_A_ROW } from './liveFit.js';
import { LiveModel, type TrainingSource } from './LiveModel.js';

const SETTINGS: ClassifierSettings = { components: 8, semiSupervised: true };

/** An engine that records, for each fit, the key of the model it was told to start from (null: cold). */
function recordingEngine() {
  const startedFrom: (string | null)[] = [];
  const engine = {
    featureNames: ['f'],
    fit: async (
      _s: Float32Array,
      _l: Uint8Array,
      featureCount: number,
      _settings: ClassifierSettings,
      _u: unknown,
      _signal?: AbortSignal,
      warmStart?: TrainedModel,
    ) => {
      startedFrom.push(warmStart?.key ?? null);
      return {
        classIds: [1, 2],
        featureCount,
        fitted: null,
        key: `fit-${startedFrom.length}`,
      } satisfies TrainedModel;
    },
  } as Pick<ClassifierEngine, 'featureNames' | 'fit'> as ClassifierEngine;
  return { engine, startedFrom };
}

const source: TrainingSource = {
  images: [
    { id: 'a', width: 8, height: 8, labels: Uint8Array.from({ length: 64 }, (_, i) => (i % 8 < 4 ? 1 : 2)) },
  ],
  classIds: [1, 2],
  tileFeatures: async (_image, core) => [new Float32Array(core.width * core.height).fill(1)],
};

/** One stroke as the window sends it: labels change, the preview's quick fit, the overlay's live fit. */
async function stroke(live: LiveModel): Promise<void> {
  const signal = new AbortController().signal;
  live.labelsChanged();
  await live.train(source, SETTINGS, signal, live.levelFor(true));
  await live.train(source, SETTINGS, signal, live.levelFor(false));
}

describe('warm starts of the live fit', () => {
  it('start each live fit from the last live fit, never the quick or final one', async () => {
    const { engine, startedFrom } = recordingEngine();
    const live = new LiveModel(engine);
    await stroke(live);
    await stroke(live);
    await stroke(live);
    // quick, live (cold: nothing before), quick, live from fit-2, quick, live from fit-4.
    expect(startedFrom).toEqual([null, null, null, 'fit-2', null, 'fit-4']);
    await live.train(source, SETTINGS, new AbortController().signal); // Save's final fit
    expect(startedFrom.at(-1)).toBeNull();
  });

  it('start cold after classes, features or settings changed', async () => {
    const { engine, startedFrom } = recordingEngine();
    const live = new LiveModel(engine);
    await stroke(live);
    await stroke(live);
    expect(startedFrom.at(-1)).toBe('fit-2');
    live.invalidate();
    await stroke(live);
    expect(startedFrom.at(-1)).toBeNull();
    await stroke(live);
    expect(startedFrom.at(-1)).toBe('fit-6');
  });

  it(`start afresh after ${MAX_WARM_STARTS_IN_A_ROW} warm starts in a row, or always when turned off`, async () => {
    const { engine, startedFrom } = recordingEngine();
    const live = new LiveModel(engine);
    for (let i = 0; i < MAX_WARM_STARTS_IN_A_ROW + 3; i++) await stroke(live);
    const liveFits = startedFrom.filter((_, i) => i % 2 === 1);
    const cold = liveFits.flatMap((from, i) => (from === null ? [i] : []));
    expect(cold).toEqual([0, MAX_WARM_STARTS_IN_A_ROW + 1]);
    live.warmStart = false;
    await stroke(live);
    expect(startedFrom.at(-1)).toBeNull();
  });
});
