/**
 * Memory amplification (issue 10, defect 10): a 194 KB 1-bit palette PNG declaring 40000² pixels was decoded
 * whole (2.2 GB RSS) even by `mixel info`, and segment accepted images it then could not hold. Sizes are now
 * checked from headers, and commands refuse from an estimate of their peak memory, before decoding pixels.
 */
import { deflateSync } from 'node:zlib';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32 } from '../../src/main/io/writeSegmentationPng.js';
import { MAX_PALETTE_PNG_PIXELS, decodePalettePng } from '../../src/main/io/decodePalettePng.js';
import { listFolder, oneErrorLine, runCli, writeFloatImage, writeLabels } from './cliRobustnessHarness.js';

const HUGE = 40000;
/** Node, sharp and a worker or two take ~75–130 MB; decoding the huge PNG took 2170 MB before. */
const HEADER_ONLY_RSS_MB = 300;
const BUDGET = { MIXEL_MEMORY_BUDGET: '8G' };
let dir: string;
let huge: string;

function chunk(type: string, data: Uint8Array): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  typed.copy(out, 4);
  out.writeUInt32BE(crc32(typed) >>> 0, 8 + data.length);
  return out;
}

/** An indexed PNG with the given header and image data (already filtered rows, deflated here). */
function palettePng(width: number, height: number, bitDepth: number, rows: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = 3; // indexed colour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('PLTE', Buffer.from([0, 0, 0, 255, 255, 255])),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mixel-memory-'));
  huge = join(dir, 'huge-labels.png');
  // 40000 rows of (filter byte + 5000 bytes of 1-bit indices), all zero: ~200 KB compressed.
  await writeFile(huge, palettePng(HUGE, HUGE, 1, new Uint8Array((HUGE / 8 + 1) * HUGE)));
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a 40000² 1-bit palette PNG of ~200 KB', () => {
  it('is small on disk', async () => {
    expect((await stat(huge)).size).toBeLessThan(400_000);
  });

  it('mixel info answers from the header with bounded memory', async () => {
    const run = await runCli(['info', huge]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`${HUGE} × ${HUGE}`);
    expect(run.stdout).toContain('not measured');
    expect(run.peakRssMb).toBeLessThan(HEADER_ONLY_RSS_MB);
  });

  it('mixel info --range refuses to decode it, in one line', async () => {
    const run = await runCli(['info', '--range', huge]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`${huge}: indexed PNG of ${HUGE} × ${HUGE} pixels is larger than`);
    expect(run.peakRssMb).toBeLessThan(HEADER_ONLY_RSS_MB);
  });

  it('segment refuses it from the estimate, before decoding, and suggests mixel predict', async () => {
    const out = join(dir, 'seg');
    const run = await runCli(['segment', '--image', huge, '--labels', huge, '--out', out], { env: BUDGET });
    expect(run.code).not.toBe(0);
    const line = oneErrorLine(run);
    expect(line).toMatch(/needs ≈ \d+\.\d GB of memory, more than the 8\.0 GB budget/);
    expect(line).toContain('mixel predict');
    expect(run.peakRssMb).toBeLessThan(HEADER_ONLY_RSS_MB);
    expect(await listFolder(out)).toEqual([]);
  });

  it('features and train refuse it from the estimate too', async () => {
    const features = await runCli(['features', '--image', huge, '--out', join(dir, 'f.tif')], {
      env: BUDGET,
    });
    expect(oneErrorLine(features)).toMatch(/needs ≈ [\d.]+ GB of memory.*mixel predict --export Features/);
    const train = await runCli(['train', '--image', huge, '--labels', huge, '--out', join(dir, 'p.mixel')], {
      env: BUDGET,
    });
    expect(oneErrorLine(train)).toMatch(/training on 1 image\(s\) of 1600 Mpx in all needs ≈ [\d.]+ GB/);
    expect(Math.max(features.peakRssMb, train.peakRssMb)).toBeLessThan(HEADER_ONLY_RSS_MB);
    expect(existsSync(join(dir, 'f.tif')) || existsSync(join(dir, 'p.mixel'))).toBe(false);
  });

  it('the decoder refuses its header before inflating', async () => {
    const file = new Uint8Array(await readFile(huge));
    expect(HUGE * HUGE).toBeGreaterThan(MAX_PALETTE_PNG_PIXELS);
    expect(() => decodePalettePng(file)).toThrow(`${HUGE} × ${HUGE} pixels is more than`);
  });
});

describe('a header declaring more pixels than any plane Mixel opens (300000²)', () => {
  it('is refused by info in one line, before sharp decodes anything', async () => {
    const bomb = join(dir, 'declared.png');
    await writeFile(bomb, palettePng(300000, 300000, 1, new Uint8Array(16)));
    const run = await runCli(['info', bomb]);
    expect(run.code).not.toBe(0);
    // sharp's limitInputPixels (MAX_IMAGE_PIXELS) already stops it at the header.
    expect(run.stderr).toContain(`mixel: ${bomb}: `);
    expect(run.stderr).toMatch(/exceeds pixel limit|declares 300000 × 300000 pixels/);
    expect(run.peakRssMb).toBeLessThan(HEADER_ONLY_RSS_MB);
  });
});

describe('the memory budget', () => {
  it('MIXEL_MEMORY_BUDGET lowers it: a 200² segment is refused under 100 MB with its estimate', async () => {
    const image = await writeFloatImage(join(dir, 'small.tif'), 200, 200, (x, y) => x + y);
    const labels = await writeLabels(join(dir, 'small-labels.png'), 200, 200);
    const run = await runCli(['segment', '--image', image, '--labels', labels, '--out', join(dir, 's')], {
      env: { MIXEL_MEMORY_BUDGET: '100M' },
    });
    expect(oneErrorLine(run)).toMatch(
      /small\.tif \(200 × 200\) needs ≈ \d+ MB of memory, more than the 100 MB budget/,
    );
  });

  it('a budget that is not a size is one line naming the variable', async () => {
    const run = await runCli(['features', '--image', huge, '--out', join(dir, 'g.tif')], {
      env: { MIXEL_MEMORY_BUDGET: 'lots' },
    });
    expect(oneErrorLine(run)).toContain('MIXEL_MEMORY_BUDGET=lots is not a size');
  });
});

describe('an indexed PNG whose data inflates beyond its header (a zip bomb)', () => {
  it('is refused without inflating more than the header declares', () => {
    // The header says 8 × 8 pixels of 8 bits (72 bytes of rows); the data holds 4 MB.
    const bomb = palettePng(8, 8, 8, new Uint8Array(4 * 1024 * 1024));
    expect(() => decodePalettePng(new Uint8Array(bomb))).toThrow('more image data than its header declares');
  });

  it('a well-formed one still decodes to its indices', () => {
    const rows = new Uint8Array(2 * 3);
    rows.set([0, 1, 2], 0); // filter 0, indices 1 2
    rows.set([0, 3, 0], 3);
    const decoded = decodePalettePng(new Uint8Array(palettePng(2, 2, 8, rows)));
    expect([...decoded.indices]).toEqual([1, 2, 3, 0]);
  });
});
