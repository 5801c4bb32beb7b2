/**
 * `npm run bench:big3d [-- WIDTHxHEIGHTxDEPTH [THREADS [TRAIN ARGS…]]]`: a whole z-stack (default 2048 × 2048 × 200,
 * 16-bit) classified with 3-D features (`default` preset, 61 channels) as a user runs it: the bench writes
 * the stack and a label stack (labels on three planes) to /tmp plane by plane, `mixel train --dims 3d`
 * trains on their top-left 512 × 512 crop (all of a smaller stack), `mixel predict --adapt off` streams
 * the whole volume block by block into one Simple Segmentation stack. Reports wall time, Mvoxel/s, peak RSS of each process with its pool's worker threads (as the
 * command reports it, and sampled from /proc while it runs; goal for predict: < 2 GB), progress every 10 %
 * with its time (a long run can be extrapolated from its log) and the share of object voxels classified
 * right on the middle plane.
 *
 * The stack: spheres and rods along z on a 64-px grid (spheres span 2·RADIUS planes, rods most of the
 * stack), Poisson-like noise on a camera offset; generated per plane, so writing needs one plane of memory.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TiffStripWriter } from '../src/main/io/TiffStripWriter.js';
import { openImage } from '../src/main/io/openImage.js';
import { MIXEL } from './trainBenchProject.js';

const GRID = 64;
/** Training reads the top-left TRAIN_SIDE × TRAIN_SIDE crop of every plane (labels on three planes). */
const TRAIN_SIDE = 512;
const RADIUS = 12;
const BACKGROUND = 1;
const SPHERE = 2;
const ROD = 3;

interface StackSize {
  readonly width: number;
  readonly height: number;
  readonly depth: number;
}

/** Object of the grid cell (gx, gy): its kind and, for spheres, the plane of its centre. */
function objectAt(gx: number, gy: number, depth: number): { kind: number; zc: number } {
  const h = Math.imul((gx * 73856093) ^ (gy * 19349663), 2654435761) >>> 0;
  const kind = h % 2 === 0 ? SPHERE : ROD;
  const zc = RADIUS + 4 + ((h >>> 8) % Math.max(1, depth - 2 * (RADIUS + 4)));
  return { kind, zc };
}

/** The true class of every pixel of plane z, and its intensities (16-bit). */
function makePlane(size: StackSize, z: number, seed: number): { values: Uint16Array; truth: Uint8Array } {
  const { width, height, depth } = size;
  const values = new Uint16Array(width * height);
  const truth = new Uint8Array(width * height).fill(BACKGROUND);
  let state = (seed * 2654435761 + z * 40503) >>> 0;
  for (let y = 0; y < height; y++) {
    const gy = Math.floor(y / GRID);
    const cy = gy * GRID + GRID / 2;
    for (let x = 0; x < width; x++) {
      const gx = Math.floor(x / GRID);
      const cx = gx * GRID + GRID / 2;
      const { kind, zc } = objectAt(gx, gy, depth);
      const dz = z - zc;
      const r =
        kind === SPHERE
          ? Math.sqrt(Math.max(0, RADIUS * RADIUS - dz * dz))
          : z >= 8 && z < depth - 8
            ? RADIUS * 0.8
            : 0;
      const d = Math.hypot(x - cx, y - cy);
      const cover = Math.min(1, Math.max(0, r - d + 0.5));
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      const noise = (state / 2 ** 32 - 0.5) * 300;
      values[y * width + x] = Math.round(1000 + 2000 * cover + noise);
      if (d < r) truth[y * width + x] = kind;
    }
  }
  return { values, truth };
}

/** Planes that get labels: a quarter, half and three quarters through the stack. */
function labelledPlanes(depth: number): number[] {
  return [Math.floor(depth / 4), Math.floor(depth / 2), Math.floor((3 * depth) / 4)];
}

