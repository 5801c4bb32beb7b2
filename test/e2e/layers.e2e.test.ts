/**
 * Readable at a glance, in Debian's Chromium against the browser-mode server: labels are drawn above the
 * overlays with an outline in the colour that contrasts with their class, so a nucleus stroke stays
 * visible on the nucleus probabilities; the layer list shows and hides each layer and sets its opacity.
 * The status bar names the pixel under the pointer, its raw value and the class probabilities there.
 * Screenshots go to test-output/e2e/layers-*.png.
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/headlessChromium.js';
import { makeSyntheticSample } from '../../src/core/sample/syntheticCells.js';
import { samplePoints, type Point, windowForTests } from './windowDriver.js';

describe.skipIf(!hasChromium())('the layers of the view', () => {
  const tab = windowForTests('mixel-e2e-layers-');
  const shot = (name: string) => tab.screenshot(`layers-${name}`);
  const pixel = (layer: string, at: Point) => tab.ui.layerPixel(layer, at);
  const layerToggle = (id: string) => tab.page.locator(`[data-layer-visible="${id}"]`);
  const layerOpacity = (id: string) => tab.page.locator(`[data-layer-opacity="${id}"]`);

  it('draws labels above the overlays, outlined so a stroke shows on its own class colour', async () => {
    const { nucleus, background } = samplePoints();
    await tab.page.goto(tab.server.url);
    await tab.ui.waitForImage();
    await tab.page.keyboard.press('2');
    await tab.ui.paint([nucleus[0] - 4, nucleus[1]], [nucleus[0] + 4, nucleus[1]]);
    await tab.page.keyboard.press('1');
    await tab.ui.paint([background[0] - 20, background[1]], [background[0] + 20, background[1]]);
    // The nucleus probabilities (blue) cover the nucleus, under the blue stroke.
    await expect
      .poll(async () => (await pixel('overlay', nucleus))[3], { timeout: 60_000 })
      .toBeGreaterThan(100);
    const overlayThere = await pixel('overlay', nucleus);
    expect(overlayThere[2]).toBeGreaterThan(overlayThere[0]);

    // The label canvas lies above the overlay canvas (and the feature viewer's, under them, above the image).
    const order = await tab.page.evaluate(() =>
      [...document.querySelectorAll('canvas[data-layer]')].map((c) => c.getAttribute('data-layer')),
    );
    expect(order).toEqual(['image', 'feature', 'overlay', 'labels']);

    // Walking up from the middle of the blue stroke: blue, then a white outline, then nothing.
    const column = await tab.page.evaluate(
      async ({ x, y }) => {
        const canvas = document.querySelector<HTMLCanvasElement>('canvas[data-layer="labels"]')!;
        const box = canvas.getBoundingClientRect();
        const ratio = canvas.width / box.width;
        const ctx = canvas.getContext('2d')!;
        const seen: number[][] = [];
        for (let dy = 0; dy < 40; dy++) {
          const d = ctx.getImageData(
            Math.round((x - box.x) * ratio),
            Math.round((y - box.y - dy) * ratio),
            1,
            1,
          ).data;
          seen.push(Array.from(d));
        }
        return seen;
      },
      await tab.ui.toScreen(nucleus),
    );
    const kinds = column.map(([r, g, b, a]) =>
      a === 0 ? 'none' : r === 255 && g === 255 && b === 255 ? 'outline' : b > r ? 'class' : 'other',
    );
    const collapsed = kinds.filter((k, i) => i === 0 || k !== kinds[i - 1]);
    expect(collapsed).toEqual(['class', 'outline', 'none']);
    await tab.page.mouse.move(10, 10);
    await shot('01-labels-above-overlay');
  });

  it('hides and shows each layer and sets its opacity from the layer list', async () => {
    const { nucleus } = samplePoints();
    expect(await tab.page.getByTestId('layer-list').innerText()).toMatch(
      /Labels[\s\S]*Uncertainty[\s\S]*Simple Segmentation[\s\S]*Probabilities[\s\S]*Image/,
    );

    await layerToggle('labels').uncheck();
    await expect.poll(async () => (await pixel('labels', nucleus))[3]).toBe(0);
    await layerToggle('labels').check();
    await expect.poll(async () => (await pixel('labels', nucleus))[3]).toBe(255);
    await layerOpacity('labels').fill('40');
    await expect.poll(async () => (await pixel('labels', nucleus))[3]).toBeLessThan(120);
    await layerOpacity('labels').fill('100');

    await layerToggle('image').uncheck();
    await expect.poll(async () => (await pixel('image', nucleus))[3]).toBe(0);
    await shot('02-image-hidden');
    await layerToggle('image').check();
    await expect.poll(async () => (await pixel('image', nucleus))[3]).toBe(255);

    const half = (await pixel('overlay', nucleus))[3];
    await layerOpacity('probabilities').fill('100');
    await expect.poll(async () => (await pixel('overlay', nucleus))[3]).toBeGreaterThan(half + 60);
    await layerToggle('probabilities').uncheck();
    await expect.poll(async () => (await pixel('overlay', nucleus))[3]).toBe(0);

    // Two overlays at once: segmentation under uncertainty.
    await layerToggle('segmentation').check();
    await layerToggle('uncertainty').check();
    await expect.poll(async () => (await pixel('overlay', nucleus))[3]).toBeGreaterThan(100);
    await tab.page.mouse.move(10, 10);
    await shot('03-segmentation-and-uncertainty');
  });

  it('shows position, raw value and class probabilities of the pixel under the pointer', async () => {
    const { nucleus, background } = samplePoints();
    const sample = makeSyntheticSample({ width: 512, height: 512, seed: 1 });
    const readout = tab.ui.textOf('pixel-readout');
    for (const [at, likelyClass] of [
      [nucleus, /nucleus (\d+) %/],
      [background, /background (\d+) %/],
    ] as const) {
      const p = await tab.ui.toScreen(at);
      await tab.page.mouse.move(p.x, p.y);
      await expect.poll(tab.ui.textOf('pixel-position')).toBe(`x ${at[0]}, y ${at[1]}, plane 1/1`);
      await expect.poll(tab.ui.textOf('pixel-value')).toBe(`value ${sample.image[at[1] * 512 + at[0]]}`);
      // The readout follows each refit: keep the line the poll saw.
      let line = '';
      await expect.poll(async () => (line = (await readout()) ?? '')).toMatch(likelyClass);
      const percent = Number(likelyClass.exec(line)![1]);
      expect(percent).toBeGreaterThan(50);
    }
    await shot('04-pixel-readout');
    // The viewer takes its new size on a later frame, and 0 fits the image to the size it has then: fit and
    // point anew until the readout follows.
    const pointAtNucleus = async () => {
      await tab.page.keyboard.press('0');
      const q = await tab.ui.toScreen(nucleus);
      await tab.page.mouse.move(q.x, q.y);
      return tab.ui.textOf('pixel-position')();
    };
    const nucleusPosition = `x ${nucleus[0]}, y ${nucleus[1]}, plane 1/1`;
    await tab.page.setViewportSize({ width: 1024, height: 640 });
    await expect.poll(pointAtNucleus).toBe(nucleusPosition);
    await shot('05-pixel-readout-1024x640');
    await tab.page.setViewportSize({ width: 1920, height: 1080 });
    await expect.poll(pointAtNucleus).toBe(nucleusPosition);
    await shot('06-pixel-readout-1920x1080');
    await tab.page.setViewportSize({ width: 1280, height: 800 });
  });
});
