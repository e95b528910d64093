// The walk-forward backtest (method.md §6, §8-§10): regimes per factor → Black-Litterman views →
// long-only weights at a target tracking error → daily execution with costs, beside the
// equal-weight benchmark and the market. Produces one plain, JSON-serialisable result that the UI
// and the CLI both consume.
//
// Timing (method §6): the regime and covariance known at the close of day T decide the target
// weights traded at the close of T+1, which earn day T+2's return. So every input to a weight
// applied to day t's return is known at t−2.

import type { Panel } from '../data/panel.ts';
import { enabledStrategies, refitEveryMonths, resolveFactorModel, type RunConfig, type StrategyKind } from '../config.ts';
import { EwmaCovariance, BlackLittermanAllocator, equalWeights, longShortViewMatrix, type TrackingErrorStatus } from '../allocation/index.ts';
import { computeMetrics, type PerformanceMetrics } from '../metrics/performance.ts';
import { regimeStatistics, type RegimeStatistics } from '../metrics/regime.ts';
import { wealthFromReturns, drawdownSeries, topDrawdowns, rollingSharpe, rollingInformationRatio, monthlyReturns, annualReturns, type DrawdownEpisode, type PeriodReturn } from '../metrics/series.ts';
import { returnEvidence, type SharpeEvidence, type ActiveEvidence } from '../metrics/evidence.ts';
import { costSummary, activeAttribution, type CostSummary, type ActiveAttribution } from '../metrics/attribution.ts';
import { walkForwardSchedule, isMonthEnd, isQuarterEnd, lowerBound } from './schedule.ts';
import { simulatePortfolio, equalWeightTargets, buyAndHoldTargets, type ExecutionResult } from './execution.ts';
import { StrategyExecution } from './trading.ts';
import { buildFactorContext, computeFactorPath, longShortFromPath, type FactorContext, type FactorModelParams, type FactorPath, type RefitRecord } from './regimePath.ts';
import type { Refit } from './schedule.ts';
import { FACTOR_FEATURE_NAMES, ENVIRONMENT_FEATURE_NAMES } from '../features/index.ts';
import { prepareBacktestData, BacktestDataError, type BacktestData } from './prepare.ts';

export { prepareBacktestData, BacktestDataError, type BacktestData } from './prepare.ts';
export { walkForwardSchedule, monthStarts, isQuarterEnd } from './schedule.ts';
export { simulatePortfolio, equalWeightTargets, buyAndHoldTargets } from './execution.ts';
export { buildFactorContext, computeFactorPath, factorPathSteps, longShortFromPath, refitSeed } from './regimePath.ts';
export type { FactorContext, FactorPath, RefitRecord, FactorModelParams, PathStep, PathStats } from './regimePath.ts';

export const RESULT_VERSION = 1 as const;

/** Series stored in the result: plain arrays, null where a value does not exist (JSON-safe). */
export type Series = (number | null)[];

export interface PortfolioSeries {
  key: string;
  label: string;
  /** Portfolio value (1 at the close of the first trade, before its cost). */
  values: Series;
  /** Daily net returns; null on the window's first day(s) before the first position earns. */
  returns: Series;
  /** Turnover traded at each close. */
  turnover: Series;
  /** Held weights after each close, one row per day, assets in `tickers` order. */
  weights: number[][] | null;
  /** Metrics (method §10) and the evidence on the Sharpe ratio (method §12; absent in results of older builds). */
  metrics: PerformanceMetrics & Partial<SharpeEvidence>;
  /** Active metrics against the EW benchmark and against the market, with the evidence on them (method §12). */
  vsEqualWeight: (PerformanceMetrics & Partial<ActiveEvidence>) | null;
  vsMarket: (PerformanceMetrics & Partial<ActiveEvidence>) | null;
  /** Gross and net returns and what costs took (method §12); null for the market (no costs). */
  costs?: CostSummary | null;
  /** The active return against EW by asset and calendar year (method §12); strategies only. */
  attribution?: ActiveAttribution | null;
  drawdown: Series;
  topDrawdowns: DrawdownEpisode[];
  rollingSharpe: Series;
  rollingInformationRatio: Series;
  monthly: PeriodReturn[];
  annual: PeriodReturn[];
}

