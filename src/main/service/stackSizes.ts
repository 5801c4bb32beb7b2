/** The z and t sizes of a stack from the file's page axes (ImageJ's TZCYX order, OME-XML, --axes). */
import type { ImageMetadata } from '../../core/imageMetadata.js';
import type { StackSizes } from './projectImage.js';

export function stackSizesOfMetadata(metadata: Pick<ImageMetadata, 'pageAxes' | 'pageSizes'>): StackSizes {
  const sizeOf = (axis: 't' | 'z') => {
    const i = metadata.pageAxes.indexOf(axis);
    return i < 0 ? 1 : Math.max(1, metadata.pageSizes[i] ?? 1);
  };
  return { z: sizeOf('z'), t: sizeOf('t') };
}
