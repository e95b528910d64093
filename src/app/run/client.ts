// The page's side of the backtest worker (workers/backtest.worker.ts). The page never computes
// finance (issue 6): the backtest and the sub-period table run in the worker, which asks core.
import type { BacktestWorkerApi } from '../../../workers/backtest.worker.ts';
import type { BacktestProgress, BacktestResult } from '../../core/backtest/index.ts';
import type { Panel } from '../../core/data/panel.ts';
import type { RunConfig } from '../../core/config.ts';
import type { PeriodSource, PeriodSourceSeries, PeriodTable, PeriodWindow } from '../../core/metrics/periods.ts';
import type { Remote } from 'comlink';
import { WorkerPool, progressCallback, type Job } from '../workers/pool.ts';

export function createBacktestPool(): WorkerPool<BacktestWorkerApi> {
  // Two workers at most: one for a long backtest, one so that a period table of the result on
  // screen need not wait for it. Workers start only when first needed.
  return new WorkerPool<BacktestWorkerApi>(
    // Written out in full: Vite bundles a worker only from this exact `new Worker(new URL(…))` form.
    () => new Worker(new URL('../../../workers/backtest.worker.ts', import.meta.url), { type: 'module', name: 'helix-backtest' }),
    { label: 'backtest', size: 2 },
  );
}

export class BacktestClient {
  constructor(private readonly pool: WorkerPool<BacktestWorkerApi> = createBacktestPool()) {}

  /** Runs the backtest in a worker. Cancel the job to stop it (its worker is terminated). */
  run(panel: Panel, config: RunConfig, onProgress?: (p: BacktestProgress) => void): Job<BacktestResult> {
    return this.pool.run(async (api) => {
      const head = await api.runBacktestInParts(panel, config, onProgress ? progressCallback(onProgress) : undefined);
      return fetchRest(api, head);
    });
  }

  /**
   * Shows the stored result of the same run when this browser has one, else runs the backtest and
   * stores it (all in the worker: storage/runs.ts). Cancel as for run().
   */
  runOrRestore(panel: Panel, config: RunConfig, onProgress?: (p: BacktestProgress) => void): Job<{ result: BacktestResult; fromStore: boolean }> {
    return this.pool.run(async (api) => {
      const out = await api.runOrRestore(panel, config, onProgress ? progressCallback(onProgress) : undefined);
      return { result: await fetchRest(api, out.result), fromStore: out.fromStore };
    });
  }

  /** core periodTable of `result` over `windows`, in a worker. */
  periodTable(result: BacktestResult, windows: PeriodWindow[]): Job<PeriodTable> {
    return this.pool.run((api) => api.periodTable(periodSource(result), windows));
  }

  dispose(): void {
    this.pool.terminate();
  }
}

/**
 * The rest of a result whose head the worker sent: weights, diagnostics, then the factors two at a
 * time. Each part is its own message, so the page reads a big result in several short tasks.
 */
async function fetchRest(api: Remote<BacktestWorkerApi>, head: BacktestResult): Promise<BacktestResult> {
  const weights = await api.heldWeights();
  const diagnostics = await api.heldDiagnostics();
  const factors: BacktestResult['factors'] = [];
  for (let from = 0; ; from += 2) {
    const part = await api.heldFactors(from, from + 2);
    factors.push(...part.factors);
    if (from + 2 >= part.total) break;
  }
  await api.release();
  const all = [...head.strategies, head.equalWeight, head.market];
  const withWeights = all.map((s, i) => ({ ...s, weights: weights[i] ?? null }));
  const n = head.strategies.length;
  return {
    ...head,
    strategies: withWeights.slice(0, n), equalWeight: withWeights[n]!, market: withWeights[n + 1]!,
    diagnostics, factors,
  };
}

/** The slice of a result the period table needs (no weights, no factors: less to copy). */
export function periodSource(result: BacktestResult): PeriodSource {
  const pick = (s: PeriodSourceSeries): PeriodSourceSeries => ({ key: s.key, label: s.label, returns: s.returns, turnover: s.turnover });
  return {
    dates: result.dates, evalStartIndex: result.evalStartIndex, config: { riskFreeRate: result.config.riskFreeRate }, riskFree: result.riskFree,
    strategies: result.strategies.map(pick), equalWeight: pick(result.equalWeight), market: pick(result.market),
  };
}