export interface StrategyDiagnostics {
  kind: StrategyKind;
  /** Ex-ante tracking error of each day's target (decided at that close); null before the first decision. */
  exAnteTrackingError: Series;
  /** View confidence c chosen by the bisection. */
  confidence: Series;
  /** Days where the target TE was out of reach, by direction. */
  trackingErrorOutOfReach: { below: number; above: number; ok: number };
}

export interface FactorResult {
  ticker: string;
  featureNames: string[];
  /** Per strategy: online regimes on the result's dates (0 = bull … K−1 = bear; null before the first refit). */
  regimes: Partial<Record<StrategyKind, {
    labels: Series;
    /** Expected annualised active return of the day's regime (the view Q, method §8). */
    expectedActiveReturn: Series;
    refits: (RefitRecord & { date: string })[];
    /** Single-factor long-short (method §6) on the result's dates and its statistics. */
    longShort: Series;
    longShortMetrics: PerformanceMetrics;
    regimeStats: RegimeStatistics;
    /** The last refit's in-sample (smoothed) labels over its training window. */
    inSample: { firstDate: string; labels: number[] } | null;
  }>>;
  /** Cumulative active return Π(1 + a) − 1 from the window's first day. */
  cumulativeActive: Series;
}

export interface BacktestResult {
  version: typeof RESULT_VERSION;
  config: RunConfig;
  /** Universe in weight order: market first, then the factors. */
  tickers: string[];
  /** The result window: from the first refit day to the last day. */
  dates: string[];
  /** Index in `dates` of the first return of the evaluation window (first refit + 2, method §6). */
  evalStartIndex: number;
  /** The daily risk-free rate on `dates` when config.riskFree names a series (method.md §12), else null. */
  riskFree: Series | null;
  notes: string[];
  strategies: PortfolioSeries[];
  diagnostics: StrategyDiagnostics[];
  equalWeight: PortfolioSeries;
  market: PortfolioSeries;
  factors: FactorResult[];
  /**
   * The decisions a follower of the strategy acts on (method.md §6 timing, §12 "the signal"): per
   * strategy, the target decided at the close of the last day, to trade at the close of the next
   * trading day, with the decisions of the day before and of the last refit day for comparison.
   */
  latest: Partial<Record<StrategyKind, LatestDecision>>;
  /**
   * How this result was computed (not part of the result's content: everything else is bit-identical
   * for any worker count and cache state).
   */
  runStats: RunStats;
}

export interface LatestDecision {
  /** The close whose data decided it (the last day of the data). */
  date: string;
  /** Target weights, assets in `tickers` order, to hold after the next trading day's close. */
  weights: number[];
  /** Ex-ante tracking error against EW, the view confidence c, and whether the TE target was reachable. */
  trackingError: number;
  confidence: number;
  status: TrackingErrorStatus;
  /** The target decided at the previous close (traded at the last day's close), or null. */
  previous: { date: string; weights: number[] } | null;
  /** The target decided at the close of the last refit day, or null. */
  atLastRefit: { date: string; weights: number[] } | null;
  /** The trade penalty's reference holdings h_T (method §12), when a penalty is set. */
  penaltyHoldings: number[] | null;
}

export interface RunStats {
  /** Threads that computed regime paths (1 = this thread). */
  workers: number;
  /** Refits fitted for this result, and refits whose fit came from a cache. */
  fitsComputed: number;
  fitsFromCache: number;
  /** Wall time of the whole run, ms. */
  wallMs: number;
  /** Wall time per stage, ms (prepare, regimeFits, allocation, execution, metrics). */
  stages: Record<string, number>;
  /** Per regime path (factor and strategy): refits fitted and read from a cache. */
  paths?: { factor: string; strategy: StrategyKind; fitsComputed: number; fitsFromCache: number; /** Engine time of the path, ms. */ ms: number }[];
}

