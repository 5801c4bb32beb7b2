/**
 * `npm run bench:live-backend`: the backend's half of bench:live, without a window, phase by phase.
 * The service gets what the window sends after each stroke on a 1024 × 1024 view whose features are
 * cached (the stroke, a preview request every 4th pixel with retraining, then the full-resolution request
 * of the 16 tiles of 256²), and the worker pool's job log splits each stroke's full-resolution pass into:
 *   collect — from the preview's answer to the live fit's first job (the prefetched fit gathering its
 *             training rows from the feature cache, main thread);
 *   EM      — the fit's pool jobs (prepare, per-class mixtures, semi-supervised blocks, finish);
 *   after   — from the fit's last job to the first tile job (the unexplained calibration and the model's
 *             hand-over, main thread);
 *   tiles   — the 16 tile jobs, first start to last end;
 *   full    — the stroke's release (label change sent) to the full-resolution answer.
 * Options: `--strokes N` (timed strokes, default 12), `--threads N` (pool threads, default 2 as the bench
 * machine), `--alternate warm-start|warm-preview` (switch that feature of the live model off for every
 * other pair of strokes, so both are measured under the same load: whether the live fit starts EM from the
 * previous live model, whether the preview then fits at the live level), `--spans` (print each stroke's fit
 * jobs: start after the preview's answer + duration, ms).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stroke } from '../src/core/protocol/types.js';
import type { Rect } from '../src/core/tiling.js';
import { createBackend } from '../src/main/service/createBackend.js';
import type { LiveModel } from '../src/main/service/LiveModel.js';
import { writeSyntheticSample } from '../src/main/sample/writeSyntheticSample.js';
import { strokeSites, type Point } from './benchLiveSites.js';

const VIEW = 1024;
const TILE = 256;
/** The window's preview stride at 1:1 (liveUpdate.ts PREVIEW_STRIDE). */
const PREVIEW_STRIDE = 4;
/** The window's default brush radius (store.ts), in image pixels at about 1:1. */
const BRUSH_RADIUS = 4;
const FIT_JOBS = new Set(['prepareTraining', 'fitClassMixture', 'emBlocks', 'finishTraining']);

const FEATURES = ['warm-start', 'warm-preview'] as const;
type Feature = (typeof FEATURES)[number];

interface Options {
  readonly strokes: number;
  readonly threads: number;
  /** The feature switched off for every other pair of strokes (null: everything on). */
  readonly alternate: Feature | null;
  readonly showSpans: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    if (i < 0) return null;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`bench:live-backend: ${name} needs a value`);
    return v;
  };
  const count = (name: string, fallback: number, max: number) => {
    const v = value(name);
    const n = v === null ? fallback : Number(v);
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new Error(`bench:live-backend: ${name} must be 1..${max}`);
    return n;
  };
  const alternate = value('--alternate');
  if (alternate !== null && !FEATURES.includes(alternate as Feature))
    throw new Error(`bench:live-backend: --alternate must be one of ${FEATURES.join(', ')}`);
  return {
    strokes: count('--strokes', 12, 200),
    threads: count('--threads', 2, 64),
    alternate: alternate as Feature | null,
    showSpans: argv.includes('--spans'),
  };
}

interface JobSpan {
  readonly kind: string;
  readonly start: number;
  end: number;
  readonly isFullTile: boolean;
}

