/**
 * `npm run bench:features3d`: the 3-D feature bank's speed per thread on a 16-bit z-stack (default
 * 64 × 1024 × 1024: synthetic nuclei on a camera offset, seeded), preset `default` (61 channels), ilastik
 * convention, against vigra's 3-D filters (the recipe of ilastik's OpPixelFeaturesPresmoothed, as in
 * test/fixtures/features3d/make_features3d_goldens.py) in the same run. Both sides compute the same blocks
 * (full depth, BLOCK × BLOCK columns plus the halo) on one thread and discard them; runs alternate (mixel,
 * vigra, mixel, …) and the medians of CPU seconds are compared, so that a loaded machine (it is shared)
 * slows both alike.
 *
 *   npm run bench:features3d [-- --depth 64 --size 1024 --block 128 --runs 3]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { presetSelection } from '../src/core/features/selection.js';
import { computeFeatures3d, featureHalo3d } from '../src/core/features3d/computeFeatures3d.js';
import { featureChannelCount3d } from '../src/core/features3d/featureLayout3d.js';
import { cropVolume, growBox, type Box, type Shape3 } from '../src/core/features3d/volume3d.js';

const PYTHON = '/usr/bin/python3';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const depth = Number(arg('depth', '64'));
const size = Number(arg('size', '1024'));
const blockSize = Number(arg('block', '128'));
const runs = Number(arg('runs', '3'));
const sel = presetSelection('default');
const shape: Shape3 = { depth, height: size, width: size };
const voxels = depth * size * size;

/** Seeded 16-bit stack: blurred ellipsoidal nuclei of a few hundred counts on a ~33000 offset, with noise. */
function syntheticStack(): Uint16Array {
  const out = new Float32Array(voxels);
  let seed = 20261127;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const count = Math.round((size * size * depth) / 40000);
  for (let n = 0; n < count; n++) {
    const [cz, cy, cx] = [rand() * depth, rand() * size, rand() * size];
    const [rz, ry, rx] = [2 + 4 * rand(), 5 + 10 * rand(), 5 + 10 * rand()];
    const amp = 300 + 700 * rand();
    for (let z = Math.max(0, Math.floor(cz - 2 * rz)); z < Math.min(depth, cz + 2 * rz); z++)
      for (let y = Math.max(0, Math.floor(cy - 2 * ry)); y < Math.min(size, cy + 2 * ry); y++)
        for (let x = Math.max(0, Math.floor(cx - 2 * rx)); x < Math.min(size, cx + 2 * rx); x++) {
          const d2 = ((z - cz) / rz) ** 2 + ((y - cy) / ry) ** 2 + ((x - cx) / rx) ** 2;
          out[(z * size + y) * size + x] += amp * Math.exp(-d2);
        }
  }
  const stack = new Uint16Array(voxels);
  for (let i = 0; i < voxels; i++) stack[i] = Math.round(33000 + out[i] + 30 * (rand() - 0.5));
  return stack;
}

/** Full-depth blocks of blockSize² columns. */
function blocks(): Box[] {
  const out: Box[] = [];
  for (let y = 0; y < size; y += blockSize)
    for (let x = 0; x < size; x += blockSize)
      out.push({
        z: 0,
        y,
        x,
        depth,
        height: Math.min(blockSize, size - y),
        width: Math.min(blockSize, size - x),
      });
  return out;
}

function oursCpuSeconds(volume: Float32Array): number {
  const halo = featureHalo3d(sel);
  const offsets = [33024];
  const start = process.cpuUsage();
  let checksum = 0;
  for (const core of blocks()) {
    const outer = growBox(core, halo, shape);
    const crop = { ...outer, channels: [cropVolume(volume, shape, outer)] };
    const region = { ...core, z: core.z - outer.z, y: core.y - outer.y, x: core.x - outer.x };
    const planes = computeFeatures3d(crop, sel, { region, offsets, volumeShape: shape });
    checksum += planes[planes.length - 1][0];
  }
  const used = process.cpuUsage(start);
  if (!Number.isFinite(checksum)) throw new Error('mixel features are not finite');
  return (used.user + used.system) / 1e6;
}