export interface BacktestProgress { stage: string; done: number; total: number }
export interface BacktestHooks {
  onProgress?: (p: BacktestProgress) => void;
  /** Polled between fits; return true to stop (throws BacktestCancelled). */
  isCancelled?: () => boolean;
  /** Clock for the per-stage timings (defaults to performance.now / Date.now). */
  now?: () => number;
}

export class BacktestCancelled extends Error { constructor() { super('backtest cancelled'); } }

const STRATEGY_LABEL: Record<StrategyKind, string> = { symmetric: 'Regime strategy (symmetric)', asymmetric: 'Regime strategy (asymmetric)' };

function plain(x: Float64Array | Int8Array, from: number, to: number, missing?: (v: number) => boolean): Series {
  const out: Series = new Array(to - from);
  for (let t = from; t < to; t++) {
    const v = x[t]!;
    out[t - from] = !Number.isFinite(v) || (missing && missing(v)) ? null : v;
  }
  return out;
}

/** The regime paths of a run: per strategy, one path per factor (in `config.factors` order). */
export type RegimePaths = Partial<Record<StrategyKind, FactorPath[]>>;

/** Feature names of a run's factors (method §2): 14, plus the 3 environment features when used. */
export function featureNamesFor(data: BacktestData): string[] {
  return [...FACTOR_FEATURE_NAMES, ...(data.vix && data.dgs2 && data.dgs10 ? ENVIRONMENT_FEATURE_NAMES : [])];
}

/**
 * The setting in force at refit r of a factor's path for one strategy: the configuration's, or the
 * tuned parameter path's entry at the refit date (config.ts resolveFactorModel).
 */
export function settingsFor(config: RunConfig, ctx: FactorContext, dates: readonly string[], kind: StrategyKind): (r: number) => FactorModelParams {
  return (r) => resolveFactorModel(config, ctx.ticker, kind, dates[ctx.refits[r]!.day]);
}

/** Run the full walk-forward backtest of `config` on `panel`, in this thread. Deterministic: same inputs, same bits. */
export function runBacktest(panel: Panel, config: RunConfig, hooks: BacktestHooks = {}): BacktestResult {
  const now = hooks.now ?? defaultNow;
  const t0 = now();
  const cancelled = () => { if (hooks.isCancelled?.()) throw new BacktestCancelled(); };

  const data = prepareBacktestData(panel, config);
  const strategies = enabledStrategies(config);
  const contexts = buildContexts(data, config);
  const t1 = now();

  // Regime paths, per factor and strategy (method §6).
  const F = data.factorTickers.length;
  const totalFits = contexts.reduce((s, c) => s + c.refits.length, 0) * strategies.length;
  let doneFits = 0;
  const paths: RegimePaths = {};
  const stats = { fitsComputed: 0, fitsFromCache: 0 };
  for (const kind of strategies) {
    const list: FactorPath[] = (paths[kind] = []);
    for (let f = 0; f < F; f++) {
      const ctx = contexts[f]!;
      cancelled();
      list.push(computeFactorPath(ctx, settingsFor(config, ctx, data.dates, kind), f, stats));
      doneFits += ctx.refits.length;
      hooks.onProgress?.({ stage: 'fitting regime models', done: doneFits, total: totalFits });
    }
  }
  const t2 = now();
  const result = assembleBacktest(data, config, paths, { ...hooks, now });
  result.runStats = {
    workers: 1, ...stats, wallMs: now() - t0,
    stages: { features: t1 - t0, regimeFits: t2 - t1, ...result.runStats.stages },
  };
  return result;
}

const defaultNow = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Everything after the regime paths (method.md §8-§10): daily Black-Litterman targets at the
 * tracking-error target, execution with costs, the benchmarks, metrics and the per-factor tables.
 * `paths` must hold, for every enabled strategy, the factors' paths in `data.factorTickers` order.
 */
