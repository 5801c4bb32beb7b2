/**
 * An image of the open project as the service holds it: metadata for the window, the pixels (in shared
 * memory, so feature jobs read them without a copy) and the label rasters.
 */
import { basename } from 'node:path';
import type { PlanarImage } from '../../core/image.js';
import type { ImageInfo } from '../../core/imageSource.js';
import { ServiceError } from '../../core/protocol/ServiceError.js';
import type { ProjectImage } from '../../core/protocol/types.js';
import { toSharedImage } from './poolEngine.js';

export interface LoadedPixels {
  readonly pixels: PlanarImage;
  readonly info: ImageInfo;
}

export interface OpenImage {
  readonly info: ProjectImage;
  readonly fileInfo: ImageInfo;
  readonly pixels: PlanarImage;
  /** Labels read from a project file (rasters, not strokes); strokes paint over them. */
  base: Uint8Array | null;
  /** base + strokes, kept in step with every change. */
  readonly labels: Uint8Array;
}

/** Reads an image file into an OpenImage with per-channel value ranges (for the window's contrast defaults). */
export async function loadProjectImage(
  loadImage: (path: string) => Promise<LoadedPixels>,
  path: string,
  id: string,
): Promise<OpenImage> {
  let loaded: LoadedPixels;
  try {
    loaded = await loadImage(path);
  } catch (err) {
    throw new ServiceError('image-unreadable', `cannot open image ${path}: ${(err as Error).message}`);
  }
  const { pixels, info } = loaded;
  const channelRanges = pixels.channels.map((plane) => {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < plane.length; i++) {
      const v = plane[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return { min, max };
  });
  return {
    info: {
      id,
      name: basename(path),
      path,
      width: pixels.width,
      height: pixels.height,
      channelCount: pixels.channels.length,
      sampleType: info.sampleType,
      channelRanges,
    },
    fileInfo: info,
    pixels: toSharedImage(pixels),
    base: null,
    labels: new Uint8Array(pixels.width * pixels.height),
  };
}
