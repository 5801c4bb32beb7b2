/**
 * Tiles of one image share the image's feature offsets (featureOffset.ts): on 16-bit data sitting on a
 * camera offset whose tiles have different medians (here a left half near 30000 and a right half near
 * 34500, which round to different offsets), prediction in small tiles equals prediction in one tile, bit
 * for bit — with per-tile offsets the float32 rounding differed from tile to tile.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { presetSelection } from '../../core/features/selection.js';
import { WorkerPool } from '../engine/WorkerPool.js';
import { predictImage } from './predictImage.js';
import { trainClassifier } from './trainClassifier.js';

const W = 192;
const H = 96;
const pool = new WorkerPool({ threads: 2 });
afterAll(() => pool.close());

function offsetImage(): {
  image: { width: number; height: number; channels: Float32Array[] };
  labels: Uint8Array;
} {
  const values = new Float32Array(W * H);
  const labels = new Uint8Array(W * H);
  let state = 7;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      const base = x < W / 2 ? 30000 : 34500;
      const blob = Math.hypot((x % 48) - 24, (y % 48) - 24) < 10;
      values[y * W + x] = Math.round(base + (blob ? 3000 : 0) + (state / 2 ** 32) * 200);
      if (y % 48 === 24 && Math.abs((x % 48) - 24) < 4) labels[y * W + x] = 2;
      if (y % 48 === 2) labels[y * W + x] = 1;
    }
  }
  return { image: { width: W, height: H, channels: [values] }, labels };
}

describe('tiles on a camera offset', () => {
  it('predict the same in 32-px tiles as in one tile', async () => {
    const { image, labels } = offsetImage();
    const selection = presetSelection('default');
    const model = await trainClassifier(pool, [{ image, labels }], selection, 'ilastik', {
      components: 1,
      semiSupervised: { enabled: false, lambda: 1, sampleCount: 1000, iterations: 1 },
    });
    const whole = await predictImage(pool, image, model, selection, 'ilastik', { tileSize: 4096 });
    const tiled = await predictImage(pool, image, model, selection, 'ilastik', { tileSize: 32 });
    for (let k = 0; k < whole.probabilities.length; k++) {
      expect(tiled.probabilities[k]).toEqual(whole.probabilities[k]);
    }
  }, 120_000);
});