interface StrokePhases {
  /** Whether the alternated feature was on for this stroke. */
  readonly isOn: boolean;
  readonly preview: number;
  readonly previewTrainMs: number;
  readonly collect: number;
  readonly em: number;
  readonly after: number;
  readonly tiles: number;
  readonly full: number;
  readonly trainMs: number;
  readonly emIterations: string;
  /** CPU of the whole backend (main thread and workers) from the release to the full-resolution answer. */
  readonly cpu: number;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'mixel-bench-live-backend-'));
  const backend = createBackend({ dataDir: dir, threads: options.threads });
  const { service, pool } = backend;
  const spans: JobSpan[] = [];
  const fitIterations: number[] = [];
  const run = pool.run.bind(pool);
  pool.run = ((kind, input, runOptions) => {
    const isFullTile =
      kind === 'predictFeatureBytes' && (input as { subsample?: unknown }).subsample === undefined;
    const span: JobSpan = { kind, start: performance.now(), end: NaN, isFullTile };
    spans.push(span);
    return run(kind, input, runOptions).then((out) => {
      span.end = performance.now();
      if (kind === 'fitClassMixture') fitIterations.push((out as { nIter: number }).nIter);
      return out;
    });
  }) as typeof pool.run;
  try {
    const sample = await writeSyntheticSample(join(dir, 'view1024'), { width: VIEW, height: VIEW, seed: 2 });
    await service.newProject();
    const image = await service.addImage(sample.image);
    const live = (service as unknown as { project: { live: LiveModel } }).project.live;
    const tiles: Rect[] = [];
    for (let y = 0; y < VIEW; y += TILE)
      for (let x = 0; x < VIEW; x += TILE) tiles.push({ x, y, width: TILE, height: TILE });
    const sites = strokeSites(VIEW, 2, options.strokes + 4);
    let requestId = 0;
    let strokeId = 0;
    const paint = (classId: number, [x, y]: Point, halfLength: number): Stroke => ({
      id: `s${strokeId++}`,
      kind: 'stroke',
      imageId: image.id,
      classId,
      radiusPx: BRUSH_RADIUS,
      mode: 'paint',
      points: new Float32Array([x - halfLength, y, x, y, x + halfLength, y]),
    });
    const strokeAt = (i: number) =>
      i % 2
        ? paint(2, sites.nuclei[Math.floor(i / 2) % sites.nuclei.length], 4)
        : paint(1, sites.background[Math.floor(i / 2) % sites.background.length], 12);
    const oneStroke = async (i: number): Promise<StrokePhases> => {
      spans.length = 0;
      fitIterations.length = 0;
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      await service.applyLabelChange({ added: [strokeAt(i)], removed: [] });
      const preview = await service.predictTiles({
        requestId: ++requestId,
        viewId: 'bench',
        imageId: image.id,
        tiles,
        retrain: true,
        stride: PREVIEW_STRIDE,
      });
      const tPreview = performance.now();
      const previewIterations = fitIterations.length;
      const full = await service.predictTiles({
        requestId: ++requestId,
        viewId: 'bench',
        imageId: image.id,
        tiles,
        retrain: true,
      });
      const tFull = performance.now();
      const cpu = process.cpuUsage(cpu0);
      const fit = spans.filter((s) => FIT_JOBS.has(s.kind) && s.start >= tPreview);
      const tileJobs = spans.filter((s) => s.isFullTile);
      if (options.showSpans)
        console.log(
          fit
            .map((s) => `${s.kind} ${Math.round(s.start - tPreview)}+${Math.round(s.end - s.start)}`)
            .join(', '),
        );
      // No fit after the preview when the preview's own fit was the live one (LiveModel.levelFor).
      const fitStart = fit.length > 0 ? Math.min(...fit.map((s) => s.start)) : tPreview;
      const fitEnd = fit.length > 0 ? Math.max(...fit.map((s) => s.end)) : tPreview;
      const tilesStart = Math.min(...tileJobs.map((s) => s.start));
      return {
        isOn: options.alternate === 'warm-preview' ? live.warmPreview : live.warmStart,
        preview: preview.totalMs,
        previewTrainMs: preview.trainMs,
        collect: fitStart - tPreview,
        em: fitEnd - fitStart,
        after: tilesStart - fitEnd,
        tiles: Math.max(...tileJobs.map((s) => s.end)) - tilesStart,
        full: tFull - t0,
        trainMs: full.trainMs,
        emIterations: fitIterations.slice(previewIterations).join('+'),
        cpu: (cpu.user + cpu.system) / 1000,
      };
    };
    // Warm-up: the first strokes compute every tile's features and the first models.
    for (let i = 0; i < 4; i++) await oneStroke(i);
    console.log(
      `machine: load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}, ${options.threads} pool threads`,
    );
    const figures: StrokePhases[] = [];
    for (let i = 0; i < options.strokes; i++) {
      const isOn = options.alternate === null || Math.floor(i / 2) % 2 === 0;
      if (options.alternate === 'warm-start') live.warmStart = isOn;
      if (options.alternate === 'warm-preview') live.warmPreview = isOn;
      const f = await oneStroke(i + 4);
      figures.push(f);
      console.log(
        `stroke ${i + 1}${options.alternate ? ` (${options.alternate} ${f.isOn ? 'on' : 'off'})` : ''}: preview ${ms(f.preview)} (train ${ms(f.previewTrainMs)}), collect ${ms(f.collect)}, EM ${ms(f.em)} (class EM iterations ${f.emIterations}), after ${ms(f.after)}, tiles ${ms(f.tiles)}, release → full ${ms(f.full)} (train ${ms(f.trainMs)}), CPU ${ms(f.cpu)}`,
      );
    }
    for (const isOn of [true, false]) {
      const of = figures.filter((f) => f.isOn === isOn);
      if (of.length === 0) continue;
      const m = (key: 'preview' | 'collect' | 'em' | 'after' | 'tiles' | 'full' | 'cpu') =>
        ms(median(of.map((f) => f[key])));
      console.log(
        `${options.alternate ? `${options.alternate} ${isOn ? 'on' : 'off'}` : 'all'} (${of.length} strokes), medians: preview ${m('preview')}, collect ${m('collect')}, EM ${m('em')}, after ${m('after')}, tiles ${m('tiles')}, release → full ${m('full')}, backend CPU ${m('cpu')}`,
      );
    }
    console.log(
      `load average after: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    pool.run = run;
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (v: number) => `${Math.round(v)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await main();