/** Scribbles on a plane: a disk inside every object present there, a background line between rows. */
function scribbles(size: StackSize, truth: Uint8Array): Uint8Array {
  const { width, height } = size;
  const labels = new Uint8Array(width * height);
  for (let cy = GRID / 2; cy < height; cy += GRID) {
    for (let cx = GRID / 2; cx < width; cx += GRID) {
      const kind = truth[cy * width + cx];
      if (kind === BACKGROUND) continue;
      for (let y = cy - 3; y <= cy + 3; y++)
        for (let x = cx - 3; x <= cx + 3; x++)
          if (Math.hypot(x - cx, y - cy) <= 3) labels[y * width + x] = kind;
    }
  }
  for (let y = 2; y < height; y += GRID) labels.fill(BACKGROUND, y * width, (y + 1) * width);
  return labels;
}

/** The stack `name`.tif and its label stack `name`_labels.tif (labels on labelledPlanes). */
async function writeStacks(
  dir: string,
  size: StackSize,
  name: string,
): Promise<{ image: string; labels: string }> {
  const { width, height, depth } = size;
  const image = join(dir, `${name}.tif`);
  const labels = join(dir, `${name}_labels.tif`);
  const imageWriter = await TiffStripWriter.create(image, {
    width,
    height,
    pages: depth,
    sampleType: 'uint16',
    geometry: {
      channels: 1,
      slices: depth,
      frames: 1,
      pixelWidth: 0.2,
      pixelHeight: 0.2,
      spacing: 0.2,
      unit: 'micron',
    },
  });
  const labelWriter = await TiffStripWriter.create(labels, {
    width,
    height,
    pages: depth,
    sampleType: 'uint8',
  });
  const labelled = new Set(labelledPlanes(depth));
  const empty = new Uint8Array(width * height);
  for (let z = 0; z < depth; z++) {
    const plane = makePlane(size, z, 1);
    await imageWriter.writeRows(z, plane.values);
    await labelWriter.writeRows(z, labelled.has(z) ? scribbles(size, plane.truth) : empty);
  }
  await imageWriter.close();
  await labelWriter.close();
  return { image, labels };
}

/** The resident memory of a process now and at its peak (all its threads: the pool's workers too), in MB. */
async function processRss(pid: number): Promise<{ now: number; peak: number } | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { now: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return null;
  }
}

/**
 * Runs a mixel command, printing its progress (every 10 % of blocks) with the elapsed time and its memory,
 * sampled from /proc while it runs (Linux) beside the peak the command reports itself.
 */
