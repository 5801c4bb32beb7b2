/**
 * `npm run bench:big [-- SIZE|WIDTHxHEIGHT [THREADS]]`: prediction of a SIZE × SIZE 16-bit image (default 20000²) with
 * the default features, streamed tile by tile, against the same on a 2048² image: seconds per megapixel
 * (goal: big within 1.2× of small) and the peak resident memory of the `mixel predict` process (goal:
 * ≤ 2 GB). The big image is the synthetic sample tiled over the plane, written strip by strip with our own
 * TIFF writer (deflate), so making it needs no more memory than one band. Memory of the streamed
 * prediction grows with the width (a band is a row of tiles), not the height, so `20000x4096` measures the
 * memory of a 20000² run in a fifth of the time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSyntheticSample } from '../src/core/sample/syntheticCells.js';
import { TiffStripWriter } from '../src/main/io/TiffStripWriter.js';
import { MIXEL, trainBenchProject } from './trainBenchProject.js';

const SMALL = 2048;
const BAND_ROWS = 256;

/** Writes a width × height uint16 TIFF by repeating a 2048² synthetic sample, a band of rows at a time. */
async function writeTiledImage(path: string, size: number, height = size): Promise<void> {
  const tile = makeSyntheticSample({ width: SMALL, height: SMALL, seed: 7 });
  const writer = await TiffStripWriter.create(path, {
    width: size,
    height,
    pages: 1,
    sampleType: 'uint16',
  });
  const band = new Uint16Array(BAND_ROWS * size);
  for (let y = 0; y < height; y += BAND_ROWS) {
    const rows = Math.min(BAND_ROWS, height - y);
    for (let r = 0; r < rows; r++) {
      const src = ((y + r) % SMALL) * SMALL;
      for (let x = 0; x < size; x += SMALL) {
        const w = Math.min(SMALL, size - x);
        band.set(tile.image.subarray(src, src + w), r * size + x);
      }
    }
    await writer.writeRows(0, band.subarray(0, rows * size));
  }
  await writer.close();
}

function predict(project: string, image: string, outDir: string, threads: number) {
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      MIXEL,
      'predict',
      '--project',
      project,
      '--export',
      'Probabilities,Simple Segmentation',
      '--threads',
      String(threads),
      '--json',
      '--output',
      `${outDir}/{nickname}_{result_type}.{ext}`,
      image,
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0)
    throw new Error(`mixel predict failed on ${image}: ${r.stderr}${r.stdout.slice(-2000)}`);
  const summary = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { peakRssMb: number };
  return { seconds, peakRssMb: summary.peakRssMb };
}

async function main(): Promise<void> {
  const [size, height] = (process.argv[2] ?? '20000').split('x').map(Number).concat([NaN]);
  const bigHeight = Number.isFinite(height) ? height : size;
  const threads = Number(process.argv[3] ?? 2);
  const dir = await mkdtemp(join(tmpdir(), 'mixel-bench-big-'));
  try {
    console.log(
      `big-image prediction: ${size} × ${bigHeight} vs ${SMALL}², 16-bit, default features, ${threads} threads`,
    );
    const project = await trainBenchProject(dir, threads);

    const smallPath = join(dir, 'small.tif');
    const bigPath = join(dir, 'big.tif');
    let t0 = performance.now();
    await writeTiledImage(smallPath, SMALL);
    await writeTiledImage(bigPath, size, bigHeight);
    const bigBytes = (await stat(bigPath)).size;
    console.log(
      `wrote the inputs in ${((performance.now() - t0) / 1000).toFixed(1)} s (big: ${(bigBytes / 1e6).toFixed(0)} MB deflated)`,
    );

    const small = predict(project, smallPath, dir, threads);
    const smallMpx = (SMALL * SMALL) / 1e6;
    console.log(
      `${SMALL}²: ${small.seconds.toFixed(1)} s, ${(small.seconds / smallMpx).toFixed(3)} s/Mpx, peak RSS ${small.peakRssMb} MB`,
    );
    t0 = performance.now();
    const big = predict(project, bigPath, dir, threads);
    const bigMpx = (size * bigHeight) / 1e6;
    const outputs = await Promise.all(
      ['big_Probabilities.tif', 'big_Simple_Segmentation.tif'].map(
        async (f) => (await stat(join(dir, f))).size,
      ),
    );
    console.log(
      `${size} × ${bigHeight}: ${big.seconds.toFixed(1)} s, ${(big.seconds / bigMpx).toFixed(3)} s/Mpx, peak RSS ${big.peakRssMb} MB ` +
        `(outputs ${outputs.map((b) => `${(b / 1e6).toFixed(0)} MB`).join(' + ')})`,
    );
    const ratio = big.seconds / bigMpx / (small.seconds / smallMpx);
    console.log(
      `time per Mpx, big / small = ${ratio.toFixed(2)} (goal ≤ 1.2); peak RSS ${big.peakRssMb} MB (goal ≤ 2048)`,
    );
    console.log(
      JSON.stringify({
        bench: 'big',
        width: size,
        height: bigHeight,
        threads,
        small: { ...small, mpx: smallMpx },
        big: { ...big, mpx: bigMpx },
        ratio,
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
