/**
 * The feature viewer's service call: a feature channel of a region is the feature bank's value there, the
 * same numbers computeFeatures gives on the whole image (the tile's halo makes it exact), and a channel
 * the selection lacks is refused in one line.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeFeatures } from '../../core/features/computeFeatures.js';
import { featureChannelNames } from '../../core/features/selection.js';
import { createBackend, type Backend } from './createBackend.js';
import { WINDOW_FEATURE_CONVENTION } from './poolEngine.js';

let dir: string;
let backend: Backend;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-feature-tiles-'));
  backend = createBackend({ dataDir: dir, threads: 2 });
});

afterAll(async () => {
  await backend.close();
  await rm(dir, { recursive: true, force: true });
});

describe('getFeatureTile', () => {
  it('returns the channel computeFeatures gives for that region, named as the selection names it', async () => {
    const service = backend.service;
    const project = await service.openSampleProject();
    await service.setNormalization('none');
    const image = project.images[0];
    const whole = await service.getImageTile({
      imageId: image.id,
      level: 0,
      rect: { x: 0, y: 0, width: image.width, height: image.height },
    });
    const names = featureChannelNames(project.features, image.channelCount);
    // A region across four grid tiles, so the parts are put together in the right places.
    const rect = { x: 200, y: 180, width: 120, height: 150 };
    for (const channel of [0, 7, names.length - 1]) {
      const tile = await service.getFeatureTile({ imageId: image.id, rect, channel });
      expect(tile.name).toBe(names[channel]);
      expect(tile.values.length).toBe(rect.width * rect.height);
      const expected = computeFeatures(
        { width: image.width, height: image.height, channels: whole.channels },
        project.features,
        WINDOW_FEATURE_CONVENTION,
        rect,
      )[channel];
      let worst = 0;
      for (let i = 0; i < expected.length; i++) {
        const scale = Math.max(1, Math.abs(expected[i]));
        worst = Math.max(worst, Math.abs(tile.values[i] - expected[i]) / scale);
      }
      expect(worst).toBeLessThan(1e-4);
    }
    await expect(service.getFeatureTile({ imageId: image.id, rect, channel: names.length })).rejects.toThrow(
      /channel \d+ does not exist/,
    );
  }, 120_000);
});
