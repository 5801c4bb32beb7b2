/**
 * A fixed pool of worker threads running jobs from the job table (jobs/index.ts), first in, first out.
 * Heavy work (features, EM, prediction) goes here so the Electron main thread, the server and the
 * renderer never freeze. Cancellation: a queued job is dropped at once; a running job that goes on (past
 * a short grace, and past a second of running in all) is stopped by terminating its thread, which is
 * replaced by a fresh one, so a cancelled job never keeps burning a core (training, a huge tile).
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { JobInput, JobKind, JobOutput } from './jobs/index.js';
import {
  collectTransferables,
  type JobRequestMessage,
  type JobResponseMessage,
  type WorkerReadyMessage,
} from './workerMessages.js';

export interface WorkerPoolOptions {
  /** Number of threads; defaults to one per core. */
  threads?: number;
  /** The thread entry script; defaults to the compiled worker.js beside this module. */
  script?: string | URL;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Buffers to move (not copy) to the worker; they become unusable in the caller. */
  transfer?: ArrayBuffer[];
}

interface PendingJob {
  readonly request: JobRequestMessage;
  readonly transfer: ArrayBuffer[];
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly signal?: AbortSignal;
}

interface PoolWorker {
  readonly worker: Worker;
  job: PendingJob | null;
  /** performance.now() when the current job was handed to the thread. */
  startedAt: number;
  /** The thread's modules loaded (it posted WorkerReadyMessage). */
  isReady: boolean;
  /** The thread died or was terminated by the pool; its later events are ignored. */
  isGone: boolean;
}

export class JobCancelledError extends Error {
  override name = 'JobCancelledError';
  constructor() {
    super('the job was cancelled');
  }
}

/**
 * A cancelled running job is terminated only once it has gone on this long after its cancel AND run
 * KILLABLE_AFTER_RUNNING_MS in all. Tile jobs end well within that (40–60 ms warm, ~0.8 s the first on a
 * fresh thread, measured on a loaded 2-core machine) and keep their warm thread; killing them would make
 * panning in the window respawn cold threads over and over (~0.45 s start plus slow first jobs).
 */
export const CANCELLED_JOB_GRACE_MS = 200;
export const KILLABLE_AFTER_RUNNING_MS = 1000;

/**
 * Threads that die before loading this many times in a row (a broken install, a missing module, no memory
 * for a thread) mean no thread can start: the pool fails every job with that reason instead of respawning
 * forever at 100 % CPU.
 */
export const MAX_FAILED_STARTS = 3;

export function defaultThreadCount(): number {
  return Math.max(1, availableParallelism());
}

export class WorkerPool {
  readonly threads: number;
  private readonly workers: PoolWorker[] = [];
  private readonly queue: PendingJob[] = [];
  private nextId = 1;
  private isClosed = false;
  private readonly script: string | URL;
  private failedStarts = 0;
  /** Set once threads cannot start: every job fails with it. */
  private startFailure: Error | null = null;
  /**
   * One abort listener per signal, not per job: a signal often spans thousands of jobs (a whole export),
   * and a listener per job piles up (Node warns past 10) until the signal is collected.
   */
  private readonly abortWatches = new Map<AbortSignal, { jobs: Set<PendingJob>; onAbort: () => void }>();

  constructor(options: WorkerPoolOptions = {}) {
    const threads = options.threads ?? defaultThreadCount();
    if (!Number.isInteger(threads) || threads < 1) {
      throw new RangeError(`threads must be a whole number ≥ 1 (got ${threads})`);
    }
    this.threads = threads;
    this.script = options.script ?? workerScriptPath();
    for (let i = 0; i < threads; i++) this.workers.push(this.spawn());
  }

  run<K extends JobKind>(kind: K, input: JobInput<K>, options: RunOptions = {}): Promise<JobOutput<K>> {
    if (this.isClosed) return Promise.reject(new Error('the worker pool is closed'));
    if (this.startFailure) return Promise.reject(this.startFailure);
    if (options.signal?.aborted) return Promise.reject(new JobCancelledError());
    const signal = options.signal;
    return new Promise<JobOutput<K>>((resolve, reject) => {
      const job: PendingJob = {
        request: { id: this.nextId++, kind, input },
        transfer: options.transfer ?? [],
        resolve: (output) => {
          this.unwatchAbort(job);
          resolve(output as JobOutput<K>);
        },
        reject: (error) => {
          this.unwatchAbort(job);
          reject(error);
        },
        signal,
      };
      this.watchAbort(job);
      this.queue.push(job);
      this.dispatch();
    });
  }

  /** Runs one job per input on all threads and returns the outputs in input order. */
  map<K extends JobKind>(kind: K, inputs: JobInput<K>[], options: RunOptions = {}): Promise<JobOutput<K>[]> {
    return Promise.all(inputs.map((input) => this.run(kind, input, { signal: options.signal })));
  }

