/**
 * The live model's calibration of the "unexplained" score (core/unexplained/unexplainedScore.ts), made
 * right after a fit from the same training rows: the labelled rows give each class's own fits, the
 * unlabeled sample of the labelled tiles the image's margin.
 */
import { prepareClassifier, type FittedClassifier } from '../../core/classifier/PixelClassifier.js';
import {
  calibrateUnexplained,
  type UnexplainedCalibration,
} from '../../core/unexplained/unexplainedScore.js';

export function calibrateFitted(
  model: FittedClassifier,
  samples: Float32Array,
  labels: Uint8Array,
  unlabeled: Float32Array | undefined,
): UnexplainedCalibration {
  const classOfRow = Int32Array.from(labels, (v) => model.classes.indexOf(v));
  return calibrateUnexplained(prepareClassifier(model), samples, classOfRow, labels.length, unlabeled);
}
