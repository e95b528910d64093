// The backtest worker (issue 6): the walk-forward backtest and the sub-period table run here, off
// the page's main thread. A thin shell over src/core (the squoosh pattern, conventions.md): the
// page imports only `type BacktestWorkerApi` and talks to it through comlink.
//
// Progress goes back through a comlink-proxied callback at most ~10 times a second (throttled here
// as well as in the page, so a fast loop does not post thousands of messages). Cancel is the pool's
// job: it terminates this worker (the only sure stop for a busy loop, conventions.md).
import { expose } from 'comlink';
import { runBacktest, type BacktestProgress, type BacktestResult } from '../src/core/backtest/index.ts';
import type { Panel } from '../src/core/data/panel.ts';
import type { RunConfig } from '../src/core/config.ts';
import { validateConfig, serializeConfig } from '../src/core/config.ts';
import { RunStore, runKey, shortLivedStore } from '../src/storage/runs.ts';
import { periodTable, periodInputFromResult, type PeriodSource, type PeriodTable, type PeriodWindow } from '../src/core/metrics/periods.ts';

/**
 * The build of the backtest code: this worker's own file name, which Vite stamps with a hash of
 * its content (and so of every core module it bundles). Stored runs are keyed by it, so a new
 * release never shows a result computed by older code (storage/runs.ts).
 */
function buildId(): string {
  const href = (globalThis as { location?: { pathname?: string } }).location?.pathname ?? '';
  return href.split('/').pop() || 'dev';
}

function checked(config: RunConfig): RunConfig {
  const r = validateConfig(config);
  if (!r.ok) throw new Error(`The configuration is not valid: ${r.errors.map((e) => `${e.field || 'configuration'}: ${e.message}`).join('; ')}`);
  return r.config;
}

/**
 * Progress at most 10 times a second. The backtest is one synchronous loop, so a timer-based
 * throttle could never fire inside it: gate on the clock instead (postMessage from a busy worker
 * is still delivered at once). The last value (done = total) always goes through.
 */
function gate(onProgress?: (p: BacktestProgress) => void): ((p: BacktestProgress) => void) | undefined {
  if (!onProgress) return undefined;
  let last = -Infinity;
  return (p) => {
    const t = performance.now();
    if (t - last < 100 && p.done < p.total) return;
    last = t;
    void onProgress({ stage: p.stage, done: p.done, total: p.total });
  };
}

/**
 * A finished result is handed to the page in parts (see `held*` below), each its own message, so
 * that reading it on the page is several short tasks rather than one long one (issue 6: no
 * main-thread task over 100 ms). The result waits here between the parts.
 */
let held: BacktestResult | null = null;

/** The result without its biggest parts (weights, diagnostics, factors), which follow separately. */
function head(result: BacktestResult): BacktestResult {
  held = result;
  const noWeights = <T extends { weights: number[][] | null }>(s: T): T => ({ ...s, weights: null });
  return {
    ...result,
    strategies: result.strategies.map(noWeights), equalWeight: noWeights(result.equalWeight), market: noWeights(result.market),
    diagnostics: [], factors: [],
  };
}

function holding(): BacktestResult {
  if (!held) throw new Error('The backtest worker holds no result: run the backtest again.');
  return held;
}

const api = {
  /**
   * core runBacktest on `panel` with `config` (validated again here: the worker trusts nothing it
   * is sent). `onProgress` receives {stage, done, total} at most 10 times a second.
   */
  runBacktest(panel: Panel, config: RunConfig, onProgress?: (p: BacktestProgress) => void): BacktestResult {
    return runBacktest(panel, checked(config), { onProgress: gate(onProgress) });
  },

  /**
   * runBacktest, but the answer is the result's head (no weights, diagnostics or factors); fetch
   * the rest with heldWeights, heldDiagnostics and heldFactors, then call release.
   */
  runBacktestInParts(panel: Panel, config: RunConfig, onProgress?: (p: BacktestProgress) => void): BacktestResult {
    return head(runBacktest(panel, checked(config), { onProgress: gate(onProgress) }));
  },

  /**
   * Like runBacktestInParts (the answer is the head: fetch the rest with the held* calls), but
   * first looks in this browser's store of finished runs (a run is
   * deterministic: same configuration, data and code give the same bits) and stores a fresh
   * result there. The IndexedDB work (and its structured clones) happens here, not in the page.
   */
  async runOrRestore(panel: Panel, config: RunConfig, onProgress?: (p: BacktestProgress) => void): Promise<{ result: BacktestResult; fromStore: boolean }> {
    const cfg = checked(config);
    const key = runKey(buildId(), serializeConfig(cfg));
    // A connection per operation: none stays open during the minute-long run (runs.ts).
    const store = new RunStore(shortLivedStore());
    const hit = await store.get(key).catch(() => undefined);
    if (hit) return { result: head(hit.result), fromStore: true };
    // Back to the event loop once before the long synchronous run, so that IndexedDB can finish
    // anything it still has to do for this worker (a pending close would block "Delete everything").
    await new Promise((resolve) => setTimeout(resolve, 0));
    const result = runBacktest(panel, cfg, { onProgress: gate(onProgress) });
    // Best effort: a full or missing store only means the run is computed again next time.
    await store.put(key, result).catch(() => undefined);
    return { result: head(result), fromStore: false };
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

  /**
   * Metrics of each series of a result over each window (core periodTable). Takes only the parts
   * of the result it needs (dates, returns, turnover), so the page sends little.
   */
  periodTable(source: PeriodSource, windows: PeriodWindow[]): PeriodTable {
    return periodTable(periodInputFromResult(source), windows);
  },
};

export type BacktestWorkerApi = typeof api;

expose(api);
