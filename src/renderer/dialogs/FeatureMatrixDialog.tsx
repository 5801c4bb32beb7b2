/**
 * ilastik's feature selection: a matrix of features (rows) × scales (columns) with presets. Scale 0.3
 * exists for smoothing only, as in ilastik; other rows have that cell disabled.
 */
import { useState } from 'react';
import * as app from '../state/controller.js';
import { getApp, setApp } from '../state/store.js';
import { Modal } from './Modal.js';

export function FeatureMatrixDialog() {
  const project = getApp().project!;
  const { scales } = project.features;
  const [enabled, setEnabled] = useState(() => project.features.enabled.map((r) => [...r]));
  const isAvailable = (row: number, col: number) => row === 0 || scales[col] >= 0.7 - 1e-9;
  const toggle = (row: number, col: number) =>
    setEnabled((m) => m.map((r, i) => (i === row ? r.map((v, j) => (j === col ? !v : v)) : r)));
  const preset = (kind: 'none' | 'all' | 'default') =>
    setEnabled(
      kind === 'default'
        ? project.features.enabled.length === DEFAULT_FROM_START.rows
          ? DEFAULT_FROM_START.matrix(scales.length, enabled.length)
          : enabled
        : enabled.map((r, i) => r.map((_, j) => kind === 'all' && isAvailable(i, j))),
    );
  const count = enabled.flat().filter(Boolean).length;
  const apply = async () => {
    setApp({ dialog: null });
    const next = await app.runAndShow('Changing features…', () =>
      app.service().setFeatureSelection({ scales, enabled }),
    );
    if (next) {
      setApp({ project: next });
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
                    disabled={!isAvailable(row, col)}
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

/** ilastik's usual starting point: every feature at σ 1.0, 1.6 and 3.5 (columns 2–4), smoothing also at 0.7. */
const DEFAULT_FROM_START = {
  rows: 6,
  matrix: (cols: number, rows: number) =>
    Array.from({ length: rows }, (_, r) =>
      Array.from({ length: cols }, (_, c) => (c >= 2 && c <= 4) || (r === 0 && c === 1)),
    ),
};
