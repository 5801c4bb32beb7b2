/**
 * The service's running requests by id (so `cancel` can stop any of them) and the running predictTiles of
 * each view (so a newer call of the same view supersedes the older one, not other windows').
 */
import { newController } from './tileHelpers.js';

export class RunningRequests {
  private readonly running = new Map<number, AbortController>();
  private readonly currentPredicts = new Map<string, AbortController>();

  /** A controller for request `requestId`; call the returned `done` when the request ends. */
  begin(requestId: number): { controller: AbortController; done: () => void } {
    const controller = newController();
    this.running.set(requestId, controller);
    return {
      controller,
      // Another window may have reused this request id meanwhile: only this call's own entry goes.
      done: () => {
        if (this.running.get(requestId) === controller) this.running.delete(requestId);
      },
    };
  }

  /** Like `begin`, and aborts the view's previous predictTiles first. */
  beginPredict(requestId: number, viewId: string): { controller: AbortController; done: () => void } {
    this.currentPredicts.get(viewId)?.abort();
    const request = this.begin(requestId);
    this.currentPredicts.set(viewId, request.controller);
    return {
      controller: request.controller,
      done: () => {
        request.done();
        if (this.currentPredicts.get(viewId) === request.controller) this.currentPredicts.delete(viewId);
      },
    };
  }

  cancel(requestId: number): void {
    this.running.get(requestId)?.abort();
  }

  /** Another project was opened: every view's prediction of the old one stops. */
  abortPredictions(): void {
    for (const c of this.currentPredicts.values()) c.abort();
  }

  abortAll(): void {
    for (const c of this.running.values()) c.abort();
  }
}
