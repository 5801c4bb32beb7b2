/** What every image reader (sharp, HDF5, OME-Zarr) returns: pixels on demand plus the file's own metadata. */
import type { ImageMetadata } from '../../core/imageMetadata.js';
import type { ImageSource } from '../../core/imageSource.js';

export interface OpenImageOptions {
  /**
   * Axes of a multi-page file (`zyx`, `tyx`, `cyx`, `zcyx`, `tzcyx`, …), overriding the file's metadata;
   * guessed when neither says (see `isAxesGuessed`).
   */
  axes?: string;
}

export interface OpenedImage extends ImageSource {
  /** True when the file has several pages and their meaning was guessed rather than given. */
  readonly isAxesGuessed: boolean;
  /** Axes with their sizes and sources, pixel size, channel names. */
  readonly metadata: ImageMetadata;
}
