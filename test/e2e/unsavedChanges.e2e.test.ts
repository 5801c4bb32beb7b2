/**
 * Nothing lost, in Debian's Chromium against the browser-mode server: New and the sample ask before
 * dropping unsaved strokes (Cancel and Escape keep them, Discard drops them, Save saves first); Save as,
 * Save and Ctrl+S each write the project file; closing or reloading the tab with unsaved changes asks;
 * the page loads without a failed request (the favicon is served). Screenshots go to test-output/e2e/.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/headlessChromium.js';
import { MULTI_STEP_TEST_TIMEOUT_MS, samplePoints, type Point, windowForTests } from './windowDriver.js';

const modifiedAt = async (file: string) => (await stat(file)).mtimeMs;

describe.skipIf(!hasChromium())('unsaved changes in the browser window', () => {
  const tab = windowForTests('mixel-e2e-unsaved-');
  /** Every response of 400 or more and every request that failed, while the tests ran. */
  const failedRequests: string[] = [];
  const shot = (name: string) => tab.screenshot(`unsaved-${name}`);
  const imageList = () => tab.ui.textOf('image-list')();
  const labelAlpha = async (at: Point) => (await tab.ui.layerPixel('labels', at))[3];
  const click = (action: string) => tab.page.locator(`[data-action="${action}"]`).click();

  beforeAll(() => {
    const page = tab.page;
    page.on('response', (r) => {
      if (r.status() >= 400) failedRequests.push(`${r.status()} ${r.url()}`);
    });
    page.on('requestfailed', (r) => {
      // A reload cancels the tile fetches of the page it replaces; that is not a failure of the server.
      if (!r.failure()?.errorText.includes('ERR_ABORTED')) failedRequests.push(`failed ${r.url()}`);
    });
  });

  it('loads with its favicon and without a failed request', async () => {
    await tab.page.goto(tab.server.url);
    await tab.ui.waitForImage();
    await expect.poll(imageList, { timeout: 10_000 }).toContain('sample.tif');
    // Headless Chromium does not fetch favicons by itself: fetch the one the page names, as a tab would.
    const favicon = await tab.page.evaluate(async () => {
      const href = document.querySelector<HTMLLinkElement>('link[rel~="icon"]')?.href ?? '/favicon.ico';
      const response = await fetch(href);
      return { status: response.status, type: response.headers.get('content-type') };
    });
    expect(favicon).toEqual({ status: 200, type: 'image/svg+xml' });
    expect(failedRequests).toEqual([]);
  });

  it('New with an unsaved stroke asks; Escape and Cancel keep the stroke, Discard drops it', async () => {
    const { nucleus } = samplePoints();
    await tab.page.keyboard.press('2');
    await tab.ui.paint([nucleus[0] - 4, nucleus[1]], [nucleus[0] + 4, nucleus[1]]);
    // The label layer repaints on a later frame than the mouse's release.
    await expect.poll(() => labelAlpha(nucleus)).toBe(255);

    await click('new-project');
    await expect.poll(tab.ui.textOf('unsaved-message')).toMatch(/changes that are not saved/);
    await shot('01-new-asks');
    await tab.page.keyboard.press('Escape');
    await expect.poll(() => tab.page.getByTestId('unsaved-message').count()).toBe(0);
    expect(await imageList()).toContain('sample.tif');
    expect(await labelAlpha(nucleus)).toBe(255);

    await click('new-project');
    await tab.page.getByTestId('unsaved-cancel').click();
    await expect.poll(() => tab.page.getByTestId('unsaved-message').count()).toBe(0);
    expect(await imageList()).toContain('sample.tif');
    expect(await labelAlpha(nucleus)).toBe(255);

    // Open asks the same before it asks for the file.
    await click('open-project');
    await expect.poll(tab.ui.textOf('unsaved-message')).toMatch(/Open project would lose them/);
    expect(await tab.page.getByTestId('path-input').count()).toBe(0);
    await tab.page.keyboard.press('Escape');
    await expect.poll(() => tab.page.getByTestId('unsaved-message').count()).toBe(0);

    // At the smallest window the layout supports (1024 × 640) the question fits with its three buttons.
    await tab.page.setViewportSize({ width: 1024, height: 640 });
    await click('new-project');
    await expect.poll(() => tab.page.getByTestId('unsaved-save').isVisible()).toBe(true);
    await shot('01b-new-asks-1024x640');
    await tab.page.getByTestId('unsaved-discard').click();
    await tab.page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(imageList, { timeout: 10_000 }).not.toContain('sample.tif');
    expect(await labelAlpha(nucleus)).toBe(0);
    await shot('02-discarded');
  });

  it('Save in that question asks where (never saved), saves, then goes on', async () => {
    const { nucleus } = samplePoints();
    await click('open-sample'); // the new project is unchanged: nothing to ask
    await tab.ui.waitForImage();
    await expect.poll(imageList, { timeout: 10_000 }).toContain('sample.tif');
    expect(await tab.page.getByTestId('unsaved-message').count()).toBe(0);
    await tab.page.keyboard.press('2');
    await tab.ui.paint([nucleus[0] - 4, nucleus[1]], [nucleus[0] + 4, nucleus[1]]);

    const file = join(tab.dir, 'asked', 'cells.mixel');
    await click('open-sample');
    await tab.page.getByTestId('unsaved-save').click();
    await tab.page.getByTestId('path-input').fill(file);
    await tab.page.getByTestId('path-ok').click();
    await expect.poll(() => existsSync(file), { timeout: 30_000 }).toBe(true);
    // Then the sample opened afresh: the stroke is in the file, not on screen.
    await expect.poll(() => labelAlpha(nucleus), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => tab.page.locator('footer').innerText()).toContain('unsaved project');
  });

  it(
    'Save as, Save and Ctrl+S each write the file; reloading with changes asks; New after saving does not',
    async () => {
      const { nucleus, background } = samplePoints();
      const file = join(tab.dir, 'saved', 'cells.mixel');
      await tab.page.keyboard.press('2');
      await tab.ui.paint([nucleus[0] - 4, nucleus[1]], [nucleus[0] + 4, nucleus[1]]);

      // Save as: asks for the file.
      await click('save-project-as');
      await tab.page.getByTestId('path-input').fill(file);
      await tab.page.getByTestId('path-ok').click();
      await expect.poll(() => existsSync(file), { timeout: 30_000 }).toBe(true);
      await expect.poll(() => tab.page.locator('footer').innerText()).toContain(file);
      const savedAs = await modifiedAt(file);

      // Save (the button): same file, no question, no error. (The status line may already show a later
      // live update, so the file's time is what tells.)
      const strokeB: Point = [background[0], background[1] - 10];
      await tab.page.keyboard.press('1');
      await tab.ui.paint([strokeB[0] - 20, strokeB[1]], [strokeB[0] + 20, strokeB[1]]);
      await click('save-project');
      await expect.poll(() => modifiedAt(file), { timeout: 30_000 }).toBeGreaterThan(savedAs);
      expect(await tab.page.getByTestId('path-input').count()).toBe(0);
      expect(await tab.page.getByTestId('error').count()).toBe(0);
      const saved = await modifiedAt(file);
      await shot('03-saved');

      // Reloading with an unsaved stroke: the browser asks; staying keeps the stroke.
      const strokeC: Point = [background[0], background[1] + 10];
      await tab.ui.paint([strokeC[0] - 20, strokeC[1]], [strokeC[0] + 20, strokeC[1]]);
      const asked = new Promise<string>((done) =>
        tab.page.once('dialog', (d) => {
          done(d.type());
          void d.dismiss();
        }),
      );
      await tab.page.reload({ timeout: 3_000 }).catch(() => undefined); // stays: the reload never completes
      expect(await asked).toBe('beforeunload');
      await expect.poll(() => labelAlpha(strokeC)).toBe(255);

      // Ctrl+S: same file again.
      await tab.page.keyboard.press('Control+s');
      await expect.poll(() => modifiedAt(file), { timeout: 30_000 }).toBeGreaterThan(saved);
      expect(await tab.page.getByTestId('error').count()).toBe(0);

      // Everything is saved: New asks nothing, and reopening shows all three strokes.
      await click('new-project');
      await expect.poll(imageList, { timeout: 10_000 }).not.toContain('sample.tif');
      expect(await tab.page.getByTestId('unsaved-message').count()).toBe(0);
      await click('open-project');
      await tab.page.getByTestId('path-input').fill(file);
      await tab.page.getByTestId('path-ok').click();
      await expect.poll(imageList, { timeout: 30_000 }).toContain('sample.tif');
      await expect.poll(() => labelAlpha(strokeC), { timeout: 30_000 }).toBe(255);
      expect(await labelAlpha(strokeB)).toBe(255);
      expect(await labelAlpha(nucleus)).toBe(255);
      await shot('04-reopened');

      // Reloading a saved project does not ask.
      let isAskedAgain = false;
      tab.page.once('dialog', (d) => {
        isAskedAgain = true;
        void d.dismiss();
      });
      await tab.page.reload();
      await tab.ui.waitForImage();
      expect(isAskedAgain).toBe(false);

      // A changed setting is an unsaved change too.
      await click('classifier-settings');
      await tab.page.locator('.modal label.toggle input[type="checkbox"]').click();
      await tab.page.locator('.modal-footer button', { hasText: 'OK' }).click();
      await expect.poll(() => tab.page.locator('.modal').count()).toBe(0);
      await click('new-project');
      await expect.poll(tab.ui.textOf('unsaved-message')).toContain(file);
      await tab.page.getByTestId('unsaved-cancel').click();
      expect(await imageList()).toContain('sample.tif');
      expect(failedRequests).toEqual([]);
    },
    MULTI_STEP_TEST_TIMEOUT_MS,
  );
});