  async close(): Promise<void> {
    this.isClosed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the worker pool was closed'));
    for (const slot of this.workers) slot.isGone = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  /** Threads busy with a job (cancelled jobs count until their thread has stopped or been replaced). */
  get busyThreads(): number {
    return this.workers.filter((w) => w.job !== null).length;
  }

  private watchAbort(job: PendingJob): void {
    const signal = job.signal;
    if (!signal) return;
    let watch = this.abortWatches.get(signal);
    if (!watch) {
      const jobs = new Set<PendingJob>();
      const onAbort = () => {
        this.abortWatches.delete(signal);
        for (const waiting of [...jobs]) this.cancel(waiting);
      };
      watch = { jobs, onAbort };
      this.abortWatches.set(signal, watch);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    watch.jobs.add(job);
  }

  private unwatchAbort(job: PendingJob): void {
    const signal = job.signal;
    const watch = signal && this.abortWatches.get(signal);
    if (!watch) return;
    watch.jobs.delete(job);
    if (watch.jobs.size > 0) return;
    this.abortWatches.delete(signal);
    signal.removeEventListener('abort', watch.onAbort);
  }

  private cancel(job: PendingJob): void {
    const index = this.queue.indexOf(job);
    if (index >= 0) this.queue.splice(index, 1);
    job.reject(new JobCancelledError());
    const running = this.workers.find((w) => w.job === job);
    if (index >= 0 || !running) return;
    const delay = Math.max(
      CANCELLED_JOB_GRACE_MS,
      running.startedAt + KILLABLE_AFTER_RUNNING_MS - performance.now(),
    );
    setTimeout(() => {
      const slot = this.workers.find((w) => w.job === job);
      if (slot && !this.isClosed) this.replace(slot);
    }, delay).unref();
  }

  /** Terminates a thread stuck in a cancelled job and puts a fresh one in its place. */
  private replace(slot: PoolWorker): void {
    const index = this.workers.indexOf(slot);
    if (index < 0) return;
    slot.job = null;
    slot.isGone = true;
    this.workers[index] = this.spawn();
    void slot.worker.terminate();
    this.dispatch();
  }

  private dispatch(): void {
    for (const slot of this.workers) {
      if (slot.job) continue;
      const job = this.queue.shift();
      if (!job) return;
      slot.job = job;
      slot.startedAt = performance.now();
      slot.worker.ref(); // a busy worker keeps the process alive until its result arrives
      slot.worker.postMessage(job.request, job.transfer);
    }
  }

  private spawn(): PoolWorker {
    const worker = new Worker(this.script, { resourceLimits: workerHeapLimit() });
    const slot: PoolWorker = { worker, job: null, startedAt: 0, isReady: false, isGone: false };
    worker.on('message', (response: JobResponseMessage | WorkerReadyMessage) => {
      if ('ready' in response) {
        slot.isReady = true;
        this.failedStarts = 0;
        return;
      }
      const job = slot.job;
      slot.job = null;
      slot.worker.unref();
      if (job && job.request.id === response.id && !job.signal?.aborted) {
        if (response.ok) job.resolve(response.output);
        else job.reject(Object.assign(new Error(response.error.message), { name: response.error.name }));
      }
      this.dispatch();
    });
    // A crashed thread fails its job and is replaced, so one bad tile cannot stall the pool. 'error' comes
    // before 'exit'; a thread that calls process.exit sends only 'exit', and its job must not wait forever.
    worker.on('error', (error) => this.onThreadDeath(slot, error));
    worker.on('exit', (code) => {
      this.onThreadDeath(slot, new Error(`a worker thread stopped unexpectedly (exit code ${code})`));
    });
    worker.unref();
    return slot;
  }

  private onThreadDeath(slot: PoolWorker, error: Error): void {
    if (slot.isGone) return;
    slot.isGone = true;
    slot.job?.reject(error);
    slot.job = null;
    const index = this.workers.indexOf(slot);
    if (index < 0 || this.isClosed) return;
    if (!slot.isReady && ++this.failedStarts >= MAX_FAILED_STARTS) {
      this.startFailure = new Error(`worker threads cannot start: ${error.message}`);
      for (const job of this.queue.splice(0)) job.reject(this.startFailure);
      this.workers.splice(index, 1);
      return;
    }
    this.workers[index] = this.spawn();
    this.dispatch();
  }
}

/**
 * MIXEL_WORKER_HEAP_MB caps each thread's JavaScript heap: a job beyond it fails with
 * ERR_WORKER_OUT_OF_MEMORY (reported as one line) instead of growing. Unset: V8's default.
 */
function workerHeapLimit(): { maxOldGenerationSizeMb: number } | undefined {
  const mb = Number(process.env.MIXEL_WORKER_HEAP_MB);
  return mb > 0 ? { maxOldGenerationSizeMb: mb } : undefined;
}

/**
 * The compiled worker entry. Under vitest this module runs from src/*.ts, but threads need JavaScript,
 * so it points at the build in dist/ (npm test builds first).
 */
function workerScriptPath(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    return here.replace(
      /([\\/])src([\\/])main([\\/])engine([\\/])WorkerPool\.ts$/,
      '$1dist$2src$2main$3engine$4worker.js',
    );
  }
  return fileURLToPath(new URL('./worker.js', import.meta.url));
}

export { collectTransferables };
