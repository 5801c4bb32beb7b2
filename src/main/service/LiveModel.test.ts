/**
 * Several windows asking for a fit at once (each predictTiles of each window after a stroke) share one
 * fit instead of queueing one each on the worker pool; one window's cancel does not cancel the others'.
 */
import { describe, expect, it } from 'vitest';
import type { ClassifierEngine, TrainedModel } from './ClassifierEngine.js';
import { LiveModel, type TrainingSource } from './LiveModel.js';

const SETTINGS = { components: 1, semiSupervised: false };

/** An engine whose fit takes `fitMs` and records the signal each fit was given. */
function slowEngine(fitMs: number) {
  const fits: AbortSignal[] = [];
  const engine = {
    featureNames: ['f'],
    fit: async (_s: Float32Array, _l: Uint8Array, featureCount: number, _o: unknown, _u: unknown, signal) => {
      fits.push(signal!);
      await new Promise((r) => setTimeout(r, fitMs));
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

/** An 8 × 8 image, left half class 1, right half class 2, with one constant feature per pixel. */
const source: TrainingSource = {
  images: [
    { id: 'a', width: 8, height: 8, labels: Uint8Array.from({ length: 64 }, (_, i) => (i % 8 < 4 ? 1 : 2)) },
  ],
  classIds: [1, 2],
  tileFeatures: async (_image, core) => [new Float32Array(core.width * core.height).fill(1)],
};

/** Two callers asking for a fit at once, each with its own cancel; resolves once the fit is under way. */
async function twoCallersTraining(live: LiveModel) {
  const [a, b] = [new AbortController(), new AbortController()];
  const trained = Promise.all([
    live.train(source, SETTINGS, a.signal),
    live.train(source, SETTINGS, b.signal),
  ]);
  await new Promise((r) => setTimeout(r, 10));
  return { a, b, trained };
}

describe('LiveModel fits shared between callers', () => {
  it('callers asking at once share one fit', async () => {
    const { engine, fits } = slowEngine(50);
    const live = new LiveModel(engine);
    const windows = [1, 2, 3, 4, 5].map(() => new AbortController());
    await Promise.all(windows.map((w) => live.train(source, SETTINGS, w.signal)));
    expect(fits).toHaveLength(1);
    expect(live.isFinal()).toBe(true);
  });

  it("one caller's cancel leaves the fit running for the others", async () => {
    const { engine, fits } = slowEngine(50);
    const live = new LiveModel(engine);
    const { a, trained } = await twoCallersTraining(live);
    a.abort();
    await trained;
    expect(fits).toHaveLength(1);
    expect(fits[0].aborted).toBe(false);
    expect(live.current?.key).toBe('fit-1');
  });

  it('the fit stops when every caller has cancelled, and the next call starts a new one', async () => {
    const { engine, fits } = slowEngine(50);
    const live = new LiveModel(engine);
    const { a, b, trained } = await twoCallersTraining(live);
    a.abort();
    b.abort();
    await trained;
    expect(fits[0].aborted).toBe(true);
    expect(live.current).toBeNull();
    await live.train(source, SETTINGS, new AbortController().signal);
    expect(fits).toHaveLength(2);
    expect(live.current?.key).toBe('fit-2');
  });

  it('labels changed during a fit: a later caller gets a fit of the new labels', async () => {
    const { engine, fits } = slowEngine(30);
    const live = new LiveModel(engine);
    const first = live.train(source, SETTINGS, new AbortController().signal);
    live.labelsChanged();
    await Promise.all([first, live.train(source, SETTINGS, new AbortController().signal)]);
    expect(fits).toHaveLength(2);
    expect(live.isFinal()).toBe(true);
  });
});

describe('LiveModel display fit started ahead of its request', () => {
  const train = (live: LiveModel) => (signal: AbortSignal, level: 'quick' | 'live' | 'final') =>
    live.train(source, SETTINGS, signal, level);

  it("after a preview's quick fit, the full-resolution request joins the live fit already under way", async () => {
    const { engine, fits } = slowEngine(40);
    const live = new LiveModel(engine);
    await live.train(source, SETTINGS, new AbortController().signal, 'quick');
    live.prefetchDisplayFit(train(live));
    await new Promise((r) => setTimeout(r, 20)); // the window paints the preview meanwhile
    expect(live.needsTraining(false)).toBe(true);
    await live.train(source, SETTINGS, new AbortController().signal, live.levelFor(false));
    expect(fits).toHaveLength(2); // the quick fit and one live fit, not a second live fit
    expect(live.needsTraining(false)).toBe(false);
  });

  it('a stroke before the request stops the fit started ahead, and nothing starts when the model is current', async () => {
    const { engine, fits } = slowEngine(40);
    const live = new LiveModel(engine);
    await live.train(source, SETTINGS, new AbortController().signal, 'quick');
    live.prefetchDisplayFit(train(live));
    await new Promise((r) => setTimeout(r, 10));
    live.labelsChanged();
    expect(fits[1].aborted).toBe(true);
    await live.train(source, SETTINGS, new AbortController().signal, 'live');
    live.prefetchDisplayFit(train(live));
    expect(fits).toHaveLength(3);
  });

  it('a fit begun before the features changed does not come back as the current model', async () => {
    const { engine } = slowEngine(50);
    const live = new LiveModel(engine);
    const running = live.train(source, SETTINGS, new AbortController().signal);
    await new Promise((r) => setTimeout(r, 10));
    live.invalidate();
    await running;
    // Shown as current, that model would predict the new features with the old ones' mixture.
    expect(live.current).toBeNull();
    expect(live.needsTraining(false)).toBe(true);
  });
});
