import { describe, expect, it } from 'vitest';
import { guessArrayAxes, resolveArrayMetadata } from './imageMetadataArrays.js';

const tags = (keys: string, resolution: number[] = []) =>
  JSON.stringify({
    axes: [...keys].map((key, i) => ({ key, typeFlags: 2, resolution: resolution[i] ?? 0 })),
  });

describe('axes of an N-D dataset', () => {
  it('guesses as ilastik does, with few leading planes as channels', () => {
    expect(guessArrayAxes([512, 512]).join('')).toBe('yx');
    expect(guessArrayAxes([512, 512, 3]).join('')).toBe('yxc');
    expect(guessArrayAxes([2, 512, 512]).join('')).toBe('cyx');
    expect(guessArrayAxes([40, 512, 512]).join('')).toBe('zyx');
    expect(guessArrayAxes([40, 512, 512, 2]).join('')).toBe('zyxc');
    expect(guessArrayAxes([3, 40, 512, 512]).join('')).toBe('czyx');
    expect(guessArrayAxes([10, 40, 512, 512]).join('')).toBe('tzyx');
    expect(guessArrayAxes([10, 40, 512, 512, 1]).join('')).toBe('tzyxc');
    expect(() => guessArrayAxes([2, 2, 2, 2, 2, 2])).toThrow('6-D arrays are not images');
  });

  it('axistags name the axes; a trailing c is samples, a leading one a page axis', () => {
    const last = resolveArrayMetadata({ shape: [5, 64, 64, 2], axistags: tags('zyxc', [2, 0.3, 0.3]) });
    expect(last).toMatchObject({ axes: 'zyxc', pageAxes: ['z'], pageSizes: [5], axesSource: 'axistags' });
    expect(last.pixelSize).toEqual({
      z: { value: 2, unit: 'µm' },
      y: { value: 0.3, unit: 'µm' },
      x: { value: 0.3, unit: 'µm' },
    });
    const first = resolveArrayMetadata({ shape: [2, 5, 64, 64], axistags: tags('czyx') });
    expect(first).toMatchObject({ pageAxes: ['c', 'z'], pageSizes: [2, 5], pixelSizeSource: null });
  });

  it('unusable axistags are noted and the shape is guessed instead', () => {
    for (const [raw, note] of [
      ['{not json', 'axistags are not JSON; ignored'],
      [tags('zyx'), 'axistags name 3 axes but the dataset has 2 dimensions; ignored'],
      [tags('yy'), 'axistags "yy" repeat an axis or lack y or x; ignored'],
      [
        JSON.stringify({ axes: [{ key: 'q' }, { key: 'x' }] }),
        'axistags name an axis "q" (Mixel knows t, z, c, y, x); ignored',
      ],
    ]) {
      const meta = resolveArrayMetadata({ shape: [64, 64], axistags: raw });
      expect(meta.notes).toEqual([note]);
      expect(meta.axes).toBe('yx');
    }
  });

  it('--axes overrides axistags and must name every dimension', () => {
    expect(resolveArrayMetadata({ shape: [3, 64, 64], axistags: tags('zyx'), axesOption: 'cyx' }).axes).toBe(
      'cyx',
    );
    expect(() => resolveArrayMetadata({ shape: [3, 64, 64], axesOption: 'yx' })).toThrow(
      'axes "yx" names 2 dimensions but the dataset has 3 (shape 3 × 64 × 64)',
    );
  });

  it('element_size_um: z, y, x as Fiji writes it, or one value per dimension', () => {
    expect(resolveArrayMetadata({ shape: [64, 64], elementSizeUm: [1, 0.2, 0.3] }).pixelSize).toEqual({
      y: { value: 0.2, unit: 'µm' },
      x: { value: 0.3, unit: 'µm' },
    });
    const fiji = resolveArrayMetadata({ shape: [9, 64, 64], elementSizeUm: [2, 0.2, 0.2] });
    expect(fiji).toMatchObject({ axes: 'zyx', axesSource: 'guessed', pixelSizeSource: 'element_size_um' });
    expect(resolveArrayMetadata({ shape: [64, 64, 3], elementSizeUm: [1, 0.2, 0.2] }).axes).toBe('yxc');
    const perDim = resolveArrayMetadata({
      shape: [4, 9, 64, 64],
      axesOption: 'tzyx',
      elementSizeUm: [1, 2, 0.2, 0.2],
    });
    expect(perDim.pixelSize.z).toEqual({ value: 2, unit: 'µm' });
    expect(resolveArrayMetadata({ shape: [64, 64], elementSizeUm: [1, 2, 3, 4, 5] }).notes).toEqual([
      'element_size_um has 5 values for 2 dimensions; ignored',
    ]);
  });
});
