/**
 * "Suggest features" (ilastik's takes minutes and blocks the window, ilastik#3046): every (feature,
 * scale) cell of ilastik's default matrix is computed once on the tiles that hold scribbles, then
 * candidate sets — each feature over all scales, each scale over all features, all of them, and sets
 * picked one cell at a time (forward selection) — are scored on held-out scribbled pixels in small pool
 * jobs, one after another, so painting's jobs always get a thread in between. The best few are returned
 * with a preview: a crop of the view segmented under each.
 */
import {
  FEATURE_CHANNEL_COUNTS,
  FEATURE_IDS,
  FEATURE_NAMES,
  formatScale,
  presetSelection,
  selectedFeatures,
} from '../../core/features/selection.js';
import type { PlanarImage } from '../../core/image.js';
import { ServiceError } from '../../core/protocol/ServiceError.js';
import type { FeatureMatrix, FeatureSuggestion, Rect } from '../../core/protocol/types.js';
import { tileGrid } from '../../core/tiling.js';
import type { FeatureSetScore } from '../engine/jobs/featureSetScore.js';
import type { ScoreFeatureSetsInput, ScoreFeatureSetsOutput } from '../engine/jobs/scoreFeatureSetsJob.js';
import {
  SUGGEST_FOLD_BLOCK_PX,
  SUGGEST_FOLDS,
  SUGGEST_GREEDY_MIN_GAIN,
  SUGGEST_GREEDY_STEPS,
  SUGGEST_SAMPLES_PER_CLASS,
  SUGGEST_SETS_PER_JOB,
  SUGGEST_SHOWN,
  SUGGEST_TIE_NATS,
} from './suggestFeatureConstants.js';

export interface SuggestImage {
  /** The project's image id (for the feature cache). */
  readonly id: string;
  readonly width: number;
  readonly height: number;
  /** 0 = unlabeled, else a class id. */
  readonly labels: Uint8Array;
  /** The plane of a stack these labels lie on (p = t·Z + z); 0 for a plain image. */
  readonly plane: number;
  /** The plane's pixels the features read (after the project's normalization); read only when labelled. */
  readonly pixels: PlanarImage | Promise<PlanarImage>;
}

export interface SuggestSource {
  readonly images: readonly SuggestImage[];
  readonly classIds: readonly number[];
  /** The current selection, scored on the same folds for comparison. */
  readonly current: FeatureMatrix;
  /** The crop every suggestion segments for its preview. */
  readonly preview: { readonly pixels: PlanarImage; readonly rect: Rect };
  readonly tileSize: number;
}

export interface SuggestDeps {
  computeFeatures(
    image: PlanarImage,
    core: Rect,
    features: FeatureMatrix,
    signal: AbortSignal,
  ): Promise<Float32Array[]>;
  /**
   * Features of one tile of the prediction grid under ilastik's default matrix, when the window's cache
   * holds them (the project uses exactly that matrix); else computeFeatures is used.
   */
  gridTileFeatures?(imageId: string, plane: number, core: Rect, signal: AbortSignal): Promise<Float32Array[]>;
  scoreSets(input: ScoreFeatureSetsInput, signal: AbortSignal): Promise<ScoreFeatureSetsOutput>;
  onProgress(done: number, total: number): void;
}

export interface SuggestOutcome {
  readonly suggestions: FeatureSuggestion[];
  readonly current: { readonly logLikelihood: number; readonly accuracy: number } | null;
  readonly sampleCount: number;
}

/** One (feature, scale) cell of the matrix and the sample columns it fills. */
interface Cell {
  readonly row: number;
  readonly scaleIndex: number;
  readonly channels: number[];
}

interface Candidate {
  readonly name: string;
  readonly cells: readonly Cell[];
  score?: FeatureSetScore;
}

/** Every cell of ilastik's default matrix, with its columns in the channel order features come in. */
export function universeCells(inputChannels: number): { universe: FeatureMatrix; cells: Cell[] } {
  const universe = presetSelection('default');
  const cells: Cell[] = [];
  let next = 0;
  for (const f of selectedFeatures(universe)) {
    const n = FEATURE_CHANNEL_COUNTS[f.feature] * inputChannels;
    cells.push({
      row: FEATURE_IDS.indexOf(f.feature),
      scaleIndex: f.scaleIndex,
      channels: Array.from({ length: n }, (_, i) => next + i),
    });
    next += n;
  }
  return { universe, cells };
}

