/**
 * `npm run bench:live`: the live loop as a user feels it, measured in the browser (Debian's Chromium,
 * Playwright) against the browser-mode server:
 *  1. after a stroke on a 1024 × 1024 view whose features are cached, the time from releasing the mouse
 *     until the probability overlay is repainted (goal ≤ 300 ms at full resolution), for the live fit
 *     the overlay uses (liveFit.ts) and, alternating pair by pair of strokes in the same run, for the
 *     project's own fit (as Save fits, the overlay's fit before the live fit existed): median of 8 each;
 *  2. the first view of a new 2048 × 2048 image with a trained model: time to the first probabilities on
 *     screen, and until every visible tile is painted.
 * With each stroke it prints the CPU Chromium used (all its processes, from /proc, and its busiest threads)
 * and the backend's, which a loaded machine distorts less than milliseconds.
 * `--alternate warm-start|warm-preview` instead switches that feature of the live model (LiveModel.ts)
 * off for every other pair of strokes, live fit only, so the backend with and without it is measured in
 * one run under the same load. `--renderers dirA,dirB` instead compares built windows (vite build --outDir dirA …): rounds
 * (`--rounds`, 3) in which each window in turn gets a fresh tab and `--strokes` (4) timed strokes, live fit
 * only, so two variants are measured alternately under the same load. `--trace path` writes a Chrome
 * trace (path.json, or path-N.json per window) and the page's JavaScript profile (….cpuprofile) of one
 * extra stroke, left out of the figures. `--devtools-network` leaves Playwright's network log on, which
 * bench:live measured with before session 11 (stopDevtoolsNetworkLog: it costs Chromium ~9 ms per tile).
 * Images are the built-in synthetic sample (no shared data needed). Skips if Chromium or the built window
 * is missing.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CHROMIUM_PATH, hasChromium, launchHeadlessChromium } from '../test/helpers/headlessChromium.js';
import { rendererDir } from '../src/main/server/rendererDir.js';
import { serveBrowserMode } from '../src/main/server/serveBrowserMode.js';
import { createBackend } from '../src/main/service/createBackend.js';
import type { LiveModel } from '../src/main/service/LiveModel.js';
import type { LocalMixelService } from '../src/main/service/LocalMixelService.js';
import { writeSyntheticSample } from '../src/main/sample/writeSyntheticSample.js';
import { fitView } from '../src/renderer/viewer/rendering.js';
import { strokeSites, type Point } from './benchLiveSites.js';
import { addCpu, chromiumCpu, cpuSince, topThreads, totalCpu, type CpuByThread } from './chromiumCpu.js';

/** Strokes after the warm-up: pairs (a nucleus, a background) alternate between the two fits. */
const STROKES = 16;
const FIT_LEVELS = ['live', 'final'] as const;
/** How often the bench checks whether the page has timed its repaint. */
const WAIT_POLL_MS = 50;

/** Command-line options: `--renderers a,b` alternates built windows round by round (live fit only). */
interface Options {
  readonly renderers: readonly string[];
  /** `--renderers` given: rounds of strokes per built window (live fit only), no new-image part. */
  readonly isComparison: boolean;
  readonly rounds: number;
  readonly strokesPerRound: number;
  /** A Chrome trace of the last stroke is written here (open it in chrome://tracing or Perfetto). */
  readonly tracePath: string | null;
  /** `--alternate`: the live model's feature switched off for every other pair of strokes. */
  readonly alternate: LiveFeature | null;
  /** `--devtools-network`: Playwright's network log left on (stopDevtoolsNetworkLog). */
  readonly devtoolsNetworkLog: boolean;
}

const LIVE_FEATURES = ['warm-start', 'warm-preview'] as const;
type LiveFeature = (typeof LIVE_FEATURES)[number];

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    if (i < 0) return null;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`bench:live: ${name} needs a value`);
    return v;
  };
  const count = (name: string, fallback: number) => {
    const v = value(name);
    const n = v === null ? fallback : Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 100) throw new Error(`bench:live: ${name} must be 1..100`);
    return n;
  };
  const listed = value('--renderers')?.split(',') ?? null;
  const alternate = value('--alternate');
  if (alternate !== null && !LIVE_FEATURES.includes(alternate as LiveFeature))
    throw new Error(`bench:live: --alternate must be one of ${LIVE_FEATURES.join(', ')}`);
  return {
    renderers: listed ?? [rendererDir()],
    isComparison: listed !== null,
    rounds: count('--rounds', 3),
    strokesPerRound: count('--strokes', 4),
    tracePath: value('--trace'),
    alternate: alternate as LiveFeature | null,
    devtoolsNetworkLog: argv.includes('--devtools-network'),
  };
}

