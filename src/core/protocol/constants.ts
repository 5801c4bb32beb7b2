/**
 * Edge of the tiles the backend predicts and caches features for, and the grid the window requests
 * probabilities on. 256 px keeps one tile's features (≈13 planes × 256 KiB) quick to compute and to ship
 * to a worker, and a 1024² view is 16 tiles that spread over the worker threads; the halo (≤ 35 px)
 * costs under 30 %.
 */
export const PREDICTION_TILE_SIZE = 256;

/**
 * Largest message one connection may send (a WebSocket frame in browser mode). Calls carry a few KiB of
 * JSON; the largest are upload chunks of at most 4 MiB plus their header, so 16 MiB leaves room without
 * letting one frame claim gigabytes (`ws` buffers a whole message before handing it over).
 */
export const MAX_FRAME_BYTES = 16 * 1024 ** 2;

/**
 * Event subscriptions one connection may hold. The window holds three (tiles and progress, twice); each
 * one costs a listener on the service and a copy of every event sent, so thousands would multiply memory.
 */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 64;

/**
 * Calls one connection may have running at once, and the bytes their messages may hold. The window asks
 * for every visible tile at once (a few hundred on a large screen at most); beyond these a call is
 * answered `busy` instead of piling up memory.
 */
export const MAX_CALLS_IN_FLIGHT_PER_CONNECTION = 1024;
export const MAX_CALL_BYTES_IN_FLIGHT_PER_CONNECTION = 256 * 1024 ** 2;