export function assembleBacktest(data: BacktestData, config: RunConfig, paths: RegimePaths, hooks: BacktestHooks = {}): BacktestResult {
  const now = hooks.now ?? defaultNow;
  const timings: Record<string, number> = {};
  let t0 = now();
  const lap = (name: string) => { const t = now(); timings[name] = (timings[name] ?? 0) + (t - t0); t0 = t; };
  const cancelled = () => { if (hooks.isCancelled?.()) throw new BacktestCancelled(); };
  const strategies = enabledStrategies(config);
  const F = data.factorTickers.length;
  for (const kind of strategies) {
    const list = paths[kind];
    if (!list || list.length !== F) throw new Error(`assembleBacktest: the ${kind} strategy needs ${F} factor paths, got ${list?.length ?? 0}`);
  }
  const featureNames = featureNamesFor(data);
  const T = data.dates.length, N = data.tickers.length;
  const anyPaths = paths[strategies[0]!]!;
  const firstDecision = Math.max(...anyPaths.map((p) => (p.refits.length ? p.refits[0]!.day : T)));
  if (firstDecision >= T - 2) {
    throw new BacktestDataError(`Not enough history: the first refit needs ${config.trainMinYears} years of valid features, ` +
      `and the data (${data.dates[0]} to ${data.dates[T - 1]}) leaves no out-of-sample days. Load a longer history or lower trainMinYears.`);
  }

  // Daily allocation: Σ from returns ≤ T, views from the regimes at T, traded at the close of T+1.
  const wb = equalWeights(N);
  const P = longShortViewMatrix(N, 0, Array.from({ length: F }, (_, f) => f + 1));
  const cov = new EwmaCovariance(N, config.covarianceHalflife);
  const Sigma = new Float64Array(N * N);
  const Q = new Float64Array(F);
  const allocators = strategies.map(() => new BlackLittermanAllocator(N, F));
  // Turnover controls (method §12): with a trade penalty, execution runs alongside the allocation.
  const trading = strategies.map(() => new StrategyExecution(data.returns, T, N, config, data.dates));
  const targets = strategies.map(() => new Float64Array(T * N).fill(NaN));
  const diag = strategies.map((kind) => ({
    kind, te: new Float64Array(T).fill(NaN), conf: new Float64Array(T).fill(NaN), counts: { below: 0, above: 0, ok: 0 } as Record<TrackingErrorStatus, number>,
  }));
  // Strategy s's target at the close of day t (Sigma holds day t's covariance): the views from the
  // regimes at t, at the TE target, from the holdings the trade penalty starts from.
  const decide = (s: number, t: number) => {
    const kindPaths = paths[strategies[s]!]!;
    for (let f = 0; f < F; f++) Q[f] = kindPaths[f]!.mu[t]!;
    const alloc = allocators[s]!;
    alloc.prepare({ Sigma, wBenchmark: wb, P, Q, riskAversion: config.riskAversion, tau: config.tau });
    const penalty = trading[s]!.penaltyAt(t, targets[s]!);
    return { res: alloc.targetTrackingError({ target: config.trackingErrorTarget, tradePenalty: penalty }), penalty };
  };
  for (let t = 1; t < T - 1; t++) {
    cov.update(data.returns, t * N, data.dates[t]);
    if (t < firstDecision) continue;
    cov.covariance(Sigma);
    for (let s = 0; s < strategies.length; s++) {
      const { res } = decide(s, t);
      targets[s]!.set(res.weights, (t + 1) * N);
      diag[s]!.te[t] = res.trackingError;
      diag[s]!.conf[t] = res.confidence;
      diag[s]!.counts[res.status]++;
    }
    if ((t - firstDecision) % 250 === 0) { cancelled(); hooks.onProgress?.({ stage: 'allocating', done: t - firstDecision, total: T - 1 - firstDecision }); }
  }
  // The decision at the last close (traded at the next trading day's close, beyond the data): the
  // same decision, outside the loop so that nothing above changes with it.
  const latest: BacktestResult['latest'] = {};
  {
    const t = T - 1;
    cov.update(data.returns, t * N, data.dates[t]);
    cov.covariance(Sigma);
    const lastRefitDay = Math.max(...anyPaths.map((p) => (p.refits.length ? p.refits[p.refits.length - 1]!.day : firstDecision)));
    const row = (x: Float64Array, r: number) => (r >= 0 && r < T && Number.isFinite(x[r * N]!) ? Array.from(x.subarray(r * N, r * N + N)) : null);
    for (let s = 0; s < strategies.length; s++) {
      const { res, penalty } = decide(s, t);
      const prev = row(targets[s]!, T - 1);
      const atRefit = row(targets[s]!, lastRefitDay + 1);
      latest[strategies[s]!] = {
        date: data.dates[t]!, weights: Array.from(res.weights), trackingError: res.trackingError, confidence: res.confidence, status: res.status,
        previous: prev ? { date: data.dates[T - 2]!, weights: prev } : null,
        atLastRefit: atRefit ? { date: data.dates[lastRefitDay]!, weights: atRefit } : null,
        penaltyHoldings: penalty ? Array.from(penalty.holdings) : null,
      };
    }
  }
  lap('allocation');

  // Execution (method §9): strategies, EW rebalanced per config, market bought and held.
  const firstTrade = firstDecision + 1;
  const exec = targets.map((tg, s) => trading[s]!.finish(tg));
  const rebalance = rebalanceRule(config, data.dates);
  const ew = simulatePortfolio(data.returns, equalWeightTargets(T, N, firstTrade, rebalance), T, N, config.costBps);
  // The market is an index reference: bought once, held, no cost.
  const mkt = simulatePortfolio(data.returns, buyAndHoldTargets(T, N, firstTrade, 0), T, N, 0);
  lap('execution');

  // Result window: first refit day … end; evaluation from first refit + 2 (first earned return).
  const w0 = firstDecision, evalStart = firstTrade + 1;
  const dates = data.dates.slice(w0);
  const evalDates = data.dates.slice(evalStart);
  const slice = (x: Float64Array) => x.subarray(evalStart);
  // A risk-free series (method.md §12) replaces the constant rate: Sharpe and Sortino take each day's.
  const rf = data.riskFree ? data.riskFree.subarray(evalStart) : config.riskFreeRate;
  const ewR = slice(ew.returns), mR = slice(mkt.returns);
  const pad: Series = new Array<null>(evalStart - w0).fill(null);

  const portfolio = (key: string, label: string, e: ExecutionResult, withWeights: boolean, vs: boolean): PortfolioSeries => {
    const r = slice(e.returns);
    const wealth = wealthFromReturns(r);
    const evidence = returnEvidence(r, { rf, benchmarks: vs ? [ewR, mR] : [] });
    return {
      key, label,
      values: plain(e.values, w0, T),
      returns: plain(e.returns, w0, T),
      turnover: plain(e.turnover, w0, T),
      weights: withWeights ? Array.from({ length: T - w0 }, (_, i) => { const t = w0 + i; return t < e.startDay ? new Array<number>(N).fill(0) : Array.from(e.weights.subarray(t * N, t * N + N)); }) : null,
      metrics: { ...computeMetrics(r, { rf, dates: evalDates, turnover: e.turnover.subarray(evalStart) }), ...evidence.sharpe },
      vsEqualWeight: vs ? { ...computeMetrics(r, { rf, benchmark: ewR, dates: evalDates }), ...evidence.active[0] } : null,
      vsMarket: vs ? { ...computeMetrics(r, { rf, benchmark: mR, dates: evalDates }), ...evidence.active[1] } : null,
      costs: e === mkt ? null : costSummary(e, data.returns, N, evalStart, evalDates),
      attribution: e === ew || e === mkt ? null : activeAttribution(e, ew, data.returns, N, evalStart, evalDates, data.tickers),
      drawdown: [...pad, ...plain(drawdownSeries(wealth, 1), 0, r.length)],
      topDrawdowns: topDrawdowns(wealth, evalDates, 5, 1),
      rollingSharpe: [...pad, ...plain(rollingSharpe(r, 252, rf), 0, r.length)],
      rollingInformationRatio: [...pad, ...plain(rollingInformationRatio(r, ewR, 252), 0, r.length)],
      monthly: monthlyReturns(r, evalDates),
      annual: annualReturns(r, evalDates),
    };
  };
  const strategySeries = strategies.map((kind, s) => portfolio(kind, STRATEGY_LABEL[kind], exec[s]!, true, true));
  const equalWeight = portfolio('equalWeight', 'Equal weight (benchmark)', ew, true, true);
  const market = portfolio('market', `Market (${data.universe.assets[0]})`, mkt, false, true);

  const factors: FactorResult[] = data.factorTickers.map((ticker, f) => {
    const active = data.active[f]!;
    const regimes: FactorResult['regimes'] = {};
    for (const kind of strategies) {
      const path = paths[kind]![f]!;
      const ls = longShortFromPath(path.mu, active, config.longShortScale);
      const last = path.refits.length - 1;
      regimes[kind] = {
        labels: plain(path.labels, w0, T, (v) => v < 0),
        expectedActiveReturn: plain(path.mu, w0, T),
        refits: path.refits.map((r) => ({ ...r, date: data.dates[r.day]! })),
        longShort: plain(ls, w0, T),
        longShortMetrics: computeMetrics(ls.subarray(evalStart), { dates: evalDates }),
        regimeStats: regimeStatistics(path.labels.subarray(evalStart), active.subarray(evalStart), config.model.k),
        inSample: last >= 0 && path.inSampleLabels ? { firstDate: data.dates[path.refits[last]!.trainStart]!, labels: Array.from(path.inSampleLabels) } : null,
      };
    }
    const cum: Series = [];
    let c = 1;
    for (let t = w0; t < T; t++) { if (t > w0) c *= 1 + active[t]!; cum.push(c - 1); }
    return { ticker, featureNames, regimes, cumulativeActive: cum };
  });
  const diagnostics: StrategyDiagnostics[] = diag.map((d) => ({
    kind: d.kind, exAnteTrackingError: plain(d.te, w0, T), confidence: plain(d.conf, w0, T), trackingErrorOutOfReach: d.counts,
  }));
  lap('metrics');

  return {
    version: RESULT_VERSION, config, tickers: data.tickers, dates, evalStartIndex: evalStart - w0, notes: data.notes,
    riskFree: data.riskFree ? plain(data.riskFree, w0, T) : null,
    strategies: strategySeries, diagnostics, equalWeight, market, factors, latest,
    runStats: { workers: 0, fitsComputed: 0, fitsFromCache: 0, wallMs: Object.values(timings).reduce((a, b) => a + b, 0), stages: timings },
  };
}

