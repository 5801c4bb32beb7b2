/**
 * The built-in sample: a synthetic fluorescence-like image of nuclei, made by our own code so the demo
 * and the tests need no third-party data. Nuclei are textured ellipses with a brighter rim, on a
 * background with uneven illumination; the whole is blurred (optics) and given Poisson noise (photon
 * counting) on a camera offset, stored as 16-bit. Ground truth and sparse scribbles come with it.
 */
import { SeededRandom } from '../random.js';

export interface SyntheticSampleOptions {
  width?: number;
  height?: number;
  /** Number of nuclei. */
  cellCount?: number;
  seed?: number;
}

export interface SyntheticSample {
  readonly width: number;
  readonly height: number;
  /** 16-bit intensities. */
  readonly image: Uint16Array;
  /** Ground truth: 1 = background, 2 = nucleus. */
  readonly truth: Uint8Array;
  /** Sparse strokes: 0 = unlabeled, 1 = background, 2 = nucleus; kept off the class borders. */
  readonly scribbles: Uint8Array;
  readonly classNames: readonly string[];
}

interface Ellipse {
  cx: number;
  cy: number;
  a: number;
  b: number;
  angle: number;
  brightness: number;
}

const CAMERA_OFFSET = 400;
const BACKGROUND_PHOTONS = 60;
const NUCLEUS_PHOTONS = 900;

export function makeSyntheticSample(options: SyntheticSampleOptions = {}): SyntheticSample {
  const width = options.width ?? 512;
  const height = options.height ?? 512;
  const cellCount = options.cellCount ?? Math.round((width * height) / 9000);
  const rng = new SeededRandom(options.seed ?? 1);
  const cells = placeCells(width, height, cellCount, rng);

  const signal = new Float32Array(width * height);
  const truth = new Uint8Array(width * height).fill(1);
  const inset = new Float32Array(width * height); // distance-like depth inside a nucleus, 0 outside
  for (const cell of cells) paintCell(cell, width, height, signal, truth, inset, rng);

  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Uneven illumination: a smooth vignette brighter towards one corner.
      const illum =
        0.65 +
        0.35 *
          Math.cos(((x / width - 0.3) * Math.PI) / 1.6) *
          Math.cos(((y / height - 0.35) * Math.PI) / 1.8);
      const i = y * width + x;
      signal[i] = (BACKGROUND_PHOTONS + signal[i]) * illum;
    }
  }
  const blurred = boxBlur3(signal, width, height, 2);
  const image = new Uint16Array(width * height);
  for (let i = 0; i < image.length; i++) {
    image[i] = Math.min(65535, CAMERA_OFFSET + rng.nextPoisson(blurred[i]));
  }
  return {
    width,
    height,
    image,
    truth,
    scribbles: makeScribbles(width, height, truth, inset, cells, rng),
    classNames: ['background', 'nucleus'],
  };
}

function placeCells(width: number, height: number, count: number, rng: SeededRandom): Ellipse[] {
  const cells: Ellipse[] = [];
  const scale = Math.sqrt((width * height) / (512 * 512));
  for (let tries = 0; cells.length < count && tries < count * 50; tries++) {
    const a = 14 + rng.next() * 14;
    const b = a * (0.6 + 0.35 * rng.next());
    const cell = {
      cx: a + rng.next() * (width - 2 * a),
      cy: a + rng.next() * (height - 2 * a),
      a,
      b,
      angle: rng.next() * Math.PI,
      brightness: 0.6 + 0.8 * rng.next(),
    };
    const gap = 4 * Math.min(1, scale);
    if (cells.every((c) => Math.hypot(c.cx - cell.cx, c.cy - cell.cy) > c.a + cell.a + gap)) cells.push(cell);
  }
  return cells;
}