export async function suggestFeatureSets(
  source: SuggestSource,
  deps: SuggestDeps,
  signal: AbortSignal,
): Promise<SuggestOutcome> {
  const inputChannels = source.preview.pixels.channels.length;
  const { universe, cells } = universeCells(inputChannels);
  const data = await collectScoringSamples(source, universe, deps, signal);
  const groups = groupCandidates(cells, universe);
  const currentCells = cellsOf(source.current, cells, universe);
  const total = groups.length + 1 + SUGGEST_GREEDY_STEPS * cells.length + 1;
  let done = 0;
  const score = async (sets: Candidate[]): Promise<void> => {
    for (let i = 0; i < sets.length; i += SUGGEST_SETS_PER_JOB) {
      signal.throwIfAborted();
      const chunk = sets.slice(i, i + SUGGEST_SETS_PER_JOB);
      const out = await deps.scoreSets({ ...data, sets: chunk.map((c) => channelsOf(c.cells)) }, signal);
      chunk.forEach((c, k) => (c.score = out.scores[k]));
      done += chunk.length;
      deps.onProgress(done, total);
    }
  };

  const current: Candidate | null = currentCells ? { name: 'current', cells: currentCells } : null;
  await score(current ? [...groups, current] : groups);
  if (!current) done++;

  // Forward selection: add the cell that helps most, while it helps.
  const picked: Candidate[] = [];
  let chosen: Cell[] = [];
  let best = -Infinity;
  for (let step = 0; step < SUGGEST_GREEDY_STEPS; step++) {
    const trials: Candidate[] = cells
      .filter((c) => !chosen.includes(c))
      .map((c) => ({ name: '', cells: [...chosen, c] }));
    await score(trials);
    done += cells.length - trials.length;
    const top = trials.reduce((a, b) => (rank(b) > rank(a) ? b : a));
    if (rank(top) < best + SUGGEST_GREEDY_MIN_GAIN) break;
    best = rank(top);
    chosen = [...top.cells];
    const n = chosen.length;
    picked.push({ ...top, name: n === 1 ? 'The single best feature' : `${n} features picked one by one` });
  }
  deps.onProgress(total - 1, total);

  const ranked = rankCandidates(dedupe([...groups, ...picked])).slice(0, SUGGEST_SHOWN);
  const crop = await deps.computeFeatures(source.preview.pixels, source.preview.rect, universe, signal);
  const previews = await deps.scoreSets(
    {
      ...data,
      foldCount: 1,
      sets: ranked.map((c) => channelsOf(c.cells)),
      preview: { planes: crop, pixelCount: source.preview.rect.width * source.preview.rect.height },
    },
    signal,
  );
  deps.onProgress(total, total);
  const classIds = Uint8Array.from(data.classIds);
  return {
    suggestions: ranked.map((c, k) => ({
      // A set of one cell is best named by that cell ("Gaussian Smoothing σ=0.3").
      name: c.cells.length === 1 ? describeCells(c.cells, universe) : c.name,
      detail: describeCells(c.cells, universe),
      features: matrixOf(c.cells, universe),
      featureCount: channelsOf(c.cells).length,
      logLikelihood: c.score!.logLikelihood,
      accuracy: c.score!.accuracy,
      preview: previews.previews[k].map((index) => classIds[index]),
    })),
    current: current?.score
      ? { logLikelihood: current.score.logLikelihood, accuracy: current.score.accuracy }
      : null,
    sampleCount: data.labels.length,
  };
}

/** Each feature over all its scales, each scale over all its features, and the whole default matrix. */
function groupCandidates(cells: readonly Cell[], universe: FeatureMatrix): Candidate[] {
  const byFeature = FEATURE_IDS.map((id, row) => ({
    name: `${FEATURE_NAMES[id]}, all scales`,
    cells: cells.filter((c) => c.row === row),
  }));
  const byScale = universe.scales.map((s, j) => ({
    name: `σ = ${formatScale(s)}, all features`,
    cells: cells.filter((c) => c.scaleIndex === j),
  }));
  return [...byFeature, ...byScale, { name: "All features (ilastik's default)", cells: [...cells] }].filter(
    (c) => c.cells.length > 0,
  );
}

/**
 * Labelled pixels, at most SUGGEST_SAMPLES_PER_CLASS per class spread over all strokes of every labelled
 * plane (each plane is one entry of `source.images`, its features 2-D), with their folds.
 */
