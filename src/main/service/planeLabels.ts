/**
 * Labels of every plane of a stack: plane 0 stays in `OpenImage.labels` / `base` (what single-plane code
 * and older files know), further planes in `labelPlanes` / `basePlanes`, created when first painted. Plane
 * indices from a window are checked here against the image, refused with one line naming both.
 */
import { ServiceError } from '../../core/protocol/ServiceError.js';
import type { ProjectImage } from '../../core/protocol/types.js';
import type { OpenImage } from './projectImage.js';

/** Throws `invalid-argument` when `plane` is not a plane of `image`; `what` names the asker. */
export function checkPlane(image: OpenImage, plane: number, what: string): void {
  const planes = image.info.planes ?? 1;
  if (!Number.isInteger(plane) || plane < 0 || plane >= planes) {
    throw new ServiceError(
      'invalid-argument',
      `${what} asks for plane ${plane} of ${image.info.name}, which has ${planes} plane${planes === 1 ? '' : 's'} (0–${planes - 1})`,
    );
  }
}

/** The label raster of one plane (base + strokes), created empty on first use. */
export function labelsOf(image: OpenImage, plane: number): Uint8Array {
  if (plane === 0) return image.labels;
  let raster = image.labelPlanes.get(plane);
  if (!raster) {
    raster = new Uint8Array(image.info.width * image.info.height);
    image.labelPlanes.set(plane, raster);
  }
  return raster;
}

/** The saved labels of one plane, or null. */
export function baseOf(image: OpenImage, plane: number): Uint8Array | null {
  return plane === 0 ? image.base : (image.basePlanes.get(plane) ?? null);
}

/** Sets the saved labels of one plane (opening a project) and starts its raster from them. */
export function setBaseOf(image: OpenImage, plane: number, base: Uint8Array): void {
  if (plane === 0) image.base = base;
  else image.basePlanes.set(plane, base);
  labelsOf(image, plane).set(base);
}

/** Every plane that has a raster (painted or opened), plane 0 first; rasters may be all zeros. */
export function rasterPlanes(image: OpenImage): number[] {
  return [0, ...[...image.labelPlanes.keys()].sort((a, b) => a - b)];
}

/** The planes holding at least one labelled pixel, in order. */
export function labelledPlanes(image: OpenImage): number[] {
  return rasterPlanes(image).filter((p) => labelsOf(image, p).some((v) => v !== 0));
}

/** Whether any plane of the image holds a label. */
export function hasAnyLabel(image: OpenImage): boolean {
  return rasterPlanes(image).some((p) => labelsOf(image, p).some((v) => v !== 0));
}

/** The image as the window sees it, naming the planes after 0 that have saved labels to fetch. */
export function windowImageOf(image: OpenImage): ProjectImage {
  if (image.basePlanes.size === 0) return image.info;
  return { ...image.info, basePlanes: [...image.basePlanes.keys()].sort((a, b) => a - b) };
}
