// The page's side of the engine workers (workers/engine.worker.ts). The page never computes finance:
// regime paths, the assembly of a result, period tables and a study's plan run in workers, which
// ask core. The pipeline's coordinator (core runPipeline) runs here: it only hands tasks to the
// workers, gathers their paths and asks one worker to assemble them.
import type { Remote } from 'comlink';
import type { EngineWorkerApi } from '../../../workers/engine.worker.ts';
import type { BacktestResult, RegimePaths } from '../../core/backtest/index.ts';
import type { Panel } from '../../core/data/panel.ts';
import type { RunConfig } from '../../core/config.ts';
import type { PeriodSource, PeriodSourceSeries, PeriodTable, PeriodWindow } from '../../core/metrics/periods.ts';
import { PipelineCancelled, type RegimeExecutor } from '../../core/pipeline/run.ts';
import type { RegimeTask, RegimeTaskResult, TaskProgress } from '../../core/pipeline/engine.ts';
import { WorkerPool, hardwareCores, isCancelled, progressCallback, type Job, type PoolWorker } from '../workers/pool.ts';


export function createEnginePool(size: number, label = 'engine', onWorker?: (w: PoolWorker) => PoolWorker): WorkerPool<EngineWorkerApi> {
  return new WorkerPool<EngineWorkerApi>(() => {
    // Written out in full: Vite bundles a worker only from this exact `new Worker(new URL(…))` form.
    const w = new Worker(new URL('../../../workers/engine.worker.ts', import.meta.url), { type: 'module', name: `helix-${label}` });
    return onWorker ? onWorker(w) : w;
  }, { label, size });
}

/** Makes sure the worker holds the data set (the panel crosses once per worker). */
export async function withData(api: Remote<EngineWorkerApi>, key: string, panel: Panel): Promise<void> {
  if (!(await api.hasData(key))) await api.setData(key, panel);
}

/** Regime tasks on a pool of engine workers (core RegimeExecutor). */
export class BrowserExecutor implements RegimeExecutor {
  constructor(private readonly pool: WorkerPool<EngineWorkerApi>, private readonly panelOf: (key: string) => Panel | undefined) {}

  get workers(): number {
    return this.pool.size;
  }

  async run(task: RegimeTask, onProgress?: (p: TaskProgress) => void, signal?: AbortSignal): Promise<RegimeTaskResult> {
    const panel = this.panelOf(task.dataKey);
    if (!panel) throw new Error('The data set of this run is no longer open: select it and run again.');
    try {
      return await this.pool.run(async (api) => {
        await withData(api, task.dataKey, panel);
        return api.regimes(task, onProgress ? progressCallback(onProgress) : undefined);
      }, { signal }).promise;
    } catch (e) {
      if (isCancelled(e)) throw new PipelineCancelled();
      throw e;
    }
  }
}

/**
 * The rest of a result whose head a worker sent: weights, diagnostics, then the factors two at a
 * time. Each part is its own message, so the page reads a big result in several short tasks.
 * `whole: false` fetches the diagnostics only (a result read for its figures, never drawn).
 */
export async function fetchRest(api: Remote<EngineWorkerApi>, head: BacktestResult, whole = true): Promise<BacktestResult> {
  const diagnostics = await api.heldDiagnostics();
  if (!whole) {
    await api.release();
    return { ...head, diagnostics };
  }
  const weights = await api.heldWeights();
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

export class EngineClient {
  readonly executor: BrowserExecutor;
  private readonly panels = new Map<string, Panel>();

  // Every core the browser reports: the page is waiting for the result, and the workers yield to it.
  constructor(readonly pool: WorkerPool<EngineWorkerApi> = createEnginePool(hardwareCores(), 'backtest')) {
    this.executor = new BrowserExecutor(pool, (key) => this.panels.get(key));
  }

  /** The panel of a data set the next runs use (the pool's workers receive it on first need). */
  open(key: string, panel: Panel): void {
    this.panels.set(key, panel);
    while (this.panels.size > 2) this.panels.delete(this.panels.keys().next().value!);
  }

  /** The stored result of `config` in this browser, whole, or null. */
  storedResult(config: RunConfig): Job<BacktestResult | null> {
    return this.pool.run(async (api) => {
      const head = await api.storedResult(config);
      return head ? fetchRest(api, head) : null;
    });
  }

  /**
   * Allocation, execution and metrics on the gathered paths, in a worker. A result to show is stored
   * there and comes whole; `{ show: false }` (a result read for its figures only, e.g. a point of
   * the turnover frontier) is neither stored nor sent with its weights and factor series.
   */
  assemble(key: string, config: RunConfig, paths: RegimePaths, { show = true } = {}): Job<BacktestResult> {
    const panel = this.panels.get(key);
    return this.pool.run(async (api) => {
      if (panel) await withData(api, key, panel);
      return fetchRest(api, await api.assemble(key, config, paths, show), show);
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

/** The slice of a result the period table needs (no weights, no factors: less to copy). */
export function periodSource(result: BacktestResult): PeriodSource {
  const pick = (s: PeriodSourceSeries): PeriodSourceSeries => ({ key: s.key, label: s.label, returns: s.returns, turnover: s.turnover });
  return {
    dates: result.dates, evalStartIndex: result.evalStartIndex, config: { riskFreeRate: result.config.riskFreeRate }, riskFree: result.riskFree,
    strategies: result.strategies.map(pick), equalWeight: pick(result.equalWeight), market: pick(result.market),
  };
}
