/**
 * The numbers that shape volume work: how big a block of a stack one worker computes 3-D features for.
 * A block is a core (the voxels it is responsible for) grown by the feature halo (⌈reach⌉ of the largest
 * scale, 38 voxels per side for ilastik's σ = 10): small cores waste most of the work on halo, large ones
 * hold the 3-D bank's working memory (featureWorkBytes3d: about two float32 volumes of the block's outer
 * box for σ = 10's pre-smoothing, a dozen of a small scale's frame) and the core's 61+ feature channels. The block plan picks the core with the least halo
 * work that fits VOLUME_WORKER_BYTES in a worker and VOLUME_MAIN_BYTES of bands in the main thread.
 */

/**
 * Memory one worker may spend on a block: two workers and the main thread's bands (VOLUME_MAIN_BYTES) on a
 * 2048 × 2048 × 200 stack stay under the 2 GB the whole prediction may take, with room for each thread's
 * own heap and the blocks being read. (Larger blocks barely speed the bank up: its cost is mostly per core
 * voxel, the halo adds σ = 5 and 10's pre-smoothing only.)
 */
export const VOLUME_WORKER_BYTES = 512 * 1024 ** 2;

/** Memory the main thread may spend on bands of results (predictVolume.ts) of one volume. */
export const VOLUME_MAIN_BYTES = 384 * 1024 ** 2;

/** Core depths (z planes) and in-plane sides tried by the block plan, smallest first. */
export const BLOCK_CORE_DEPTHS: readonly number[] = [8, 12, 16, 24, 32, 48, 64];
export const BLOCK_CORE_SIDES: readonly number[] = [64, 96, 128, 160, 192, 256, 384, 512];

/**
 * Edge (in voxels, along z, y and x) of the cubes that group labelled voxels for cross-validation: the 2-D
 * trainer's 64-pixel squares (trainingSamplesJob.ts) stacked 64 planes deep, since neighbouring planes of
 * a stroke are as alike as neighbouring pixels.
 */
export const VOLUME_CROSS_VALIDATION_BLOCK = 64;

/** Blocks of a y band classified at once during prediction: one band computing while the next is read. */
export const VOLUME_BANDS_IN_FLIGHT = 2;

/** Planes read to estimate a frame's feature offset (featureOffset.ts): evenly spaced through z. */
export const OFFSET_SAMPLE_PLANES = 8;
