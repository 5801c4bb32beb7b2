import { actions, runAction } from '../state/actions.js';
import { useApp } from '../state/store.js';

/** "Save project (Ctrl+S)": the action's name and key, from the action table. */
function tooltipOf(id: string): string {
  const action = actions.find((a) => a.id === id);
  if (!action) return id;
  return action.shortcut ? `${action.label} (${action.shortcut})` : action.label;
}

/**
 * The top bar: project commands (adding images lives in the Images list, beside the images), undo/redo, features and classifier, live update and "Update now", the
 * shortcuts sheet. One row from 1024 px up (styles.css keeps it from wrapping).
 */
export function Toolbar() {
  const canUndo = useApp((s) => s.canUndo);
  const canRedo = useApp((s) => s.canRedo);
  const isLiveUpdate = useApp((s) => s.isLiveUpdate);
  const hasImage = useApp((s) => s.activeImageId !== null);
  const button = (id: string, label: string, enabled = true) => (
    <button
      type="button"
      data-action={id}
      disabled={!enabled}
      title={tooltipOf(id)}
      aria-label={tooltipOf(id)}
      onClick={() => runAction(id)}
    >
      {label}
    </button>
  );
  return (
    <header className="toolbar" data-testid="toolbar">
      <span className="brand">Mixel</span>
      <div className="group">
        {button('new-project', 'New')}
        {button('open-project', 'Open…')}
        {button('open-sample', 'Sample')}
        {button('save-project', 'Save')}
        {button('save-project-as', 'Save as…')}
        {button('export', 'Export…', hasImage)}
      </div>
      <div className="group">
        {button('undo', 'Undo', canUndo)}
        {button('redo', 'Redo', canRedo)}
      </div>
      <div className="group">
        {button('feature-selection', 'Features…')}
        {button('classifier-settings', 'Classifier…')}
      </div>
      <div className="group">
        <label className="toggle" title={tooltipOf('toggle-live-update')}>
          <input
            type="checkbox"
            data-testid="live-update"
            checked={isLiveUpdate}
            onChange={() => runAction('toggle-live-update')}
          />
          Live update
        </label>
        {button('update-now', 'Update now', hasImage)}
      </div>
      <span className="spacer" />
      {button('shortcuts', '?')}
    </header>
  );
}
