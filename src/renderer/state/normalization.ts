/** Sets the intensity normalization the features see; the model is refitted on the next update. */
import type { NormalizationMode } from '../../core/protocol/types.js';
import * as app from './controller.js';
import { getApp, markEdited, setApp } from './store.js';

export async function setNormalization(mode: NormalizationMode): Promise<void> {
  const project = await app.runAndShow(
    mode === 'none' ? 'Features from raw values…' : 'Measuring each image’s 0.1–99.9 percentiles…',
    () => app.service().setNormalization(mode),
  );
  if (!project) return;
  markEdited();
  app.predictions.clear();
  setApp((s) => ({
    project: s.project ? { ...s.project, normalization: project.normalization, hasModel: false } : s.project,
    predictionVersion: s.predictionVersion + 1,
    status:
      mode === 'none'
        ? 'Normalization: none (raw values)'
        : 'Normalization: percentile, per image / time point',
  }));
  if (getApp().isLiveUpdate) await app.updatePrediction(true);
}
