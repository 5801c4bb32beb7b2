import { useEffect, useRef, type ReactNode } from 'react';
import { setApp } from '../state/store.js';

/**
 * A modal frame: Escape (App's key handler) or the backdrop closes it. It takes the focus when none of
 * its controls asked for it, so keys go to the dialog and not to the toolbar button that opened it.
 */
export function Modal(props: { title: string; children: ReactNode; footer: ReactNode; wide?: boolean }) {
  const frame = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = frame.current;
    if (el && !el.contains(document.activeElement)) el.focus();
  }, []);
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && setApp({ dialog: null })}>
      <div
        ref={frame}
        tabIndex={-1}
        className={`modal ${props.wide ? 'wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-label={props.title}
      >
        <h2>{props.title}</h2>
        <div className="modal-body">{props.children}</div>
        <div className="modal-footer">{props.footer}</div>
      </div>
    </div>
  );
}
