/**
 * What the live model trains on when images are stacks: one labelled raster per (image, plane) that holds
 * labels, each remembering where its features come from. Plane 0 of every image is always included (as
 * before stacks), so a project without labels still trains to "no model" the same way.
 */
import { labelledPlanes, labelsOf } from './planeLabels.js';
import type { OpenImage } from './projectImage.js';
import type { LabeledImage } from './trainingSamples.js';

export interface PlaneToTrain {
  readonly image: OpenImage;
  readonly plane: number;
  readonly labeled: LabeledImage;
}

export function stackTrainingImages(images: readonly OpenImage[]): PlaneToTrain[] {
  const out: PlaneToTrain[] = [];
  for (const image of images) {
    const planes = new Set([0, ...labelledPlanes(image)]);
    for (const plane of [...planes].sort((a, b) => a - b)) {
      out.push({
        image,
        plane,
        labeled: {
          id: plane === 0 ? image.info.id : `${image.info.id}#${plane}`,
          width: image.info.width,
          height: image.info.height,
          labels: labelsOf(image, plane),
        },
      });
    }
  }
  return out;
}
