// A pool of node worker threads, generic over the worker module (used by `cli tune` to evaluate
// candidates in parallel; conventions.md: cancel terminates the worker — the only sure stop — and
// the pool starts a fresh one for the next task).
//
// The worker module calls `serveWorker(handler)`; the pool posts one request at a time to each
// worker and resolves with the handler's result. Only plain data crosses (structured clone).
//
// TypeScript worker modules: Node 20 does not apply `--import tsx` given in a worker's execArgv
// before the worker's entry module loads (it fails with ERR_UNKNOWN_FILE_EXTENSION; checked on
// Node 20.20), so a `.ts` module is started through a tiny JavaScript bootstrap that registers tsx's
// ESM loader (`tsx/esm/api` register()) inside the worker and then imports the module. Plain `.js` /
// `.mjs` modules start directly.
import { Worker, parentPort, type TransferListItem } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Workers for a job: all cores the machine offers (in node no page needs one; the main thread only
 * schedules), or `requested` when given (more than the cores is allowed: they share them). At least 1.
 */
export function defaultWorkerCount(requested?: number): number {
  const cores = Math.max(1, availableParallelism());
  if (requested === undefined) return cores;
  if (!Number.isInteger(requested) || requested < 1) throw new Error(`--workers must be a whole number ≥ 1, got ${requested}`);
  return requested;
}

/** Rejection reason of a task cancelled through its AbortSignal or by cancelAll(). */
export class PoolAbortError extends Error {
  override name = 'AbortError';
  constructor(message = 'cancelled') { super(message); }
}

export interface NodePoolOptions {
  /** The worker module: a file path or file: URL. `.ts` modules run through tsx. */
  module: string | URL;
  /** Number of worker threads (started lazily, kept alive between tasks). Default defaultWorkerCount(). */
  size?: number;
  /** Passed to every worker as `workerData`. */
  workerData?: unknown;
}

interface Task {
  id: number;
  request: unknown;
  onProgress?: (p: unknown) => void;
  transfer?: readonly TransferListItem[];
  resolve(v: unknown): void;
  reject(e: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker;
  task: Task | null;
}

type Reply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { name: string; message: string; stack?: string } }
  | { id: number; progress: unknown };

let tsxApiUrl: string | null = null;
/** file: URL of tsx's ESM API (the package's "import" export of tsx/esm/api). */
function tsxApi(): string {
  if (tsxApiUrl) return tsxApiUrl;
  const req = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = req.resolve('tsx/package.json');
  } catch {
    throw new Error('node-pool: the worker module is TypeScript but the "tsx" package is not installed — run `npm install` or pass a compiled .js module');
  }
  tsxApiUrl = pathToFileURL(join(dirname(pkg), 'dist', 'esm', 'api', 'index.mjs')).href;
  return tsxApiUrl;
}

function moduleUrl(module: string | URL): URL {
  if (module instanceof URL) return module;
  return module.startsWith('file:') ? new URL(module) : pathToFileURL(module);
}

export class NodeWorkerPool<Req, Res> {
  readonly size: number;
  private readonly url: URL;
  private readonly isTs: boolean;
  private readonly workerData: unknown;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(opts: NodePoolOptions) {
    this.size = opts.size ?? defaultWorkerCount();
    if (!Number.isInteger(this.size) || this.size < 1) throw new Error(`node-pool: size must be a whole number ≥ 1, got ${this.size}`);
    this.url = moduleUrl(opts.module);
    this.isTs = /\.[mc]?ts$/.test(this.url.pathname);
    this.workerData = opts.workerData;
  }

  /** Workers currently alive (started lazily, up to size). */
  get liveWorkers(): number {
    return this.slots.length;
  }

  /**
   * Runs one request on a free worker (queued while all are busy). Aborting `signal` removes a queued
   * task, or terminates the worker running it; either way the promise rejects with PoolAbortError.
   * An exception in the handler rejects with an Error carrying the worker's message.
   */
  run(request: Req, opts: { signal?: AbortSignal; transfer?: readonly TransferListItem[]; onProgress?: (p: unknown) => void } = {}): Promise<Res> {
    if (this.closed) return Promise.reject(new Error('node-pool: the pool is closed'));
    if (opts.signal?.aborted) return Promise.reject(new PoolAbortError());
    return new Promise<Res>((resolve, reject) => {
      const task: Task = { id: this.nextId++, request, resolve: resolve as (v: unknown) => void, reject, signal: opts.signal, onProgress: opts.onProgress };
      if (opts.transfer) task.transfer = opts.transfer;
      if (opts.signal) {
        task.onAbort = () => this.abortTask(task);
        opts.signal.addEventListener('abort', task.onAbort, { once: true });
      }
      this.queue.push(task);
      this.dispatch();
    });
  }

