import { describe, expect, it } from 'vitest';
import type { ImageTile, ProbabilityTile } from '../../core/protocol/types.js';
import { formatValue, probabilitiesAt, rawValuesAt } from './pixelReadout.js';

const imageTile = (level: number, rect: ImageTile['rect'], channels: number[][]): ImageTile => ({
  imageId: 'a',
  level,
  rect,
  width: rect.width >> level,
  height: rect.height >> level,
  channels: channels.map((c) => Float32Array.from(c)),
});

describe('the pixel readout', () => {
  it('reads every channel of the pixel from a full-resolution tile, never from a coarser one', () => {
    const coarse = imageTile(1, { x: 0, y: 0, width: 4, height: 4 }, [[9, 9, 9, 9]]);
    const fine = imageTile(0, { x: 2, y: 0, width: 2, height: 2 }, [
      [1, 2, 3, 4],
      [10, 20, 30, 40],
    ]);
    expect(rawValuesAt([coarse, fine], 'a', 3, 1)).toEqual([4, 40]);
    expect(rawValuesAt([coarse, fine], 'a', 0, 0)).toBeNull();
    expect(rawValuesAt([coarse, fine], 'b', 3, 1)).toBeNull();
  });

  it('reads class probabilities from the finest tile there', () => {
    const tile = (stride: number, p: number[]): ProbabilityTile => ({
      requestId: 1,
      viewId: 'v',
      imageId: 'a',
      rect: { x: 0, y: 0, width: 4, height: 4 },
      stride,
      width: 4 / stride,
      height: 4 / stride,
      classCount: 2,
      probabilities: Uint8Array.from(p),
    });
    const preview = tile(4, [255, 0]);
    const full = tile(1, [...Array(16).fill(51), ...Array(16).fill(204)]);
    expect(probabilitiesAt([preview], 'a', 3, 3)).toEqual([1, 0]);
    expect(probabilitiesAt([preview, full], 'a', 3, 3)).toEqual([0.2, 0.8]);
    expect(probabilitiesAt([full], 'a', 5, 0)).toBeNull();
  });

  it('shows integers whole and fractions to four digits', () => {
    expect([formatValue(33012), formatValue(0.123456)]).toEqual(['33012', '0.1235']);
  });
});
