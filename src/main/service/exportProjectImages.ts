/**
 * exportImages of the service: fits the final model when the live one is not (as Save does), then exports
 * the requested images in turn, freeing each plane's features once written.
 */
import type { Emitter } from '../../core/protocol/Event.js';
import type { ExportRequest, ExportResult, Progress } from '../../core/protocol/types.js';
import { ExportFeatureRelease } from './exportFeatureRelease.js';
import { exportImagesInTurn } from './exportImages.js';
import type { ProjectSession } from './ProjectSession.js';
import type { RunningRequests } from './RunningRequests.js';

export async function exportProjectImages(
  project: ProjectSession,
  requests: RunningRequests,
  request: ExportRequest,
  progress: Emitter<Progress>,
): Promise<ExportResult> {
  const { controller, done } = requests.begin(request.requestId);
  const { signal } = controller;
  try {
    if (!project.live.isFinal()) await project.train(signal);
    const model = project.live.current;
    const release = new ExportFeatureRelease(project.cache);
    const images = await exportImagesInTurn(request, signal, {
      image: (imageId) => project.images.get(imageId),
      classes: project.classes,
      predict:
        model &&
        (async (image, rect, plane) =>
          project.predictRect(
            image,
            rect,
            await project.adaptation.modelFor(image, model, project.features),
            signal,
            plane,
          )),
      features: (image, rect, plane) => project.tileFeatures(image, rect, signal, plane),
      onProgress: (p) => progress.fire(p),
      onImageStart: (image) => release.begin(image),
      onPlaneDone: (image, plane) => release.release(image, plane),
    });
    return { requestId: request.requestId, images, isCancelled: signal.aborted };
  } finally {
    done();
  }
}