function paintCell(
  cell: Ellipse,
  width: number,
  height: number,
  signal: Float32Array,
  truth: Uint8Array,
  inset: Float32Array,
  rng: SeededRandom,
): void {
  const cos = Math.cos(cell.angle);
  const sin = Math.sin(cell.angle);
  // Texture: a few random sinusoids, like chromatin.
  const waves = Array.from({ length: 4 }, () => ({
    fx: (rng.next() - 0.5) * 0.6,
    fy: (rng.next() - 0.5) * 0.6,
    phase: rng.next() * 2 * Math.PI,
  }));
  const x0 = Math.max(0, Math.floor(cell.cx - cell.a - 1));
  const x1 = Math.min(width - 1, Math.ceil(cell.cx + cell.a + 1));
  const y0 = Math.max(0, Math.floor(cell.cy - cell.a - 1));
  const y1 = Math.min(height - 1, Math.ceil(cell.cy + cell.a + 1));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const dx = x - cell.cx;
      const dy = y - cell.cy;
      const u = (dx * cos + dy * sin) / cell.a;
      const v = (-dx * sin + dy * cos) / cell.b;
      const r = Math.sqrt(u * u + v * v);
      if (r > 1) continue;
      let texture = 0;
      for (const w of waves) texture += Math.sin(w.fx * x + w.fy * y + w.phase);
      const rim = 1 + 0.35 * Math.exp(-((1 - r) * (1 - r)) / 0.02);
      const i = y * width + x;
      signal[i] = NUCLEUS_PHOTONS * cell.brightness * rim * (1 + 0.12 * texture);
      truth[i] = 2;
      inset[i] = (1 - r) * Math.min(cell.a, cell.b);
    }
  }
}

/** Three box blurs of radius r approximate a Gaussian of σ ≈ r (the optics' point spread). */
function boxBlur3(src: Float32Array, width: number, height: number, r: number): Float32Array {
  const a = Float32Array.from(src);
  const b = new Float32Array(src.length);
  for (let pass = 0; pass < 3; pass++) {
    boxBlurLine(a, b, width, height, r, 1, width);
    boxBlurLine(b, a, height, width, r, width, 1);
  }
  return a;
}

/** Box blur along one axis with clamped borders: `count` lines of `length` samples, `step` apart, lines `lineStep` apart. */
function boxBlurLine(
  src: Float32Array,
  dst: Float32Array,
  length: number,
  count: number,
  r: number,
  step: number,
  lineStep: number,
): void {
  const norm = 1 / (2 * r + 1);
  for (let line = 0; line < count; line++) {
    const base = line * lineStep;
    for (let i = 0; i < length; i++) {
      let sum = 0;
      for (let k = -r; k <= r; k++) {
        const j = Math.min(length - 1, Math.max(0, i + k));
        sum += src[base + j * step];
      }
      dst[base + i * step] = sum * norm;
    }
  }
}

/**
 * Scribbles as a biologist draws them: a short stroke through the middle of some nuclei and a few
 * strokes across the background, all at least a few pixels from any class border.
 */
function makeScribbles(
  width: number,
  height: number,
  truth: Uint8Array,
  inset: Float32Array,
  cells: Ellipse[],
  rng: SeededRandom,
): Uint8Array {
  const scribbles = new Uint8Array(width * height);
  const brushRadius = 2;
  const stroke = (
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    cls: number,
    isSafe: (i: number) => boolean,
  ) => {
    const steps = Math.ceil(Math.hypot(x1 - x0, y1 - y0));
    for (let s = 0; s <= steps; s++) {
      const t = steps === 0 ? 0 : s / steps;
      const cx = Math.round(x0 + (x1 - x0) * t);
      const cy = Math.round(y0 + (y1 - y0) * t);
      for (let dy = -brushRadius; dy <= brushRadius; dy++) {
        for (let dx = -brushRadius; dx <= brushRadius; dx++) {
          const x = cx + dx;
          const y = cy + dy;
          if (x < 0 || y < 0 || x >= width || y >= height || dx * dx + dy * dy > brushRadius * brushRadius)
            continue;
          const i = y * width + x;
          if (isSafe(i)) scribbles[i] = cls;
        }
      }
    }
  };
  const labeledCells = cells.filter((_, k) => k % 3 === 0);
  for (const c of labeledCells) {
    const len = Math.min(c.a, c.b) * 0.5;
    stroke(
      c.cx - len,
      c.cy - len * 0.3,
      c.cx + len,
      c.cy + len * 0.3,
      2,
      (i) => truth[i] === 2 && inset[i] > 4,
    );
  }
  const backgroundStrokes = Math.max(4, Math.round(labeledCells.length * 0.8));
  const farFromCells = (i: number) => {
    const x = i % width;
    const y = (i - x) / width;
    return cells.every((c) => Math.hypot(x - c.cx, y - c.cy) > c.a + 5);
  };
  for (let k = 0; k < backgroundStrokes; k++) {
    const x = rng.next() * width;
    const y = rng.next() * height;
    const angle = rng.next() * Math.PI;
    const len = 15 + rng.next() * 25;
    stroke(x, y, x + Math.cos(angle) * len, y + Math.sin(angle) * len, 1, farFromCells);
  }
  return scribbles;
}
