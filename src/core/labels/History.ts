/**
 * Undo/redo by diffs (STYLE.md §4, after tldraw's HistoryManager). Code says where a step begins with
 * `mark(name)`; every diff recorded after it belongs to that step. `undo()` returns the inverse of the
 * merged diffs back to the last mark (the caller applies it); `bail()` drops an unfinished step without a
 * redo entry. The number of steps kept is capped.
 */
import {
  emptyDiff,
  invertDiff,
  isEmptyDiff,
  mergeDiffs,
  type IdRecord,
  type RecordsDiff,
} from './RecordsDiff.js';

interface Step<R extends IdRecord> {
  readonly name: string;
  diff: RecordsDiff<R>;
}

/** Steps kept for undo: a long painting session stays responsive and bounded in memory. */
export const DEFAULT_HISTORY_DEPTH = 200;

export class History<R extends IdRecord> {
  private readonly undos: Step<R>[] = [];
  private redos: Step<R>[] = [];

  constructor(private readonly maxDepth = DEFAULT_HISTORY_DEPTH) {}

  /** Starts a new step; diffs recorded from now on are undone together. Clears the redo stack. */
  mark(name: string): void {
    this.undos.push({ name, diff: emptyDiff() });
    this.redos = [];
    while (this.undos.length > this.maxDepth) this.undos.shift();
  }

  /** Records a diff that was just applied, into the current step (a step is started if none is open). */
  record(diff: RecordsDiff<R>): void {
    if (isEmptyDiff(diff)) return;
    if (this.undos.length === 0) this.mark('change');
    const step = this.undos[this.undos.length - 1];
    step.diff = mergeDiffs(step.diff, diff);
  }

  /** Drops the current step; returns the diff that reverts what it already applied. */
  bail(): RecordsDiff<R> | null {
    const step = this.undos.pop();
    return step && !isEmptyDiff(step.diff) ? invertDiff(step.diff) : null;
  }

  /** The diff that undoes the last non-empty step, or null when there is nothing to undo. */
  undo(): RecordsDiff<R> | null {
    while (this.undos.length > 0) {
      const step = this.undos.pop()!;
      if (isEmptyDiff(step.diff)) continue;
      this.redos.push(step);
      return invertDiff(step.diff);
    }
    return null;
  }

  /** The diff that redoes the last undone step, or null. */
  redo(): RecordsDiff<R> | null {
    const step = this.redos.pop();
    if (!step) return null;
    this.undos.push(step);
    return step.diff;
  }

  get canUndo(): boolean {
    return this.undos.some((s) => !isEmptyDiff(s.diff));
  }

  get canRedo(): boolean {
    return this.redos.length > 0;
  }
}
