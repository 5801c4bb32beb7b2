/**
 * The window's overlay uses a cheaper live fit, but what is saved and exported is fitted with the
 * project's own settings: a live model is never "final", so Save and Export refit; and one stroke costs
 * one fit (the preview's), which the full-resolution pass reuses.
 */
import { describe, expect, it } from 'vitest';
import type { ClassifierSettings } from '../../core/protocol/types.js';
import type { ClassifierEngine, TrainedModel } from './ClassifierEngine.js';
import { LIVE_COMPONENTS_PER_CLASS } from './liveFit.js';
import { LiveModel, type TrainingSource } from './LiveModel.js';

const SETTINGS: ClassifierSettings = { components: 8, semiSupervised: true };

function recordingEngine() {
  const fits: ClassifierSettings[] = [];
  const engine = {
    featureNames: ['f'],
    fit: async (_s: Float32Array, _l: Uint8Array, featureCount: number, settings: ClassifierSettings) => {
      fits.push(settings);
      return {
        classIds: [1, 2],
        featureCount,
        fitted: null,
        key: `fit-${fits.length}`,
      } satisfies TrainedModel;
    },
  } as Pick<ClassifierEngine, 'featureNames' | 'fit'> as ClassifierEngine;
  return { engine, fits };
}

const source: TrainingSource = {
  images: [
    { id: 'a', width: 8, height: 8, labels: Uint8Array.from({ length: 64 }, (_, i) => (i % 8 < 4 ? 1 : 2)) },
  ],
  classIds: [1, 2],
  tileFeatures: async (_image, core) => [new Float32Array(core.width * core.height).fill(1)],
};

describe('the live fit', () => {
  it('a quick preview fit, then the cheaper live fit for the overlay, which never stands in for the saved model', async () => {
    const { engine, fits } = recordingEngine();
    const live = new LiveModel(engine);
    const signal = new AbortController().signal;
    // A stroke: the preview fits quickly; the full-resolution pass then refits at the live level.
    expect(live.needsTraining(true)).toBe(true);
    await live.train(source, SETTINGS, signal, live.levelFor(true));
    expect(live.needsTraining(true)).toBe(false);
    expect(live.needsTraining(false)).toBe(true);
    await live.train(source, SETTINGS, signal, live.levelFor(false));
    expect(live.needsTraining(false)).toBe(false);
    expect(fits).toEqual([
      { components: 8, semiSupervised: false },
      { components: LIVE_COMPONENTS_PER_CLASS, semiSupervised: true },
    ]);
    // Save and Export see a model that is not final, and refit with the project's settings.
    expect(live.isFinal()).toBe(false);
    await live.train(source, SETTINGS, signal);
    expect(fits[2]).toEqual(SETTINGS);
    expect(live.isFinal()).toBe(true);
  });

  it("as before the live fit, when asked: a quick preview fit, then the project's own", async () => {
    const { engine, fits } = recordingEngine();
    const live = new LiveModel(engine);
    live.displayLevel = 'final';
    const signal = new AbortController().signal;
    await live.train(source, SETTINGS, signal, live.levelFor(true));
    expect(live.needsTraining(false)).toBe(true);
    await live.train(source, SETTINGS, signal, live.levelFor(false));
    expect(fits).toEqual([{ components: 8, semiSupervised: false }, SETTINGS]);
    expect(live.isFinal()).toBe(true);
  });
});
