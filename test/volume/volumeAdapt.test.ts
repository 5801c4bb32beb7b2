/**
 * `--adapt` on 3-D predictions: a stack imaged darker and with less contrast than the one the model was
 * trained on (raw values, no normalization) is adapted per frame from windows of 3-D features spread
 * through z, and predicted better than with the model as trained; `off` predicts exactly as without
 * adaptation.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { AdaptationChoice } from '../../src/core/classifier/adaptation/adaptationConstants.js';
import type { FittedClassifier } from '../../src/core/classifier/PixelClassifier.js';
import type { NormalizationSettings } from '../../src/core/project/Project.js';
import { WorkerPool } from '../../src/main/engine/WorkerPool.js';
import { volumeAdaptationWindows, type AdaptedFrame } from '../../src/main/volume/adaptVolume.js';
import { predictVolume } from '../../src/main/volume/predictVolume.js';
import { trainVolumeClassifier } from '../../src/main/volume/trainVolumes.js';
import {
  BACKGROUND,
  makeSpheresAndRods,
  memoryProbabilities,
  memoryStack,
  scribblesOnPlane,
  SMALL_SELECTION,
  type TestStack,
} from './volumeFixtures.js';

const pool = new WorkerPool({ threads: 2 });
afterAll(() => pool.close());

const RAW: NormalizationSettings = { mode: 'none', lowPercentile: 0.1, highPercentile: 99.9 };
const features = { selection: SMALL_SELECTION, convention: 'ilastik' as const, dimensions: '3d' as const };
const classifier = {
  components: 2,
  seed: 1,
  semiSupervised: { enabled: false, lambda: 1, sampleCount: 30000, iterations: 5 },
};

const trained = makeSpheresAndRods();
/** The same scene imaged darker, with 60 % of the contrast. */
const dimmed: TestStack = { ...trained, planes: trained.planes.map((p) => p.map((v) => 0.6 * v + 30)) };

async function predict(model: FittedClassifier, choice: AdaptationChoice | null) {
  const out = memoryProbabilities(dimmed.width, dimmed.height, dimmed.planes.length, model.classes.length);
  const adapted: AdaptedFrame[] = [];
  await predictVolume({
    source: memoryStack(dimmed, 'dimmed'),
    pool,
    model,
    modelKey: 'adapt-test',
    features,
    normalization: RAW,
    outputsFor: async (plane) => ({ outputs: [out.output], index: plane }),
    adapt: choice
      ? {
          choiceFor: () => choice,
          classNames: ['background', 'sphere', 'rod'],
          onAdapted: (_, a) => adapted.push(a),
        }
      : undefined,
  });
  return { planes: out.planes, adapted };
}

/** Share of voxels on planes through the objects whose object-or-background call is right. */
function objectOrBackgroundAccuracy(planes: Float32Array[][], classes: readonly number[]): number {
  let right = 0;
  let total = 0;
  for (let p = trained.middle - 5; p <= trained.middle + 5; p++) {
    const probs = planes[p];
    const truth = trained.truth[p];
    for (let i = 0; i < truth.length; i++) {
      let best = 0;
      for (let k = 1; k < probs.length; k++) if (probs[k][i] > probs[best][i]) best = k;
      total++;
      if ((classes[best] === BACKGROUND) === (truth[i] === BACKGROUND)) right++;
    }
  }
  return right / total;
}

describe('adaptation of a 3-D model to each frame it predicts', () => {
  let model: FittedClassifier;
  let asTrained: Awaited<ReturnType<typeof predict>>;

  it('adapts to a dimmer stack from 3-D features through z and predicts it better', async () => {
    const labelPlanes = new Map([[trained.middle, scribblesOnPlane(trained)]]);
    model = await trainVolumeClassifier(pool, [{ source: memoryStack(trained), labelPlanes }], {
      features,
      normalization: RAW,
      classifier,
    });
    asTrained = await predict(model, null);
    const auto = await predict(model, 'auto');
    expect(auto.adapted).toHaveLength(1);
    const before = objectOrBackgroundAccuracy(asTrained.planes, model.classes);
    const after = objectOrBackgroundAccuracy(auto.planes, model.classes);
    console.log(
      `dimmed stack, voxels right: as trained ${before.toFixed(3)}, adapted ${after.toFixed(3)} (${auto.adapted[0].result.applied}: ${auto.adapted[0].result.reason})`,
    );
    expect(auto.adapted[0].result.applied).not.toBe('none');
    // Measured: 0.909 as trained, 0.961 adapted (standardize).
    expect(after).toBeGreaterThan(before + 0.03);
  }, 120_000);

  it('with off predicts exactly as without adaptation', async () => {
    const off = await predict(model, 'off');
    expect(off.adapted[0].result.applied).toBe('none');
    for (let p = 0; p < asTrained.planes.length; p++) expect(off.planes[p]).toEqual(asTrained.planes[p]);
  }, 120_000);

  it('keeps its windows feature work within half the frame own (a few windows on a thin stack, 25 on a big one)', () => {
    const halo: [number, number, number] = [38, 38, 38];
    const work = (frame: { depth: number; height: number; width: number }) =>
      volumeAdaptationWindows(frame, halo).reduce(
        (n, w) =>
          n +
          Math.min(frame.depth, 77) *
            Math.min(frame.height, w.height + 76) *
            Math.min(frame.width, w.width + 76),
        0,
      );
    const thin = { depth: 40, height: 512, width: 512 };
    expect(work(thin)).toBeLessThanOrEqual(0.5 * 40 * 512 * 512);
    expect(volumeAdaptationWindows(thin, halo).length).toBeGreaterThanOrEqual(1);
    expect(volumeAdaptationWindows({ depth: 200, height: 2048, width: 2048 }, halo)).toHaveLength(25);
  });
});
