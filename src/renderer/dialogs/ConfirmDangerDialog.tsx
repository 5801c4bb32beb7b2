/** A question before something is thrown away: Keep it (focused, the safe default) or the named danger. */
import type { ReactNode } from 'react';
import { setApp } from '../state/store.js';
import { Modal } from './Modal.js';

export interface ConfirmDangerProps {
  readonly title: string;
  /** Prefix of the buttons' and message's test ids: `<id>-cancel`, `<id>-ok`, `<id>-message`. */
  readonly testId: string;
  readonly confirmLabel: string;
  /** Runs after the dialog has closed. */
  readonly onConfirm: () => Promise<void>;
  readonly children: ReactNode;
}

export function ConfirmDangerDialog({
  title,
  testId,
  confirmLabel,
  onConfirm,
  children,
}: ConfirmDangerProps) {
  const confirm = async () => {
    setApp({ dialog: null });
    await onConfirm();
  };
  return (
    <Modal
      title={title}
      footer={
        <>
          <button
            type="button"
            data-testid={`${testId}-cancel`}
            autoFocus
            onClick={() => setApp({ dialog: null })}
          >
            Keep it
          </button>
          <button
            type="button"
            className="danger"
            data-testid={`${testId}-ok`}
            onClick={() => void confirm()}
          >
            {confirmLabel}
          </button>
        </>
      }
    >
      <p data-testid={`${testId}-message`}>{children}</p>
    </Modal>
  );
}
