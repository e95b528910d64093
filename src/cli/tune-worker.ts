// Worker thread of `cli tune` (started by NodeWorkerPool in src/cli/commands/tune.ts): evaluates one
// candidate per request with the pure core evaluator (src/core/tuning/evaluate.ts).
//
// The panel arrives once, as `workerData` (the pool gives it to every worker it starts, including
// the fresh ones that replace workers terminated by a cancel); requests carry only the configuration,
// the factor, the strategy and the parameters. The context cache builds each factor's features and
// per-refit preprocessors once per worker; candidates only read them (method.md §7, §11).
import { workerData, type TransferListItem } from 'node:worker_threads';
import { serveWorker, withTransfer } from './node-pool.ts';
import { TuningContextCache, evaluateCandidate, type TuningStrategy } from '../core/tuning/evaluate.ts';
import type { Panel } from '../core/data/panel.ts';
import type { RunConfig } from '../core/config.ts';
import type { CandidateParams, CandidatePath } from '../core/tuning/types.ts';

export interface TuneWorkerData {
  /** Content hash of the panel: the data half of the context cache's key. */
  dataKey: string;
  panel: Panel;
}

export interface TuneRequest {
  config: RunConfig;
  factor: string;
  strategy: TuningStrategy;
  params: CandidateParams;
}

/** A candidate's path without the calendar (the main thread has it; 25 years of dates need not cross every time). */
export interface TuneReply {
  path: Omit<CandidatePath, 'dates'>;
  /** Length, first and last date of the worker's calendar, checked against the main thread's. */
  calendar: { length: number; first: string; last: string };
  /** Time spent in this worker on the candidate (ms), and whether the factor's context had to be built. */
  ms: number;
  built: boolean;
}

const { dataKey, panel } = workerData as TuneWorkerData;
const cache = new TuningContextCache();

serveWorker((req: TuneRequest): TuneReply => {
  const t0 = performance.now();
  const before = cache.builds;
  const ctx = cache.context(dataKey, panel, req.config, req.factor);
  const { dates, ...path } = evaluateCandidate(ctx, req.params, { strategy: req.strategy });
  const reply: TuneReply = {
    path,
    calendar: { length: dates.length, first: dates[0] ?? '', last: dates[dates.length - 1] ?? '' },
    ms: performance.now() - t0,
    built: cache.builds > before,
  };
  const transfer: TransferListItem[] = [path.longShort.buffer as ArrayBuffer];
  if (path.labels) transfer.push(path.labels.buffer as ArrayBuffer);
  return withTransfer(reply, transfer);
});
