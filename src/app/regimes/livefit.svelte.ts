// "Fit one model live" (Regimes screen): the state of one sparse-jump-model fit running
// in workers/fit.worker.ts — the request the person set up, the EM iterations as they arrive
// (at most 10 messages a second: the worker gates them on its clock; each message carries the
// iterations since the previous one, so none may be dropped here), the finished fit,
// and cancel. The page computes nothing: it keeps what the worker sends, in arrival order.
import type { FitWorkerApi } from '../../../workers/fit.worker.ts';
import type { IterationBatch, LiveFitProgress, LiveFitRequest, LiveFitResult } from '../../core/backtest/liveFit.ts';
import type { Panel } from '../../core/data/panel.ts';
import type { RunConfig } from '../../core/config.ts';
import { proxy } from 'comlink';
import { WorkerPool, isCancelled, type Job } from '../workers/pool.ts';

export type { LiveFitRequest, LiveFitResult, IterationBatch };
export type LiveFitStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'error';

export function createFitPool(): WorkerPool<FitWorkerApi> {
  // One worker: a person watches one fit at a time. It starts on the first fit.
  return new WorkerPool<FitWorkerApi>(
    () => new Worker(new URL('../../../workers/fit.worker.ts', import.meta.url), { type: 'module', name: 'helix-fit' }),
    { label: 'live-fit', size: 1 },
  );
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class LiveFitState {
  status = $state<LiveFitStatus>('idle');
  error = $state<string | null>(null);
  /** Every E-step received so far, in order (parallel arrays). */
  trace = $state.raw<IterationBatch>({ fit: [], start: [], iter: [], objective: [] });
  /** w of each inner fit, by fit number, as received. */
  weights = $state.raw<number[][]>([]);
  result = $state.raw<LiveFitResult | null>(null);
  /** Progress messages received (the test checks the fit streamed). */
  messages = $state(0);
  elapsedMs = $state<number | null>(null);
  /** The request of the fit on screen. */
  request = $state.raw<LiveFitRequest | null>(null);

  running = $derived(this.status === 'running');

  private pool: WorkerPool<FitWorkerApi> | null = null;
  private job: Job<LiveFitResult> | null = null;
  private token = 0;

  /** Starts a fit (cancelling one still running). Never throws: failures end in status 'error'. */
  async start(panel: Panel, config: RunConfig, request: LiveFitRequest): Promise<void> {
    const token = ++this.token;
    this.job?.cancel();
    this.pool ??= createFitPool();
    this.status = 'running';
    this.error = null;
    this.result = null;
    this.trace = { fit: [], start: [], iter: [], objective: [] };
    this.weights = [];
    this.messages = 0;
    this.elapsedMs = null;
    this.request = request;
    const onProgress = (p: LiveFitProgress) => {
      // The proxy has its own message channel: a late batch may arrive after the result, which
      // already holds the whole trace.
      if (token !== this.token || this.status !== 'running') return;
      const t = this.trace;
      // Append (a new object so that charts and counters update).
      this.trace = {
        fit: t.fit.concat(p.batch.fit), start: t.start.concat(p.batch.start),
        iter: t.iter.concat(p.batch.iter), objective: t.objective.concat(p.batch.objective),
      };
      if (p.weights.length) {
        const w = this.weights.slice();
        for (const x of p.weights) w[x.fit] = x.w;
        this.weights = w;
      }
      this.messages++;
      this.elapsedMs = p.elapsedMs;
    };
    try {
      const job = this.pool.run((api) => api.fit(panel, config, request, proxy(onProgress)));
      this.job = job;
      const result = await job.promise;
      if (token !== this.token) return;
      this.job = null;
      this.result = result;
      this.trace = result.trace;
      this.weights = result.wPath;
      this.elapsedMs = result.elapsedMs;
      this.status = 'done';
    } catch (err) {
      if (token !== this.token) return;
      this.job = null;
      if (isCancelled(err)) this.status = 'cancelled';
      else { this.status = 'error'; this.error = `The fit failed: ${messageOf(err)}`; }
    }
  }

  /** Stops the fit at once (the worker is terminated and replaced). */
  cancel(): void {
    if (this.status !== 'running') return;
    this.token++;
    this.job?.cancel();
    this.job = null;
    this.status = 'cancelled';
  }

  dispose(): void {
    this.token++;
    this.pool?.terminate();
    this.pool = null;
  }
}
