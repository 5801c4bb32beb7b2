/**
 * A z-stack under percentile normalization is scaled by its frame's range in the window as on the command
 * line: the window's export of every plane equals `mixel predict` of the saved project. The stack's plane 0
 * holds background only (its objects sit mid-stack), so a range measured on plane 0 (the window's old rule)
 * or on each plane alone (the command line's old rule) scales the planes differently and the two disagree.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MixelService } from '../../core/protocol/MixelService.js';
import { makeSyntheticStack, writeSyntheticStack } from '../../../test/helpers/syntheticStack.js';
import { runMixel } from '../../../test/cli/cliHarness.js';
import {
  planeStroke,
  startBackendOverWire,
  type BackendOverWire,
} from '../../../test/helpers/backendOverWire.js';
import { openImage } from '../io/openImage.js';

const SIZE = 64;
const PLANES = 12;
const stack = makeSyntheticStack(SIZE, SIZE, PLANES);
const ball = stack.balls[0]; // centred on plane 5
const centre = { x: Math.round(ball.x), y: Math.round(ball.y) };
const FAR = { x: 55, y: 5 };

let harness: BackendOverWire;
let client: MixelService;
let dir: string;

beforeAll(async () => {
  harness = await startBackendOverWire('mixel-stack-normalization-');
  ({ client, dir } = harness);
});

afterAll(() => harness.close());

/** Every plane's probabilities of an exported stack, one array per plane (channels one after another). */
async function planesOf(path: string): Promise<Float32Array[]> {
  const image = await openImage(path);
  const out: Float32Array[] = [];
  for (let p = 0; p < image.info.planes; p++) {
    const region = await image.readRegion({ x: 0, y: 0, width: SIZE, height: SIZE }, p);
    const joined = new Float32Array(region.channels.length * SIZE * SIZE);
    region.channels.forEach((c, i) => joined.set(c, i * SIZE * SIZE));
    out.push(joined);
  }
  return out;
}

describe('percentile normalization of a z-stack', () => {
  it("the window's export of every plane equals mixel predict's", async () => {
    const path = join(dir, 'zstack.tif');
    await writeSyntheticStack(path, stack);
    await client.newProject();
    await client.setNormalization('percentile');
    const image = await client.addImage(path);
    await client.applyLabelChange({
      added: [
        planeStroke('obj', image.id, 2, 5, [centre.x - 3, centre.y, centre.x + 3, centre.y]),
        planeStroke('bg', image.id, 1, 5, [FAR.x - 4, FAR.y, FAR.x + 4, FAR.y]),
      ],
      removed: [],
    });
    const exported = await client.exportImages({
      requestId: 41,
      imageIds: [image.id],
      sources: ['probabilities'],
      format: 'tiff',
      outputPattern: join(dir, 'window', '{nickname}_{result_type}.{ext}'),
    });
    expect(exported.images[0].error).toBeUndefined();
    const projectPath = join(dir, 'zstack.mixel');
    await client.saveProject(projectPath);
    const run = await runMixel(
      [
        'predict',
        '--project',
        projectPath,
        '--export',
        'Probabilities',
        '--output',
        join(dir, 'cli', '{nickname}.{ext}'),
        path,
      ],
      dir,
    );
    expect(run.code).toBe(0);

    const window = await planesOf(exported.images[0].paths[0]);
    const cli = await planesOf(join(dir, 'cli', 'zstack.tif'));
    expect(window.length).toBe(PLANES);
    expect(cli.length).toBe(PLANES);
    for (let p = 0; p < PLANES; p++) {
      let worst = 0;
      for (let i = 0; i < window[p].length; i++) worst = Math.max(worst, Math.abs(window[p][i] - cli[p][i]));
      expect(worst, `plane ${p}`).toBeLessThanOrEqual(1e-3 * Math.max(1, ...cli[p]));
    }
    // The ball's centre on plane 5 is an object in both.
    const objectProbability = cli[5][SIZE * SIZE + centre.y * SIZE + centre.x];
    expect(objectProbability).toBeGreaterThan(0.5 * Math.max(...cli[5]));
  }, 60_000);
});
