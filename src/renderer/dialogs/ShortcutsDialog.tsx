/** The shortcuts sheet (`?` or F1): every key of the action table, the class keys and the mouse. */
import { actions } from '../state/actions.js';
import { setApp } from '../state/store.js';
import { Modal } from './Modal.js';

/** What the mouse and the number keys do; the action table holds the rest. */
const GESTURES: readonly (readonly [string, string])[] = [
  ['1 – 9', 'Paint with class 1 – 9'],
  ['Left drag', 'Paint (or erase)'],
  ['Space + drag, right or middle drag', 'Pan'],
  ['Wheel, pinch', 'Zoom at the pointer'],
  ['Escape', 'Close a dialog, back to the image'],
  ['Tab', 'Move between buttons; Enter or Space presses one'],
];

/** One row per command: alternative keys of one command (Redo: Ctrl+Shift+Z, Ctrl+Y) share it. */
function shortcutRows(): [string, string][] {
  const byLabel = new Map<string, string[]>();
  for (const a of actions) {
    if (!a.shortcut) continue;
    byLabel.set(a.label, [...(byLabel.get(a.label) ?? []), a.shortcut]);
  }
  return [...byLabel].map(([label, keys]) => [keys.join(' or '), label]);
}

export function ShortcutsDialog() {
  const rows = [...shortcutRows(), ...GESTURES];
  return (
    <Modal
      title="Keyboard shortcuts"
      wide
      footer={
        <button type="button" autoFocus onClick={() => setApp({ dialog: null })}>
          Close
        </button>
      }
    >
      <div className="shortcut-columns" data-testid="shortcuts">
        {[rows.slice(0, Math.ceil(rows.length / 2)), rows.slice(Math.ceil(rows.length / 2))].map(
          (half, i) => (
            <table key={i} className="shortcuts">
              <tbody>
                {half.map(([keys, what]) => (
                  <tr key={`${keys}:${what}`}>
                    <td>
                      <kbd>{keys}</kbd>
                    </td>
                    <td>{what}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ),
        )}
      </div>
    </Modal>
  );
}
