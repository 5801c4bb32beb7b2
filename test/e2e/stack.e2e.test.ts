/**
 * A z-stack in the window, in Debian's Chromium against the browser-mode server: the image list names the
 * stack's axes and size, the z slider and the keys (`,` `.` PageUp PageDown) move through the planes, two
 * classes painted on plane 5 train a model whose overlay on plane 5 shows the object there, plane 0 (no
 * object) shows its own overlay rather than a stale copy of plane 5's, undo acts per plane, and Export
 * writes the whole stack (plane 5 segmented, its labels on page 5). Screenshots
 * go to test-output/e2e/stack-*.png, at 1024 × 640 and 1920 × 1080 too.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/headlessChromium.js';
import { makeSyntheticStack, writeSyntheticStack } from '../helpers/syntheticStack.js';
import { fitView } from '../../src/renderer/viewer/rendering.js';
import { openImage } from '../../src/main/io/openImage.js';
import { windowForTests, type Point } from './windowDriver.js';

const SIZE = 256;
const PLANES = 12;

describe.skipIf(!hasChromium())('a z-stack in the window', () => {
  const tab = windowForTests('mixel-e2e-stack-');
  const shot = (name: string) => tab.screenshot(`stack-${name}`);
  const stack = makeSyntheticStack(SIZE, SIZE, PLANES);
  const ball = stack.balls[0]; // centred on plane 5, nothing of it on plane 0
  const centre: Point = [Math.round(ball.x), Math.round(ball.y)];
  const background: Point = [128, 128];

  /** Screen position of a stack pixel in the view fitted to the viewer (key 0). */
  const toScreen = async ([x, y]: Point) => {
    const box = await tab.ui.viewerBox();
    const view = fitView({ width: SIZE, height: SIZE }, { width: box.width, height: box.height });
    return { x: box.x + view.x + (x + 0.5) * view.scale, y: box.y + view.y + (y + 0.5) * view.scale };
  };
  const pixel = async (layer: string, at: Point) => {
    const box = await tab.ui.viewerBox();
    const p = await toScreen(at);
    return tab.page.evaluate(
      ({ layer, x, y }) => {
        const canvas = document.querySelector<HTMLCanvasElement>(`canvas[data-layer="${layer}"]`);
        if (!canvas || canvas.clientWidth === 0) return [0, 0, 0, 0];
        const ratio = canvas.width / canvas.clientWidth;
        return Array.from(
          canvas.getContext('2d')!.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data,
        );
      },
      { layer, x: p.x - box.x, y: p.y - box.y },
    );
  };
  const paint = async (from: Point, to: Point) => {
    const a = await toScreen(from);
    const b = await toScreen(to);
    await tab.page.mouse.move(a.x, a.y);
    await tab.page.mouse.down();
    await tab.page.mouse.move(b.x, b.y, { steps: 12 });
    await tab.page.mouse.up();
  };
  const zPosition = () => tab.ui.textOf('z-position')();
  /** Blue (Foreground, #2080ff) over red in the overlay: the object class wins there. */
  const overlayIsObject = async (at: Point) => {
    const [r, , b, a] = await pixel('overlay', at);
    return a > 60 && b > r + 40;
  };
  const overlayIsBackground = async (at: Point) => {
    const [r, , b, a] = await pixel('overlay', at);
    return a > 60 && r > b + 40;
  };

  it('lists the stack with its axes and shows a z slider', async () => {
    const path = join(tab.dir, 'stack.tif');
    await writeSyntheticStack(path, stack);
    await tab.page.goto(tab.server.url);
    await tab.ui.waitForImage();
    await tab.page.keyboard.press('Alt+N');
    await tab.page.keyboard.press('Alt+I');
    await tab.page.getByTestId('path-input').fill(path);
    await tab.page.getByTestId('path-ok').click();
    await expect.poll(tab.ui.textOf('image-axes')).toBe(`zyx ${PLANES} × ${SIZE} × ${SIZE} uint16`);
    await tab.ui.waitForImage();
    await expect.poll(zPosition).toBe(`0 / ${PLANES - 1}`);
    // Plane 0 has no object: the ball's centre is as dark as the background.
    const dark = await pixel('image', centre);
    expect(Math.abs(dark[0] - (await pixel('image', background))[0])).toBeLessThan(60);
    await shot('01-plane-0');
  });

  it('moves through z with the keys and the slider, showing each plane', async () => {
    await tab.page.getByTestId('viewer').focus();
    for (let i = 0; i < 3; i++) await tab.page.keyboard.press('.');
    await expect.poll(zPosition).toBe(`3 / ${PLANES - 1}`);
    await tab.page.keyboard.press('PageDown');
    await expect.poll(zPosition).toBe(`4 / ${PLANES - 1}`);
    await tab.page.keyboard.press('PageUp');
    await tab.page.keyboard.press(',');
    await expect.poll(zPosition).toBe(`2 / ${PLANES - 1}`);
    await tab.page.getByTestId('z-slider').fill('5');
    await expect.poll(zPosition).toBe(`5 / ${PLANES - 1}`);
    // Plane 5 holds the ball: its centre is bright now.
    await expect
      .poll(async () => (await pixel('image', centre))[0] - (await pixel('image', background))[0], {
        timeout: 20_000,
      })
      .toBeGreaterThan(100);
    const p = await toScreen(centre);
    await tab.page.mouse.move(p.x, p.y);
    await expect.poll(tab.ui.textOf('pixel-position')).toBe(`x ${centre[0]}, y ${centre[1]}, z 5`);
  });

  it('paints two classes on plane 5 and shows their overlay on plane 5, not on plane 0', async () => {
    await tab.page.keyboard.press('2');
    await paint([centre[0] - 8, centre[1]], [centre[0] + 8, centre[1]]);
    await tab.page.keyboard.press('1');
    await paint([120, 230], [230, 230]);
    await expect.poll(() => overlayIsObject(centre), { timeout: 60_000 }).toBe(true);
    await expect.poll(() => overlayIsBackground(background), { timeout: 60_000 }).toBe(true);
    expect((await pixel('labels', centre))[3]).toBe(255);
    await expect.poll(tab.ui.textOf('pixel-readout')).toMatch(/Foreground (\d+) %/);
    await tab.page.mouse.move(5, 5);
    await shot('02-plane-5-painted');

    // Plane 0: no labels there, and the ball's place is background in plane 0's own overlay.
    await tab.page.getByTestId('z-slider').fill('0');
    await expect.poll(zPosition).toBe(`0 / ${PLANES - 1}`);
    await expect.poll(async () => (await pixel('labels', centre))[3]).toBe(0);
    await expect.poll(() => overlayIsBackground(centre), { timeout: 60_000 }).toBe(true);
    await shot('03-plane-0-overlay');

    // Undo belongs to plane 5: pressing it on plane 0 takes nothing back there.
    await tab.page.getByTestId('viewer').focus();
    await tab.page.keyboard.press('Control+Z');
    for (let i = 0; i < 5; i++) await tab.page.keyboard.press('.');
    await expect.poll(zPosition).toBe(`5 / ${PLANES - 1}`);
    await expect.poll(async () => (await pixel('labels', centre))[3]).toBe(255);
    await expect.poll(() => overlayIsObject(centre), { timeout: 60_000 }).toBe(true);
    // On plane 5 undo takes back the background stroke, then redo brings it again.
    await tab.page.keyboard.press('Control+Z');
    await expect.poll(async () => (await pixel('labels', [175, 230]))[3]).toBe(0);
    await tab.page.keyboard.press('Control+Shift+Z');
    await expect.poll(async () => (await pixel('labels', [175, 230]))[3]).toBe(255);
  }, 240_000);

  it('switches to 3-D features in the feature dialog and still finds the object on plane 5', async () => {
    await tab.page.locator('[data-action="feature-selection"]').click();
    await tab.page.getByTestId('features-3d').check();
    // The bar still says "Updated" from the last test's refit: keep the lines it shows from here on.
    const statusLines = await tab.ui.recordTexts('status');
    await tab.page.getByRole('button', { name: 'OK' }).click();
    // Retrained on 3-D features of plane 5's labels: a fresh overlay (status "Updated …") shows the object.
    await expect
      .poll(async () => (await statusLines()).slice(1), { timeout: 120_000 })
      .toContainEqual(expect.stringMatching(/^Updated/));
    await expect.poll(() => overlayIsObject(centre), { timeout: 60_000 }).toBe(true);
    await expect.poll(() => overlayIsBackground(background), { timeout: 60_000 }).toBe(true);
    // The next plane of the 4-plane block needs no new features: its overlay arrives at once.
    await tab.page.getByTestId('viewer').focus();
    await tab.page.keyboard.press('.');
    await expect.poll(zPosition).toBe(`6 / ${PLANES - 1}`);
    await expect.poll(() => overlayIsObject(centre), { timeout: 30_000 }).toBe(true);
    await tab.page.keyboard.press(',');
    await expect.poll(zPosition).toBe(`5 / ${PLANES - 1}`);
    await tab.page.mouse.move(5, 5);
    await shot('04-plane-5-3d-features');
  }, 240_000);

  it('lays the sliders out at 1024 × 640 and 1920 × 1080', async () => {
    for (const [width, height] of [
      [1024, 640],
      [1920, 1080],
    ]) {
      await tab.page.setViewportSize({ width, height });
      // The viewer takes its new size on a later frame: fit (0) anew until the overlay is where it should be.
      const fitted = async () => {
        await tab.page.keyboard.press('0');
        return overlayIsObject(centre);
      };
      await expect.poll(fitted, { timeout: 30_000 }).toBe(true);
      const slider = await tab.page.getByTestId('z-slider').boundingBox();
      const viewer = await tab.ui.viewerBox();
      expect(slider).not.toBeNull();
      // The slider lies inside the view, fully visible.
      expect(slider!.y + slider!.height).toBeLessThanOrEqual(viewer.y + viewer.height);
      expect(slider!.x + slider!.width).toBeLessThanOrEqual(viewer.x + viewer.width);
      await expect.poll(tab.ui.textOf('status'), { timeout: 60_000 }).toMatch(/^Updated|^Predicting/);
      await tab.page.mouse.move(5, 5);
      await shot(`05-plane-5-${width}x${height}`);
    }
    await tab.page.setViewportSize({ width: 1280, height: 800 });
  }, 120_000);

  it('exports the whole stack: one TIFF per source, plane 5 segmented and its labels on page 5', async () => {
    await tab.page.locator('[data-action="export"]').click();
    await tab.page
      .getByTestId('export-pattern')
      .fill(join(tab.dir, 'export', '{nickname}_{result_type}.{ext}'));
    await tab.page.locator('input[data-source="labels"]').check();
    await tab.page.getByTestId('export-start').click();
    await expect.poll(tab.ui.textOf('export-done'), { timeout: 120_000 }).toBe('Done');
    await shot('06-exported');
    const segmentation = await openImage(join(tab.dir, 'export', 'stack_Simple Segmentation.tif'));
    const labels = await openImage(join(tab.dir, 'export', 'stack_Labels.tif'));
    expect([segmentation.metadata.axes, segmentation.info.planes]).toEqual(['zyx', PLANES]);
    const at = async (image: typeof labels, plane: number) =>
      (await image.readRegion({ x: centre[0], y: centre[1], width: 1, height: 1 }, plane)).channels[0][0];
    expect(await at(segmentation, 5)).toBe(2);
    expect(await at(segmentation, 0)).toBe(1);
    expect(await at(labels, 5)).toBe(2);
    expect(await at(labels, 0)).toBe(0);
    await tab.page.locator('.modal-footer button', { hasText: 'Close' }).click();
  }, 180_000);
});
