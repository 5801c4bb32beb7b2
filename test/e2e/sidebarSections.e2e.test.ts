/**
 * The sidebar at 1024 × 640 (issue 13, "a layout that works from 1024 × 640 up"): the column is taller
 * than the window, so Suggest features and the label explorer sit below the fold. The section strip at
 * the sidebar's top brings each into view in one click, and a section's heading folds it away. Screenshots
 * at 1024 × 640 and 1920 × 1080 go to test-output/e2e/sidebar-*.png.
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from '../helpers/headlessChromium.js';
import { windowForTests } from './windowDriver.js';

describe.skipIf(!hasChromium())('the sidebar’s sections at 1024 × 640', () => {
  const tab = windowForTests('mixel-e2e-sidebar-');
  /** The element is on screen and not covered (by the sticky strip or anything else) at its middle. */
  const isInView = (selector: string) =>
    tab.page.evaluate((sel) => {
      const el = document.querySelector(sel);
      if (!el) return false;
      const r = el.getBoundingClientRect();
      if (r.height === 0 || r.top < 0 || r.bottom > window.innerHeight) return false;
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return hit !== null && (hit === el || el.contains(hit));
    }, selector);
  const toggle = (section: string) => tab.page.locator(`[data-section="${section}"] .section-toggle`);
  const topOf = async (selector: string) => (await tab.page.locator(selector).boundingBox())!.y;
  /** A strip link scrolls on the next frame and then puts the keyboard on the section's heading. */
  const reveal = async (section: string) => {
    await tab.page.locator(`[data-section-link="${section}"]`).click();
    await expect
      .poll(() =>
        tab.page.evaluate(
          (id) => document.activeElement?.closest(`[data-section="${id}"]`) !== null,
          section,
        ),
      )
      .toBe(true);
  };

  it('brings Suggest features and the label explorer into view from the strip in one click', async () => {
    await tab.page.setViewportSize({ width: 1024, height: 640 });
    await tab.page.goto(tab.server.url);
    await tab.ui.waitForImage();
    // As the window opens, both are below the fold; the strip is on screen.
    expect(await isInView('[data-action="suggest-features"]')).toBe(false);
    expect(await isInView('[data-section="regions"] .section-toggle')).toBe(false);
    expect(await isInView('[data-section-link="suggest"]')).toBe(true);
    await tab.screenshot('sidebar-01-opened-1024x640');

    await tab.page.locator('[data-section-link="suggest"]').click();
    await expect.poll(() => isInView('[data-action="suggest-features"]')).toBe(true);
    // The strip stays at the top of the scrolled column, so every other section is one click away too.
    expect(await isInView('[data-section-link="regions"]')).toBe(true);
    await tab.screenshot('sidebar-02-suggest-1024x640');

    await tab.page.locator('[data-section-link="regions"]').click();
    await expect.poll(() => isInView('[data-section="regions"] .section-toggle')).toBe(true);
    await tab.screenshot('sidebar-03-regions-1024x640');
  });

  it('folds a section by its heading, and the strip unfolds it again', async () => {
    // Measured once the column has scrolled back to the top (a frame after the click).
    await reveal('images');
    const suggestTop = await topOf('[data-section="suggest"]');
    await toggle('contrast').click();
    await expect.poll(() => toggle('contrast').getAttribute('aria-expanded')).toBe('false');
    expect(
      await tab.page
        .getByTestId('histogram')
        .isVisible()
        .catch(() => false),
    ).toBe(false);
    // What was below the folded section moved up by its content.
    expect(await topOf('[data-section="suggest"]')).toBeLessThan(suggestTop - 100);
    await tab.screenshot('sidebar-04-contrast-folded-1024x640');

    await tab.page.locator('[data-section-link="contrast"]').click();
    await expect.poll(() => toggle('contrast').getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => isInView('[data-section="contrast"] .section-toggle')).toBe(true);
  });

  it('shows every section at 1920 × 1080', async () => {
    await tab.page.setViewportSize({ width: 1920, height: 1080 });
    await reveal('images');
    await tab.screenshot('sidebar-05-1920x1080');
    expect(await isInView('[data-section-link="suggest"]')).toBe(true);
  });
});
