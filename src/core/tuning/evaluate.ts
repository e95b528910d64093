// The candidate evaluator of the hyperparameter search (method.md §6-§7): one candidate = one
// factor's full walk-forward path with constant hyperparameters, turned into its daily single-factor
// long-short returns `clip(μ_state / 5%, −1, 1) × a_t`.
//
// Pure core. `candidateModel` is the model a candidate fits; the pipeline's Engine
// (core/pipeline/engine.ts) runs candidates with it in workers, through the regime cache. The
// direct evaluation here (buildTuningContext + evaluateCandidate) computes one candidate
// synchronously with exactly the backtest's own functions (prepareBacktestData,
// buildFactorContext, computeFactorPath, longShortFromPath) and seeds, so a candidate's path is
// bit-identical to the path `runBacktest` computes for the same parameters (tested) — the chosen
// parameters then reproduce in a backtest configuration (apply.ts).
//
// No mutable state is shared across trials (method.md §11): a `TuningContext` holds the prepared
// data, the factor's features and its per-refit preprocessors, and is only ever read; every
// evaluation allocates its own buffers (computeFactorPath does), so candidates evaluated one after
// the other, or interleaved, cannot influence each other.
import { sameTicker, type Panel } from '../data/panel.ts';
import { featureCount, penaltyMatrixFor, serializeConfig, type RunConfig, type StrategyKind } from '../config.ts';
import { prepareBacktestData, type BacktestData } from '../backtest/prepare.ts';
import { computeFactorPath, longShortFromPath, type FactorContext, type FactorModelParams } from '../backtest/regimePath.ts';
import { buildFactorContextFor } from '../backtest/index.ts';
import type { CandidateParams, CandidatePath, ParamName } from './types.ts';

export type TuningStrategy = StrategyKind;

export class CandidateError extends Error {}

/** Everything a candidate of one factor needs that does not depend on its hyperparameters. Read-only. */
export interface TuningContext {
  /** The cache key of the (data, configuration) pair this context was built from. */
  key: string;
  ticker: string;
  /** Index of the factor in `config.factors`: feeds the per-refit seeds exactly as in the backtest. */
  factorIndex: number;
  config: RunConfig;
  /** The backtest's calendar (the panel cut to the configuration's range and the series' common span). */
  dates: string[];
  /** Features, refit schedule and per-refit preprocessors of the factor (method.md §2, §6). */
  factor: FactorContext;
  /** Dates of the refits (first trading days of the months, method.md §6). */
  refitDates: string[];
  /**
   * First calendar index with a long-short return: the first refit day + 2 (the regime inferred at
   * the close of the refit day earns the return two days later, method.md §6); dates.length when the
   * data leave no out-of-sample day.
   */
  firstOutOfSample: number;
  /** Milliseconds it took to build (features + preprocessors), for benchmarks. */
  buildMs: number;
}

/** Options of one evaluation. */
export interface EvaluateOptions {
  /** Which regime model the parameters belong to: the scalar λ or the enter/exit pair (method.md §3). */
  strategy: TuningStrategy;
}

const now = () => (globalThis.performance ? globalThis.performance.now() : Date.now());

/**
 * Builds one factor's tuning context. The data are prepared with the *whole* configuration (all its
 * factors), as the backtest prepares them, so the calendar — and hence every path — is the
 * backtest's. Pass `prepared` to reuse prepared data for several factors. Throws BacktestDataError
 * (from prepareBacktestData) when the data do not fit the configuration.
 */
export function buildTuningContext(panel: Panel, config: RunConfig, ticker: string, prepared?: BacktestData, key = ''): TuningContext {
  const t0 = now();
  const data = prepared ?? prepareBacktestData(panel, config);
  const factorIndex = data.factorTickers.findIndex((t) => sameTicker(t, ticker));
  if (factorIndex < 0) {
    throw new CandidateError(`tuning: ${ticker} is not a factor of the configuration (${data.factorTickers.join(', ')}) — add it to "factors" or pick one of those`);
  }
  const factor = buildFactorContextFor(data, config, factorIndex);
  const refitDates = factor.refits.map((r) => data.dates[r.day]!);
  const firstOutOfSample = factor.refits.length ? Math.min(data.dates.length, factor.refits[0]!.day + 2) : data.dates.length;
  return {
    key, ticker: factor.ticker, factorIndex, config, dates: data.dates, factor, refitDates, firstOutOfSample, buildMs: now() - t0,
  };
}

