/**
 * "Suggest features" on a z-stack, through the real backend: labels painted on planes other than 0 are
 * what the ranking scores (each plane with its own 2-D features), every labelled plane counts, and the
 * previews segment the plane on screen.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stroke } from '../../core/labels/Stroke.js';
import type { MixelService } from '../../core/protocol/MixelService.js';
import { makeSyntheticStack, writeSyntheticStack } from '../../../test/helpers/syntheticStack.js';
import {
  planeStroke,
  startBackendOverWire,
  type BackendOverWire,
} from '../../../test/helpers/backendOverWire.js';

let harness: BackendOverWire;
let client: MixelService;
let stackPath: string;
const stack = makeSyntheticStack(96, 96, 12);
const ball = stack.balls[0]; // centred on plane 5
/** The whole 96² plane in view. */
const view = { x: 0, y: 0, width: 96, height: 96 };

beforeAll(async () => {
  harness = await startBackendOverWire('mixel-suggest-stack-');
  client = harness.client;
  stackPath = join(harness.dir, 'stack.tif');
  await writeSyntheticStack(stackPath, stack);
}, 60_000);

afterAll(() => harness.close());

function stroke(imageId: string, id: string, classId: number, plane: number, points: number[]): Stroke {
  return planeStroke(id, imageId, classId, plane, points);
}

/** A new project holding the stack, the ball and the background scribbled on plane 5. */
async function stackLabelledOnPlane5(normalization: 'none' | 'percentile' = 'none') {
  await client.newProject();
  const image = await client.addImage(stackPath);
  if (normalization !== 'none') await client.setNormalization(normalization);
  const { x: bx, y: by } = ball;
  await client.applyLabelChange({
    added: [
      stroke(image.id, 'obj5', 2, 5, [bx - 3, by, bx + 3, by]),
      stroke(image.id, 'bg5', 1, 5, [80, 10, 90, 20]),
    ],
    removed: [],
  });
  return image;
}

describe('Suggest features on a stack', () => {
  it('ranks on labels painted on plane 5 only, and counts the labels of a second plane too', async () => {
    const image = await stackLabelledOnPlane5();
    const { x: bx, y: by } = ball;
    const onePlane = await client.suggestFeatures({
      requestId: 1,
      imageId: image.id,
      viewRect: view,
      plane: 5,
    });
    expect(onePlane.isCancelled).toBe(false);
    expect(onePlane.suggestions.length).toBeGreaterThan(0);
    expect(onePlane.suggestions[0].accuracy).toBeGreaterThan(0.9);
    expect(onePlane.sampleCount).toBeGreaterThan(0);
    // The previews segment plane 5, the one on screen: the ball's centre is the object there.
    const { previewRect: crop, suggestions } = onePlane;
    const centre = (Math.round(by) - crop.y) * crop.width + (Math.round(bx) - crop.x);
    expect(suggestions[0].preview[centre]).toBe(2);
    await expect(
      client.suggestFeatures({ requestId: 3, imageId: image.id, viewRect: view, plane: 12 }),
    ).rejects.toThrow(/suggestFeatures asks for plane 12 of stack\.tif/);

    await client.applyLabelChange({
      added: [
        stroke(image.id, 'obj6', 2, 6, [bx - 3, by + 1, bx + 3, by + 1]),
        stroke(image.id, 'bg7', 1, 7, [10, 80, 30, 85]),
      ],
      removed: [],
    });
    const twoPlanes = await client.suggestFeatures({ requestId: 2, imageId: image.id, viewRect: view });
    expect(twoPlanes.sampleCount).toBeGreaterThan(onePlane.sampleCount);
  }, 60_000);

  it("previews plane 0 of a stack with the frame's percentile range, as prediction normalizes it", async () => {
    // Plane 0 holds background only: normalized by its own range, its noise would fill 0…1 and look
    // like the balls of the middle planes.
    const image = await stackLabelledOnPlane5('percentile');
    const { suggestions } = await client.suggestFeatures({
      requestId: 4,
      imageId: image.id,
      viewRect: view,
      plane: 0,
    });
    const preview = suggestions[0].preview;
    const background = preview.reduce((n, c) => n + (c === 1 ? 1 : 0), 0) / preview.length;
    expect(background).toBeGreaterThan(0.95);
  }, 60_000);
});