async function run(args: string[]): Promise<{ seconds: number; peakRssMb: number; sampledPeakMb: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [MIXEL, ...args, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let sampledPeakMb = 0;
  let nowMb = 0;
  const sampler = setInterval(() => {
    if (child.pid === undefined) return;
    void processRss(child.pid).then((rss) => {
      if (!rss) return;
      nowMb = rss.now;
      sampledPeakMb = Math.max(sampledPeakMb, rss.peak, rss.now);
    });
  }, 1000);
  let stderr = '';
  let last = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    last = line;
    const event = JSON.parse(line) as { event: string; done?: number; total?: number; percent?: number };
    if (event.event === 'progress') {
      const seconds = (performance.now() - t0) / 1000;
      console.log(
        `  ${args[0]} ${event.percent} % (${event.done}/${event.total} blocks) at ${seconds.toFixed(0)} s, RSS ${nowMb} MB (peak so far ${sampledPeakMb} MB)`,
      );
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(sampler);
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`mixel ${args[0]} failed: ${stderr}${last}`);
  const summary = JSON.parse(last) as { peakRssMb: number };
  return { seconds, peakRssMb: summary.peakRssMb, sampledPeakMb };
}

/**
 * Share of object pixels of plane z whose predicted class is the true one, and where each true class's
 * pixels went (rows: background, sphere, rod; columns: predicted background, sphere, rod).
 */
async function planeAccuracy(
  segmentation: string,
  size: StackSize,
  z: number,
): Promise<{ accuracy: number; confusion: number[][] }> {
  const source = await openImage(segmentation);
  const { width, height } = size;
  const predicted = (await source.readRegion({ x: 0, y: 0, width, height }, z)).channels[0];
  const { truth } = makePlane(size, z, 1);
  const confusion = [0, 1, 2].map(() => [0, 0, 0]);
  let right = 0;
  let total = 0;
  for (let i = 0; i < truth.length; i++) {
    const p = predicted[i];
    if (p >= BACKGROUND && p <= ROD) confusion[truth[i] - 1][p - 1]++;
    if (truth[i] === BACKGROUND) continue;
    total++;
    if (p === truth[i]) right++;
  }
  return { accuracy: right / Math.max(1, total), confusion };
}

async function main(): Promise<void> {
  const [width, height, depth] = (process.argv[2] ?? '2048x2048x200').split('x').map(Number);
  const threads = Number(process.argv[3] ?? 2);
  // Further arguments go to mixel train (e.g. --semi-supervised off).
  const trainArgs = process.argv.slice(4);
  if (![width, height, depth].every((n) => Number.isInteger(n) && n > 0) || depth < 40) {
    throw new RangeError(
      `give WIDTHxHEIGHTxDEPTH with depth ≥ 40 (σ = 10 needs 36 planes), got ${process.argv[2]}`,
    );
  }
  const size = { width, height, depth };
  const voxels = width * height * depth;
  const dir = await mkdtemp(join(tmpdir(), 'mixel-bench-big3d-'));
  try {
    console.log(
      `3-D stack: ${width} × ${height} × ${depth} 16-bit, default features in 3-D (61 channels), ${threads} threads`,
    );
    const t0 = performance.now();
    const files = await writeStacks(dir, size, 'volume');
    const bytes = (await stat(files.image)).size;
    console.log(
      `wrote the stack (${(bytes / 1e6).toFixed(0)} MB) and its labels in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    // Training on the stack's top-left crop (the same objects: they depend on the grid cell only) keeps the
    // bench about prediction; a stack no larger than the crop is trained on whole.
    const crop = { width: Math.min(width, TRAIN_SIDE), height: Math.min(height, TRAIN_SIDE), depth };
    const isCropped = crop.width < width || crop.height < height;
    const training = isCropped ? await writeStacks(dir, crop, 'crop') : files;
    const project = join(dir, 'volume.mixel');
    const train = await run([
      'train',
      ...['--image', training.image, '--labels', training.labels, '--dims', '3d'],
      ...['--threads', String(threads), '--classes', 'background,sphere,rod', '--out', project],
      ...trainArgs,
    ]);
    console.log(
      `train on ${crop.width} × ${crop.height} × ${depth} (labels on planes ${labelledPlanes(depth).join(', ')}): ${train.seconds.toFixed(1)} s, peak RSS ${train.peakRssMb} MB (sampled ${train.sampledPeakMb} MB)`,
    );
    const predict = await run([
      'predict',
      ...['--project', project, '--export', 'Simple Segmentation', '--threads', String(threads)],
      // The model as trained: the bench times block streaming, not per-frame adaptation.
      '--adapt',
      'off',
      ...['--output', `${dir}/{nickname}_{result_type}.{ext}`, files.image],
    ]);
    const mvoxPerSecond = voxels / 1e6 / predict.seconds;
    const segmentation = join(dir, 'volume_Simple Segmentation.tif');
    const { accuracy, confusion } = await planeAccuracy(segmentation, size, Math.floor(depth / 2) + 3);
    const shares = (row: number[]) => {
      const n = Math.max(
        1,
        row.reduce((a, b) => a + b, 0),
      );
      return row.map((c) => `${((100 * c) / n).toFixed(0)} %`).join(' / ');
    };
    console.log(
      `  predicted background / sphere / rod: of background ${shares(confusion[0])}, of spheres ${shares(confusion[1])}, of rods ${shares(confusion[2])}`,
    );
    console.log(
      `predict: ${predict.seconds.toFixed(1)} s, ${mvoxPerSecond.toFixed(3)} Mvoxel/s, peak RSS ${predict.peakRssMb} MB (sampled ${predict.sampledPeakMb} MB; goal < 2048); ` +
        `object pixels right on plane ${Math.floor(depth / 2) + 3}: ${(100 * accuracy).toFixed(1)} %`,
    );
    const full = 2048 * 2048 * 200;
    if (voxels < full) {
      console.log(
        `at this rate 2048 × 2048 × 200 takes about ${(full / 1e6 / mvoxPerSecond / 60).toFixed(0)} min`,
      );
    }
    console.log(
      JSON.stringify({
        bench: 'big3d',
        width,
        height,
        depth,
        threads,
        train,
        predict,
        mvoxPerSecond,
        accuracy,
        confusion,
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
