/**
 * Bounds on what a Zarr folder may ask of Mixel before a byte of pixels is read. The folder is untrusted:
 * its JSON declares shapes, chunk sizes and data types, and its chunk files claim to hold so many bytes;
 * each is checked against these numbers first, so a corrupt or hostile folder fails with one line instead
 * of exhausting memory.
 */

/** `.zarray`, `.zattrs`, `.zgroup`, `zarr.json` above 4 MB are refused: an image's metadata is a few KB. */
export const MAX_ZARR_METADATA_BYTES = 4 * 1024 * 1024;

/**
 * A decoded chunk above 256 MB is refused: typical OME-Zarr chunks are 1–16 MB (bioformats2raw writes
 * 1024² tiles), and a chunk is decoded whole even when one pixel of it is read.
 */
export const MAX_ZARR_CHUNK_BYTES = 256 * 1024 * 1024;

/** Chunk and shard files are read whole; a file larger than this many bytes is not a chunk of an image. */
export const MAX_ZARR_CHUNK_FILE_BYTES = MAX_ZARR_CHUNK_BYTES + 1024 * 1024;

/** Arrays of more dimensions than t, c, z, y, x (five) are not images Mixel can map onto its axes. */
export const MAX_ZARR_DIMENSIONS = 5;

/**
 * Decoded chunks kept for reuse (bytes): a prediction band reads a full-width row of chunks, and the next
 * band's halo reads the same row again; 256 MB holds a chunk row of a 20000-wide 16-bit image with
 * 1024-row chunks three times over.
 */
export const ZARR_CHUNK_CACHE_BYTES = 256 * 1024 * 1024;

/** Multiscale levels (datasets) beyond this are not a real pyramid (2⁶⁴ pixels halve in 32 steps). */
export const MAX_ZARR_LEVELS = 64;

/** `omero.channels` entries read for channel names; labels longer than this are cut. */
export const MAX_ZARR_CHANNEL_LABEL_CHARS = 200;
