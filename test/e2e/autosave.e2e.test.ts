/**
 * Nothing lost when the server dies, in Debian's Chromium against the browser-mode server: strokes are
 * autosaved a few seconds after painting; a second tab on the same server is told the project is open
 * elsewhere; after the server is killed and started again on the same data folder, the window offers
 * the autosaved session and restores its labels. Screenshots go to test-output/e2e/autosave-*.png.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveBrowserMode, type BrowserModeServer } from '../../src/main/server/serveBrowserMode.js';
import { createBackend, type Backend } from '../../src/main/service/createBackend.js';
import { hasChromium, launchHeadlessChromium } from '../helpers/headlessChromium.js';
import {
  buildRenderer,
  givePollsTimeForAWindow,
  MULTI_STEP_TEST_TIMEOUT_MS,
  samplePoints,
  WindowDriver,
} from './windowDriver.js';

const SCREENSHOTS = resolve('test-output/e2e');

describe.skipIf(!hasChromium())('autosave and tabs', () => {
  let dir: string;
  let browser: BrowserContext;
  const running: { backend: Backend; server: BrowserModeServer }[] = [];

  /** A backend and its server on the shared data folder, as `mixel serve` started again. */
  const startServer = async () => {
    const backend = createBackend({ dataDir: join(dir, 'data'), threads: 1 });
    const server = await serveBrowserMode({ service: backend.service, rendererDir: join(dir, 'renderer') });
    running.push({ backend, server });
    return { backend, server };
  };
  const stopServer = async (s: { backend: Backend; server: BrowserModeServer }) => {
    await s.server.close();
    await s.backend.close();
    running.splice(running.indexOf(s), 1);
  };

  beforeAll(async () => {
    givePollsTimeForAWindow();
    await mkdir(SCREENSHOTS, { recursive: true });
    dir = await mkdtemp(join(tmpdir(), 'mixel-e2e-autosave-'));
    buildRenderer(join(dir, 'renderer'));
    browser = await launchHeadlessChromium(join(dir, 'chromium-profile'), { width: 1280, height: 800 });
  });

  afterAll(async () => {
    await browser?.close();
    for (const s of [...running]) await stopServer(s);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(
    'autosaves, warns a second tab, and restores the session after the server died',
    async () => {
      const { nucleus } = samplePoints();
      const first = await startServer();
      const page = browser.pages()[0] ?? (await browser.newPage());
      page.on('pageerror', (err) => console.error('page error:', err.message));
      const ui = new WindowDriver(page);
      await page.goto(first.server.url);
      await ui.waitForImage();
      await page.keyboard.press('2');
      await ui.paint([nucleus[0] - 4, nucleus[1]], [nucleus[0] + 4, nucleus[1]]);
      const autosaved = join(dir, 'data', 'autosave', 'untitled.autosave.mixel');
      await expect.poll(() => existsSync(autosaved), { timeout: 30_000 }).toBe(true);

      // A second tab on the same server: both are told.
      const second = await browser.newPage();
      await second.goto(first.server.url);
      await second.waitForSelector('body[data-ready="true"]');
      await expect.poll(() => second.getByTestId('open-elsewhere').count()).toBe(1);
      await expect.poll(() => page.getByTestId('open-elsewhere').count()).toBe(1);
      await page.screenshot({ path: join(SCREENSHOTS, 'autosave-01-open-elsewhere.png') });
      await second.close();
      await expect.poll(() => page.getByTestId('open-elsewhere').count()).toBe(0);

      // The server dies with the strokes unsaved (no Save, no beforeunload).
      await page.close({ runBeforeUnload: false });
      await stopServer(first);

      const restarted = await startServer();
      const again = await browser.newPage();
      const ui2 = new WindowDriver(again);
      await again.goto(restarted.server.url);
      await ui2.waitForImage();
      await expect
        .poll(ui2.textOf('restore-message'), { timeout: 20_000 })
        .toMatch(/never saved was autosaved at/);
      await again.screenshot({ path: join(SCREENSHOTS, 'autosave-02-restore-offered.png') });
      await again.getByTestId('restore-ok').click();
      await expect
        .poll(async () => (await ui2.layerPixel('labels', nucleus))[3], { timeout: 20_000 })
        .toBe(255);
      // Restored work is not in a project file yet: leaving it asks first.
      await expect.poll(() => again.locator('footer').innerText()).toContain('unsaved project');
      await again.locator('[data-action="new-project"]').click();
      await expect.poll(ui2.textOf('unsaved-message')).toMatch(/changes that are not saved/);
      await again.keyboard.press('Escape');
      await again.screenshot({ path: join(SCREENSHOTS, 'autosave-03-restored.png') });
    },
    MULTI_STEP_TEST_TIMEOUT_MS,
  );
});
