/**
 * A change to a set of records, as tldraw's RecordsDiff: what was added, what changed (before, after) and
 * what was removed. Pure helpers invert and merge diffs, which is all undo/redo needs.
 */
export interface IdRecord {
  readonly id: string;
}

export interface RecordsDiff<R extends IdRecord> {
  readonly added: Readonly<Record<string, R>>;
  readonly updated: Readonly<Record<string, readonly [R, R]>>;
  readonly removed: Readonly<Record<string, R>>;
}

export function emptyDiff<R extends IdRecord>(): RecordsDiff<R> {
  return { added: {}, updated: {}, removed: {} };
}

export function isEmptyDiff<R extends IdRecord>(diff: RecordsDiff<R>): boolean {
  return (
    Object.keys(diff.added).length === 0 &&
    Object.keys(diff.updated).length === 0 &&
    Object.keys(diff.removed).length === 0
  );
}

export function invertDiff<R extends IdRecord>(diff: RecordsDiff<R>): RecordsDiff<R> {
  const updated: Record<string, readonly [R, R]> = {};
  for (const [id, [before, after]] of Object.entries(diff.updated)) updated[id] = [after, before];
  return { added: { ...diff.removed }, updated, removed: { ...diff.added } };
}

/** One diff with the effect of applying `first` then `second`. */
export function mergeDiffs<R extends IdRecord>(
  first: RecordsDiff<R>,
  second: RecordsDiff<R>,
): RecordsDiff<R> {
  const added: Record<string, R> = { ...first.added };
  const updated: Record<string, readonly [R, R]> = { ...first.updated };
  const removed: Record<string, R> = { ...first.removed };
  for (const [id, record] of Object.entries(second.added)) {
    if (removed[id]) {
      const before = removed[id];
      delete removed[id];
      if (before !== record) updated[id] = [before, record];
    } else added[id] = record;
  }
  for (const [id, [before, after]] of Object.entries(second.updated)) {
    if (added[id]) added[id] = after;
    else if (updated[id]) updated[id] = [updated[id][0], after];
    else updated[id] = [before, after];
  }
  for (const [id, record] of Object.entries(second.removed)) {
    if (added[id]) delete added[id];
    else if (updated[id]) {
      removed[id] = updated[id][0];
      delete updated[id];
    } else removed[id] = record;
  }
  return { added, updated, removed };
}

/** Applies a diff to a map of records, returning a new map (records are never mutated in place). */
export function applyDiff<R extends IdRecord>(
  records: ReadonlyMap<string, R>,
  diff: RecordsDiff<R>,
): Map<string, R> {
  const next = new Map(records);
  for (const id of Object.keys(diff.removed)) next.delete(id);
  for (const [id, [, after]] of Object.entries(diff.updated)) next.set(id, after);
  for (const [id, record] of Object.entries(diff.added)) next.set(id, record);
  return next;
}
