/** ilastik's feature selection: a matrix of features (rows) × scales (columns) with presets. */
import { useState } from 'react';
import * as app from '../state/controller.js';
import { getApp, markEdited, setApp } from '../state/store.js';
import { MIN_DERIVATIVE_SCALE_IN_DIALOG } from '../../core/features/featureConstants.js';
import { presetSelection, type FeaturePresetName } from '../../core/features/selection.js';
import { Modal } from './Modal.js';
import { Features3dSwitch, type FeatureDimensions } from './Features3dSwitch.js';

export function FeatureMatrixDialog() {
  const project = getApp().project!;
  const { scales } = project.features;
  const [enabled, setEnabled] = useState(() => project.features.enabled.map((r) => [...r]));
  const [dimensions, setDimensions] = useState<FeatureDimensions>(project.features.dimensions ?? '2d');
  // ilastik's dialog offers σ below 0.7 for smoothing only; those cells stay available here (the "all"
  // preset uses them) but are marked, since derivatives that fine mostly measure noise.
  const isFine = (row: number, col: number) => row > 0 && scales[col] < MIN_DERIVATIVE_SCALE_IN_DIALOG;
  const toggle = (row: number, col: number) =>
    setEnabled((m) => m.map((r, i) => (i === row ? r.map((v, j) => (j === col ? !v : v)) : r)));
  const preset = (kind: 'none' | FeaturePresetName) =>
    setEnabled(
      kind === 'none'
        ? enabled.map((r) => r.map(() => false))
        : presetSelection(kind).enabled.map((r) => [...r]),
    );
  const count = enabled.flat().filter(Boolean).length;
  const apply = async () => {
    setApp({ dialog: null });
    const next = await app.runAndShow('Changing features…', () =>
      app.service().setFeatureSelection({ scales, enabled, dimensions }),
    );
    if (next) {
      setApp({ project: next });
      markEdited();
      app.predictions.clear();
      void app.updatePrediction(true);
    }
  };
  return (
    <Modal
      title="Features"
      wide
      footer={
        <>
          <Features3dSwitch images={project.images} dimensions={dimensions} onChange={setDimensions} />
          <span className="muted">{count} selected</span>
          <button type="button" onClick={() => preset('none')}>
            None
          </button>
          <button type="button" onClick={() => preset('default')}>
            Default
          </button>
          <button type="button" onClick={() => preset('all')}>
            All
          </button>
          <button type="button" onClick={() => setApp({ dialog: null })}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={count === 0} onClick={() => void apply()}>
            OK
          </button>
        </>
      }
    >
      <table className="matrix" data-testid="feature-matrix">
        <thead>
          <tr>
            <th />
            {scales.map((s) => (
              <th key={s}>σ = {s}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {project.featureNames.map((name, row) => (
            <tr key={name}>
              <th>{name}</th>
              {scales.map((s, col) => (
                <td key={s}>
                  <input
                    type="checkbox"
                    aria-label={`${name} at σ ${s}`}
                    className={isFine(row, col) ? 'fine-scale' : undefined}
                    title={
                      isFine(row, col)
                        ? 'Not in ilastik’s dialog: a derivative this fine mostly measures noise'
                        : undefined
                    }
                    checked={enabled[row]?.[col] ?? false}
                    onChange={() => toggle(row, col)}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}