const VIGRA_SCRIPT = String.raw`
import math, sys, time
import numpy as np
import vigra
F = vigra.filters
path, depth, size, block, halo_z, halo_y, halo_x = sys.argv[1], *map(int, sys.argv[2:8])
vol = np.fromfile(path, "<u2").reshape(depth, size, size).astype(np.float32)
SCALES = [0.3, 0.7, 1.0, 1.6, 3.5, 5.0, 10.0]
def filt(name, img, s):
    kw = {"window_size": 2.0}
    if name == "GS": return F.gaussianSmoothing(img, s, **kw)
    if name == "LoG": return F.laplacianOfGaussian(img, s, **kw)
    if name == "GGM": return F.gaussianGradientMagnitude(img, s, **kw)
    if name == "DoG": return F.gaussianSmoothing(img, s, **kw) - F.gaussianSmoothing(img, 0.66 * s, **kw)
    if name == "STE": return F.structureTensorEigenvalues(img, s, 0.5 * s, **kw)
    if name == "HoGE": return F.hessianOfGaussianEigenvalues(img, s, **kw)
t0 = time.process_time()
for y in range(0, size, block):
    for x in range(0, size, block):
        y0, y1 = max(0, y - halo_y), min(size, y + block + halo_y)
        x0, x1 = max(0, x - halo_x), min(size, x + block + halo_x)
        img = vigra.taggedView(np.ascontiguousarray(vol[:, y0:y1, x0:x1]), "zyx")
        for s in SCALES:
            pre = F.gaussianSmoothing(img, math.sqrt(s * s - 1) if s > 1 else s, window_size=3.5)
            for f in ["GS", "LoG", "GGM", "DoG", "STE", "HoGE"]:
                if s < 0.7 and f != "GS": continue
                filt(f, pre, min(s, 1.0))
print(time.process_time() - t0)
`;

function vigraCpuSeconds(stackPath: string, scriptPath: string): number | null {
  const halo = featureHalo3d(sel);
  const args = [scriptPath, stackPath, depth, size, blockSize, ...halo].map(String);
  const result = spawnSync(PYTHON, args, {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
  });
  if (result.status !== 0) {
    console.log(`  vigra failed: ${result.stderr.trim().split('\n').at(-1)}`);
    return null;
  }
  return Number(result.stdout.trim().split('\n').at(-1));
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(): void {
  const channels = featureChannelCount3d(sel, 1);
  console.log(
    `3-D feature bank: ${depth}×${size}×${size} 16-bit stack, preset default (${channels} channels), ilastik convention, ` +
      `blocks ${depth}×${blockSize}×${blockSize} + halo ${featureHalo3d(sel).join('/')} (z/y/x), one thread, ${runs} alternating runs`,
  );
  const stack = syntheticStack();
  const volume = Float32Array.from(stack);
  const withVigra =
    existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import vigra'], { stdio: 'ignore' }).status === 0;
  const dir = mkdtempSync(join(tmpdir(), 'mixel-bench-features3d-'));
  const stackPath = join(dir, 'stack.u16');
  const scriptPath = join(dir, 'vigra3d.py');
  if (withVigra) {
    writeFileSync(stackPath, stack);
    writeFileSync(scriptPath, VIGRA_SCRIPT);
  } else console.log(`(vigra comparison skipped: ${PYTHON} with vigra not found)`);
  const ours: number[] = [];
  const vigra: number[] = [];
  try {
    // Warm-up: lets the JIT compile the passes before timing.
    const warm = { depth: Math.min(depth, 40), height: 48, width: 48 };
    computeFeatures3d({ ...warm, channels: [cropVolume(volume, shape, { z: 0, y: 0, x: 0, ...warm })] }, sel);
    for (let r = 0; r < runs; r++) {
      ours.push(oursCpuSeconds(volume));
      const v = withVigra ? vigraCpuSeconds(stackPath, scriptPath) : null;
      if (v !== null) vigra.push(v);
      console.log(
        `  run ${r + 1}: mixel ${ours.at(-1)?.toFixed(2)} s CPU` +
          (v !== null ? `, vigra ${v.toFixed(2)} s CPU` : ''),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const mvox = voxels / 1e6;
  const m = median(ours);
  let line = `mixel: ${m.toFixed(2)} s, ${(mvox / m).toFixed(2)} Mvoxel/s per thread`;
  if (vigra.length > 0) {
    const v = median(vigra);
    line += ` | vigra: ${v.toFixed(2)} s, ${(mvox / v).toFixed(2)} Mvoxel/s per thread | mixel is ${(v / m).toFixed(2)}× vigra`;
  }
  console.log(line);
}

main();
