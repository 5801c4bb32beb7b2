import type { ReactNode } from 'react';
import { setApp } from '../state/store.js';

/** A modal frame: Escape or the backdrop closes it. */
export function Modal(props: { title: string; children: ReactNode; footer: ReactNode; wide?: boolean }) {
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && setApp({ dialog: null })}>
      <div
        className={`modal ${props.wide ? 'wide' : ''}`}
        role="dialog"
        aria-label={props.title}
        onKeyDown={(e) => e.key === 'Escape' && setApp({ dialog: null })}
      >
        <h2>{props.title}</h2>
        <div className="modal-body">{props.children}</div>
        <div className="modal-footer">{props.footer}</div>
      </div>
    </div>
  );
}
