/**
 * The window's side of an upload: declare the file, send it in pieces of at most UPLOAD_CHUNK_BYTES (each
 * one call, so no message grows with the file), then finish; on any failure the upload is aborted so the
 * backend keeps nothing.
 */
import { UPLOAD_CHUNK_BYTES } from './constants.js';
import type { MixelService } from './MixelService.js';
import type { ProjectImage } from './types.js';

export type UploadCalls = Pick<MixelService, 'beginUpload' | 'uploadChunk' | 'finishUpload' | 'abortUpload'>;

/** Uploads `size` bytes named `fileName`; `read(start, end)` returns bytes [start, end) of the file. */
export async function uploadInChunks(
  service: UploadCalls,
  fileName: string,
  size: number,
  read: (start: number, end: number) => Promise<Uint8Array>,
  onProgress?: (sent: number, total: number) => void,
): Promise<ProjectImage> {
  const uploadId = await service.beginUpload(fileName, size);
  try {
    for (let offset = 0; offset < size; offset += UPLOAD_CHUNK_BYTES) {
      const bytes = await read(offset, Math.min(size, offset + UPLOAD_CHUNK_BYTES));
      await service.uploadChunk(uploadId, offset, bytes);
      onProgress?.(offset + bytes.length, size);
    }
    return await service.finishUpload(uploadId);
  } catch (err) {
    await service.abortUpload(uploadId).catch(() => undefined);
    throw err;
  }
}
