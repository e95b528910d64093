// The engine worker: every computation of a backtest or a tuning study runs here, off the page's
// main thread. A thin comlink shell over src/core (the squoosh pattern, conventions.md): the page
// imports only `type EngineWorkerApi`.
//
// - Regime tasks (one factor's path for one strategy, or a tuning candidate) run on the core
//   engine, against this worker's memory and this browser's regime cache (IndexedDB, shared by all
//   workers and tabs), so nothing already computed is computed again.
// - The assembly of a result (allocation, execution, metrics) and the store of finished results.
//   A finished result goes to the page in parts (`held*`), each its own message, so that reading it
//   on the page is several short tasks rather than one long one.
// - A study's plan and its analysis (selection, configuration with the chosen parameters).
//
// Cancel is the pool's job: it terminates this worker (the only sure stop for a busy loop).
import { expose, transfer } from 'comlink';
import type { Panel } from '../src/core/data/panel.ts';
import type { RunConfig } from '../src/core/config.ts';
import { validateConfig } from '../src/core/config.ts';
import { assembleBacktest, type BacktestResult, type RegimePaths } from '../src/core/backtest/index.ts';
import { Engine, type RegimeTask, type RegimeTaskResult, type TaskProgress } from '../src/core/pipeline/engine.ts';
import { FailSafeCache, LayeredCache, MemoryCache } from '../src/core/pipeline/cache.ts';
import { resultKey } from '../src/core/pipeline/run.ts';
import { IdbRegimeCache } from '../src/storage/regime-cache.ts';
import { RunStore, shortLivedStore } from '../src/storage/runs.ts';
import { periodTable, periodInputFromResult, type PeriodSource, type PeriodTable, type PeriodWindow } from '../src/core/metrics/periods.ts';
import { planStudy, analyseStudy, type StudyAnalysis, type StudyPlan } from '../src/core/tuning/plan.ts';
import type { TuningStrategy } from '../src/core/tuning/evaluate.ts';
import type { StudyState } from '../src/core/tuning/types.ts';
import { usableSeed, type SeedContents } from '../src/core/pipeline/seed.ts';

/**
 * The build of the engine code: this worker's own file name, which Vite stamps with a hash of its
 * content (and so of every core module it bundles). Stored results are named with it, so a new
 * release never shows a result computed by older code.
 */
function buildId(): string {
  const href = (globalThis as { location?: { pathname?: string } }).location?.pathname ?? '';
  return href.split('/').pop() || 'dev';
}

const idb = new IdbRegimeCache();
// A full or failing store only switches caching off (results are computed again, nothing is lost).
const persistent = new FailSafeCache(idb, (e) => console.warn(`Helix: the regime cache in this browser is switched off (${e instanceof Error ? e.message : String(e)}); results are computed again`));
// Writes happen in the background: a failure there switches the store off the same way.
idb.onError = (e) => persistent.fail(e);
const engine = new Engine(new LayeredCache([new MemoryCache(96 * 2 ** 20), persistent]));

function checked(config: RunConfig): RunConfig {
  const r = validateConfig(config);
  if (!r.ok) throw new Error(`The configuration is not valid: ${r.errors.map((e) => `${e.field || 'configuration'}: ${e.message}`).join('; ')}`);
  return r.config;
}

let held: { result: BacktestResult; key: string } | null = null;

/** The result without its biggest parts (weights, diagnostics, factors), which follow separately. */
function head(result: BacktestResult, key: string): BacktestResult {
  held = { result, key };
  const noWeights = <T extends { weights: number[][] | null }>(s: T): T => ({ ...s, weights: null });
  return {
    ...result,
    strategies: result.strategies.map(noWeights), equalWeight: noWeights(result.equalWeight), market: noWeights(result.market),
    diagnostics: [], factors: [],
  };
}

function holding(): BacktestResult {
  if (!held) throw new Error('The engine worker holds no result: run the backtest again.');
  return held.result;
}

