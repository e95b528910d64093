// The run pipeline (conventions.md "Results are values named by their inputs"): data set → per-
// factor regime paths (each a named value, from a cache when it was computed before) → portfolio and
// metrics. The regime paths are independent tasks (one per factor and strategy) run on a pool of
// engines (RegimeExecutor: worker threads in node, Web Workers in the page, or this thread), so
// every core is busy; the result is bit-identical for any number of workers and any cache state,
// because every task is a deterministic function of its inputs and the assembly runs once on the
// gathered paths in a fixed order.
import type { Panel } from '../data/panel.ts';
import { enabledStrategies, serializeConfig, type RunConfig, type StrategyKind } from '../config.ts';
import { assembleBacktest, type BacktestResult, type RegimePaths } from '../backtest/index.ts';
import { prepareBacktestData } from '../backtest/prepare.ts';
import type { FactorPath } from '../backtest/regimePath.ts';
import { Engine, taskKey, type RegimeTask, type RegimeTaskResult, type TaskProgress } from './engine.ts';
import { sha256Text } from './sha256.ts';
import { throttle } from '../throttle.ts';
import { ENGINE_VERSION } from './keys.ts';
import type { RegimeCache } from './cache.ts';

/** Runs regime tasks; `workers` engines work at once. */
export interface RegimeExecutor {
  readonly workers: number;
  /** Runs one task on a free engine (queued while all are busy). Aborting `signal` stops it. */
  run(task: RegimeTask, onProgress?: (p: TaskProgress) => void, signal?: AbortSignal): Promise<RegimeTaskResult>;
}

/** An executor that runs every task in this thread, one at a time (tests, small runs). */
export class InlineExecutor implements RegimeExecutor {
  readonly workers = 1;
  readonly engine: Engine;
  constructor(panel: Panel, dataKey: string, cache?: RegimeCache) {
    this.engine = new Engine(cache);
    this.engine.setData(dataKey, panel);
  }
  run(task: RegimeTask, onProgress?: (p: TaskProgress) => void, signal?: AbortSignal): Promise<RegimeTaskResult> {
    if (signal?.aborted) return Promise.reject(new PipelineCancelled());
    return this.engine.regimes(task, onProgress);
  }
}

export class PipelineCancelled extends Error {
  override name = 'CancelledError';
  constructor() { super('The run was cancelled.'); }
}

export interface FactorProgress { ticker: string; done: number; total: number }

export interface PipelineProgress {
  /** "fitting regime models", "allocating and measuring" */
  stage: string;
  /** Refits processed (fitted or read from a cache) and to process, over all factors and strategies. */
  done: number;
  total: number;
  /** The same per factor (both strategies together). */
  factors: FactorProgress[];
}

export interface PipelineOptions {
  /** Content hash of the panel (the data set id): engines hold panels under it. */
  dataKey: string;
  executor: RegimeExecutor;
  /** Progress at most every `progressMs` (default 100 ms) and at each stage change. */
  onProgress?: (p: PipelineProgress) => void;
  progressMs?: number;
  signal?: AbortSignal;
  /**
   * Turns the gathered paths into the result (method.md §8-§10). Default: assembleBacktest in this
   * thread on `panel`; the page passes one that runs in a worker.
   */
  assemble?: (paths: RegimePaths) => Promise<BacktestResult>;
  /** The panel, for the default assembly. */
  panel?: Panel;
  /**
   * Finished paths by task name (engine.ts taskKey), read before any task is sent to the executor
   * and written as tasks finish: a run that changes only allocation or execution settings takes
   * every path from here and starts no worker. Memory, and a persistent store where there is one.
   */
  taskCache?: RegimeCache;
}

/** Cache name of a finished task's path. */
export const taskName = (key: string) => `task:${key}`;

function isTaskValue(v: unknown): v is Pick<RegimeTaskResult, 'path' | 'calendar'> {
  const x = v as Partial<RegimeTaskResult> | undefined;
  const p = x?.path;
  return !!p && !!x.calendar && p.labels instanceof Int8Array && p.mu instanceof Float64Array && p.labels.length === p.mu.length &&
    p.labels.length === x.calendar.length && Array.isArray(p.refits);
}

/** The regime tasks of a configuration: every factor for every enabled strategy, in result order. */
export function regimeTasks(dataKey: string, config: RunConfig): RegimeTask[] {
  const tasks: RegimeTask[] = [];
  for (const strategy of enabledStrategies(config)) {
    config.factors.forEach((_, factorIndex) => tasks.push({ dataKey, config, factorIndex, strategy }));
  }
  return tasks;
}

/**
 * The name of a backtest result: the engine version, the data set's content hash and the full
 * configuration (the data set's display name and storage id are left out: renaming a data set does
 * not change its numbers).
 */
export function resultKey(config: RunConfig, build = ''): string {
  const canonical = serializeConfig({ ...config, dataset: null });
  return sha256Text(JSON.stringify([ENGINE_VERSION, build, config.dataset?.hash ?? null, canonical]));
}

const now = () => (globalThis.performance ? globalThis.performance.now() : Date.now());

