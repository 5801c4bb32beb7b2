/**
 * Edge of the tiles the backend predicts and caches features for, and the grid the window requests
 * probabilities on. 256 px keeps one tile's features (≈13 planes × 256 KiB) quick to compute and to ship
 * to a worker, and a 1024² view is 16 tiles that spread over the worker threads; the halo (≤ 35 px)
 * costs under 30 %.
 */
export const PREDICTION_TILE_SIZE = 256;