  /** Cancels everything: rejects queued and running tasks and terminates all workers at once. */
  cancelAll(): void {
    for (const t of this.queue.splice(0)) this.settle(t, null, new PoolAbortError());
    for (const slot of this.slots.splice(0)) {
      if (slot.task) this.settle(slot.task, null, new PoolAbortError());
      void slot.worker.terminate();
    }
  }

  /** Terminates all workers; pending tasks reject. The pool cannot be used afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) this.settle(t, null, new Error('node-pool: the pool was closed'));
    const slots = this.slots.splice(0);
    for (const s of slots) if (s.task) this.settle(s.task, null, new Error('node-pool: the pool was closed'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private settle(task: Task, result: unknown, error: unknown): void {
    if (task.signal && task.onAbort) task.signal.removeEventListener('abort', task.onAbort);
    if (error !== null) task.reject(error);
    else task.resolve(result);
  }

  private abortTask(task: Task): void {
    const q = this.queue.indexOf(task);
    if (q >= 0) {
      this.queue.splice(q, 1);
      this.settle(task, null, new PoolAbortError());
      return;
    }
    const slot = this.slots.find((s) => s.task === task);
    if (slot) {
      this.removeSlot(slot);
      this.settle(task, null, new PoolAbortError());
      void slot.worker.terminate(); // the only sure stop; the next task gets a fresh worker
      this.dispatch();
    }
  }

  private removeSlot(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    slot.task = null;
  }

  private spawn(): Slot {
    const worker = this.isTs
      ? new Worker(
          // A CommonJS eval script: register tsx's ESM hooks in this thread, then load the module.
          `import(${JSON.stringify(tsxApi())}).then((api) => { api.register(); return import(${JSON.stringify(this.url.href)}); })` +
            `.catch((e) => { setImmediate(() => { throw e; }); });`,
          { eval: true, workerData: this.workerData, execArgv: [] },
        )
      : new Worker(this.url, { workerData: this.workerData });
    const slot: Slot = { worker, task: null };
    worker.on('message', (msg: Reply) => {
      const task = slot.task;
      if (!task || msg.id !== task.id) return;
      if ('progress' in msg) { task.onProgress?.(msg.progress); return; }
      slot.task = null;
      worker.unref(); // an idle worker does not keep the process alive
      if (msg.ok) this.settle(task, msg.result, null);
      else {
        const err = new Error(msg.error.message);
        err.name = msg.error.name;
        if (msg.error.stack) err.stack = msg.error.stack;
        this.settle(task, null, err);
      }
      this.dispatch();
    });
    const fail = (err: Error) => {
      if (!this.slots.includes(slot)) return; // already removed (abort, cancelAll, close)
      const task = slot.task;
      this.removeSlot(slot);
      if (task) this.settle(task, null, err);
      void worker.terminate();
      this.dispatch();
    };
    worker.on('error', (e: Error) => fail(new Error(`worker ${this.url.pathname} crashed: ${e.message}`)));
    worker.on('exit', (code) => fail(new Error(`worker ${this.url.pathname} exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  private dispatch(): void {
    while (!this.closed && this.queue.length > 0) {
      let slot = this.slots.find((s) => s.task === null);
      if (!slot) {
        if (this.slots.length >= this.size) return;
        slot = this.spawn();
      }
      const task = this.queue.shift()!;
      slot.task = task;
      slot.worker.ref();
      slot.worker.postMessage({ id: task.id, request: task.request }, task.transfer as TransferListItem[] | undefined);
    }
  }
}

const TRANSFER = Symbol.for('helix.node-pool.transfer');
interface WithTransfer<T> { [TRANSFER]: true; value: T; transfer: TransferListItem[] }

/** Wraps a handler's result so that the listed buffers are transferred, not copied. */
export function withTransfer<T>(value: T, transfer: TransferListItem[]): T {
  return { [TRANSFER]: true, value, transfer } as unknown as T;
}

/**
 * Inside a worker module: answers the pool's requests with `handler`, one at a time. Errors thrown
 * by the handler go back to the caller as rejections (the worker stays alive). `progress(p)` sends
 * `p` to the caller's `onProgress` while the request runs.
 */
export function serveWorker<Req, Res>(handler: (request: Req, progress: (p: unknown) => void) => Res | Promise<Res>): void {
  const port = parentPort;
  if (!port) throw new Error('serveWorker: not running in a worker thread — start this module through NodeWorkerPool');
  port.on('message', async (msg: { id: number; request: Req }) => {
    let reply: Reply;
    let transfer: TransferListItem[] | undefined;
    try {
      let result: unknown = await handler(msg.request, (progress) => port.postMessage({ id: msg.id, progress }));
      if (result && typeof result === 'object' && (result as Partial<WithTransfer<unknown>>)[TRANSFER]) {
        transfer = (result as WithTransfer<unknown>).transfer;
        result = (result as WithTransfer<unknown>).value;
      }
      reply = { id: msg.id, ok: true, result };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      reply = { id: msg.id, ok: false, error: { name: err.name, message: err.message, stack: err.stack } };
    }
    port.postMessage(reply, transfer);
  });
}
