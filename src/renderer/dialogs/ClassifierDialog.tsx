/** Classifier settings: Gaussian components per class, and semi-supervised EM. */
import { useState } from 'react';
import * as app from '../state/controller.js';
import { getApp, markEdited, setApp } from '../state/store.js';
import { Modal } from './Modal.js';

export function ClassifierDialog() {
  const current = getApp().project!.classifier;
  const [components, setComponents] = useState(current.components);
  const [semiSupervised, setSemiSupervised] = useState(current.semiSupervised);
  const apply = async () => {
    setApp({ dialog: null });
    const next = await app.runAndShow('Changing classifier…', () =>
      app.service().setClassifierSettings({ components, semiSupervised }),
    );
    if (next) {
      setApp({ project: next });
      markEdited();
      void app.updatePrediction(true);
    }
  };
  return (
    <Modal
      title="Classifier"
      footer={
        <>
          <button type="button" onClick={() => setApp({ dialog: null })}>
            Cancel
          </button>
          <button type="button" className="primary" onClick={() => void apply()}>
            OK
          </button>
        </>
      }
    >
      <label className="field">
        Gaussian components per class (fewer: a faster update after each stroke)
        <input
          type="number"
          min={1}
          max={20}
          value={components}
          onChange={(e) => setComponents(Math.max(1, Math.min(20, Number(e.target.value) || 1)))}
        />
      </label>
      <label className="toggle">
        <input
          type="checkbox"
          checked={semiSupervised}
          onChange={(e) => setSemiSupervised(e.target.checked)}
        />
        Semi-supervised: refine the mixtures with the unlabeled pixels (slower, often better with few labels)
      </label>
    </Modal>
  );
}
