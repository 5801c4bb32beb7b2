/**
 * The pixel container shared by every layer: planar float32 channels, row-major.
 * Raw intensities are kept as read (16-bit values stay 0..65535); normalization is a separate step.
 */
export interface PlanarImage {
  readonly width: number;
  readonly height: number;
  /** One Float32Array of width × height values per channel. */
  readonly channels: Float32Array[];
}

/** The sample type an image was stored with, kept so exports and `mixel info` can report it. */
export type SampleType = 'uint8' | 'uint16' | 'float32';

export function createPlanarImage(width: number, height: number, channelCount: number): PlanarImage {
  const channels: Float32Array[] = [];
  for (let c = 0; c < channelCount; c++) channels.push(new Float32Array(width * height));
  return { width, height, channels };
}

/** Copies the rectangle [x0, x0+w) × [y0, y0+h) of one plane into a new plane. */
export function cropPlane(
  plane: Float32Array,
  planeWidth: number,
  x0: number,
  y0: number,
  w: number,
  h: number,
): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const start = (y0 + y) * planeWidth + x0;
    out.set(plane.subarray(start, start + w), y * w);
  }
  return out;
}
