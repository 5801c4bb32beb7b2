/**
 * An image of the open project as the service holds it: metadata for the window, the pixels (in shared
 * memory, so feature jobs read them without a copy) and the label rasters.
 */
import { basename } from 'node:path';
import type { PlanarImage } from '../../core/image.js';
import type { PercentileMode } from '../../core/normalization.js';
import type { ImageInfo } from '../../core/imageSource.js';
import type { ChannelRange } from '../../core/project/Project.js';
import { ServiceError } from '../../core/protocol/ServiceError.js';
import type { ImageTile, ImageTileRequest, ProjectImage } from '../../core/protocol/types.js';
import { toSharedImage } from './poolEngine.js';
import { clipRect } from './tileHelpers.js';

export interface LoadedPixels {
  /** Plane 0, whole. */
  readonly pixels: PlanarImage;
  readonly info: ImageInfo;
  /** Reads one whole plane of a stack (0 ≤ plane < info.planes); absent for readers of one plane only. */
  readonly readPlane?: (plane: number) => Promise<PlanarImage>;
  /** Sizes of the z and t page axes (1 each when absent), so the window can show z and t sliders. */
  readonly stackSizes?: StackSizes;
}

export interface OpenImage {
  readonly info: ProjectImage;
  readonly fileInfo: ImageInfo;
  readonly pixels: PlanarImage;
  /** Labels read from a project file (rasters, not strokes); strokes paint over them. */
  base: Uint8Array | null;
  /** base + strokes, kept in step with every change. */
  readonly labels: Uint8Array;
  /** Reads another plane of a stack (StackPlanes caches them); null for single-plane images. */
  readonly readPlane: ((plane: number) => Promise<PlanarImage>) | null;
  /** Label rasters of planes other than 0 (base + strokes), created when first painted or opened. */
  readonly labelPlanes: Map<number, Uint8Array>;
  /** Saved label rasters of planes other than 0, as `base` is for plane 0. */
  readonly basePlanes: Map<number, Uint8Array>;
  /** Under a percentile normalization: its mode, the channel range and the pixels the features read; else null. */
  normalized: { mode: PercentileMode; range: ChannelRange; pixels: PlanarImage } | null;
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
  const planes = Math.max(1, info.planes);
  const sizes = loaded.stackSizes ?? stackSizesOf(info.axes, planes);
  // A stack's first plane is often empty (objects sit mid-stack): its middle plane joins the contrast range.
  const middle = planes > 1 && loaded.readPlane ? await readMiddlePlane(loaded, planes, path) : null;
  const channelRanges = pixels.channels.map((plane, c) => {
    let min = Infinity;
    let max = -Infinity;
    for (const values of middle ? [plane, middle.channels[c]] : [plane]) {
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v < min) min = v;
        if (v > max) max = v;
      }
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
      planes,
      axes: info.axes,
      sizeZ: sizes.z,
      sizeT: sizes.t,
    },
    fileInfo: info,
    pixels: toSharedImage(pixels),
    readPlane: planes > 1 && loaded.readPlane ? loaded.readPlane : null,
    base: null,
    labels: new Uint8Array(pixels.width * pixels.height),
    labelPlanes: new Map(),
    basePlanes: new Map(),
    normalized: null,
  };
}

async function readMiddlePlane(loaded: LoadedPixels, planes: number, path: string): Promise<PlanarImage> {
  try {
    return await loaded.readPlane!(Math.floor(planes / 2));
  } catch (err) {
    throw new ServiceError('image-unreadable', `cannot open image ${path}: ${(err as Error).message}`);
  }
}

export interface StackSizes {
  readonly z: number;
  readonly t: number;
}

/**
 * z and t sizes from the axes when the reader gave none: a stack with one of the two axes has all its
 * planes along it; with both (and no sizes given) the planes are read as z of one time point.
 */
export function stackSizesOf(axes: string, planes: number): StackSizes {
  if (axes.includes('t') && !axes.includes('z')) return { z: 1, t: planes };
  return { z: planes, t: 1 };
}

/**
 * The pixels of `request.rect` (clipped to the image), every 2^level-th pixel, for the viewer; `pixels`
 * is the plane asked for (plane 0 when omitted).
 */
export function imageTile(
  image: OpenImage,
  request: ImageTileRequest,
  pixels: PlanarImage = image.pixels,
): ImageTile {
  const rect = clipRect(request.rect, image.info.width, image.info.height);
  const step = 2 ** request.level;
  const width = Math.max(1, Math.ceil(rect.width / step));
  const height = Math.max(1, Math.ceil(rect.height / step));
  const channels = pixels.channels.map((plane) => {
    const out = new Float32Array(width * height);
    for (let y = 0; y < height; y++) {
      const row = (rect.y + y * step) * image.info.width + rect.x;
      for (let x = 0; x < width; x++) out[y * width + x] = plane[row + x * step];
    }
    return out;
  });
  const plane = request.plane ?? 0;
  return { imageId: request.imageId, plane, level: request.level, rect, width, height, channels };
}