const PARAMS: Record<TuningStrategy, { required: ParamName[]; optional: ParamName[] }> = {
  symmetric: { required: ['jumpPenalty', 'maxFeatures'], optional: [] },
  asymmetric: { required: ['jumpPenaltyEnter', 'jumpPenaltyExit'], optional: ['maxFeatures'] },
};

/**
 * The model a candidate fits at every refit (constant across refits), built exactly as config.ts
 * `resolveFactorModel` builds it for a configuration holding these values: symmetric Λ = λ(1 − I)
 * with the scalar λ; asymmetric Λ = penaltyMatrixFor(K, enter, exit) (and the scalar when
 * enter = exit, as resolveFactorModel does); κ² capped at the number of features. An asymmetric
 * candidate without κ² uses the factor's configured κ² (or model.maxFeatures).
 */
export function candidateModel(config: RunConfig, ticker: string, strategy: TuningStrategy, params: CandidateParams): FactorModelParams {
  const spec = PARAMS[strategy];
  if (!spec) throw new CandidateError(`tuning: strategy "${String(strategy)}" is unknown — use symmetric or asymmetric`);
  const allowed = new Set<string>([...spec.required, ...spec.optional]);
  for (const k of Object.keys(params)) {
    if (!allowed.has(k)) throw new CandidateError(`tuning, ${ticker}: ${k} is not a parameter of the ${strategy} model — use ${[...allowed].join(', ')}`);
  }
  for (const k of spec.required) {
    if (params[k] === undefined) throw new CandidateError(`tuning, ${ticker}: the ${strategy} model needs ${k} — the candidate has ${JSON.stringify(params)}`);
  }
  for (const k of Object.keys(params) as ParamName[]) {
    const v = params[k]!;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new CandidateError(`tuning, ${ticker}: ${k} must be a finite number, got ${String(v)}`);
    if (k === 'maxFeatures') {
      if (v < 1) throw new CandidateError(`tuning, ${ticker}: κ² (maxFeatures) must be ≥ 1 (method.md §4), got ${v}`);
    } else if (v < 0) throw new CandidateError(`tuning, ${ticker}: jump penalties are non-negative (method.md §3), ${k} = ${v}`);
  }
  const f = config.factors.find((x) => sameTicker(x.ticker, ticker));
  if (!f) throw new CandidateError(`tuning: ${ticker} is not a factor of the configuration (${config.factors.map((x) => x.ticker).join(', ')})`);
  const k = config.model.k;
  const kappa = params.maxFeatures ?? f.maxFeatures ?? config.model.maxFeatures;
  const base = { model: config.model.model, k, maxFeatures: Math.min(kappa, featureCount(config)), nInit: config.model.nInit, seed: config.model.seed };
  if (strategy === 'symmetric') {
    const lambda = params.jumpPenalty!;
    return { ...base, penaltyMatrix: penaltyMatrixFor(k, lambda, lambda), jumpPenalty: lambda };
  }
  const enter = params.jumpPenaltyEnter!, exit = params.jumpPenaltyExit!;
  return { ...base, penaltyMatrix: penaltyMatrixFor(k, enter, exit), jumpPenalty: enter === exit ? enter : null };
}

/**
 * One candidate's walk-forward path over the whole history (method.md §6-§7): refit every month on
 * the expanding 8-12-year window with the candidate's parameters, label online, and return the daily
 * single-factor long-short returns (NaN before the first out-of-sample day), the online labels and
 * the refit dates. Deterministic; shares no mutable state with other evaluations.
 */
export function evaluateCandidate(ctx: TuningContext, params: CandidateParams, opts: EvaluateOptions): CandidatePath {
  const model = candidateModel(ctx.config, ctx.ticker, opts.strategy, params);
  const path = computeFactorPath(ctx.factor, () => model, ctx.factorIndex);
  const longShort = longShortFromPath(path.mu, ctx.factor.active, ctx.config.longShortScale);
  return { params: { ...params }, dates: ctx.dates, longShort, labels: path.labels, refitDates: ctx.refitDates.slice() };
}

/**
 * The part of a configuration that a candidate's path depends on, as canonical text (the cache key's
 * configuration half). The data set reference is left out: the data half of the key covers it.
 */
export function tuningConfigKey(config: RunConfig): string {
  return serializeConfig({ ...config, dataset: null });
}
