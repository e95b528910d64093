// A small, generic pool of comlink workers ("a small worker pool that later issues reuse").
//
//   const pool = new WorkerPool<MyApi>(() => new Worker(new URL('../../../workers/my.worker.ts', import.meta.url), { type: 'module' }));
//   const job = pool.run((api) => api.fit(input, progressCallback((p) => (fraction = p))));
//   job.cancel();           // terminates that worker; the pool starts a fresh one
//   const result = await job.promise;
//
// - Size: max(1, hardwareConcurrency − 1) by default, leaving a core for the page.
// - Jobs beyond the size wait in a FIFO queue.
// - Cancel: a queued job is dropped; a running job's worker is terminated (the only sure stop,
//   conventions.md) and replaced by a fresh worker at once. Its promise rejects with CancelledError.
// - Errors thrown in a worker reach the caller as Error objects with the worker's message
//   (comlink carries name, message and stack). A worker that dies (script fails to load, uncaught
//   error, unreadable message) rejects its job with a plain message and is replaced.
// - Progress: pass `progressCallback(fn)` as an argument: a Comlink.proxy of `fn` throttled to at
//   most 10 calls a second (the worker should throttle too, see throttle.ts).
import * as Comlink from 'comlink';
import { throttle } from '../../core/throttle.ts';

/** What the pool needs of a worker: a comlink endpoint that can be terminated (a Worker is one). */
export interface PoolWorker extends Comlink.Endpoint {
  terminate(): void;
}

export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor(message = 'Cancelled.') {
    super(message);
  }
}

export function isCancelled(err: unknown): err is CancelledError {
  return err instanceof CancelledError || (err instanceof Error && err.name === 'CancelledError');
}

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface Job<R> {
  readonly promise: Promise<R>;
  readonly status: JobStatus;
  /** Stops the job (terminating its worker if it runs). No effect once it has finished. */
  cancel(): void;
}

export interface PoolOptions {
  /** Number of workers; default max(1, navigator.hardwareConcurrency − 1). */
  size?: number;
  /** Name used in error messages: "the data worker …". */
  label?: string;
}

export interface RunOptions {
  /** Aborting the signal cancels the job. */
  signal?: AbortSignal;
}