/** The walk-forward refit schedule of a configuration (method §6), given a factor's first valid row. */
export function scheduleFor(data: BacktestData, config: RunConfig): (firstValid: number) => Refit[] {
  const every = refitEveryMonths(config);
  return (firstValid) => walkForwardSchedule(data.dates, { firstValid, trainMinYears: config.trainMinYears, trainMaxYears: config.trainMaxYears, everyMonths: every });
}

/** Factor f's context (features, refit schedule, lazily its preprocessors and its input digests). */
export function buildFactorContextFor(data: BacktestData, config: RunConfig, f: number): FactorContext {
  return buildFactorContext(data.factorTickers[f]!, {
    dates: data.dates, active: data.active[f]!, market: data.marketReturns, vix: data.vix, dgs2: data.dgs2, dgs10: data.dgs10,
  }, scheduleFor(data, config));
}

export function buildContexts(data: BacktestData, config: RunConfig): FactorContext[] {
  return data.factorTickers.map((_, f) => buildFactorContextFor(data, config, f));
}

/** The EW benchmark's rebalancing days (method §9: last trading day of each quarter by default). */
function rebalanceRule(config: RunConfig, dates: readonly string[]): (t: number) => boolean {
  switch (config.benchmarkRebalance) {
    case 'monthly': return (t) => isMonthEnd(dates, t);
    case 'quarterly': return (t) => isQuarterEnd(dates, t);
    case 'annually': return (t) => isMonthEnd(dates, t) && dates[t]!.slice(5, 7) === '12';
    case 'never': return () => false;
  }
}

export { lowerBound };
