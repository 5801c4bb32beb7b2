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

/**
 * Largest piece of an upload (streamed by beginUpload / uploadChunk / finishUpload): a quarter of the
 * WebSocket frame limit, so a chunk and its envelope always fit in one frame and the backend never holds
 * more than this per call.
 */
export const UPLOAD_CHUNK_BYTES = 4 * 1024 ** 2;

/** Largest file the window may upload: bigger images are opened by path, which reads them in place. */
export const MAX_UPLOAD_FILE_BYTES = 1024 ** 3;

/** Longest upload file name, in characters (most file systems allow 255 bytes). */
export const MAX_UPLOAD_NAME_LENGTH = 255;

/**
 * Largest brush radius in image pixels a stroke may have: the window's brush goes to 60 px; 256 leaves room
 * for a bigger brush while keeping one point's disc (~206 000 pixels) cheap to paint.
 */
export const MAX_STROKE_RADIUS_PX = 256;

/** Points (x, y pairs) in one stroke: a minute of dragging at 120 events per second is ~7 200. */
export const MAX_STROKE_POINTS = 20_000;

/** Strokes added in one label change (one undo step can restore many). */
export const MAX_STROKES_PER_CHANGE = 1_000;

/** Points over all strokes of one label change: 1.6 MB of coordinates. */
export const MAX_POINTS_PER_CHANGE = 200_000;

/**
 * Points over all strokes of the open project: 80 MB of coordinates, ~20 hours of continuous painting, so
 * no window reaches it while repeated large changes cannot grow the backend's memory without end.
 */
export const MAX_POINTS_PER_PROJECT = 10_000_000;

/**
 * How far outside the image a stroke's points may lie, in image pixels: the window zooms out to 1/64, so
 * on a 4096-px-wide screen the pointer can be 2^18 image pixels from the image. Coordinates further out
 * are no brush the window makes (and rasterizing clips to the image anyway).
 */
export const STROKE_COORDINATE_MARGIN_PX = 2 ** 18;

/** Longest view id (see PredictRequest.viewId). */
export const MAX_VIEW_ID_LENGTH = 64;

/**
 * Most 2-D planes (t · z) an image may name in a request: far beyond any stack that fits a machine (a
 * 2048² 16-bit plane is 8 MiB; 100 000 of them 800 GB), so a plane index is bounded before the service
 * checks it against the image's own plane count.
 */
export const MAX_PLANE_INDEX = 100_000;
