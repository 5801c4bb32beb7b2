/**
 * Whether the project's images differ so far in intensity that a model trained on raw values of one
 * says little about another (HeLa on a 33000 camera offset beside a 0..2000 image turns all "nucleus").
 */
import type { ProjectImage } from '../../core/protocol/types.js';

/** Two images' ranges of a channel "differ far" when they share less than this part of the narrower one. */
export const MIN_RANGE_OVERLAP = 0.25;

const span = (r: { min: number; max: number }) => Math.max(r.max - r.min, 1e-9);

/** The first pair of images whose channel ranges barely overlap, as a sentence for the window; or null. */
export function rangeMismatch(images: readonly ProjectImage[]): string | null {
  for (let i = 0; i < images.length; i++) {
    for (let j = i + 1; j < images.length; j++) {
      const [a, b] = [images[i], images[j]];
      const channels = Math.min(a.channelCount, b.channelCount);
      for (let c = 0; c < channels; c++) {
        const [ra, rb] = [a.channelRanges[c], b.channelRanges[c]];
        const overlap = Math.min(ra.max, rb.max) - Math.max(ra.min, rb.min);
        if (overlap < MIN_RANGE_OVERLAP * Math.min(span(ra), span(rb)))
          return (
            `${a.name} (${ra.min}–${ra.max}) and ${b.name} (${rb.min}–${rb.max}) differ far in intensity` +
            `${channels > 1 ? ` (channel ${c + 1})` : ''}: raw-value features do not carry over between them. ` +
            'Set Normalization to percentile (above).'
          );
      }
    }
  }
  return null;
}
