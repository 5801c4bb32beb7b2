/**
 * The layer list, as napari and ilastik have it: the image, each overlay and the labels, top layer first,
 * each with its visibility and opacity; below the overlays, which classes they show.
 */
import type { LabelClass } from '../../core/protocol/types.js';
import { LAYER_ORDER, setApp, useApp, type LayerId, type LayerSetting } from '../state/store.js';
import { LABEL_HERE_NEXT_HELP, UNEXPLAINED_HELP } from '../viewer/unexplainedLayer.js';
import { FeatureChoice } from './FeatureChoice.js';
import { SidebarSection } from './SidebarSection.js';

const NO_CLASSES: readonly LabelClass[] = [];

export const LAYER_NAMES: Record<LayerId, string> = {
  image: 'Image',
  feature: 'Feature',
  probabilities: 'Probabilities',
  segmentation: 'Simple Segmentation',
  uncertainty: 'Uncertainty',
  unexplained: 'Unexplained',
  next: 'Label here next',
  labels: 'Labels',
};

/** Layers that need a sentence of explanation: tooltip on the row, and a line under it while shown. */
const LAYER_HELP: Partial<Record<LayerId, string>> = {
  feature:
    "Feature: one channel of the feature bank the classifier sees, in grey with automatic contrast (ilastik's feature viewer).",
  unexplained: UNEXPLAINED_HELP,
  next: LABEL_HERE_NEXT_HELP,
};

export function setLayer(id: LayerId, change: Partial<LayerSetting>): void {
  setApp((s) => ({ layers: { ...s.layers, [id]: { ...s.layers[id], ...change } } }));
}

export function LayerPanel() {
  const layers = useApp((s) => s.layers);
  const hiddenClasses = useApp((s) => s.overlay.hiddenClasses);
  const classes = useApp((s) => s.project?.classes ?? NO_CLASSES);
  const setHiddenClasses = (ids: number[]) =>
    setApp((s) => ({
      overlay: { ...s.overlay, hiddenClasses: ids },
      predictionVersion: s.predictionVersion + 1,
    }));
  return (
    <SidebarSection id="layers">
      <ul className="layers" data-testid="layer-list">
        {[...LAYER_ORDER].reverse().map((id) => {
          const layer = layers[id];
          const name = LAYER_NAMES[id];
          return (
            <li
              key={id}
              data-layer-row={id}
              className={layer.isVisible ? '' : 'hidden-layer'}
              title={LAYER_HELP[id]}
            >
              <label className="toggle">
                <input
                  type="checkbox"
                  data-layer-visible={id}
                  aria-label={`Show ${name}`}
                  checked={layer.isVisible}
                  onChange={(e) => setLayer(id, { isVisible: e.target.checked })}
                />
                {name}
              </label>
              <input
                type="range"
                min={0}
                max={100}
                data-layer-opacity={id}
                aria-label={`Opacity of ${name}`}
                title={`Opacity of ${name}: ${Math.round(layer.opacity * 100)} %`}
                value={Math.round(layer.opacity * 100)}
                onChange={(e) => setLayer(id, { opacity: Number(e.target.value) / 100 })}
              />
              <span className="muted opacity-value">{Math.round(layer.opacity * 100)} %</span>
              {id === 'feature' ? <FeatureChoice /> : null}
              {LAYER_HELP[id] && layer.isVisible ? (
                <p className="muted layer-help" data-layer-help={id}>
                  {LAYER_HELP[id]}
                </p>
              ) : null}
            </li>
          );
        })}
      </ul>
      <div className="class-toggles" aria-label="Classes the overlays show">
        {classes.map((c) => (
          <label key={c.id} className="toggle">
            <input
              type="checkbox"
              checked={!hiddenClasses.includes(c.id)}
              onChange={(e) =>
                setHiddenClasses(
                  e.target.checked ? hiddenClasses.filter((id) => id !== c.id) : [...hiddenClasses, c.id],
                )
              }
            />
            <span className="swatch" style={{ background: c.color }} />
            {c.name}
          </label>
        ))}
      </div>
    </SidebarSection>
  );
}
