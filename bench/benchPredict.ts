/**
 * `npm run bench:predict`: prediction's speed per pixel and thread (one thread, this process), default-sized
 * diagonal model (2 classes × the default components, 49 feature channels, no projection) on synthetic feature planes,
 * the WebAssembly SIMD kernel against the JavaScript one. Best of a few runs (the machine is shared).
 *
 *   npm run bench:predict [-- --pixels 1048576 --runs 3]
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_CLASSIFIER_OPTIONS } from '../src/core/classifier/classifierOptions.js';
import type { FittedClassifier } from '../src/core/classifier/PixelClassifier.js';
import { predictProbabilities, prepareClassifier } from '../src/core/classifier/predictProbabilities.js';
import { simdDiagonalKernel } from '../src/core/gmm/simdDiagonalLogDensity.js';
import { SeededRandom } from '../src/core/random.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : fallback;
}

const FEATURES = 49;
const COMPONENTS_PER_CLASS = Number(DEFAULT_CLASSIFIER_OPTIONS.components);

function model(rng: SeededRandom): FittedClassifier {
  const k = 2 * COMPONENTS_PER_CLASS;
  return {
    format: 'mixel-gmm-classifier',
    version: 1,
    classes: [1, 2],
    featureCount: FEATURES,
    featureNames: null,
    transform: {
      mean: Array.from({ length: FEATURES }, () => 100 * rng.next()),
      scale: Array.from({ length: FEATURES }, () => 1 + 10 * rng.next()),
      projection: null,
    },
    mixture: {
      covariance: 'diag',
      dim: FEATURES,
      weights: new Array<number>(k).fill(1 / k),
      means: Array.from({ length: k * FEATURES }, () => 0.5 * rng.nextNormal()),
      covariances: Array.from({ length: k * FEATURES }, () => 0.3 + rng.next()),
      meanLogLikelihood: 0,
      nIter: 0,
      converged: true,
    },
    componentClass: Array.from({ length: k }, (_, j) => (j < COMPONENTS_PER_CLASS ? 0 : 1)),
    training: {
      mode: 'supervised',
      samplesPerClass: [0, 0],
      componentsPerClass: [COMPONENTS_PER_CLASS, COMPONENTS_PER_CLASS],
      lambda: 0,
      lambdaScores: [],
      options: {} as FittedClassifier['training']['options'],
    },
  };
}

function main(): void {
  const pixels = arg('pixels', 1 << 20);
  const runs = arg('runs', 3);
  const rng = new SeededRandom(1);
  const fitted = model(rng);
  const prepared = prepareClassifier(fitted);
  const planes = Array.from({ length: FEATURES }, (_, c) => {
    const { mean, scale } = fitted.transform;
    return Float32Array.from({ length: pixels }, () => mean[c] + scale[c] * rng.nextNormal());
  });
  const time = (useSimd: boolean): { us: number; out: Float32Array[] } => {
    let best = Infinity;
    let out: Float32Array[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      out = predictProbabilities(prepared, planes, pixels, useSimd);
      best = Math.min(best, performance.now() - t0);
    }
    return { us: (best * 1000) / pixels, out };
  };
  const js = time(false);
  console.log(
    `prediction, ${FEATURES} features × ${2 * COMPONENTS_PER_CLASS} diagonal components, ${pixels} px`,
  );
  console.log(`  JavaScript kernel: ${js.us.toFixed(3)} µs per pixel and thread`);
  if (!simdDiagonalKernel()) {
    console.log('  WebAssembly SIMD unavailable here: only the JavaScript kernel runs.');
    return;
  }
  const simd = time(true);
  let worst = 0;
  for (let c = 0; c < 2; c++) {
    for (let i = 0; i < pixels; i++) worst = Math.max(worst, Math.abs(simd.out[c][i] - js.out[c][i]));
  }
  console.log(`  WebAssembly SIMD:  ${simd.us.toFixed(3)} µs per pixel and thread`);
  console.log(
    `  speed-up ×${(js.us / simd.us).toFixed(2)}, largest probability difference ${worst.toExponential(1)}`,
  );
}

main();
