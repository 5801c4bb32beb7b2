import { describe, expect, it } from 'vitest';
import { makeSyntheticSample } from './syntheticCells.js';

describe('makeSyntheticSample', () => {
  const sample = makeSyntheticSample({ width: 256, height: 192, seed: 7 });

  it('is a 16-bit image whose nuclei are brighter than the background', () => {
    expect(sample.image).toBeInstanceOf(Uint16Array);
    expect(sample.image.length).toBe(256 * 192);
    let inside = 0;
    let outside = 0;
    let nInside = 0;
    for (let i = 0; i < sample.image.length; i++) {
      if (sample.truth[i] === 2) {
        inside += sample.image[i];
        nInside++;
      } else outside += sample.image[i];
    }
    expect(nInside).toBeGreaterThan(0.05 * sample.image.length);
    expect(inside / nInside).toBeGreaterThan(1.5 * (outside / (sample.image.length - nInside)));
    expect(Math.max(...sample.image)).toBeGreaterThan(255); // really uses the 16-bit range
  });

  it('has scribbles for both classes that agree with the ground truth', () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < sample.scribbles.length; i++) {
      const s = sample.scribbles[i];
      counts[s]++;
      if (s !== 0) expect(s).toBe(sample.truth[i]);
    }
    expect(counts[1]).toBeGreaterThan(50);
    expect(counts[2]).toBeGreaterThan(50);
    expect(counts[1] + counts[2]).toBeLessThan(0.05 * sample.scribbles.length); // sparse, like real scribbles
  });

  it('is reproducible for a seed and different for another', () => {
    const again = makeSyntheticSample({ width: 256, height: 192, seed: 7 });
    const other = makeSyntheticSample({ width: 256, height: 192, seed: 8 });
    expect(again.image).toEqual(sample.image);
    expect(other.image).not.toEqual(sample.image);
  });
});
