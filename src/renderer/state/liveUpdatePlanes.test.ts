/**
 * The live loop when the plane on screen changes while the window's first model (or the model after a
 * feature change) is still training: the window has no model to ask with, so the plane switch itself
 * predicts nothing, and the training request must bring the overlay of the plane shown, not only of the
 * plane it started on. (The z-stack window test failed this way: plane 6 stayed without an overlay.)
 * And when the view changes under a stroke's refit once there is a model: the refit must not be
 * superseded (the day's-work window test lost the stroke's preview to a resize of the viewer).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { PredictRequest, PredictResult, ProjectState } from '../../core/protocol/types.js';
import type { Backend } from '../transport/connectBackend.js';
import { showPlane } from './imageView.js';
import { onViewChanged, updatePrediction } from './liveUpdate.js';
import { connectTo } from './session.js';
import { getApp, setApp } from './store.js';

const stack = {
  id: 'stack',
  name: 'stack.tif',
  path: '/data/stack.tif',
  width: 256,
  height: 256,
  channelCount: 1,
  sampleType: 'uint16',
  channelRanges: [{ min: 0, max: 1000 }],
  planes: 12,
  axes: 'zyx',
  sizeZ: 12,
  sizeT: 1,
} as const;

/** A backend whose predictTiles answers only when the test says so, in the order asked. */
function pausedBackend() {
  const asked: PredictRequest[] = [];
  const answers: ((r: PredictResult) => void)[] = [];
  const service = {
    predictTiles: (request: PredictRequest) => {
      asked.push(request);
      return new Promise<PredictResult>((resolve) => answers.push(resolve));
    },
    getImageTile: () => new Promise(() => undefined), // image tiles are not what this test looks at
  };
  const backend = { service, host: 'browser', onMenuCommand: () => () => undefined } as unknown as Backend;
  /** Ends request number `index` (0 = the first asked) with a model, then lets the window react. */
  const answer = async (index: number) => {
    const { requestId } = asked[index];
    answers[index]({ requestId, tilesDone: 1, isCancelled: false, hasModel: true, trainMs: 5, totalMs: 9 });
    await new Promise((resolve) => setTimeout(resolve, 20));
  };
  return { backend, asked, answer };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** The window showing plane 5 of the stack, live update on, with or without a model already. */
function showStack({ hasModel }: { hasModel: boolean }) {
  const project = { images: [stack], classes: [], hasModel } as unknown as ProjectState;
  setApp({
    project,
    activeImageId: stack.id,
    plane: 5,
    view: { scale: 1, x: 0, y: 0 },
    viewport: { width: 256, height: 256 },
    isLiveUpdate: true,
  });
}

describe('a plane shown while the model trains', () => {
  beforeEach(() => showStack({ hasModel: false }));

  it('gets its overlay once the model is ready when the switch came during the full-resolution pass', async () => {
    const { backend, asked, answer } = pausedBackend();
    connectTo(backend);
    const done = updatePrediction(true);
    await answer(0); // the preview of plane 5
    expect(asked.map((r) => [r.plane, r.retrain])).toEqual([
      [5, true],
      [5, true],
    ]);
    showPlane(6); // the user presses '.' while the full-resolution fit of plane 5 runs
    await settle();
    expect(asked).toHaveLength(2); // no model in the window yet: the switch asks for nothing itself
    await answer(1);
    await done;
    expect(getApp().project?.hasModel).toBe(true);
    expect(asked.at(-1)).toMatchObject({ plane: 6, imageId: stack.id });
    expect(asked).toHaveLength(3);
  });

  it('predicts the plane shown at full resolution when the switch came during the preview', async () => {
    const { backend, asked, answer } = pausedBackend();
    connectTo(backend);
    const done = updatePrediction(true);
    showPlane(7);
    await settle();
    await answer(0); // the preview of plane 5 ends after the switch
    expect(asked.map((r) => r.plane)).toEqual([5, 7]);
    await answer(1);
    await done;
    expect(asked).toHaveLength(2); // plane 7 was predicted in full: nothing left to ask for
  });
});

describe('the viewer resized while a stroke refits', () => {
  beforeEach(() => showStack({ hasModel: true }));

  it("still shows the stroke's preview, then predicts the resized view at full resolution", async () => {
    const { backend, asked, answer } = pausedBackend();
    connectTo(backend);
    const done = updatePrediction(true);
    // A panel opens beside the viewer while the refit runs: the viewer's size changes.
    setApp({ viewport: { width: 200, height: 256 } });
    onViewChanged(true);
    await settle();
    expect(asked.map((r) => r.retrain)).toEqual([true]); // the resize did not supersede the refit
    await answer(0);
    expect(getApp().status).toMatch(/^Preview in 9 ms/);
    expect(asked).toHaveLength(2); // the full-resolution pass, of the view now shown
    await answer(1);
    await done;
    await settle();
    expect(asked).toHaveLength(2);
  });
});
