/**
 * An image of the open project as the service holds it: metadata for the window, the pixels (in shared
 * memory, so feature jobs read them without a copy) and the label rasters.
 */
import { basename } from 'node:path';
import type { PlanarImage } from '../../core/image.js';
import type { ImageInfo } from '../../core/imageSource.js';
import type { ChannelRange } from '../../core/project/Project.js';
import { ServiceError } from '../../core/protocol/ServiceError.js';
import type { ImageTile, ImageTileRequest, ProjectImage } from '../../core/protocol/types.js';
import { toSharedImage } from './poolEngine.js';
import { clipRect } from './tileHelpers.js';

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
  /** Under percentile normalization: the channel range and the pixels the features read; else null. */
  normalized: { range: ChannelRange; pixels: PlanarImage } | null;
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
    normalized: null,
  };
}

/** The pixels of `request.rect` (clipped to the image), every 2^level-th pixel, for the viewer. */
export function imageTile(image: OpenImage, request: ImageTileRequest): ImageTile {
  const rect = clipRect(request.rect, image.info.width, image.info.height);
  const step = 2 ** request.level;
  const width = Math.max(1, Math.ceil(rect.width / step));
  const height = Math.max(1, Math.ceil(rect.height / step));
  const channels = image.pixels.channels.map((plane) => {
    const out = new Float32Array(width * height);
    for (let y = 0; y < height; y++) {
      const row = (rect.y + y * step) * image.info.width + rect.x;
      for (let x = 0; x < width; x++) out[y * width + x] = plane[row + x * step];
    }
    return out;
  });
  return { imageId: request.imageId, level: request.level, rect, width, height, channels };
}
