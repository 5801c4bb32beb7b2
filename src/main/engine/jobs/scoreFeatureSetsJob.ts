/**
 * Job 'scoreFeatureSets' ("Suggest features"): scores a few candidate channel sets on the scribbled pixels
 * (featureSetScore.ts) and, when asked, segments a small crop under each set for its preview. The service
 * sends a handful of sets per job, so the pool's queue never holds more than one of these ahead of a
 * stroke's preview (the window keeps painting while the suggestion runs).
 */
import {
  fitGaussianSet,
  logPosteriors,
  scoreFeatureSet,
  type FeatureSetScore,
  type ScoringSamples,
} from './featureSetScore.js';

export interface ScoreFeatureSetsInput extends ScoringSamples {
  /** Channel indices of each candidate set (columns of `samples`). */
  readonly sets: readonly (readonly number[])[];
  /** Segment this crop (one plane per channel of `samples`, pixelCount each) under every set. */
  readonly preview?: { readonly planes: readonly Float32Array[]; readonly pixelCount: number };
}

export interface ScoreFeatureSetsOutput {
  readonly scores: FeatureSetScore[];
  /** Per set, the class index (0 … classCount − 1) of each crop pixel; empty without `preview`. */
  readonly previews: Uint8Array[];
}

export function scoreFeatureSetsJob(input: ScoreFeatureSetsInput): ScoreFeatureSetsOutput {
  const scores = input.sets.map((set) => scoreFeatureSet(input, set));
  const previews: Uint8Array[] = [];
  const preview = input.preview;
  if (preview) {
    const post = new Float64Array(input.classCount);
    for (const set of input.sets) {
      const model = fitGaussianSet(input, set, () => true);
      const out = new Uint8Array(preview.pixelCount);
      for (let p = 0; p < preview.pixelCount; p++) {
        logPosteriors(model, (ch) => preview.planes[ch][p], post);
        let best = 0;
        for (let c = 1; c < post.length; c++) if (post[c] > post[best]) best = c;
        out[p] = best;
      }
      previews.push(out);
    }
  }
  return { scores, previews };
}