/** The cores the browser reports (navigator.hardwareConcurrency; 2 when it reports none). */
export function hardwareCores(): number {
  // Through globalThis: this file is also type-checked without the DOM lib (its node unit test).
  return Math.max(1, (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency || 2);
}

/** Workers to use by default: every core but one, so the page itself stays responsive. */
export function defaultPoolSize(): number {
  return Math.max(1, hardwareCores() - 1);
}

/** A progress callback to pass into a worker: proxied by comlink, at most 10 calls a second. */
export function progressCallback<P>(fn: (progress: P) => void, intervalMs = 100): ((progress: P) => void) & Comlink.ProxyMarked {
  return Comlink.proxy(throttle(fn, intervalMs));
}

interface InternalJob<API> {
  task: (api: Comlink.Remote<API>) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  status: JobStatus;
  slot: Slot<API> | null;
  detach?: () => void;
}

interface Slot<API> {
  worker: PoolWorker | null;
  remote: Comlink.Remote<API> | null;
  job: InternalJob<API> | null;
  unlisten: (() => void) | null;
}

function asError(err: unknown): Error {
  if (err instanceof Error) return err;
  if (err && typeof err === 'object' && 'message' in err) {
    const e = new Error(String((err as { message: unknown }).message));
    if ('name' in err) e.name = String((err as { name: unknown }).name);
    return e;
  }
  return new Error(String(err));
}

export class WorkerPool<API> {
  readonly size: number;
  readonly label: string;
  private readonly slots: Slot<API>[];
  private readonly queue: InternalJob<API>[] = [];
  private closed = false;
  /** Workers created so far (a cancelled or crashed worker is replaced by a new one). */
  workersStarted = 0;

  constructor(private readonly createWorker: () => PoolWorker, options: PoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? defaultPoolSize()));
    this.label = options.label ?? 'background';
    this.slots = Array.from({ length: this.size }, () => ({ worker: null, remote: null, job: null, unlisten: null }));
  }

  /** Jobs waiting for a free worker. */
  get queued(): number {
    return this.queue.length;
  }

  /** Jobs running now. */
  get running(): number {
    return this.slots.filter((s) => s.job).length;
  }

  /** Queues `task`, which gets the worker's typed API. Workers start lazily, on first need. */
  run<R>(task: (api: Comlink.Remote<API>) => Promise<R>, options: RunOptions = {}): Job<R> {
    let resolve!: (v: unknown) => void, reject!: (e: unknown) => void;
    const promise = new Promise<R>((res, rej) => { resolve = res as (v: unknown) => void; reject = rej; });
    const job: InternalJob<API> = { task, resolve, reject, status: 'queued', slot: null };
    const handle: Job<R> = {
      promise,
      get status() { return job.status; },
      cancel: () => this.cancelJob(job),
    };
    if (this.closed) {
      job.status = 'failed';
      reject(new Error(`The ${this.label} workers were shut down: reload the page to start them again.`));
      return handle;
    }
    if (options.signal) {
      const signal = options.signal;
      if (signal.aborted) { this.cancelJob(job); return handle; }
      const onAbort = () => this.cancelJob(job);
      signal.addEventListener('abort', onAbort, { once: true });
      job.detach = () => signal.removeEventListener('abort', onAbort);
    }
    this.queue.push(job);
    this.pump();
    return handle;
  }

  /** Cancels every queued and running job. */
  cancelAll(): void {
    for (const j of [...this.queue]) this.cancelJob(j);
    for (const s of this.slots) if (s.job) this.cancelJob(s.job);
  }

  /** Cancels everything and stops all workers for good. */
  terminate(): void {
    this.cancelAll();
    this.closed = true;
    for (const s of this.slots) this.stopWorker(s);
  }

  private pump(): void {
    while (this.queue.length && !this.closed) {
      const slot = this.slots.find((s) => !s.job);
      if (!slot) return;
      const job = this.queue.shift()!;
      this.start(slot, job);
    }
  }

  private ensureWorker(slot: Slot<API>): Comlink.Remote<API> {
    if (slot.worker && slot.remote) return slot.remote;
    const worker = this.createWorker();
    this.workersStarted++;
    // An ErrorEvent from a Worker (script failed to load, uncaught exception); typed structurally.
    const onError = (ev: { message?: string; preventDefault?: () => void }) => {
      const msg = ev.message || 'it stopped unexpectedly';
      ev.preventDefault?.();
      this.crash(slot, worker, `The ${this.label} worker failed: ${msg}. The job was stopped; try again, and reload the page if it keeps failing.`);
    };
    const onMessageError = () =>
      this.crash(slot, worker, `The ${this.label} worker sent a message the page could not read. The job was stopped; reload the page and try again.`);
    type Listener = Parameters<PoolWorker['addEventListener']>[1];
    worker.addEventListener('error', onError as unknown as Listener);
    worker.addEventListener('messageerror', onMessageError as unknown as Listener);
    slot.worker = worker;
    slot.remote = Comlink.wrap<API>(worker);
    slot.unlisten = () => {
      worker.removeEventListener('error', onError as unknown as Listener);
      worker.removeEventListener('messageerror', onMessageError as unknown as Listener);
    };
    return slot.remote;
  }

  private start(slot: Slot<API>, job: InternalJob<API>): void {
    job.status = 'running';
    job.slot = slot;
    slot.job = job;
    let p: Promise<unknown>;
    try {
      p = Promise.resolve(job.task(this.ensureWorker(slot)));
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (v) => this.finish(slot, job, 'done', v),
      (e) => this.finish(slot, job, 'failed', asError(e)),
    );
  }

  private finish(slot: Slot<API>, job: InternalJob<API>, status: 'done' | 'failed', value: unknown): void {
    if (job.status !== 'running') return; // cancelled or crashed meanwhile: already settled
    job.status = status;
    job.detach?.();
    if (slot.job === job) slot.job = null;
    if (status === 'done') job.resolve(value);
    else job.reject(value);
    this.pump();
  }

  private cancelJob(job: InternalJob<API>): void {
    if (job.status === 'queued') {
      const i = this.queue.indexOf(job);
      if (i >= 0) this.queue.splice(i, 1);
    } else if (job.status === 'running' && job.slot) {
      const slot = job.slot;
      slot.job = null;
      // Terminating is the only sure stop for code busy in a loop; start a fresh worker at once so
      // the next job does not pay for the start-up.
      this.stopWorker(slot);
      if (!this.closed) this.ensureWorker(slot);
    } else {
      return;
    }
    job.status = 'cancelled';
    job.detach?.();
    job.reject(new CancelledError());
    this.pump();
  }

  private crash(slot: Slot<API>, worker: PoolWorker, message: string): void {
    if (slot.worker !== worker) return;
    const job = slot.job;
    slot.job = null;
    this.stopWorker(slot);
    if (job && job.status === 'running') {
      job.status = 'failed';
      job.detach?.();
      job.reject(new Error(message));
    }
    this.pump();
  }

  private stopWorker(slot: Slot<API>): void {
    slot.unlisten?.();
    slot.unlisten = null;
    slot.worker?.terminate();
    slot.worker = null;
    slot.remote = null;
  }
}
