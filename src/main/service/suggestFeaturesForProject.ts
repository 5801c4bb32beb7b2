/**
 * suggestFeatures of the service: runs the ranking (suggestFeaturesRequest.ts) on the open project's
 * images, labels and cached features, cancellable by its request id.
 */
import type { Emitter } from '../../core/protocol/Event.js';
import type { Progress, SuggestFeaturesRequest, SuggestFeaturesResult } from '../../core/protocol/types.js';
import { checkPlane } from './planeLabels.js';
import type { ProjectSession } from './ProjectSession.js';
import type { RunningRequests } from './RunningRequests.js';
import { runSuggestFeatures } from './suggestFeaturesRequest.js';

export async function suggestFeaturesForProject(
  project: ProjectSession,
  requests: RunningRequests,
  request: SuggestFeaturesRequest,
  progress: Emitter<Progress>,
): Promise<SuggestFeaturesResult> {
  const image = project.requireImage(request.imageId);
  checkPlane(image, request.plane ?? 0, 'suggestFeatures');
  const { controller, done } = requests.begin(request.requestId);
  try {
    return await runSuggestFeatures(
      request,
      {
        engine: project.engine,
        images: [...project.images.values()],
        image,
        classIds: project.classes.map((c) => c.id),
        features: project.features,
        onProgress: (p) => progress.fire(p),
        cachedTileFeatures: (im, core, signal, plane) => project.tileFeatures(im, core, signal, plane),
        planePixels: (im, plane) => project.planes.forFeatures(im, plane),
      },
      controller.signal,
    );
  } finally {
    done();
  }
}
