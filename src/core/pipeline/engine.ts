// The engine a worker (or this thread) runs: it holds data sets by their content hash, builds each
// factor's context once (features, refit schedule, input digests; method.md §2, §6), and computes
// regime paths against a cache (the generator of backtest/regimePath.ts, driven asynchronously so
// that a persistent cache can be awaited between refits).
//
// A task is one factor's path for one strategy of a configuration, or a tuning candidate's path (the
// same factor with constant parameters, method.md §7). Only plain data goes in and out, so the same
// engine serves a node worker thread, a browser Web Worker and an in-process run.
import type { Panel } from '../data/panel.ts';
import type { RunConfig, StrategyKind } from '../config.ts';
import { prepareBacktestData, type BacktestData } from '../backtest/prepare.ts';
import { buildFactorContextFor, settingsFor } from '../backtest/index.ts';
import { factorPathSteps, longShortFromPath, type FactorContext, type FactorPath, type PathStats, type PathStep } from '../backtest/regimePath.ts';
import { candidateModel } from '../tuning/evaluate.ts';
import type { CandidateParams } from '../tuning/types.ts';
import { MemoryCache, type RegimeCache } from './cache.ts';
import { sha256Text } from './sha256.ts';
import { throttle } from '../throttle.ts';
import { ENGINE_VERSION } from './keys.ts';

export interface RegimeTask {
  /** Content hash of the panel (the data set id). */
  dataKey: string;
  /** A validated configuration. */
  config: RunConfig;
  /** Index of the factor in `config.factors` (it feeds the refits' seeds). */
  factorIndex: number;
  strategy: StrategyKind;
  /** A tuning candidate's constant parameters, used at every refit instead of the configuration's. */
  candidate?: CandidateParams;
}

export interface RegimeTaskResult {
  path: FactorPath;
  stats: PathStats;
  /** Length, first and last date of the calendar the path is indexed by (for the caller's check). */
  calendar: { length: number; first: string; last: string };
  /** Time spent in the engine on this task, ms. */
  ms: number;
  /** A candidate's single-factor long-short returns (method.md §6), NaN before its first position. */
  longShort?: Float64Array;
}

export interface TaskProgress { done: number; total: number }

/** The part of a configuration that a factor's context depends on (data range, how the universe is built, its tickers, schedule). */
export function contextConfigKey(config: RunConfig): string {
  return JSON.stringify([config.startDate, config.endDate, config.universe, config.riskFree?.toUpperCase() ?? null, config.market.toUpperCase(),
    config.factors.map((f) => f.ticker.toUpperCase()), config.useEnvironment,
    [config.environment.vix, config.environment.yield2y, config.environment.yield10y].map((t) => t.toUpperCase()),
    config.trainMinYears, config.trainMaxYears, config.refitFrequency]);
}

/**
 * The name of a task's result: everything a factor's path depends on (the data set, the context's
 * part of the configuration, the factor, the strategy and every model setting that can reach it).
 */
export function taskKey(task: RegimeTask): string {
  const c = task.config;
  return sha256Text(JSON.stringify([ENGINE_VERSION, 'task', task.dataKey, contextConfigKey(c), task.factorIndex, task.strategy,
    task.candidate ?? null, c.model, c.asymmetric, c.factors[task.factorIndex] ?? null]));
}

const now = () => (globalThis.performance ? globalThis.performance.now() : Date.now());

/**
 * Drives a path computation: cache reads and writes are awaited, progress is reported at most every
 * `progressMs` (and the last value always).
 */
export async function drivePath<R>(gen: Generator<PathStep, R, (unknown | undefined)[] | undefined>, cache: RegimeCache,
  onProgress?: (p: TaskProgress) => void, progressMs = 100): Promise<R> {
  const report = onProgress ? throttle(onProgress, progressMs) : null;
  let reply: (unknown | undefined)[] | undefined;
  try {
    for (;;) {
      const step = gen.next(reply);
      if (step.done) return step.value;
      const s = step.value;
      reply = undefined;
      if (s.op === 'get') reply = await cache.getMany(s.names);
      else if (s.op === 'put') await cache.putMany(s.entries);
      else report?.({ done: s.done, total: s.total });
    }
  } finally {
    report?.flush();
  }
}

interface DataEntry { panel: Panel; prepared: Map<string, BacktestData>; contexts: Map<string, FactorContext> }

export class Engine {
  private readonly data = new Map<string, DataEntry>();
  /** Factor contexts built so far (each is built once per data set and configuration part). */
  contextsBuilt = 0;

  constructor(readonly cache: RegimeCache = new MemoryCache(), private readonly maxDataSets = 2) {}

  hasData(key: string): boolean {
    return this.data.has(key);
  }

  /** Keeps the panel under its content hash (the oldest of more than `maxDataSets` is dropped). */
  setData(key: string, panel: Panel): void {
    if (this.data.has(key)) return;
    this.data.set(key, { panel, prepared: new Map(), contexts: new Map() });
    while (this.data.size > this.maxDataSets) this.data.delete(this.data.keys().next().value!);
  }

  private entry(key: string): DataEntry {
    const e = this.data.get(key);
    if (!e) throw new Error('The engine does not hold this data set (the worker was restarted): run again.');
    return e;
  }

  /** The prepared arrays of a configuration (method.md §1), built once. Throws BacktestDataError. */
  prepared(key: string, config: RunConfig): BacktestData {
    const e = this.entry(key);
    const ck = contextConfigKey(config);
    let d = e.prepared.get(ck);
    if (!d) { d = prepareBacktestData(e.panel, config); e.prepared.set(ck, d); }
    return d;
  }

  /** Factor f's context for this data set and configuration, built once. */
  context(key: string, config: RunConfig, f: number): FactorContext {
    const e = this.entry(key);
    const ck = `${contextConfigKey(config)}#${f}`;
    let ctx = e.contexts.get(ck);
    if (!ctx) {
      ctx = buildFactorContextFor(this.prepared(key, config), config, f);
      e.contexts.set(ck, ctx);
      this.contextsBuilt++;
    }
    return ctx;
  }

  /** One factor's regime path for one strategy (or one candidate), from the cache where it can. */
  async regimes(task: RegimeTask, onProgress?: (p: TaskProgress) => void): Promise<RegimeTaskResult> {
    const t0 = now();
    const { config, factorIndex: f, strategy } = task;
    const data = this.prepared(task.dataKey, config);
    if (!(f >= 0 && f < data.factorTickers.length)) throw new Error(`factor index ${f} is outside the ${data.factorTickers.length} factors of the configuration`);
    const ctx = this.context(task.dataKey, config, f);
    const settingAt = task.candidate
      ? ((model) => () => model)(candidateModel(config, ctx.ticker, strategy, task.candidate))
      : settingsFor(config, ctx, data.dates, strategy);
    const stats: PathStats = { fitsComputed: 0, fitsFromCache: 0 };
    const path = await drivePath(factorPathSteps(ctx, settingAt, f, stats), this.cache, onProgress);
    const d = data.dates;
    const result: RegimeTaskResult = { path, stats, calendar: { length: d.length, first: d[0] ?? '', last: d[d.length - 1] ?? '' }, ms: now() - t0 };
    if (task.candidate) result.longShort = longShortFromPath(path.mu, ctx.active, config.longShortScale);
    return result;
  }
}
