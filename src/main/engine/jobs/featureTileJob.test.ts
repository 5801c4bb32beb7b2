import { describe, expect, it } from 'vitest';
import { computeFeatures, featureHaloPx } from '../../../core/features/computeFeatures.js';
import { presetSelection } from '../../../core/features/selection.js';
import { cropPlane } from '../../../core/image.js';
import { growRect } from '../../../core/tiling.js';
import { featureTileJob } from './featureTileJob.js';

describe('featureTile job', () => {
  const width = 160;
  const height = 120;
  const plane = Float32Array.from(
    { length: width * height },
    (_, i) => 300 + 100 * Math.sin(i / 13) + (i % 7),
  );
  const sel = presetSelection('default');
  const whole = computeFeatures({ width, height, channels: [plane] }, sel, 'ilastik');
  const core = { x: 60, y: 40, width: 50, height: 30 };

  it('computes the core of an outer crop: core-sized planes equal to the whole-image result', async () => {
    const outer = growRect(core, featureHaloPx(sel, 'ilastik'), width, height);
    const crop = cropPlane(plane, width, outer.x, outer.y, outer.width, outer.height);
    const { planes } = await featureTileJob({
      planes: [crop],
      width: outer.width,
      height: outer.height,
      core: { x: core.x - outer.x, y: core.y - outer.y, width: core.width, height: core.height },
      selection: sel,
      convention: 'ilastik',
    });
    expect(planes.length).toBe(49);
    planes.forEach((p, c) => {
      const expected = cropPlane(whole[c], width, core.x, core.y, core.width, core.height);
      expect(p.every((v, i) => v === expected[i])).toBe(true);
    });
  });

  it('writes into shared full-size planes when given them, returning none', async () => {
    const into = whole.map(() => new Float32Array(new SharedArrayBuffer(width * height * 4)));
    const { planes } = await featureTileJob({
      planes: [plane],
      width,
      height,
      core,
      selection: sel,
      convention: 'ilastik',
      into: { planes: into, width, x: core.x, y: core.y },
    });
    expect(planes).toEqual([]);
    const last = into.length - 1;
    expect(into[last][(core.y + 5) * width + core.x + 7]).toBe(
      whole[last][(core.y + 5) * width + core.x + 7],
    );
    expect(into[last][(core.y - 1) * width + core.x]).toBe(0); // outside the core: untouched
  });
});
