/**
 * A small synthetic z-stack for the window's stack tests, written with the project's own TIFF writer as
 * ImageJ writes a hyperstack (16-bit, `slices=Z`), so the reader sees axes `zyx`: a dim noisy background
 * and bright balls (3-D objects) centred on chosen planes, each reaching ±`ballRadiusZ` planes.
 */
import { TiffStripWriter } from '../../src/main/io/TiffStripWriter.js';

export interface Ball {
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly radius: number;
}

export interface SyntheticStack {
  readonly width: number;
  readonly height: number;
  readonly planes: number;
  readonly balls: readonly Ball[];
  /** Values per plane, row-major. */
  readonly voxels: Uint16Array[];
}

export const STACK_BACKGROUND = 1000;
export const STACK_OBJECT = 4000;

/** Balls on planes 3..8 only (none near plane 0), so plane 0 and plane 5 look different. */
export function makeSyntheticStack(width = 128, height = 128, planes = 12): SyntheticStack {
  const balls: Ball[] = [
    { x: 0.3 * width, y: 0.3 * height, z: 5, radius: 0.12 * width },
    { x: 0.7 * width, y: 0.65 * height, z: 5, radius: 0.1 * width },
    { x: 0.7 * width, y: 0.25 * height, z: 7, radius: 0.08 * width },
    { x: 0.25 * width, y: 0.75 * height, z: 4, radius: 0.09 * width },
  ];
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const voxels: Uint16Array[] = [];
  for (let z = 0; z < planes; z++) {
    const plane = new Uint16Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let v = STACK_BACKGROUND + 200 * (random() - 0.5);
        for (const b of balls) {
          // Balls are a little flatter in z (2.5 planes reach), as microscopy voxels are taller than wide.
          const d = Math.hypot(x - b.x, y - b.y) / b.radius + Math.abs(z - b.z) / 2.5;
          if (d < 1) v += (STACK_OBJECT - STACK_BACKGROUND) * (1 - d * d * 0.3);
        }
        plane[y * width + x] = Math.round(v);
      }
    }
    voxels.push(plane);
  }
  return { width, height, planes, balls, voxels };
}

/** Writes the stack as a 16-bit ImageJ hyperstack TIFF (one page per z plane). */
export async function writeSyntheticStack(path: string, stack: SyntheticStack): Promise<void> {
  const writer = await TiffStripWriter.create(path, {
    width: stack.width,
    height: stack.height,
    pages: stack.planes,
    sampleType: 'uint16',
    geometry: { channels: 1, slices: stack.planes, frames: 1 },
  });
  for (let z = 0; z < stack.planes; z++) await writer.writeRows(z, stack.voxels[z]);
  await writer.close();
}
