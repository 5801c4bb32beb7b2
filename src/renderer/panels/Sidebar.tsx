/**
 * The left column: images, classes (add, rename, recolour, delete), the brush, the layers and the
 * image display (channel, contrast), the label explorer and Suggest features; each section folds, and the
 * strip at the top jumps to any of them.
 */
import * as app from '../state/controller.js';
import { runAction } from '../state/actions.js';
import { ContrastPanel } from './ContrastPanel.js';
import { LabelExplorer } from './LabelExplorer.js';
import { LayerPanel } from './LayerPanel.js';
import { SuggestFeaturesPanel } from './SuggestFeaturesPanel.js';
import { rangeMismatch } from '../state/rangeWarning.js';
import { removeImage } from '../state/removeImage.js';
import { setNormalization } from '../state/normalization.js';
import { MAX_BRUSH_RADIUS, MIN_BRUSH_RADIUS, setApp, useApp } from '../state/store.js';
import type { LabelClass, NormalizationMode, ProjectImage } from '../../core/protocol/types.js';
import { describeAxes } from '../state/planeMath.js';
import { SidebarNav, SidebarSection } from './SidebarSection.js';

// Stable empty lists: a selector returning a fresh [] would re-render forever.
const NO_IMAGES: readonly ProjectImage[] = [];
const NO_CLASSES: readonly LabelClass[] = [];

export function Sidebar() {
  return (
    <aside className="sidebar">
      <SidebarNav />
      <ImageList />
      <ClassList />
      <BrushPanel />
      <ContrastPanel />
      <LayerPanel />
      <LabelExplorer />
      <SuggestFeaturesPanel />
    </aside>
  );
}

function ImageList() {
  const images = useApp((s) => s.project?.images ?? NO_IMAGES);
  const activeImageId = useApp((s) => s.activeImageId);
  const normalization = useApp((s) => s.project?.normalization ?? 'none');
  // Percentile normalization is the remedy; once on, the ranges no longer matter to the features.
  const warning = normalization === 'none' ? rangeMismatch(images) : null;
  return (
    <SidebarSection id="images">
      <ul className="list" data-testid="image-list">
        {images.map((im) => (
          <li key={im.id} className={im.id === activeImageId ? 'active' : ''}>
            <button type="button" className="link" title={im.path} onClick={() => app.selectImage(im.id)}>
              {im.name}
            </button>
            <span className="muted" data-testid="image-axes">
              {describeAxes(im)} {im.sampleType}
            </span>
            <button
              type="button"
              className="danger"
              data-testid="remove-image"
              title={`Remove ${im.name} from the project (the file stays)`}
              aria-label={`Remove ${im.name} from the project`}
              onClick={() => void removeImage(im.id)}
            >
              ✕
            </button>
          </li>
        ))}
      </ul>
      <button
        type="button"
        data-action="add-images"
        title="Add image (Alt+I), or drop files on the window"
        onClick={() => runAction('add-images')}
      >
        Add image…
      </button>
      <label
        className="inline-field"
        title="What the features see: raw values, or per image and channel the 0.1–99.9 percentiles mapped to 0 and 1, and then (the default) their square root, which evens out brightness-dependent noise (as mixel train --normalize); a stack's are measured per time point on 8 planes through z"
      >
        Normalization
        <select
          data-testid="normalization"
          value={normalization}
          onChange={(e) => void setNormalization(e.target.value as NormalizationMode)}
        >
          <option value="none">none (raw values)</option>
          <option value="percentile">percentile</option>
          <option value="percentile-sqrt">percentile + √</option>
        </select>
      </label>
      {warning ? (
        <p className="range-warning" data-testid="range-warning" role="status">
          {warning}
        </p>
      ) : null}
    </SidebarSection>
  );
}

function ClassList() {
  const classes = useApp((s) => s.project?.classes ?? NO_CLASSES);
  const activeClassId = useApp((s) => s.activeClassId);
  return (
    <SidebarSection id="classes">
      <ul className="list" data-testid="class-list">
        {classes.map((c, i) => (
          // Keyed by name too: the name field is uncontrolled (edited freely, committed on blur), so a
          // name changed elsewhere (another project opened) must remount it.
          <li
            key={`${c.id}:${c.name}`}
            className={c.id === activeClassId ? 'active' : ''}
            data-class-id={c.id}
          >
            <input
              type="color"
              aria-label={`Colour of ${c.name}`}
              value={c.color}
              onChange={(e) => void app.updateClass(c.id, { color: e.target.value })}
            />
            <input
              className="class-name"
              aria-label={`Name of class ${i + 1}`}
              defaultValue={c.name}
              onFocus={() => setApp({ activeClassId: c.id, tool: 'brush' })}
              onBlur={(e) => {
                const name = e.target.value.trim();
                if (name && name !== c.name) void app.updateClass(c.id, { name });
                else e.target.value = c.name;
              }}
              onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
            />
            <button
              type="button"
              className="pick"
              title={`Paint with ${c.name} (${i + 1})`}
              onClick={() => setApp({ activeClassId: c.id, tool: 'brush' })}
            >
              {i + 1}
            </button>
            <button
              type="button"
              className="danger"
              title={`Delete ${c.name} and its labels`}
              disabled={classes.length <= 1}
              onClick={() => void app.deleteClass(c.id)}
            >
              ✕
            </button>
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => void app.addClass()}>
        Add class
      </button>
    </SidebarSection>
  );
}

function BrushPanel() {
  const tool = useApp((s) => s.tool);
  const brushRadius = useApp((s) => s.brushRadius);
  return (
    <SidebarSection id="brush">
      <div className="row">
        <button
          type="button"
          className={tool === 'brush' ? 'on' : ''}
          onClick={() => setApp({ tool: 'brush' })}
          title="Brush (B)"
        >
          Brush
        </button>
        <button
          type="button"
          className={tool === 'eraser' ? 'on' : ''}
          data-action="eraser"
          onClick={() => setApp({ tool: 'eraser' })}
          title="Eraser (E)"
        >
          Eraser
        </button>
        <button
          type="button"
          className={tool === 'accept' ? 'on' : ''}
          data-action="accept-prediction"
          onClick={() => setApp({ tool: 'accept' })}
          title="Accept prediction (P): paint over a region to turn its segmentation into labels"
        >
          Accept
        </button>
      </div>
      <label className="slider" title="Brush size ([ and ])">
        Size {brushRadius * 2} px
        <input
          type="range"
          min={MIN_BRUSH_RADIUS}
          max={MAX_BRUSH_RADIUS}
          value={brushRadius}
          onChange={(e) => setApp({ brushRadius: Number(e.target.value) })}
        />
      </label>
    </SidebarSection>
  );
}
