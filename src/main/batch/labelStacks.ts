/**
 * Label files for `mixel train`: one page of class values for a 2-D image (or the first plane of a stack),
 * or a stack of pages, one per plane of its image (flat index t·Z + z, as ImageJ orders a TZYX stack),
 * 0 = unlabeled. Only planes that hold labels are kept, so a 200-plane stack labelled on three planes
 * costs three planes of memory.
 */
import type { ImageInfo } from '../../core/imageSource.js';
import { ImageReadError } from '../io/ImageReadError.js';
import { openImage } from '../io/openImage.js';

/** Checks one plane of label values and returns it as bytes; throws naming the file and the pixel. */
function labelBytes(
  path: string,
  values: Float32Array,
  width: number,
  plane: number,
  planes: number,
): Uint8Array {
  // The typed-array copy keeps every whole number 0..255 and changes any other value (a fraction, a
  // negative, 256 and up, NaN): the first value that changed is the first one out of range.
  const out = new Uint8Array(values.length);
  out.set(values);
  for (let i = 0; i < values.length; i++) {
    if (out[i] !== values[i]) {
      const where = `x=${i % width}, y=${Math.floor(i / width)}${planes > 1 ? `, plane ${plane}` : ''}`;
      throw new ImageReadError(
        path,
        `label values must be whole numbers 0..255 (found ${values[i]} at ${where})`,
      );
    }
  }
  return out;
}

/**
 * Reads the labels of `imagePath` (whose header is `image`) from `path`: planes that hold labels, by flat
 * plane index. A one-page file labels plane 0; a stack needs exactly one page per plane of the image.
 */
export async function readLabelPlanes(
  path: string,
  image: ImageInfo,
  imagePath: string,
): Promise<Map<number, Uint8Array>> {
  const header = (await openImage(path)).info;
  if (header.width !== image.width || header.height !== image.height) {
    throw new ImageReadError(
      path,
      `labels are ${header.width} × ${header.height} but ${imagePath} is ${image.width} × ${image.height}`,
    );
  }
  const pages = header.pages;
  const isStack = pages > 1 && image.planes > 1;
  if (pages > 1 && pages !== image.planes) {
    throw new ImageReadError(
      path,
      `labels have ${pages} pages but ${imagePath} has ${image.planes} plane(s) (${image.axes}): give one page of class values per plane, or one page for its first plane`,
    );
  }
  // Pages of a label stack are the image's planes in order, whatever the file's own metadata says.
  const source = isStack ? await openImage(path, { axes: 'zyx' }) : await openImage(path);
  if (source.info.channels !== 1) {
    throw new ImageReadError(
      path,
      `labels need one channel of class values (0 = unlabeled, 1..K); this file has ${source.info.channels}`,
    );
  }
  const { width, height } = image;
  const planes = new Map<number, Uint8Array>();
  const count = isStack ? image.planes : 1;
  for (let plane = 0; plane < count; plane++) {
    const values = (await source.readRegion({ x: 0, y: 0, width, height }, plane)).channels[0];
    const bytes = labelBytes(path, values, width, plane, count);
    if (plane === 0 || bytes.some((v) => v > 0)) planes.set(plane, bytes);
  }
  return planes;
}
