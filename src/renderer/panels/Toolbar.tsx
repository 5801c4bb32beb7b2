import { runAction } from '../state/actions.js';
import { useApp } from '../state/store.js';

/** The top bar: project commands, undo/redo, live update and "Update now". */
export function Toolbar() {
  const canUndo = useApp((s) => s.canUndo);
  const canRedo = useApp((s) => s.canRedo);
  const isLiveUpdate = useApp((s) => s.isLiveUpdate);
  const hasImage = useApp((s) => s.activeImageId !== null);
  const button = (id: string, label: string, enabled = true, title?: string) => (
    <button
      type="button"
      data-action={id}
      disabled={!enabled}
      title={title ?? label}
      onClick={() => runAction(id)}
    >
      {label}
    </button>
  );
  return (
    <header className="toolbar">
      <span className="brand">Mixel</span>
      <div className="group">
        {button('new-project', 'New')}
        {button('open-project', 'Open…', true, 'Open project (Ctrl+O)')}
        {button('open-sample', 'Sample')}
        {button('save-project', 'Save', true, 'Save project (Ctrl+S)')}
        {button('save-project-as', 'Save as…')}
        {button('add-images', 'Add image…')}
        {button('export', 'Export…', hasImage, 'Export (Ctrl+E)')}
      </div>
      <div className="group">
        {button('undo', 'Undo', canUndo, 'Undo (Ctrl+Z)')}
        {button('redo', 'Redo', canRedo, 'Redo (Ctrl+Shift+Z)')}
      </div>
      <div className="group">
        {button('feature-selection', 'Features…')}
        {button('classifier-settings', 'Classifier…')}
      </div>
      <div className="group">
        <label className="toggle" title="Retrain and repaint after every stroke (L)">
          <input
            type="checkbox"
            data-testid="live-update"
            checked={isLiveUpdate}
            onChange={() => runAction('toggle-live-update')}
          />
          Live update
        </label>
        {button('update-now', 'Update now', hasImage, 'Retrain and predict the visible tiles (U)')}
      </div>
    </header>
  );
}
