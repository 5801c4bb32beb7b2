/**
 * The left column: images, classes (add, rename, recolour, delete), the brush, the layers and the
 * image display (channel, contrast).
 */
import * as app from '../state/controller.js';
import { runAction } from '../state/actions.js';
import { LayerPanel } from './LayerPanel.js';
import { removeImage } from '../state/removeImage.js';
import { MAX_BRUSH_RADIUS, MIN_BRUSH_RADIUS, setApp, useApp } from '../state/store.js';
import type { LabelClass, ProjectImage } from '../../core/protocol/types.js';

// Stable empty lists: a selector returning a fresh [] would re-render forever.
const NO_IMAGES: readonly ProjectImage[] = [];
const NO_CLASSES: readonly LabelClass[] = [];

export function Sidebar() {
  return (
    <aside className="sidebar">
      <ImageList />
      <ClassList />
      <BrushPanel />
      <LayerPanel />
      <DisplayPanel />
    </aside>
  );
}

function ImageList() {
  const images = useApp((s) => s.project?.images ?? NO_IMAGES);
  const activeImageId = useApp((s) => s.activeImageId);
  return (
    <section>
      <h2>Images</h2>
      <ul className="list" data-testid="image-list">
        {images.map((im) => (
          <li key={im.id} className={im.id === activeImageId ? 'active' : ''}>
            <button type="button" className="link" title={im.path} onClick={() => app.selectImage(im.id)}>
              {im.name}
            </button>
            <span className="muted">
              {im.width}×{im.height}
              {im.channelCount > 1 ? ` ×${im.channelCount}` : ''} {im.sampleType}
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
      <button type="button" onClick={() => runAction('add-images')}>
        Add image…
      </button>
    </section>
  );
}

function ClassList() {
  const classes = useApp((s) => s.project?.classes ?? NO_CLASSES);
  const activeClassId = useApp((s) => s.activeClassId);
  return (
    <section>
      <h2>Classes</h2>
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
    </section>
  );
}

function BrushPanel() {
  const tool = useApp((s) => s.tool);
  const brushRadius = useApp((s) => s.brushRadius);
  return (
    <section>
      <h2>Brush</h2>
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
    </section>
  );
}

function DisplayPanel() {
  const imageId = useApp((s) => s.activeImageId);
  const display = useApp((s) => (s.activeImageId ? s.display[s.activeImageId] : undefined));
  const image = app.findImage(imageId);
  if (!image || !display || !imageId) return null;
  const update = (next: typeof display) =>
    setApp((s) => ({ display: { ...s.display, [imageId]: next }, imageVersion: s.imageVersion + 1 }));
  const shown = display.mode === 'single' ? [display.channel] : display.channels.map((_, i) => i);
  return (
    <section>
      <h2>Display</h2>
      {image.channelCount > 1 ? (
        <div className="row">
          <select
            aria-label="Channel"
            value={display.mode === 'composite' ? 'composite' : String(display.channel)}
            onChange={(e) =>
              update(
                e.target.value === 'composite'
                  ? { ...display, mode: 'composite' }
                  : { ...display, mode: 'single', channel: Number(e.target.value) },
              )
            }
          >
            {display.channels.map((_, i) => (
              <option key={i} value={i}>
                Channel {i + 1}
              </option>
            ))}
            <option value="composite">Composite</option>
          </select>
        </div>
      ) : null}
      {shown.map((c) => {
        const ch = display.channels[c];
        const range = image.channelRanges[c];
        const lo = range.min;
        const hi = range.max > range.min ? range.max : range.min + 1;
        const step = image.sampleType === 'float32' ? (hi - lo) / 1000 : 1;
        const set = (change: Partial<typeof ch>) =>
          update({
            ...display,
            channels: display.channels.map((x, i) => (i === c ? { ...x, ...change } : x)),
          });
        return (
          <div key={c} className="channel">
            {display.mode === 'composite' ? (
              <label className="toggle">
                <input
                  type="checkbox"
                  checked={ch.isVisible}
                  onChange={(e) => set({ isVisible: e.target.checked })}
                />
                Channel {c + 1}
                <input
                  type="color"
                  value={ch.color}
                  onChange={(e) => set({ color: e.target.value })}
                  aria-label={`Colour of channel ${c + 1}`}
                />
              </label>
            ) : null}
            <label className="slider">
              Min {formatValue(ch.min)}
              <input
                type="range"
                min={lo}
                max={hi}
                step={step}
                value={ch.min}
                onChange={(e) => set({ min: Math.min(Number(e.target.value), ch.max - step) })}
              />
            </label>
            <label className="slider">
              Max {formatValue(ch.max)}
              <input
                type="range"
                min={lo}
                max={hi}
                step={step}
                value={ch.max}
                onChange={(e) => set({ max: Math.max(Number(e.target.value), ch.min + step) })}
              />
            </label>
            <button type="button" onClick={() => set(autoContrast(app.imageTileValues(imageId, c), lo, hi))}>
              Auto contrast
            </button>
          </div>
        );
      })}
    </section>
  );
}

function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}

/** 0.35 % saturated at each end, as Fiji's Auto: ignores hot pixels and empty background. */
function autoContrast(values: Float32Array, lo: number, hi: number): { min: number; max: number } {
  if (values.length === 0) return { min: lo, max: hi };
  const sorted = Float32Array.from(values).sort();
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
  const min = at(0.0035);
  const max = at(0.9965);
  return max > min ? { min, max } : { min: lo, max: hi };
}
