/** Worker entry: runs jobs from the job table and posts results back, transferring their buffers. */
import { parentPort } from 'node:worker_threads';
import { jobs, type JobKind } from './jobs/index.js';
import {
  collectTransferables,
  type JobRequestMessage,
  type JobResponseMessage,
  type WorkerReadyMessage,
} from './workerMessages.js';

const port = parentPort;
if (!port) throw new Error('worker.ts must run inside a worker thread');

port.on('message', async (request: JobRequestMessage) => {
  let response: JobResponseMessage;
  try {
    const job = jobs[request.kind as JobKind] as (input: unknown) => unknown;
    if (!job) throw new Error(`unknown job kind "${request.kind}"`);
    const output = await job(request.input);
    response = { id: request.id, ok: true, output };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    response = { id: request.id, ok: false, error: { name: e.name, message: e.message, stack: e.stack } };
  }
  port.postMessage(response, response.ok ? collectTransferables(response.output) : []);
});

port.postMessage({ ready: true } satisfies WorkerReadyMessage);
