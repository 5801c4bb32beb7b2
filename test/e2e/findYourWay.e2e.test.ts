/**
 * Finding one's way, in Debian's Chromium against the browser-mode server at 1024 × 640: the toolbar
 * stays one row, `?` and F1 show the shortcuts sheet, Escape closes any dialog and gives the keys back
 * to the image, Tab reaches every toolbar button, A zooms to 1:1, the Add image box asks for an image,
 * an image can be removed (asked first when it has labels), and the empty window says what to do in
 * browser mode. Screenshots go to test-output/e2e/find-*.png.
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/headlessChromium.js';
import { samplePoints, windowForTests } from './windowDriver.js';

describe.skipIf(!hasChromium())('finding one’s way in the window', () => {
  const tab = windowForTests('mixel-e2e-find-');
  const shot = (name: string) => tab.screenshot(`find-${name}`);
  const dialogCount = () => tab.page.locator('[role="dialog"]').count();
  const focused = () =>
    tab.page.evaluate(
      () =>
        document.activeElement?.getAttribute('data-testid') ??
        document.activeElement?.getAttribute('data-action') ??
        document.activeElement?.tagName,
    );

  it('keeps the toolbar on one row at 1024 × 640', async () => {
    await tab.page.setViewportSize({ width: 1024, height: 640 });
    await tab.page.goto(tab.server.url);
    await tab.ui.waitForImage();
    const boxes = await tab.page
      .locator('[data-testid="toolbar"] button, [data-testid="toolbar"] label')
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
    expect(boxes.length).toBeGreaterThan(10);
    // One row: every control's middle lies within the first control's height.
    const middles = boxes.map((b) => b.top + b.height / 2);
    expect(Math.max(...middles) - Math.min(...middles)).toBeLessThan(boxes[0].height / 2);
    expect(Math.max(...boxes.map((b) => b.right))).toBeLessThanOrEqual(1024);
    await shot('01-1024x640');
  });

  it('shows the shortcuts sheet with ? and F1; Escape closes it and gives the keys to the image', async () => {
    await tab.page.locator('[data-action="features"], [data-action="feature-selection"]').focus();
    await tab.page.keyboard.press('Escape');
    await expect.poll(focused).toBe('viewer');
    await tab.page.keyboard.press('?');
    await expect
      .poll(() => tab.page.getByTestId('shortcuts').innerText())
      .toMatch(/A\s+Actual pixels \(1:1\)/);
    expect(await tab.page.getByTestId('shortcuts').innerText()).toMatch(/Ctrl\+S\s+Save project/);
    await shot('02-shortcuts');
    await tab.page.keyboard.press('Escape');
    await expect.poll(dialogCount).toBe(0);
    // The focus goes back to the image once the dialog has gone (an effect after that render).
    await expect.poll(focused).toBe('viewer');
    await tab.page.keyboard.press('F1');
    await expect.poll(dialogCount).toBe(1);
    await tab.page.keyboard.press('Escape');
    await expect.poll(dialogCount).toBe(0);
  });

  it('closes every dialog with Escape, the focus back on the image', async () => {
    for (const action of ['feature-selection', 'classifier-settings', 'open-project', 'export']) {
      await tab.page.locator(`[data-action="${action}"]`).click();
      await expect.poll(dialogCount).toBe(1);
      await tab.page.keyboard.press('Escape');
      await expect.poll(dialogCount).toBe(0);
      await expect.poll(focused).toBe('viewer');
    }
    // With the focus back on the image, its keys work at once: E picks the eraser.
    await tab.page.keyboard.press('e');
    await expect
      .poll(() => tab.page.locator('[data-action="eraser"]').getAttribute('class'))
      .toMatch(/\bon\b/);
    await tab.page.keyboard.press('b');
  });

  it('reaches every toolbar button with Tab, and Enter presses it', async () => {
    const wanted = await tab.page
      .locator('[data-testid="toolbar"] button:not([disabled])')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    await tab.page.locator('[data-action="new-project"]').focus();
    const reached = new Set<string>();
    for (let i = 0; i < 20; i++) {
      reached.add(String(await focused()));
      await tab.page.keyboard.press('Tab');
    }
    for (const id of wanted) expect(reached).toContain(id);
    await tab.page.locator('[data-action="classifier-settings"]').focus();
    await tab.page.keyboard.press('Enter');
    await expect.poll(dialogCount).toBe(1);
    await tab.page.keyboard.press('Escape');
  });

  it('zooms to actual pixels with A', async () => {
    const zoom = () => tab.page.locator('footer').innerText();
    await expect.poll(zoom).not.toMatch(/\b100 %/);
    await tab.page.keyboard.press('a');
    await expect.poll(zoom).toMatch(/\b100 %/);
    await tab.page.keyboard.press('0');
  });

  it('asks for an image, not a project, in the Add image box', async () => {
    await tab.page.locator('[data-action="add-images"]').click();
    const placeholder = await tab.page.getByTestId('path-input').getAttribute('placeholder');
    expect(placeholder).toMatch(/\.tif$/);
    await tab.page.keyboard.press('Escape');
  });

  it('removes an image, asking first when it has labels, then says what to do in browser mode', async () => {
    const { nucleus } = samplePoints();
    await tab.page.keyboard.press('2');
    await tab.ui.paint([nucleus[0] - 4, nucleus[1]], [nucleus[0] + 4, nucleus[1]]);
    await tab.page.getByTestId('remove-image').first().click();
    await expect.poll(tab.ui.textOf('remove-image-message')).toMatch(/labeled pixels go with it/);
    await shot('03-remove-asks');
    await tab.page.getByTestId('remove-image-cancel').click();
    expect(await tab.ui.textOf('image-list')()).toContain('sample.tif');
    // The stroke's live update may still be under way and report after the removal: keep every line
    // the status bar shows from here on, so its report cannot hide that the removal was announced.
    const statusLines = await tab.ui.recordTexts('status');
    await tab.page.getByTestId('remove-image').first().click();
    await tab.page.getByTestId('remove-image-ok').click();
    await expect.poll(tab.ui.textOf('image-list')).not.toContain('sample.tif');
    await expect.poll(tab.ui.textOf('empty-hint')).toMatch(/drop a TIFF, PNG or JPEG file here/);
    expect(await tab.ui.textOf('empty-hint')()).not.toMatch(/File ▸/);
    await expect.poll(statusLines).toContainEqual(expect.stringMatching(/Removed sample.tif/));
    await shot('04-empty-after-remove');
  });
});