const resultStore = () => new RunStore(shortLivedStore());

const api = {
  /** Whether this worker holds the data set `key` (the page sends the panel only when it does not). */
  hasData(key: string): boolean {
    return engine.hasData(key);
  },

  setData(key: string, panel: Panel): void {
    engine.setData(key, panel);
  },

  /** One regime task; its arrays are transferred to the page. Progress at most 10 times a second (the engine throttles it). */
  async regimes(task: RegimeTask, onProgress?: (p: TaskProgress) => void): Promise<RegimeTaskResult> {
    const r = await engine.regimes({ ...task, config: checked(task.config) }, onProgress && ((p) => void onProgress(p)));
    const buffers = [r.path.labels.buffer, r.path.mu.buffer] as ArrayBuffer[];
    if (r.path.inSampleLabels) buffers.push(r.path.inSampleLabels.buffer as ArrayBuffer);
    if (r.longShort) buffers.push(r.longShort.buffer as ArrayBuffer);
    return transfer(r, buffers);
  },

  /** A finished result of this configuration stored in this browser: its head (fetch the rest with held*), or null. */
  async storedResult(config: RunConfig): Promise<BacktestResult | null> {
    const cfg = checked(config);
    const key = resultKey(cfg, buildId());
    const hit = await resultStore().get(key).catch(() => undefined);
    return hit ? head(hit.result, key) : null;
  },

  /**
   * Allocation, execution and metrics on the gathered regime paths (core assembleBacktest). Answers
   * the head (fetch the rest with held*); `store` keeps the result in this browser's run store.
   */
  async assemble(key: string, config: RunConfig, paths: RegimePaths, store = true): Promise<BacktestResult> {
    const cfg = checked(config);
    const result = assembleBacktest(engine.prepared(key, cfg), cfg, paths);
    const rk = resultKey(cfg, buildId());
    // Best effort: a full or missing store only means the result is assembled again next time.
    if (store) await resultStore().put(rk, result).catch(() => undefined);
    return head(result, rk);
  },

  /** Weights of the held result's strategies, EW and market, in that order. */
  heldWeights(): (number[][] | null)[] {
    const r = holding();
    return [...r.strategies, r.equalWeight, r.market].map((s) => s.weights);
  },

  heldDiagnostics(): BacktestResult['diagnostics'] {
    return holding().diagnostics;
  },

  /** Factors [from, to) of the held result, and how many there are. */
  heldFactors(from: number, to: number): { factors: BacktestResult['factors']; total: number } {
    const r = holding();
    return { factors: r.factors.slice(from, to), total: r.factors.length };
  },

  release(): void {
    held = null;
  },

  /** Metrics of each series of a result over each window (core periodTable). */
  periodTable(source: PeriodSource, windows: PeriodWindow[]): PeriodTable {
    return periodTable(periodInputFromResult(source), windows);
  },

  /** The plan of a tuning study of `factors` on the data set `key` (core planStudy). */
  plan(key: string, config: RunConfig, factors: string[]): StudyPlan {
    return planStudy(engine, key, checked(config), factors);
  },

  /** A study's selection per factor and its configuration with the chosen parameters (core analyseStudy). */
  analyse(state: StudyState, config: RunConfig, strategy: TuningStrategy): StudyAnalysis {
    const { full: _full, ...view } = analyseStudy(state, config, strategy);
    void _full;
    return view;
  },

  /**
   * The entries of a shipped seed cache (pipeline/seed.ts) usable for the data set `dataKey` by this
   * engine version: fetched and decoded here, not on the page (a few MB of JSON to parse).
   */
  async seedEntries(url: string, dataKey: string): Promise<SeedContents['entries']> {
    const res = await fetch(url);
    if (!res.ok) return [];
    return usableSeed(new Uint8Array(await res.arrayBuffer()), dataKey);
  },
};

export type EngineWorkerApi = typeof api;

expose(api);
