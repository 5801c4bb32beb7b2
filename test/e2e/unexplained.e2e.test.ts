/**
 * What only a mixture model can show, in Debian's Chromium against the browser-mode server: on an image
 * with a third kind of object (flat bright squares) beside background and nuclei, a user scribbles the two
 * known kinds, turns on the Unexplained layer and sees the squares flagged (and the scribbled kinds not);
 * the status bar says so under the pointer, and Label here next marks regions to label. Screenshots at
 * 1024 × 640 and 1920 × 1080 go to test-output/e2e/unexplained-*.png.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeIntegerImage } from '../../src/main/io/writeIntegerImage.js';
import { hasChromium } from '../helpers/headlessChromium.js';
import { makeThirdKindSample } from '../helpers/thirdKindSample.js';
import { type Point, windowForTests } from './windowDriver.js';

/** The same size as the sample, so the driver's fit-to-view mapping holds. */
const SIZE = 512;

describe.skipIf(!hasChromium())('the Unexplained layer', () => {
  const tab = windowForTests('mixel-e2e-unexplained-');
  const shot = (name: string) => tab.screenshot(`unexplained-${name}`);
  const sample = makeThirdKindSample(SIZE, SIZE, 5, 5);
  const isKind = (x: number, y: number, r: number, kind: number) => {
    for (let dy = -r; dy <= r; dy++)
      for (let dx = -r; dx <= r; dx++) if (sample.truth[(y + dy) * SIZE + x + dx] !== kind) return false;
    return true;
  };
  /** Points deep inside `kind`, at least `apart` pixels from each other. */
  const pointsOf = (kind: number, r: number, count: number, apart = 80): Point[] => {
    const found: Point[] = [];
    for (let y = 40; y < SIZE - 40 && found.length < count; y += 5)
      for (let x = 40; x < SIZE - 40 && found.length < count; x += 5)
        if (isKind(x, y, r, kind) && found.every(([a, b]) => Math.hypot(a - x, b - y) > apart))
          found.push([x, y]);
    return found;
  };
  const square = sample.squares[0];
  const squareCentre: Point = [square.x + square.side / 2, square.y + square.side / 2];

  it('flags the kind of object no class was painted on', async () => {
    const nuclei = pointsOf(2, 7, 3);
    const background = pointsOf(1, 20, 3);
    expect(nuclei.length).toBe(3);
    expect(background.length).toBe(3);
    const path = join(tab.dir, 'third-kind.tif');
    await writeIntegerImage(path, sample.image, SIZE, SIZE);

    await tab.page.goto(tab.server.url);
    await tab.ui.waitForImage();
    await tab.page.locator('[data-action="add-images"]').click();
    await tab.page.getByTestId('path-input').fill(path);
    await tab.page.getByTestId('path-ok').click();
    await expect.poll(tab.ui.textOf('image-list'), { timeout: 30_000 }).toContain('third-kind');
    await tab.page.getByRole('button', { name: /^third-kind/ }).click();
    await tab.ui.waitForImage();

    for (const [x, y] of nuclei) {
      await tab.page.keyboard.press('2');
      await tab.ui.paint([x - 4, y], [x + 4, y]);
    }
    for (const [x, y] of background) {
      await tab.page.keyboard.press('1');
      await tab.ui.paint([x - 15, y], [x + 15, y]);
    }
    await expect.poll(tab.ui.textOf('status'), { timeout: 120_000 }).toMatch(/^Updated \d+ tiles/);

    // Only the Unexplained layer among the overlays, so the overlay canvas shows it alone.
    await tab.page.locator('[data-layer-visible="probabilities"]').uncheck();
    await tab.page.getByLabel('Show Unexplained').check();
    await expect
      .poll(() => tab.page.locator('[data-layer-help="unexplained"]').textContent())
      .toContain('none of the scribbled classes');
    const alphaAt = async (at: Point) => (await tab.ui.layerPixel('overlay', at))[3];
    // The status may have said "Updated" for a refit that came before the last strokes' (theirs may
    // still be under way, a coarse preview first): wait for the whole picture they settle on.
    const picture = async () => {
      const [r, g, b, a] = await tab.ui.layerPixel('overlay', squareCentre);
      return {
        // Flagged, in the layer's magenta.
        square: a > 80 && r > 150 && b > 120 && g < 80,
        // Every painted kind stays clear where it was painted.
        painted: await Promise.all([...nuclei, ...background].map(alphaAt)),
        // The squares no stroke touched, all flagged.
        squares: await Promise.all(
          sample.squares.map(async (q) => (await alphaAt([q.x + q.side / 2, q.y + q.side / 2])) > 80),
        ),
      };
    };
    await expect.poll(picture, { timeout: 30_000 }).toEqual({
      square: true,
      painted: [...nuclei, ...background].map(() => 0),
      squares: sample.squares.map(() => true),
    });

    const p = await tab.ui.toScreen(squareCentre);
    await tab.page.mouse.move(p.x, p.y);
    await expect.poll(tab.ui.textOf('pixel-unexplained')).toMatch(/^unexplained \d+ %$/);
    const q = await tab.ui.toScreen(background[0]);
    await tab.page.mouse.move(q.x, q.y);
    await expect.poll(tab.ui.textOf('pixel-unexplained')).toBe('explained');

    // The feature viewer: a smoothing channel in grey, the bright squares white, the background dark.
    await tab.page
      .getByLabel('Feature channel to show')
      .selectOption({ label: 'Gaussian Smoothing (σ=1.0)' });
    await expect
      .poll(async () => (await tab.ui.layerPixel('feature', squareCentre))[0], { timeout: 30_000 })
      .toBeGreaterThan(200);
    const grey = await tab.ui.layerPixel('feature', background[0]);
    expect(grey[0]).toBeLessThan(60);
    expect(grey[0]).toBe(grey[1]);
    await shot('00-feature-viewer');
    await tab.page.getByLabel('Show Feature').uncheck();

    await tab.page.getByLabel('Show Label here next').check();
    await expect
      .poll(() => tab.page.locator('[data-layer-help="next"]').textContent())
      .toContain('teach the model most');
    await tab.page.setViewportSize({ width: 1024, height: 640 });
    await expect.poll(async () => (await tab.ui.viewerBox()).width).toBeLessThan(800);
    await tab.page.keyboard.press('0');
    await tab.page.mouse.move(p.x, p.y);
    await shot('01-1024x640');
    await tab.page.setViewportSize({ width: 1920, height: 1080 });
    // The viewer takes its new size on a later frame; 0 fits the image to the size it has then.
    await expect.poll(async () => (await tab.ui.viewerBox()).width).toBeGreaterThan(1400);
    await tab.page.keyboard.press('0');
    await shot('02-1920x1080');
    await tab.page.setViewportSize({ width: 1280, height: 800 });
  }, 240_000);
});
