/**
 * Memory the static side of browser mode may spend on answers not yet taken by their clients. Anyone on
 * the machine may ask for the window's scripts (they hold no secret), so without a bound a client that
 * pipelines thousands of requests for the 1 MB script and never reads would have them all read into
 * memory (gigabytes in seconds).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Bytes of file bodies read for answers that have not yet left this process, over all clients. */
export const MAX_STATIC_BYTES_IN_FLIGHT = 32 * 1024 ** 2;

/**
 * Requests one connection may have waiting for their answers. Browsers do not pipeline (they send the next
 * request after reading the previous answer), so more than a few means a client that is not reading.
 */
export const MAX_REQUESTS_IN_FLIGHT_PER_CONNECTION = 4;

export class ResponseBudget {
  private bytes = 0;
  private readonly requestsBySocket = new WeakMap<Socket, number>();

  constructor(private readonly maxBytes = MAX_STATIC_BYTES_IN_FLIGHT) {}

  /**
   * Counts a request on its connection; false (and the connection dropped) when that connection already
   * has too many waiting. The count goes down when the answer is done or the connection closes.
   */
  admitRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const socket = req.socket;
    const waiting = (this.requestsBySocket.get(socket) ?? 0) + 1;
    if (waiting > MAX_REQUESTS_IN_FLIGHT_PER_CONNECTION) {
      socket.destroy();
      return false;
    }
    this.requestsBySocket.set(socket, waiting);
    res.once('close', () => this.requestsBySocket.set(socket, (this.requestsBySocket.get(socket) ?? 1) - 1));
    return true;
  }

  /**
   * Reserves `size` bytes for one answer's body until it has left the process (its socket's buffer has
   * drained) or its connection closed; false when that would pass the bound or the connection is gone.
   */
  reserve(size: number, req: IncomingMessage, res: ServerResponse): boolean {
    const socket = req.socket;
    // A connection already gone would never tell us it closed: nothing to reserve for it.
    if (socket.destroyed || this.bytes + size > this.maxBytes) return false;
    this.bytes += size;
    let isReleased = false;
    const release = () => {
      if (isReleased) return;
      isReleased = true;
      this.bytes -= size;
      socket.off('drain', release);
      socket.off('close', release);
    };
    // A connection that closes releases everything reserved for it, including answers still queued
    // behind others (Node does not always tell those answers they were dropped).
    socket.once('close', release);
    res.once('finish', () => {
      // 'finish' means handed to the socket, whose own buffer may still hold it (until 'drain').
      if (socket.destroyed || !socket.writableNeedDrain) release();
      else socket.once('drain', release);
    });
    res.once('close', () => {
      if (!res.writableFinished) release();
    });
    return true;
  }
}
