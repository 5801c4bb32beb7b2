/**
 * Driving the window in Chromium as a user does: where the sample's nuclei and background are, where an
 * image pixel lands on screen, painting with the mouse, reading a layer canvas back; and the session they
 * run in (the built window served by a real backend, one Chromium tab on it).
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, vi } from 'vitest';
import { makeSyntheticSample } from '../../src/core/sample/syntheticCells.js';
import { serveBrowserMode, type BrowserModeServer } from '../../src/main/server/serveBrowserMode.js';
import { createBackend, type Backend } from '../../src/main/service/createBackend.js';
import { fitView } from '../../src/renderer/viewer/rendering.js';
import { launchHeadlessChromium } from '../helpers/headlessChromium.js';

/** The sample project's image is this synthetic 512 × 512 picture (seed 1). */
const SAMPLE_SIZE = 512;

/**
 * How long a window test's `expect.poll` waits unless it says otherwise. Vitest's own default (1 s) is
 * less than a repaint or a round trip to the backend can take on a loaded 2-core CI machine, where the
 * test files run in parallel beside Chromium and the worker threads.
 */
export const WINDOW_POLL_TIMEOUT_MS = 10_000;

/**
 * Timeout of a window test that walks several steps of the loop (each a fit, a save or a repaint): such
 * a test takes 10–15 s in CI, and 30–45 s on a 2-core machine loaded several times over.
 */
export const MULTI_STEP_TEST_TIMEOUT_MS = 180_000;

/** Gives every `expect.poll` of the calling test file WINDOW_POLL_TIMEOUT_MS (vitest resets it per file). */
export function givePollsTimeForAWindow(): void {
  vi.setConfig({ expect: { poll: { timeout: WINDOW_POLL_TIMEOUT_MS, interval: 50 } } });
}

export type Point = [number, number];

/** Points deep inside a nucleus and far from any, from the sample's ground truth. */
export function samplePoints(): { nucleus: Point; background: Point } {
  const { truth, width } = makeSyntheticSample({ width: SAMPLE_SIZE, height: SAMPLE_SIZE, seed: 1 });
  const isClass = (x: number, y: number, r: number, c: number) => {
    for (let dy = -r; dy <= r; dy++)
      for (let dx = -r; dx <= r; dx++) if (truth[(y + dy) * width + x + dx] !== c) return false;
    return true;
  };
  let nucleus: Point | null = null;
  let background: Point | null = null;
  for (let y = 40; y < 470 && !(nucleus && background); y += 3) {
    for (let x = 40; x < 470; x += 3) {
      if (!nucleus && isClass(x, y, 9, 2)) nucleus = [x, y];
      if (!background && isClass(x, y, 30, 1)) background = [x, y];
    }
  }
  if (!nucleus || !background) throw new Error('the sample has no clear nucleus or background');
  return { nucleus, background };
}

export class WindowDriver {
  constructor(readonly page: Page) {}

  async viewerBox() {
    const box = await this.page.getByTestId('viewer').boundingBox();
    if (!box) throw new Error('no viewer');
    return box;
  }

  /** Screen position of a sample pixel, with the view the window starts with (fit to the viewer). */
  async toScreen([x, y]: Point) {
    const box = await this.viewerBox();
    const view = fitView(
      { width: SAMPLE_SIZE, height: SAMPLE_SIZE },
      { width: box.width, height: box.height },
    );
    return { x: box.x + view.x + (x + 0.5) * view.scale, y: box.y + view.y + (y + 0.5) * view.scale };
  }

  /** RGBA of a layer canvas ("image", "labels", "overlay") at a sample pixel. */
  async layerPixel(layer: string, at: Point): Promise<number[]> {
    const box = await this.viewerBox();
    const p = await this.toScreen(at);
    return this.page.evaluate(
      ({ layer, x, y }) => {
        const canvas = document.querySelector<HTMLCanvasElement>(`canvas[data-layer="${layer}"]`);
        // A hidden layer's canvas is not displayed (clientWidth 0): nothing of it is on screen.
        if (!canvas || canvas.clientWidth === 0) return [0, 0, 0, 0];
        const ratio = canvas.width / canvas.clientWidth;
        return Array.from(
          canvas.getContext('2d')!.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data,
        );
      },
      { layer, x: p.x - box.x, y: p.y - box.y },
    );
  }

  /** A stroke from one sample pixel to another with the left mouse button. */
  async paint(from: Point, to: Point) {
    const a = await this.toScreen(from);
    const b = await this.toScreen(to);
    await this.page.mouse.move(a.x, a.y);
    await this.page.mouse.down();
    await this.page.mouse.move(b.x, b.y, { steps: 12 });
    await this.page.mouse.up();
  }

  /** Text of the first element with this test id, or '' while there is none. */
  textOf(testId: string) {
    return () =>
      this.page
        .getByTestId(testId)
        .first()
        .textContent({ timeout: 5_000 })
        .catch(() => '');
  }

