/** Numbers the live loop and export depend on, with the reason for each. */

/**
 * Labeled pixels used per class in a live fit. The fit's time grows linearly with samples (measured: ~250 ms
 * for 1 800 samples, ~740 ms for 5 000, 49 features, on a loaded 2-core machine), and neighbouring pixels of
 * a stroke are nearly copies of each other, so an even stride through 1 500 per class keeps the mixtures
 * and keeps the refit after a stroke a fraction of the 300 ms budget.
 */
export const MAX_TRAINING_SAMPLES_PER_CLASS = 1500;

/** Seed of the subsampling of labeled pixels, so the same labels give the same model. */
export const TRAINING_SAMPLE_SEED = 7;

/**
 * Every n-th unlabeled pixel (on a skewed lattice) of the tiles that hold labels is offered to
 * semi-supervised EM: ~1 % of a tile, enough context around the strokes without making the fit slow.
 */
export const UNLABELED_STRIDE = 97;

/**
 * Labeled pixels per class for the quick fit behind the preview after a stroke: a fifth of the full fit's,
 * supervised only, so the coarse overlay follows the stroke at once; the full-resolution pass refits
 * with MAX_TRAINING_SAMPLES_PER_CLASS and the project's settings.
 */
export const QUICK_FIT_SAMPLES_PER_CLASS = 300;

/**
 * Tile jobs of a prediction request kept in flight per worker thread. With one, a worker that finishes a
 * tile idles until the main thread has received its result, quantized and sent it, and posted the next
 * job; with a second one waiting in the pool's queue, the pool hands it over as the result arrives.
 */
export const TILE_JOBS_PER_THREAD = 2;

/**
 * The window's preview predicts every PREVIEW_STRIDE_FACTOR-th pixel of what its full-resolution request
 * then predicts (renderer liveUpdate.ts PREVIEW_STRIDE): a preview at stride 4 is followed by stride 1,
 * at 8 by 2. The pass started ahead of that request (fullPassAhead.ts) relies on it; were it to differ,
 * the request would find no pass to take and predict its tiles itself.
 */
export const PREVIEW_STRIDE_FACTOR = 4;
/** The coarsest stride a request may ask for (a preview at it may follow any coarser screen). */
export const MAX_REQUEST_STRIDE = 16;

/**
 * Pixels one job of a strided request (a preview) predicts at most, over the tiles it groups: a 256²
 * tile's worth, so its gathered feature planes stay ~13 MB (49 features) and a zoomed-out view's many
 * tiles still spread over every worker.
 */
export const MAX_STRIDED_JOB_PIXELS = 256 * 256;

/**
 * Bytes the upload folder (<data dir>/uploads) may hold, counting uploads under way at their declared size.
 * Uploaded images stay there while projects refer to them; past this a user opens images by path instead.
 */
export const MAX_UPLOAD_FOLDER_BYTES = 2 * 1024 ** 3;

/** Uploads one service receives at once (over every window): dropping a few files at a time is plenty. */
export const MAX_CONCURRENT_UPLOADS = 4;

/** An upload that receives no piece for this long is aborted and its bytes removed (a window closed mid-way). */
export const UPLOAD_IDLE_MS = 30_000;

/**
 * Longest stretch of stroke rasterizing between two turns of the event loop: other windows' calls wait at
 * most about this long behind one window's large label change.
 */
export const LABEL_SLICE_MS = 15;

/**
 * Pixels one label change may ask to paint (an upper bound over its strokes' brush sweeps, see strokeWork):
 * a minute-long stroke of the largest brush is ~2·10^8; 10^9 takes a few seconds, spread over slices.
 */
export const MAX_LABEL_CHANGE_PIXELS = 1e9;

/**
 * Bytes of stack planes (raw and normalized, float32) the service keeps besides each image's plane 0: a
 * 512² plane is 1 MiB, a 2048² plane 16 MiB, so moving through z of a large stack keeps the last ~30
 * planes at hand while a 200-plane stack never sits whole in memory.
 */
export const PLANE_CACHE_BYTES = 512 * 1024 ** 2;

/**
 * Planes per block of the live 3-D features: the visible plane's block is computed with its z halo, and
 * its neighbours in the block come from the cache when the user steps through z. Four keeps one block of a
 * 256² tile with ilastik's default 3-D bank (61 channels) at 64 MiB while one step in z is free 3 times in 4.
 */
export const LIVE_3D_BLOCK_PLANES = 4;
