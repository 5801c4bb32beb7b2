/**
 * The window end to end, in Debian's Chromium driven by Playwright against the browser-mode server:
 * open the sample, scribble two classes with the mouse, see the probability overlay, undo, recolour a
 * class, save and reopen, export a Simple Segmentation and read it back. Screenshots of every step go
 * to test-output/e2e/.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/headlessChromium.js';
import { decodePalettePng } from '../../src/main/io/decodePalettePng.js';
import { MULTI_STEP_TEST_TIMEOUT_MS, samplePoints, type Point, windowForTests } from './windowDriver.js';

describe.skipIf(!hasChromium())('the window in a browser', () => {
  const tab = windowForTests('mixel-e2e-');
  /** Responses of 400 or more (a missing favicon was one on every load). */
  const failedResponses: string[] = [];
  const layerPixel = (layer: string, at: Point) => tab.ui.layerPixel(layer, at);
  const paint = (from: Point, to: Point) => tab.ui.paint(from, to);
  const textOf = (testId: string) => tab.ui.textOf(testId);
  const shot = (name: string) => tab.screenshot(name);
  /** Ticks one overlay in the layer list and unticks the others. */
  const showOnlyOverlay = async (shown: string) => {
    for (const layer of ['probabilities', 'segmentation', 'uncertainty'])
      await tab.page.locator(`[data-layer-visible="${layer}"]`).setChecked(layer === shown);
  };

  beforeAll(() => {
    tab.page.on('response', (r) => {
      if (r.status() >= 400) failedResponses.push(`${r.status()} ${r.url()}`);
    });
  });

  it('refuses a request without the token', async () => {
    const response = await fetch(tab.server.url.replace(/\?token=.*/, ''));
    expect(response.status).toBe(403);
  });

  it(
    'runs the loop: scribble, see probabilities, undo, recolour, save, reopen, export',
    async () => {
      const { nucleus, background } = samplePoints();
      await tab.page.goto(tab.server.url);
      await tab.ui.waitForImage();
      await expect.poll(textOf('image-list'), { timeout: 10_000 }).toContain('sample.tif');
      await shot('01-sample-open');
      // The page names its icon; headless Chromium does not fetch it, so fetch it as a tab would.
      const iconStatus = await tab.page.evaluate(
        async () =>
          (await fetch(document.querySelector<HTMLLinkElement>('link[rel~="icon"]')?.href ?? '/favicon.ico'))
            .status,
      );
      expect([iconStatus, ...failedResponses]).toEqual([200]);

      // Contrast: lowering the top of the display window brightens the nuclei.
      const before = (await layerPixel('image', nucleus))[0];
      await tab.page.locator('label.slider', { hasText: 'Max' }).locator('input').fill('1000');
      await expect.poll(async () => (await layerPixel('image', nucleus))[0]).toBeGreaterThan(before);
      await tab.page.locator('label.slider', { hasText: 'Max' }).locator('input').fill('2112');

      // Scribble: nucleus (class 2) across one nucleus, background (class 1) in empty space.
      await tab.page.keyboard.press('2');
      await paint([nucleus[0] - 4, nucleus[1]], [nucleus[0] + 4, nucleus[1]]);
      await tab.page.keyboard.press('1');
      await paint([background[0] - 20, background[1]], [background[0] + 20, background[1]]);
      // The label layer repaints on a later frame than the mouse's release.
      await expect.poll(async () => (await layerPixel('labels', nucleus))[3]).toBe(255);
      await expect.poll(async () => (await layerPixel('labels', background))[3]).toBe(255);

      // The probability overlay appears: nucleus pixels in the nucleus colour (blue), background in yellow.
      await expect
        .poll(async () => (await layerPixel('overlay', [nucleus[0], nucleus[1] + 6]))[3], { timeout: 60_000 })
        .toBeGreaterThan(100);
      const onNucleus = await layerPixel('overlay', [nucleus[0], nucleus[1] + 6]);
      const onBackground = await layerPixel('overlay', [background[0], background[1] + 25]);
      expect(onNucleus[2]).toBeGreaterThan(onNucleus[0]);
      expect(onBackground[0]).toBeGreaterThan(onBackground[2]);
      await expect.poll(textOf('status'), { timeout: 60_000 }).toMatch(/^Updated/);
      await shot('02-probabilities');

      // Simple Segmentation: solid class colours; Uncertainty: faint where the classifier is sure.
      await showOnlyOverlay('segmentation');
      await expect
        .poll(async () => (await layerPixel('overlay', [nucleus[0], nucleus[1] + 6]))[3])
        .toBeGreaterThan(120);
      const segmented = await layerPixel('overlay', [nucleus[0], nucleus[1] + 6]);
      expect(segmented[2]).toBeGreaterThan(segmented[0]);
      await shot('02b-segmentation');
      await showOnlyOverlay('uncertainty');
      await shot('02c-uncertainty');
      await expect
        .poll(async () => (await layerPixel('overlay', [background[0], background[1] + 25]))[3])
        .toBeLessThan(60);
      await shot('02c-uncertainty');
      await showOnlyOverlay('probabilities');

      // Undo removes the background stroke; redo brings it back.
      await tab.page.keyboard.press('Control+z');
      await expect.poll(async () => (await layerPixel('labels', background))[3]).toBe(0);
      expect((await layerPixel('labels', nucleus))[3]).toBe(255);
      await shot('03-undone');
      await tab.page.keyboard.press('Control+Shift+z');
      await expect.poll(async () => (await layerPixel('labels', background))[3]).toBe(255);

      // Recolour the nucleus class: its labels turn red.
      await tab.page.locator('[data-class-id="2"] input[type="color"]').fill('#ff0000');
      await expect.poll(async () => (await layerPixel('labels', nucleus)).slice(0, 3)).toEqual([255, 0, 0]);
      await shot('04-recoloured');

      // Save, start a new project, reopen: the labels and colour are back.
      const projectPath = join(tab.dir, 'saved', 'cells.mixel');
      await tab.page.locator('[data-action="save-project"]').click();
      await tab.page.getByTestId('path-input').fill(projectPath);
      await tab.page.getByTestId('path-ok').click();
      // The status line may already show a later live update; the saved file and its name in the
      // footer are what the user relies on.
      await expect.poll(() => existsSync(projectPath), { timeout: 30_000 }).toBe(true);
      await expect
        .poll(() => tab.page.locator('footer').innerText(), { timeout: 30_000 })
        .toContain(projectPath);
      await tab.page.locator('[data-action="new-project"]').click();
      await expect.poll(textOf('image-list')).not.toContain('sample.tif');
      await expect.poll(() => tab.page.locator('.class-name').first().inputValue()).toBe('Background');
      await tab.page.locator('[data-action="open-project"]').click();
      await tab.page.getByTestId('path-input').fill(projectPath);
      await tab.page.getByTestId('path-ok').click();
      await expect.poll(textOf('image-list'), { timeout: 30_000 }).toContain('sample.tif');
      await expect.poll(() => tab.page.locator('.class-name').nth(1).inputValue()).toBe('nucleus');
      await expect
        .poll(async () => await layerPixel('labels', nucleus), { timeout: 30_000 })
        .toEqual([255, 0, 0, 255]);
      expect((await layerPixel('labels', background))[3]).toBe(255);
      await expect
        .poll(async () => (await layerPixel('overlay', [nucleus[0], nucleus[1] + 6]))[3], { timeout: 60_000 })
        .toBeGreaterThan(100);
      await expect.poll(textOf('status'), { timeout: 60_000 }).toMatch(/^Updated/);
      await shot('05-reopened');

      // Export the Simple Segmentation and read it back.
      await tab.page.locator('[data-action="export"]').click();
      const pattern = join(tab.dir, 'export', '{name}_{source}.{ext}');
      await tab.page.getByTestId('export-pattern').fill(pattern);
      await tab.page.getByLabel('Format').selectOption('png-color');
      await tab.page.getByTestId('export-start').click();
      await expect.poll(textOf('export-done'), { timeout: 120_000 }).toBe('Done');
      await shot('06-exported');
      const file = join(tab.dir, 'export', 'sample_Simple Segmentation.png');
      await expect.poll(textOf('export-path'), { timeout: 10_000 }).toContain(file);
      // A palette PNG: the stored values are the class values, the palette shows the class colours.
      const decoded = decodePalettePng(await readFile(file));
      expect([decoded.width, decoded.height]).toEqual([512, 512]);
      expect(decoded.indices[nucleus[1] * 512 + nucleus[0]]).toBe(2);
      expect(decoded.indices[background[1] * 512 + background[0]]).toBe(1);
      const { data: shown } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
      const at = (nucleus[1] * 512 + nucleus[0]) * 3;
      expect(Array.from(shown.subarray(at, at + 3))).toEqual([255, 0, 0]); // the nucleus class, recoloured red
      await tab.page.locator('.modal-footer button', { hasText: 'Close' }).click();
    },
    MULTI_STEP_TEST_TIMEOUT_MS,
  );

  it('shows the 6 × 7 feature matrix with presets', async () => {
    await tab.page.locator('[data-action="feature-selection"]').click();
    const matrix = tab.page.getByTestId('feature-matrix');
    await expect.poll(() => matrix.locator('tbody tr').count()).toBe(6);
    expect(await matrix.locator('tbody tr').first().locator('input[type="checkbox"]').count()).toBe(7);
    await tab.page.locator('.modal-footer button', { hasText: 'All' }).click();
    await expect.poll(() => matrix.locator('input:checked').count()).toBe(42);
    await tab.page.locator('.modal-footer button', { hasText: 'Default' }).click();
    await expect.poll(() => matrix.locator('input:checked').count()).toBe(37);
    await shot('07-features');
    await tab.page.locator('.modal-footer button', { hasText: 'Cancel' }).click();
  });

  it('adds an image dropped on the window (uploaded to the backend)', async () => {
    const png = await sharp(Buffer.from(new Uint8Array(64 * 48).map((_, i) => (i * 7) % 256)), {
      raw: { width: 64, height: 48, channels: 1 },
    })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    await tab.page.evaluate(
      ({ bytes }) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(bytes)], 'dropped.png', { type: 'image/png' }));
        document
          .querySelector('.app')!
          .dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      },
      { bytes: Array.from(png) },
    );
    await expect.poll(textOf('image-list'), { timeout: 30_000 }).toContain('dropped.png');
    await expect.poll(textOf('image-list')).toContain('yx 48 × 64');
    // One model serves every image, so it predicts the dropped image too.
    await expect.poll(textOf('status'), { timeout: 60_000 }).toMatch(/^Updated/);
    await shot('08-dropped-image');
  });

  it('asks before deleting a class with labels; keeping it keeps them, confirming removes both', async () => {
    const { nucleus, background } = samplePoints();
    await tab.page.getByTestId('image-list').getByRole('button', { name: 'sample.tif', exact: true }).click();
    await expect.poll(async () => (await layerPixel('labels', nucleus))[3]).toBe(255);
    await tab.page.locator('[data-class-id="2"] button.danger').click();
    await expect.poll(textOf('delete-class-message')).toMatch(/^[\d,]+ labeled pixels of “nucleus”/);
    await shot('09-delete-class');
    await tab.page.getByTestId('delete-class-cancel').click();
    expect(await tab.page.locator('.class-name').count()).toBe(2);
    expect(await layerPixel('labels', nucleus)).toEqual([255, 0, 0, 255]);
    await tab.page.locator('[data-class-id="2"] button.danger').click();
    await tab.page.getByTestId('delete-class-ok').click();
    await expect.poll(() => tab.page.locator('.class-name').count()).toBe(1);
    await expect.poll(async () => (await layerPixel('labels', nucleus))[3]).toBe(0);
    expect((await layerPixel('labels', background))[3]).toBe(255);
  });
});