  /**
   * Starts keeping every text the element with this test id shows, as the page changes it, so a poll
   * cannot miss a short-lived one (a preview's line that the full-resolution line replaces a second
   * later). The returned function reads the texts seen since, oldest first, each change once.
   */
  async recordTexts(testId: string): Promise<() => Promise<string[]>> {
    const key = `${testId}:${Math.random()}`;
    await this.page.evaluate(
      ({ testId, key }) => {
        const record = window as unknown as Record<string, string[]>;
        const seen: string[] = (record[key] = []);
        const note = () => {
          const text = document.querySelector(`[data-testid="${testId}"]`)?.textContent ?? '';
          if (seen.at(-1) !== text) seen.push(text);
        };
        note();
        // Observer callbacks run after each DOM change and before the next paint: no text is skipped.
        new MutationObserver(note).observe(document.body, {
          subtree: true,
          childList: true,
          characterData: true,
        });
      },
      { testId, key },
    );
    return () => this.page.evaluate((key) => [...(window as unknown as Record<string, string[]>)[key]], key);
  }

  /**
   * Waits until the view has taken the viewer's size (after a window resize it does so on a later frame),
   * so that fitting the image ('0') fits it to the size the viewer has now.
   */
  async waitForViewerSize() {
    await this.page.waitForFunction(
      () => {
        const viewer = document.querySelector<HTMLElement>('[data-testid="viewer"]');
        const stage = viewer?.querySelector<HTMLElement>('.konvajs-content');
        return (
          !!viewer &&
          !!stage &&
          stage.clientWidth === viewer.clientWidth &&
          stage.clientHeight === viewer.clientHeight
        );
      },
      undefined,
      { timeout: WINDOW_POLL_TIMEOUT_MS },
    );
  }

  /** Waits until the window is connected and the image layer shows pixels. */
  async waitForImage() {
    await this.page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await this.page.waitForFunction(() => {
      const c = document.querySelector<HTMLCanvasElement>('canvas[data-layer="image"]');
      if (!c) return false;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      for (let i = 3; i < d.length; i += 4000) if (d[i] > 0) return true;
      return false;
    });
  }
}

/** Builds the window into `outDir`: each test file its own, so two files can build at the same time. */
export function buildRenderer(outDir: string): void {
  const args = ['vite', 'build', '--logLevel', 'error', '--outDir', outDir, '--emptyOutDir'];
  const build = spawnSync('npx', args, { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('vite build failed');
}

interface WindowSession {
  readonly backend: Backend;
  readonly server: BrowserModeServer;
  readonly page: Page;
  readonly ui: WindowDriver;
  /** Closes the browser, the server and the backend, in that order. */
  close(): Promise<void>;
}

/**
 * The window built into `dir`/renderer, served by the browser-mode server over a fresh backend (two
 * threads, data in `dir`/data), and a 1280 × 800 headless Chromium tab on it that logs its page errors.
 */
async function openWindowSession(dir: string): Promise<WindowSession> {
  const rendererDir = join(dir, 'renderer');
  buildRenderer(rendererDir);
  const backend = createBackend({ dataDir: join(dir, 'data'), threads: 2 });
  let server: BrowserModeServer | undefined;
  let browser: BrowserContext | undefined;
  const close = async () => {
    await browser?.close();
    await server?.close();
    await backend.close();
  };
  try {
    server = await serveBrowserMode({ service: backend.service, rendererDir });
    browser = await launchHeadlessChromium(join(dir, 'chromium-profile'), { width: 1280, height: 800 });
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.on('pageerror', (err) => console.error('page error:', err.message));
    return { backend, server, page, ui: new WindowDriver(page), close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Where the window tests' screenshots go. */
const SCREENSHOTS = resolve('test-output/e2e');

export interface WindowForTests {
  /** The temporary folder the session's data, build and profile live in; tests may write here too. */
  readonly dir: string;
  readonly server: BrowserModeServer;
  readonly page: Page;
  readonly ui: WindowDriver;
  /** Saves a screenshot of the page as test-output/e2e/`name`.png. */
  screenshot(name: string): Promise<void>;
}

/**
 * For the tests of one describe block (call it inside the block, so a skipped block opens nothing): a
 * window session in a temporary folder named from `prefix`, opened before the tests, closed and removed
 * after them. Its fields can be read once the tests run.
 */
export function windowForTests(prefix: string): WindowForTests {
  let dir: string | undefined;
  let session: WindowSession | undefined;
  beforeAll(async () => {
    givePollsTimeForAWindow();
    await mkdir(SCREENSHOTS, { recursive: true });
    dir = await mkdtemp(join(tmpdir(), prefix));
    session = await openWindowSession(dir);
  });
  afterAll(async () => {
    await session?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const opened = () => {
    if (!dir || !session) throw new Error('the window is used before its beforeAll ran');
    return { ...session, dir };
  };
  return {
    get dir() {
      return opened().dir;
    },
    get server() {
      return opened().server;
    },
    get page() {
      return opened().page;
    },
    get ui() {
      return opened().ui;
    },
    async screenshot(name: string) {
      await opened().page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
    },
  };
}