/**
 * The regime paths of `tasks` on the executor, all at once (the executor queues beyond its
 * workers). Progress per task is summed per factor. The first failure cancels the rest.
 */
export async function runRegimeTasks(tasks: RegimeTask[], opts: PipelineOptions, factorTickers: string[]): Promise<RegimeTaskResult[]> {
  const perTask = tasks.map(() => ({ done: 0, total: 0 }));
  const throttled = opts.onProgress ? throttle(opts.onProgress, opts.progressMs ?? 100) : null;
  const report = (p: PipelineProgress, force = false) => { if (!throttled) return; throttled(p); if (force) throttled.flush(); };
  const snapshot = (): PipelineProgress => {
    const factors = factorTickers.map((ticker) => ({ ticker, done: 0, total: 0 }));
    // A task that has not started yet counts as long as the first one that has (factors of one
    // configuration share the calendar, so they have about the same number of refits).
    const guess = perTask.find((p) => p.total > 0)?.total ?? 0;
    tasks.forEach((t, i) => { factors[t.factorIndex]!.done += perTask[i]!.done; factors[t.factorIndex]!.total += perTask[i]!.total || guess; });
    return { stage: 'fitting regime models', done: factors.reduce((a, f) => a + f.done, 0), total: factors.reduce((a, f) => a + f.total, 0), factors };
  };
  report(snapshot(), true);
  // One signal per task (an executor may listen on each), all aborted by the caller's signal or by
  // the first failure.
  const controllers = tasks.map(() => new AbortController());
  const abortAll = () => { for (const c of controllers) c.abort(); };
  const onAbort = () => abortAll();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const keys = opts.taskCache ? tasks.map(taskKey) : [];
  const stored = opts.taskCache ? await opts.taskCache.getMany(keys.map(taskName)) : [];
  const one = async (task: RegimeTask, i: number): Promise<RegimeTaskResult> => {
    const hit = stored[i];
    let r: RegimeTaskResult;
    if (isTaskValue(hit)) {
      r = { path: hit.path, calendar: hit.calendar, stats: { fitsComputed: 0, fitsFromCache: hit.path.refits.length }, ms: 0 };
    } else {
      try {
        r = await opts.executor.run(task, (p) => { perTask[i] = p; report(snapshot()); }, controllers[i]!.signal);
      } catch (e) {
        abortAll();
        throw e;
      }
      await opts.taskCache?.putMany([[taskName(keys[i]!), { path: r.path, calendar: r.calendar }]]);
    }
    const n = r.path.refits.length;
    perTask[i] = { done: n, total: n };
    report(snapshot());
    return r;
  };
  try {
    // Longest first, so that no worker is left with a long path at the end: an asymmetric path
    // re-sorts its states at every step and is the slower kind. Results keep the tasks' order.
    const order = tasks.map((_, i) => i).sort((a, b) => Number(tasks[a]!.strategy === 'symmetric') - Number(tasks[b]!.strategy === 'symmetric') || a - b);
    const out: RegimeTaskResult[] = new Array(tasks.length);
    await Promise.all(order.map(async (i) => { out[i] = await one(tasks[i]!, i); }));
    return out;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    throttled?.flush();
  }
}

/**
 * The backtest of `config` on the data set `opts.dataKey`: regime paths on the executor (from its
 * engines' caches where named there), then the assembly. `result.runStats` says how it was made.
 */
export async function runPipeline(config: RunConfig, opts: PipelineOptions): Promise<BacktestResult> {
  const t0 = now();
  const tasks = regimeTasks(opts.dataKey, config);
  const tickers = config.factors.map((f) => f.ticker);
  const results = await runRegimeTasks(tasks, opts, tickers);
  if (opts.signal?.aborted) throw new PipelineCancelled();
  const paths: RegimePaths = {};
  tasks.forEach((t, i) => { (paths[t.strategy] ??= [] as FactorPath[])[t.factorIndex] = results[i]!.path; });
  const t1 = now();
  const done = results.reduce((a, r) => a + r.path.refits.length, 0);
  opts.onProgress?.({ stage: 'allocating and measuring', done, total: done, factors: tickers.map((ticker, f) => {
    const n = tasks.reduce((a, t, i) => a + (t.factorIndex === f ? results[i]!.path.refits.length : 0), 0);
    return { ticker, done: n, total: n };
  }) });
  const assemble = opts.assemble ?? (async (p: RegimePaths) => {
    if (!opts.panel) throw new Error('runPipeline: give `panel` or `assemble`');
    return assembleBacktest(prepareBacktestData(opts.panel, config), config, p);
  });
  const result = await assemble(paths);
  const fitsComputed = results.reduce((a, r) => a + r.stats.fitsComputed, 0);
  const fitsFromCache = results.reduce((a, r) => a + r.stats.fitsFromCache, 0);
  result.runStats = {
    workers: opts.executor.workers, fitsComputed, fitsFromCache, wallMs: now() - t0,
    stages: { regimePaths: t1 - t0, ...result.runStats.stages },
    paths: tasks.map((t, i) => ({ factor: tickers[t.factorIndex]!, strategy: t.strategy, ...results[i]!.stats, ms: results[i]!.ms })),
  };
  return result;
}

export type { StrategyKind };