interface Tab {
  readonly page: Page;
  readonly profileDir: string;
  stroke(classKey: string, at: Point, halfLength: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Playwright keeps DevTools' network log on in every page it drives: Chromium then copies each WebSocket
 * frame the window receives into a base64 event for Playwright, and Playwright (in this process, beside
 * the backend) decodes it. A 192 kB probability tile cost Chromium 12 ms of CPU that way against 2.8 ms
 * without (lab of session 11: 64 frames, 15 ms apart); with 16 such tiles per stroke that was ~150 ms of
 * Chromium's CPU and more of this process's that no user's browser spends. The bench drives no network
 * feature of Playwright, so it switches the log off through Playwright's own session of the page
 * (internal API: on a Playwright without it, the bench says so and measures with the log).
 */
async function stopDevtoolsNetworkLog(page: Page): Promise<void> {
  type Internal = { _connection?: { toImpl?(x: unknown): unknown } };
  type ServerPage = {
    delegate?: { _mainFrameSession?: { _client?: { send(m: string): Promise<unknown> } } };
  };
  const server = (page as unknown as Internal)._connection?.toImpl?.(page) as ServerPage | undefined;
  const session = server?.delegate?._mainFrameSession?._client;
  if (!session) {
    console.log("bench:live: cannot reach Playwright's page session; DevTools' network log stays on");
    return;
  }
  await session.send('Network.disable');
}

/** `--devtools-network`: keep Playwright's network log on (how bench:live measured before session 11). */
let devtoolsNetworkLog = false;

/** A browser-mode server on `renderer` over the shared backend, and a fresh headless Chromium on it. */
async function openTab(service: LocalMixelService, renderer: string, profileDir: string): Promise<Tab> {
  const server = await serveBrowserMode({ service, rendererDir: renderer });
  const context = await launchHeadlessChromium(profileDir, { width: 1420, height: 1160 });
  const page = context.pages()[0] ?? (await context.newPage());
  if (!devtoolsNetworkLog) await stopDevtoolsNetworkLog(page);
  await page.goto(server.url);
  await page.waitForSelector('body[data-ready="true"]');
  const box = (await page.getByTestId('viewer').boundingBox())!;
  const view = fitView({ width: 1024, height: 1024 }, box);
  const screen = ([x, y]: Point) => ({
    x: box.x + view.x + x * view.scale,
    y: box.y + view.y + y * view.scale,
  });
  return {
    page,
    profileDir,
    async stroke(classKey, at, halfLength) {
      await page.keyboard.press(classKey);
      const a = screen([at[0] - halfLength, at[1]]);
      const b = screen([at[0] + halfLength, at[1]]);
      await page.mouse.move(a.x, a.y);
      await page.mouse.down();
      await page.mouse.move(b.x, b.y, { steps: 6 });
      await page.mouse.up();
    },
    async close() {
      await context.close();
      await server.close();
    },
  };
}

/** One timed stroke: release → preview and full-resolution repaint, and the CPU the browser and backend used. */
interface StrokeFigures {
  readonly preview: number | null;
  readonly full: number;
  readonly chromiumCpu: CpuByThread;
  readonly backendCpuMs: number;
  readonly status: string;
}

async function timedStroke(
  tab: Tab,
  draw: () => Promise<void>,
  tracePath: string | null,
): Promise<StrokeFigures> {
  await armRepaintTimer(tab.page, 'Updated 16 tiles');
  const trace = tracePath ? await startTrace(tab.page) : null;
  const cpu0 = chromiumCpu(tab.profileDir);
  const backend0 = process.cpuUsage();
  await draw();
  const t = await waitRepaint(tab.page, 120_000);
  const backend = process.cpuUsage(backend0);
  const used = cpuSince(cpu0, chromiumCpu(tab.profileDir));
  if (trace && tracePath) await trace.stop(tracePath);
  return {
    ...t,
    chromiumCpu: used,
    backendCpuMs: (backend.user + backend.system) / 1000,
    status: (await tab.page.getByTestId('status').textContent()) ?? '',
  };
}

/** Chrome's own trace of the page (CDP Tracing), for a frame-by-frame look at one stroke. */
async function startTrace(page: Page): Promise<{ stop(path: string): Promise<void> }> {
  const cdp = await page.context().newCDPSession(page);
  const events: unknown[] = [];
  cdp.on('Tracing.dataCollected', (e: { value: unknown[] }) => events.push(...e.value));
  await cdp.send('Tracing.start', {
    traceConfig: {
      includedCategories: [
        'devtools.timeline',
        'disabled-by-default-devtools.timeline',
        'viz',
        'cc',
        'gpu',
        'blink',
      ],
    },
  });
  // The page's JavaScript, function by function (the trace only says "FunctionCall").
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  return {
    async stop(path) {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(`${path}.cpuprofile`, JSON.stringify(profile));
      const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
      await cdp.send('Tracing.end');
      await done;
      writeFileSync(path, JSON.stringify({ traceEvents: events }));
      console.log(`trace of the last stroke: ${path} (${events.length} events)`);
    },
  };
}

function report(name: string, strokes: readonly StrokeFigures[]): void {
  const full = strokes.map((s) => s.full);
  const preview = strokes.flatMap((s) => (s.preview === null ? [] : [s.preview]));
  const cpu = strokes.map((s) => totalCpu(s.chromiumCpu));
  const byThread: CpuByThread = new Map();
  for (const s of strokes) addCpu(byThread, s.chromiumCpu);
  const goal = (ms: number) => (ms <= 300 ? 'met' : 'not met');
  console.log(`${name}:`);
  console.log(
    `  stroke → preview overlay (every 4th pixel) repainted (ms): ${preview.map(Math.round).join(', ')}; median ${Math.round(median(preview))}`,
  );
  console.log(
    `  stroke → full-resolution overlay repainted (ms): ${full.map(Math.round).join(', ')}; median ${Math.round(median(full))} (goal ≤ 300 ms: ${goal(median(full))}); backend: "${strokes.at(-1)?.status}"`,
  );
  console.log(
    `  CPU per stroke (ms): Chromium median ${Math.round(median(cpu))} (${cpu.map(Math.round).join(', ')}), backend median ${Math.round(median(strokes.map((s) => s.backendCpuMs)))}`,
  );
  console.log(`  Chromium's busiest threads per stroke (ms): ${topThreads(byThread, strokes.length)}`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  devtoolsNetworkLog = options.devtoolsNetworkLog;
  if (!hasChromium())
    return console.log(`bench:live skipped: ${CHROMIUM_PATH} is not installed (apt-get install chromium)`);
  for (const renderer of options.renderers)
    if (!existsSync(join(renderer, 'index.html')))
      return console.log(`bench:live skipped: the window is not built in ${renderer} (npm run build)`);

  const dir = mkdtempSync(join(tmpdir(), 'mixel-bench-live-'));
  const small = await writeSyntheticSample(join(dir, 'view1024'), { width: 1024, height: 1024, seed: 2 });
  const backend = createBackend({ dataDir: dir });
  await backend.service.newProject();
  await backend.service.addImage(small.image);
  const perRound = options.isComparison ? options.strokesPerRound : STROKES;
  const sites = strokeSites(1024, 2, options.rounds * options.renderers.length * (perRound + 1) + 2);
  let site = 0;
  const nextStroke = (tab: Tab, i: number) =>
    i % 2
      ? () => tab.stroke('2', sites.nuclei[site++ % sites.nuclei.length], 4)
      : () => tab.stroke('1', sites.background[site++ % sites.background.length], 12);
  try {
    // Figures scale with how busy the machine is; print it so runs can be compared.
    const load = loadavg().map((l) => l.toFixed(1));
    console.log(`machine: ${availableParallelism()} cores, load average ${load.join(' ')}`);
    console.log(
      `DevTools' network log in the page: ${devtoolsNetworkLog ? 'on (--devtools-network)' : 'off'}`,
    );
    if (options.isComparison) {
      await compareRenderers(backend.service, dir, options, nextStroke);
    } else if (options.alternate) {
      const tab = await openTab(backend.service, options.renderers[0], join(dir, 'profile'));
      try {
        await measureAlternating(tab, backend.service, nextStroke, options.alternate);
      } finally {
        await tab.close();
      }
    } else {
      const tab = await openTab(backend.service, options.renderers[0], join(dir, 'profile'));
      try {
        await measureFits(tab, backend.service, nextStroke, options.tracePath);
        await firstViewOfNewImage(tab, dir);
      } finally {
        await tab.close();
      }
    }
    console.log(
      `load average after: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Warm-up: the first strokes on a tab train and (the first time) cache the features of all 16 tiles. */
async function warmUp(tab: Tab, nextStroke: (tab: Tab, i: number) => () => Promise<void>): Promise<number> {
  await armRepaintTimer(tab.page, 'Updated 16 tiles');
  await nextStroke(tab, 1)();
  await nextStroke(tab, 2)();
  return (await waitRepaint(tab.page, 300_000)).full;
}

/** The default run: the live fit and the project's own fit alternate pair by pair of strokes. */
async function measureFits(
  tab: Tab,
  service: LocalMixelService,
  nextStroke: (tab: Tab, i: number) => () => Promise<void>,
  tracePath: string | null,
): Promise<void> {
  console.log('view: 1024 × 1024 image pixels fitted in the viewer (16 tiles of 256²)');
  const warm = await warmUp(tab, nextStroke);
  console.log(`first training on this view (features of 16 tiles computed): ${Math.round(warm)} ms`);
  const strokes = { live: [] as StrokeFigures[], final: [] as StrokeFigures[] };
  for (let i = 1; i <= STROKES; i++) {
    const level = FIT_LEVELS[Math.floor((i - 1) / 2) % 2];
    service.setDisplayFitLevel(level);
    strokes[level].push(await timedStroke(tab, nextStroke(tab, i), null));
  }
  service.setDisplayFitLevel('live');
  // Tracing costs CPU of its own: the traced stroke is an extra one, left out of the figures.
  if (tracePath) await timedStroke(tab, nextStroke(tab, 1), tracePath);
  report('live fit (the window)', strokes.live);
  report("project's own fit (before)", strokes.final);
}

/** `--alternate`: the live model's feature on for pairs of strokes, off for the pairs between. */
async function measureAlternating(
  tab: Tab,
  service: LocalMixelService,
  nextStroke: (tab: Tab, i: number) => () => Promise<void>,
  feature: LiveFeature,
): Promise<void> {
  // The bench reaches into the service for a switch the window never touches.
  const live = (service as unknown as { project: { live: LiveModel } }).project.live;
  const set = (isOn: boolean) => {
    if (feature === 'warm-start') live.warmStart = isOn;
    else live.warmPreview = isOn;
  };
  console.log('view: 1024 × 1024 image pixels fitted in the viewer (16 tiles of 256²), live fit');
  await warmUp(tab, nextStroke);
  const strokes = { on: [] as StrokeFigures[], off: [] as StrokeFigures[] };
  for (let i = 1; i <= STROKES; i++) {
    const isOn = Math.floor((i - 1) / 2) % 2 === 0;
    set(isOn);
    strokes[isOn ? 'on' : 'off'].push(await timedStroke(tab, nextStroke(tab, i), null));
  }
  set(true);
  report(`${feature} on`, strokes.on);
  report(`${feature} off`, strokes.off);
}

/** `--renderers a,b`: each round opens each built window in turn and times its strokes (live fit). */
async function compareRenderers(
  service: LocalMixelService,
  dir: string,
  options: Options,
  nextStroke: (tab: Tab, i: number) => () => Promise<void>,
): Promise<void> {
  const strokes = options.renderers.map(() => [] as StrokeFigures[]);
  for (let round = 0; round < options.rounds; round++) {
    for (const [r, renderer] of options.renderers.entries()) {
      const tab = await openTab(service, renderer, join(dir, `profile-${round}-${r}`));
      try {
        await warmUp(tab, nextStroke);
        for (let i = 1; i <= options.strokesPerRound; i++)
          strokes[r].push(await timedStroke(tab, nextStroke(tab, i), null));
        // Tracing costs CPU of its own: the traced stroke is an extra one, left out of the figures.
        if (options.tracePath && round === options.rounds - 1)
          await timedStroke(tab, nextStroke(tab, 1), `${options.tracePath}-${r}.json`);
      } finally {
        await tab.close();
      }
    }
  }
  for (const [r, renderer] of options.renderers.entries()) report(`window ${renderer}`, strokes[r]);
}

/** A new 2048² image: first probabilities with the trained model, no features cached yet. */
async function firstViewOfNewImage(tab: Tab, dir: string): Promise<void> {
  const large = await writeSyntheticSample(join(dir, 'new2048'), { width: 2048, height: 2048, seed: 3 });
  const page = tab.page;
  await page.locator('[data-action="add-images"]').click();
  await page.getByTestId('path-input').fill(large.image);
  await page.evaluate(`(() => {
    window.__firstPaint = null; window.__allTiles = null;
    document.querySelector('[data-testid="path-ok"]').addEventListener('click', () => {
      const t0 = performance.now();
      const status = document.querySelector('[data-testid="status"]');
      // The overlay first clears (the new image has no probabilities), then its first tile appears.
      let isCleared = false;
      const poll = () => {
        const c = document.querySelector('canvas[data-layer="overlay"]');
        if (window.__firstPaint === null && c) {
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let painted = false;
          for (let i = 3; i < d.length; i += 4 * 97) if (d[i] > 0) { painted = true; break; }
          if (!painted) isCleared = true;
          else if (isCleared) window.__firstPaint = performance.now() - t0;
        }
        if (window.__allTiles === null && /^Updated \\d+ tiles/.test(status.textContent)) window.__allTiles = performance.now() - t0;
        if (window.__firstPaint === null || window.__allTiles === null) requestAnimationFrame(poll);
      };
      requestAnimationFrame(poll);
    }, { capture: true, once: true });
  })()`);
  await page.getByTestId('path-ok').click();
  await page.waitForFunction(
    () => {
      const w = globalThis as unknown as { __firstPaint: number | null; __allTiles: number | null };
      return w.__firstPaint !== null && w.__allTiles !== null;
    },
    undefined,
    { timeout: 600_000 },
  );
  const [first, all] = (await page.evaluate('[window.__firstPaint, window.__allTiles]')) as [number, number];
  const status = await page.getByTestId('status').textContent();
  console.log(
    `new 2048 × 2048 image (fitted in view, 64 tiles): first probabilities after ${Math.round(first)} ms, all visible tiles after ${Math.round(all)} ms ("${status}")`,
  );
}

/** Starts a timer at the next mouse release; it stops on the second animation frame after the status reads `done`. */
async function armRepaintTimer(page: Page, done: string): Promise<void> {
  await page.evaluate(`(() => {
    window.__repaintMs = null;
    window.__previewMs = null;
    let t0 = null;
    window.addEventListener('pointerup', () => { t0 = performance.now(); }, { capture: true });
    const status = document.querySelector('[data-testid="status"]');
    const observer = new MutationObserver(() => {
      if (t0 === null) return;
      const after = (key) => requestAnimationFrame(() => requestAnimationFrame(() => { window[key] = performance.now() - t0; }));
      if (status.textContent.startsWith('Preview') && window.__previewMs === null) after('__previewMs');
      if (!status.textContent.startsWith(${JSON.stringify(done)})) return;
      observer.disconnect();
      after('__repaintMs');
    });
    observer.observe(status, { childList: true, characterData: true, subtree: true });
  })()`);
}

/** Milliseconds from mouse release to the full-resolution repaint, and to the preview's (null if none). */
async function waitRepaint(page: Page, timeout: number): Promise<{ full: number; preview: number | null }> {
  // The page times the repaint itself; polling on every animation frame (Playwright's default) made the
  // page render a frame every 16 ms while it waited, costing the 2-core machine the CPU it measures.
  await page.waitForFunction(
    () => (globalThis as unknown as { __repaintMs: number | null }).__repaintMs !== null,
    undefined,
    { timeout, polling: WAIT_POLL_MS },
  );
  const [full, preview] = (await page.evaluate('[window.__repaintMs, window.__previewMs]')) as [
    number,
    number | null,
  ];
  return { full, preview };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await main();
