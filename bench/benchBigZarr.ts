/**
 * `npm run bench:bigzarr [-- SIZE|WIDTHxHEIGHT [THREADS]]`: a SIZE × SIZE 16-bit OME-Zarr input (default
 * 20000², the synthetic sample tiled over the plane, written a chunk row at a time with Mixel's OME-Zarr
 * writer) predicted to OME-Zarr (`mixel predict --format zarr`, Probabilities and Simple Segmentation)
 * by a project trained on a 512² crop. Reports wall time, the peak resident memory of the predict
 * process (VmHWM sampled from /proc, and the process's own figure; goal < 2 GB) and the outputs' levels.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSyntheticSample } from '../src/core/sample/syntheticCells.js';
import { openImage } from '../src/main/io/openImage.js';
import { OmeZarrWriter } from '../src/main/io/zarr/OmeZarrWriter.js';
import { ZARR_OUTPUT_CHUNK } from '../src/main/io/zarr/omeZarrLayout.js';
import { MIXEL, trainBenchProject } from './trainBenchProject.js';

const TILE = 2048;
const GOAL_MB = 2048;

/** Writes a width × height uint16 OME-Zarr image by repeating a 2048² synthetic sample, chunk row by chunk row. */
async function writeTiledZarr(path: string, width: number, height: number): Promise<void> {
  const tile = makeSyntheticSample({ width: TILE, height: TILE, seed: 7 });
  const writer = await OmeZarrWriter.create(path, {
    width,
    height,
    channels: 1,
    sampleType: 'uint16',
    planeAxes: [],
    planeSizes: [],
    pixelSize: { x: 0.65, y: 0.65, unit: 'micrometer' },
    name: 'bench',
  });
  const band = new Uint16Array(ZARR_OUTPUT_CHUNK * width);
  for (let y = 0; y < height; y += ZARR_OUTPUT_CHUNK) {
    const rows = Math.min(ZARR_OUTPUT_CHUNK, height - y);
    for (let r = 0; r < rows; r++) {
      const src = ((y + r) % TILE) * TILE;
      for (let x = 0; x < width; x += TILE) {
        const w = Math.min(TILE, width - x);
        band.set(tile.image.subarray(src, src + w), r * width + x);
      }
    }
    await writer.writeRows(y, [band.subarray(0, rows * width)]);
  }
  await writer.close();
}

/** Peak resident memory (VmHWM, MB) of a running process, or null once it is gone. */
async function highWaterMb(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status);
    return kb ? Number(kb[1]) / 1024 : null;
  } catch {
    return null;
  }
}

interface PredictRun {
  readonly seconds: number;
  readonly sampledPeakMb: number;
  readonly reportedPeakMb: number;
}

function predict(project: string, image: string, outDir: string, threads: number): Promise<PredictRun> {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const child = spawn(
      process.execPath,
      [
        MIXEL,
        'predict',
        ...['--project', project, '--export', 'Probabilities,Simple Segmentation', '--format', 'zarr'],
        ...['--threads', String(threads), '--json', '--output', `${outDir}/{nickname}_{result_type}.{ext}`],
        image,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    let sampled = 0;
    child.stdout.on('data', (c: Buffer) => (stdout = (stdout + c.toString()).slice(-100_000)));
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-100_000)));
    const timer = setInterval(() => {
      void highWaterMb(child.pid as number).then((mb) => {
        if (mb !== null) sampled = Math.max(sampled, mb);
      });
    }, 250);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      const seconds = (performance.now() - t0) / 1000;
      if (code !== 0) {
        reject(
          new Error(`mixel predict failed (exit ${code}): ${stderr.slice(-2000)}${stdout.slice(-2000)}`),
        );
        return;
      }
      const summary = JSON.parse(stdout.trim().split('\n').pop() as string) as { peakRssMb: number };
      resolvePromise({ seconds, sampledPeakMb: Math.round(sampled), reportedPeakMb: summary.peakRssMb });
    });
  });
}

async function folderBytes(path: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(path, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      total += (await stat(join(entry.parentPath, entry.name))).size;
    }
  }
  return total;
}

async function main(): Promise<void> {
  const [width, height] = (process.argv[2] ?? '20000').split('x').map(Number).concat([NaN]);
  const bigHeight = Number.isFinite(height) ? height : width;
  const threads = Number(process.argv[3] ?? 2);
  const dir = await mkdtemp(join(tmpdir(), 'mixel-bench-bigzarr-'));
  try {
    console.log(
      `OME-Zarr in, OME-Zarr out: ${width} × ${bigHeight} uint16, default features, ${threads} threads`,
    );
    const project = await trainBenchProject(dir, threads);

    const input = join(dir, 'big.ome.zarr');
    let t0 = performance.now();
    await writeTiledZarr(input, width, bigHeight);
    const inputBytes = await folderBytes(input);
    console.log(
      `wrote the input in ${((performance.now() - t0) / 1000).toFixed(1)} s (${(inputBytes / 1e6).toFixed(0)} MB gzip)`,
    );

    const out = join(dir, 'out');
    t0 = performance.now();
    const run = await predict(project, input, out, threads);
    const mpx = (width * bigHeight) / 1e6;
    const outputs = await readdir(out);
    const levels: Record<string, number> = {};
    for (const name of outputs) {
      const attrs = JSON.parse(await readFile(join(out, name, '.zattrs'), 'utf8')) as {
        multiscales: { datasets: unknown[] }[];
      };
      levels[name] = attrs.multiscales[0].datasets.length;
    }
    const probabilities = await openImage(
      join(out, outputs.find((n) => n.includes('Probabilities')) as string),
    );
    const outBytes = await Promise.all(outputs.map((name) => folderBytes(join(out, name))));
    console.log(
      `predict: ${run.seconds.toFixed(1)} s (${(run.seconds / mpx).toFixed(3)} s/Mpx), peak RSS ${run.sampledPeakMb} MB sampled from /proc (VmHWM), ${run.reportedPeakMb} MB reported by mixel (goal < ${GOAL_MB})`,
    );
    console.log(
      `outputs: ${outputs.map((n, i) => `${n} (${levels[n]} levels, ${(outBytes[i] / 1e6).toFixed(0)} MB)`).join(', ')}; probabilities ${probabilities.info.axes} ${probabilities.info.channels} × ${probabilities.info.height} × ${probabilities.info.width}, pixel size ${probabilities.metadata.pixelSize.x?.value} ${probabilities.metadata.pixelSize.x?.unit}`,
    );
    console.log(
      JSON.stringify({
        bench: 'bigzarr',
        width,
        height: bigHeight,
        threads,
        inputMb: Math.round(inputBytes / 1e6),
        ...run,
        secondsPerMpx: run.seconds / mpx,
        levels,
        withinGoal: Math.max(run.sampledPeakMb, run.reportedPeakMb) < GOAL_MB,
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
