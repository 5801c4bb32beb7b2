import { describe, expect, it } from 'vitest';
import { History } from './History.js';
import { applyDiff, invertDiff, mergeDiffs, type RecordsDiff } from './RecordsDiff.js';

interface Rec {
  id: string;
  v: number;
}

const add = (r: Rec): RecordsDiff<Rec> => ({ added: { [r.id]: r }, updated: {}, removed: {} });
const update = (a: Rec, b: Rec): RecordsDiff<Rec> => ({
  added: {},
  updated: { [a.id]: [a, b] },
  removed: {},
});

/** A tiny store that records into a history, as the window does. */
function makeStore() {
  let records = new Map<string, Rec>();
  const history = new History<Rec>(3);
  return {
    history,
    apply(diff: RecordsDiff<Rec>, record = true) {
      records = applyDiff(records, diff);
      if (record) history.record(diff);
    },
    get: () => Object.fromEntries([...records].map(([k, r]) => [k, r.v])),
  };
}

describe('History', () => {
  it('undoes and redoes whole steps', () => {
    const store = makeStore();
    store.history.mark('stroke 1');
    store.apply(add({ id: 'a', v: 1 }));
    store.history.mark('stroke 2');
    store.apply(add({ id: 'b', v: 2 }));
    store.apply(update({ id: 'b', v: 2 }, { id: 'b', v: 3 }));
    expect(store.get()).toEqual({ a: 1, b: 3 });

    store.apply(store.history.undo()!, false);
    expect(store.get()).toEqual({ a: 1 });
    store.apply(store.history.undo()!, false);
    expect(store.get()).toEqual({});
    expect(store.history.undo()).toBeNull();

    store.apply(store.history.redo()!, false);
    store.apply(store.history.redo()!, false);
    expect(store.get()).toEqual({ a: 1, b: 3 });
    expect(store.history.canRedo).toBe(false);
  });

  it('drops the redo stack when a new step begins', () => {
    const store = makeStore();
    store.history.mark('a');
    store.apply(add({ id: 'a', v: 1 }));
    store.apply(store.history.undo()!, false);
    store.history.mark('b');
    store.apply(add({ id: 'b', v: 1 }));
    expect(store.history.redo()).toBeNull();
  });

  it('bail reverts an unfinished step without a redo entry', () => {
    const store = makeStore();
    store.history.mark('gesture');
    store.apply(add({ id: 'a', v: 1 }));
    store.apply(store.history.bail()!, false);
    expect(store.get()).toEqual({});
    expect(store.history.canUndo).toBe(false);
    expect(store.history.canRedo).toBe(false);
  });

  it('keeps at most its depth of steps', () => {
    const store = makeStore();
    for (let i = 0; i < 5; i++) {
      store.history.mark(`s${i}`);
      store.apply(add({ id: `r${i}`, v: i }));
    }
    let undone = 0;
    while (store.history.undo()) undone++;
    expect(undone).toBe(3);
  });

  it('a diff followed by its inverse changes nothing; merging is applying in turn', () => {
    const base = new Map([['a', { id: 'a', v: 1 }]]);
    const d1 = mergeDiffs(add({ id: 'b', v: 2 }), update({ id: 'a', v: 1 }, { id: 'a', v: 5 }));
    expect(Object.fromEntries(applyDiff(applyDiff(base, d1), invertDiff(d1)))).toEqual(
      Object.fromEntries(base),
    );
    const d2: RecordsDiff<Rec> = { added: {}, updated: {}, removed: { b: { id: 'b', v: 2 } } };
    expect(Object.fromEntries(applyDiff(base, mergeDiffs(d1, d2)))).toEqual(
      Object.fromEntries(applyDiff(applyDiff(base, d1), d2)),
    );
  });
});