async function collectScoringSamples(
  source: SuggestSource,
  universe: FeatureMatrix,
  deps: SuggestDeps,
  signal: AbortSignal,
): Promise<Omit<ScoreFeatureSetsInput, 'sets'> & { classIds: number[] }> {
  const counts = new Map<number, number>(source.classIds.map((id) => [id, 0]));
  for (const image of source.images)
    for (const v of image.labels) if (v !== 0 && counts.has(v)) counts.set(v, counts.get(v)! + 1);
  const classIds = source.classIds.filter((id) => counts.get(id)! > 0);
  if (classIds.length < 2)
    throw new ServiceError(
      'not-enough-labels',
      'paint labels of at least two classes before suggesting features',
    );
  const stride = classIds.map((id) => Math.ceil(counts.get(id)! / SUGGEST_SAMPLES_PER_CLASS));
  const seen = classIds.map(() => 0);
  // Each tile's feature values are copied out at once: the tile's planes (49 per channel) are not kept.
  const parts: Float32Array[] = [];
  const labels: number[] = [];
  const folds: number[] = [];
  let featureCount = 0;
  for (const [imageIndex, image] of source.images.entries()) {
    for (const { core } of tileGrid(image.width, image.height, source.tileSize, 0)) {
      const picked: number[] = [];
      for (let y = core.y; y < core.y + core.height; y++) {
        for (let x = core.x; x < core.x + core.width; x++) {
          const k = classIds.indexOf(image.labels[y * image.width + x]);
          if (k < 0 || seen[k]++ % stride[k] !== 0) continue;
          const block =
            Math.floor(x / SUGGEST_FOLD_BLOCK_PX) * 7919 + Math.floor(y / SUGGEST_FOLD_BLOCK_PX) * 104729;
          picked.push((y - core.y) * core.width + (x - core.x));
          labels.push(k);
          folds.push((block + imageIndex * 31) % SUGGEST_FOLDS);
        }
      }
      if (picked.length === 0) continue;
      const planes = deps.gridTileFeatures
        ? await deps.gridTileFeatures(image.id, image.plane, core, signal)
        : await deps.computeFeatures(await image.pixels, core, universe, signal);
      featureCount = planes.length;
      const part = new Float32Array(picked.length * featureCount);
      picked.forEach((local, i) => {
        for (let f = 0; f < featureCount; f++) part[i * featureCount + f] = planes[f][local];
      });
      parts.push(part);
    }
  }
  const samples = new Float32Array(new SharedArrayBuffer(labels.length * featureCount * 4));
  let offset = 0;
  for (const part of parts) {
    samples.set(part, offset);
    offset += part.length;
  }
  return {
    samples,
    labels: Uint8Array.from(labels),
    folds: Uint8Array.from(folds),
    featureCount,
    classCount: classIds.length,
    foldCount: SUGGEST_FOLDS,
    classIds,
  };
}

/** What forward selection and the ranking compare: the held-out log-likelihood. */
function rank(c: Candidate): number {
  return c.score!.logLikelihood;
}

/**
 * Best first. Sets scoring within the folds' noise of the best (its fold standard error, at least
 * SUGGEST_TIE_NATS) are a tie, and among tied sets the one with more channels comes first: easy scribbles
 * saturate every set's score (all pixels right, log-likelihood ≈ 0), and the scribbles — kept off class
 * borders — cannot show what a dropped feature costs at the borders and in textures, so a tie must not
 * reward dropping information. The rest follow by score.
 */
export function rankCandidates<T extends { readonly cells: readonly unknown[]; score?: FeatureSetScore }>(
  candidates: readonly T[],
): T[] {
  const byScore = [...candidates].sort((a, b) => b.score!.logLikelihood - a.score!.logLikelihood);
  if (byScore.length === 0) return byScore;
  const best = byScore[0].score!;
  const floor = best.logLikelihood - Math.max(SUGGEST_TIE_NATS, best.foldError);
  const tied = byScore.filter((c) => c.score!.logLikelihood >= floor);
  const size = (c: T) => c.cells.length;
  tied.sort((a, b) => size(b) - size(a) || b.score!.logLikelihood - a.score!.logLikelihood);
  return [...tied, ...byScore.filter((c) => c.score!.logLikelihood < floor)];
}

function channelsOf(cells: readonly Cell[]): number[] {
  return cells.flatMap((c) => c.channels);
}

/** The cells of a matrix that lie in the universe, or null when it has any other (another scale). */
function cellsOf(matrix: FeatureMatrix, cells: readonly Cell[], universe: FeatureMatrix): Cell[] | null {
  const out: Cell[] = [];
  for (let row = 0; row < matrix.enabled.length; row++) {
    for (let j = 0; j < matrix.scales.length; j++) {
      if (!matrix.enabled[row][j]) continue;
      const u = universe.scales.indexOf(matrix.scales[j]);
      const cell = cells.find((c) => c.row === row && c.scaleIndex === u);
      if (!cell) return null;
      out.push(cell);
    }
  }
  return out.length > 0 ? out : null;
}

function matrixOf(cells: readonly Cell[], universe: FeatureMatrix): FeatureMatrix {
  return {
    scales: [...universe.scales],
    enabled: universe.enabled.map((r, row) =>
      r.map((_, j) => cells.some((c) => c.row === row && c.scaleIndex === j)),
    ),
  };
}

function describeCells(cells: readonly Cell[], universe: FeatureMatrix): string {
  return [...cells]
    .sort((a, b) => a.row - b.row || a.scaleIndex - b.scaleIndex)
    .map((c) => `${FEATURE_NAMES[FEATURE_IDS[c.row]]} σ=${formatScale(universe.scales[c.scaleIndex])}`)
    .join(', ');
}

/** One entry per distinct set (a greedy pick may equal a group); the first name wins. */
function dedupe(candidates: Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return candidates.filter((c) => {
    const key = channelsOf(c.cells)
      .sort((a, b) => a - b)
      .join(',');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
