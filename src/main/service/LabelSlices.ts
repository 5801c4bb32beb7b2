/**
 * Painting labels without stalling the backend: rasterizing runs as step generators (rasterizeStroke.ts)
 * driven here in slices of at most LABEL_SLICE_MS, with a turn of the event loop between slices so other
 * windows' calls are answered meanwhile; changes run one after another, in the order they arrived, because
 * later strokes paint over earlier ones.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { LABEL_SLICE_MS } from './constants.js';

export class LabelSlices {
  private queue: Promise<unknown> = Promise.resolve();
  private sliceStart = performance.now();

  constructor(private readonly sliceMs = LABEL_SLICE_MS) {}

  /** Runs `task` after every change queued before it (a failed one does not stop the next). */
  inTurn<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Drives `steps` to its end, yielding to the event loop whenever the current slice has run its time. */
  async run<T>(steps: Generator<number, T>): Promise<T> {
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      if (performance.now() - this.sliceStart >= this.sliceMs) {
        await nextTurn();
        this.sliceStart = performance.now();
      }
    }
  }
}
