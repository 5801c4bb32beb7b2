/**
 * Peak memory of the commands that hold whole images (segment, train, features), estimated from image
 * headers before any pixel is read, and refused above a budget with the estimate and what to do instead:
 * `mixel predict` streams images of any size in bounded memory. Without this a 30000² image was accepted
 * and then needed more than 7 GB before failing.
 */
import { totalmem } from 'node:os';
import { UserError } from './UserError.js';

/** Share of the machine's (or the container's) memory a run may plan to use. */
export const DEFAULT_BUDGET_FRACTION = 0.75;
/** Overrides the budget: bytes, or a number with K, M, G or T (powers of 1024), e.g. `6G`. */
export const MEMORY_BUDGET_ENV = 'MIXEL_MEMORY_BUDGET';

/**
 * Node, sharp and the worker threads with their feature-bank memory, plus training's capped samples.
 * Measured peaks (2 threads): segment of 64² 0.13 GB, of 2000² 0.60 GB, of 4000² 0.88 GB; features of
 * 2000² (49 channels) 1.03 GB. The per-pixel costs below, with this, are 8–30 % above each of them.
 */
const FIXED_BYTES = 512 * 1024 ** 2;
/** Bytes per pixel of one float32 plane. */
const F32 = 4;
/**
 * Tile crops with their halo, all cut before the pool takes them: (256 + 2·35)² / 256² ≈ 1.6 planes per
 * channel at the largest scale's halo.
 */
const CROPS_PER_CHANNEL = 1.65;

export interface ImageShape {
  readonly path: string;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

/** Bytes `mixel segment` holds at its peak: image, normalized copy, tile crops, labels, K class planes and outputs. */
export function segmentPeakBytes(image: ImageShape, classes: number): number {
  const c = image.channels;
  const perPixel = F32 * c * (2 + CROPS_PER_CHANNEL) + (F32 + 1) + F32 * classes + (1 + F32);
  return FIXED_BYTES + perPixel * image.width * image.height;
}

/** Bytes `mixel features` holds: the image, its tile crops and every feature channel of the whole image. */
export function featuresPeakBytes(image: ImageShape, featureChannels: number): number {
  const c = image.channels;
  const perPixel = F32 * c * (1 + CROPS_PER_CHANNEL) + F32 * featureChannels;
  return FIXED_BYTES + perPixel * image.width * image.height;
}

/** Bytes `mixel train` holds: every image (and its normalized copy) with its labels, all read before training. */
export function trainPeakBytes(images: readonly ImageShape[], normalized: boolean): number {
  let bytes = FIXED_BYTES;
  for (const image of images) {
    const perPixel = F32 * image.channels * (normalized ? 2 : 1) + (F32 + 1);
    bytes += perPixel * image.width * image.height;
  }
  return bytes;
}

export interface MemoryBudget {
  readonly bytes: number;
  /** Where the number comes from, for the message. */
  readonly origin: string;
}

/** The budget: MIXEL_MEMORY_BUDGET if set, else 75 % of the memory this process may use. */
export function memoryBudget(env: NodeJS.ProcessEnv = process.env): MemoryBudget {
  const text = env[MEMORY_BUDGET_ENV]?.trim();
  if (text) {
    const match = /^(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?$/i.exec(text);
    const bytes = match ? Number(match[1]) * 1024 ** 'BKMGT'.indexOf(match[2].toUpperCase() || 'B') : NaN;
    if (!(bytes > 0)) {
      throw new UserError(`${MEMORY_BUDGET_ENV}=${text} is not a size: use bytes or e.g. 6G, 512M`);
    }
    return { bytes, origin: `${MEMORY_BUDGET_ENV}` };
  }
  // In a container (cgroup limit) the limit, not the host's RAM, is what the process can have.
  // (constrainedMemory is 2⁶⁴ or 0 when there is no limit; Node < 19 lacks it.)
  const limit = process.constrainedMemory?.() ?? 0;
  const available = limit > 0 ? Math.min(limit, totalmem()) : totalmem();
  return {
    bytes: available * DEFAULT_BUDGET_FRACTION,
    origin: `${DEFAULT_BUDGET_FRACTION * 100} % of ${formatBytes(available)} of memory; set ${MEMORY_BUDGET_ENV} to change`,
  };
}

/** Refuses a run whose estimated peak exceeds the budget, naming the image, the estimate and a way out. */
export function checkMemoryBudget(
  what: string,
  estimate: number,
  remedy: string,
  budget: MemoryBudget = memoryBudget(),
): void {
  if (estimate <= budget.bytes) return;
  throw new UserError(
    `${what} needs ≈ ${formatBytes(estimate)} of memory, more than the ${formatBytes(budget.bytes)} budget (${budget.origin}): ${remedy}`,
  );
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  return `${Math.round(bytes / 1024 ** 2)} MB`;
}

export function describeShape(image: ImageShape): string {
  return `${image.path} (${image.width} × ${image.height}${image.channels > 1 ? ` × ${image.channels} channels` : ''})`;
}
