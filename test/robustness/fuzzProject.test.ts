/**
 * Fuzz loop for the project file (issue 10): a valid project trained by the real `mixel train` is
 * damaged in seeded ways (fuzzProjectMutations.ts) and loaded with the real loader. Every case must be
 * refused with a ProjectFileError — one line starting with the file's path — or accepted, and then the
 * project's labels decode and its model predicts finite probabilities on a tiny image, as `predict`
 * would (same normalization, feature bank and classifier code). Never a crash, a hang or a NaN.
 * Bounded in time (MIXEL_FUZZ_SECONDS, 60 by default, as CI runs it) and count (MIXEL_FUZZ_CASES);
 * seeded by MIXEL_FUZZ_SEED.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { fitPixelClassifier, predictProbabilities } from '../../src/core/classifier/PixelClassifier.js';
import { computeFeatures } from '../../src/core/features/computeFeatures.js';
import { featureChannelCount } from '../../src/core/features/selection.js';
import { channelRangeOf, normalizeForFeatures } from '../../src/core/normalization.js';
import { getLabels, validateProject, type Project } from '../../src/core/project/Project.js';
import { projectModel } from '../../src/main/batch/predictBatch.js';
import { loadProject, ProjectFileError } from '../../src/main/project/projectFile.js';
import { Random, mutatedProjectText } from './fuzzProjectMutations.js';
import { FUZZ_MAX_CASES, FUZZ_SECONDS, FUZZ_SEED } from './fuzzBudget.js';
import { FIXTURE_HEIGHT, FIXTURE_WIDTH, fixturePixels, trainedFixtureForFile } from './projectFixture.js';

/** A case (load, decode, features and prediction of 48 × 40 pixels) taking longer than this is a hang. */
const MAX_CASE_MS = 5_000;

const fixture = trainedFixtureForFile('mixel-fuzz-project-');
/** Valid documents the cases start from: the CLI's (diagonal) project, and one with a full-covariance model. */
let validDocuments: unknown[];

beforeAll(() => {
  validDocuments = [fixture.json, withFullCovarianceModel(fixture.json)];
  // Both starting points are valid and predict: the loop damages working projects.
  for (const doc of validDocuments) expect(predictTiny(validateProject(doc))).toBe('predicted');
  expect((validDocuments[1] as { model: { mixture: { covariance: string } } }).model.mixture.covariance).toBe(
    'full',
  );
});

/** The fixture image as the feature code takes it. */
const fixtureImage = () => ({
  width: FIXTURE_WIDTH,
  height: FIXTURE_HEIGHT,
  channels: [Float32Array.from(fixturePixels())],
});

/** The fixture project with its model refitted with full covariances and a 3-dimensional projection. */
function withFullCovarianceModel(json: unknown): unknown {
  const project = validateProject(json);
  const { selection, convention } = project.features;
  const image = fixtureImage();
  const planes = computeFeatures(image, selection, convention);
  const labels = getLabels(project, project.images[0].id);
  const rows = [...labels.keys()].filter((i) => labels[i] > 0);
  const samples = new Float32Array(rows.length * planes.length);
  rows.forEach((i, r) => planes.forEach((plane, c) => (samples[r * planes.length + c] = plane[i])));
  const model = fitPixelClassifier(
    samples,
    Uint8Array.from(rows, (i) => labels[i]),
    planes.length,
    { covariance: 'full', projectionDims: 3, components: 2, priors: 'counts' },
  );
  return { ...(json as object), model };
}

type Outcome = 'refused' | 'predicted' | 'no model' | 'channel mismatch';

/** What `mixel predict` does with an accepted project on the fixture image, checked for finite output. */
function predictTiny(project: Project): Outcome {
  for (const id of Object.keys(project.labels)) getLabels(project, id); // the window decodes these
  if (project.model === null || project.model === undefined) return 'no model';
  const model = projectModel(project);
  const { selection, convention } = project.features;
  if (featureChannelCount(selection, 1) !== model.featureCount) return 'channel mismatch';
  const image = fixtureImage();
  const range =
    project.normalization.mode === 'none' ? undefined : channelRangeOf(image.channels, project.normalization);
  const planes = computeFeatures(
    normalizeForFeatures(image, project.normalization, range),
    selection,
    convention,
  );
  const n = FIXTURE_WIDTH * FIXTURE_HEIGHT;
  const probabilities = predictProbabilities(model, planes, n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (const plane of probabilities) {
      const p = plane[i];
      if (!(p >= 0 && p <= 1)) throw new Error(`probability ${p} at pixel ${i}`);
      sum += p;
    }
    if (Math.abs(sum - 1) > 1e-3) throw new Error(`probabilities sum to ${sum} at pixel ${i}`);
  }
  return 'predicted';
}

it(
  `a damaged project file is refused in one line or predicts finite values (${FUZZ_SECONDS} s, seed ${FUZZ_SEED})`,
  async () => {
    const random = new Random(FUZZ_SEED);
    const outcomes = new Map<Outcome, number>();
    const reasons = new Map<string, number>();
    const deadline = performance.now() + FUZZ_SECONDS * 1000;
    let slowest = 0;
    let cases = 0;
    for (; cases < FUZZ_MAX_CASES && performance.now() < deadline; cases++) {
      const path = join(fixture.dir, `case-${cases % 8}.mixel`);
      const text = mutatedProjectText(random, validDocuments[cases % validDocuments.length] as never);
      await writeFile(path, text);
      const started = performance.now();
      let outcome: Outcome;
      try {
        outcome = predictTiny(await loadProject(path));
      } catch (err) {
        const message = (err as Error).message;
        const where = `case ${cases} (seed ${FUZZ_SEED}): ${message}`;
        expect(err, where).toBeInstanceOf(ProjectFileError);
        expect(message.startsWith(`${path}: `), where).toBe(true);
        expect(message, where).not.toContain('\n');
        outcome = 'refused';
        const reason = message
          .slice(path.length + 2)
          .replace(/\d+(\.\d+)?(e[-+]?\d+)?/g, 'N')
          .slice(0, 60);
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      }
      const ms = performance.now() - started;
      slowest = Math.max(slowest, ms);
      expect(ms, `case ${cases} took ${ms.toFixed(0)} ms`).toBeLessThan(MAX_CASE_MS);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    console.log(
      `project fuzz: ${cases} cases in ${FUZZ_SECONDS} s, ${JSON.stringify(Object.fromEntries(outcomes))}, slowest ${slowest.toFixed(0)} ms, ${reasons.size} distinct refusals`,
    );
    // The loop reached both sides: some damaged files were refused and some still predicted.
    expect(outcomes.get('refused') ?? 0).toBeGreaterThan(0);
    expect(outcomes.get('predicted') ?? 0).toBeGreaterThan(0);
  },
  (FUZZ_SECONDS + 60) * 1000,
);
