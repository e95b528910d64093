// From a stored panel and a run configuration to the arrays the backtest needs (method.md §1):
// simple returns of the universe (market first, then the factors), each factor's active return,
// the environment levels and, when the configuration names one, the daily risk-free rate. Problems
// a person can fix raise BacktestDataError with what, where and what to do (the CLI maps it to
// exit code 2).
//
// Two ways to build the universe (config.universe):
// - 'prices' (method.md §1): every series is an asset; r = P_t / P_{t−1} − 1 and a_f = r_f − r_m.
// - 'longShort' (method.md §12, e.g. Ken French's daily factors): the market's total return is
//   r_m = market + rf (Mkt-RF + RF; without a risk-free series the market series is taken as the
//   total return), each long-short factor f is the asset "market + f" with daily return r_m + a_f,
//   a daily-rebalanced overlay (a research proxy, not an investable fund), and the factor's active
//   return is a_f itself. Return series are stored as indices (PanelSeries.fromReturns), so each
//   day's return is read back as the ratio of consecutive values; a value the file marked missing
//   never becomes a return (the importer left it out and the panel forward-filled it: a 0 return).
import { findSeries, sameTicker, type Panel, type PanelSeries } from '../data/panel.ts';
import { combinationMessage, listTickers } from '../data/roles.ts';
import type { RunConfig, UniverseKind } from '../config.ts';
import { lowerBound } from './schedule.ts';

export class BacktestDataError extends Error {}

/** What a run's universe is made of, in words for notes, screens and the command line. */
export interface BuiltUniverse {
  kind: UniverseKind;
  /** Per asset, in weight order (market first): what it is ("Mkt-RF + RF", "market + SMB"). */
  assets: string[];
  /** The risk-free series used by the metrics, or null (then the constant riskFreeRate). */
  riskFree: string | null;
  /** One paragraph: what was built, how, and (long-short) that the assets are research proxies. */
  description: string;
}

export interface BacktestData {
  dates: string[];
  /** Universe in weight order: market first, then factors (the data set's tickers). */
  tickers: string[];
  factorTickers: string[];
  /** T×N simple returns, row-major; row 0 is NaN. */
  returns: Float64Array;
  marketReturns: Float64Array;
  /** Per factor: a_t = r_f − r_m (prices) or the factor's long-short return (long-short universe). */
  active: Float64Array[];
  vix?: Float64Array;
  dgs2?: Float64Array;
  dgs10?: Float64Array;
  /** Daily risk-free rate (decimal, per day; row 0 NaN) when config.riskFree is set. */
  riskFree?: Float64Array;
  universe: BuiltUniverse;
  notes: string[];
}

function needSeries(panel: Panel, ticker: string, what: string): PanelSeries {
  const s = findSeries(panel, ticker);
  if (!s) {
    const have = panel.series.map((x) => x.ticker).join(', ');
    throw new BacktestDataError(`${what} ${ticker} is not in the data set (it has ${have}): import its prices or change the configuration`);
  }
  return s;
}

/** The universe's description, for notes (prepareBacktestData) and the Data screen (before any run). */
export function describeUniverse(kind: UniverseKind, market: string, factors: readonly string[], riskFree: string | null): BuiltUniverse {
  if (kind === 'prices') {
    return {
      kind, riskFree, assets: [market, ...factors],
      description: `Universe: market ${market}; factors ${listTickers(factors)} (asset prices).` +
        (riskFree ? ` Sharpe and Sortino subtract the daily risk-free rate ${riskFree}.` : ''),
    };
  }
  const m = riskFree ? `${market} + ${riskFree}` : market;
  return {
    kind, riskFree, assets: [m, ...factors.map((f) => `market + ${f}`)],
    description: `Universe built from long-short factor returns (method §12): the market's daily total return r_m = ${m}` +
      `${riskFree ? '' : ` (no risk-free series: ${market} is taken as the market's total return)`}; each factor f of ${listTickers(factors)} ` +
      'becomes the asset "market + f" with daily return r_m + f — a daily-rebalanced overlay, a research proxy, not an investable fund — ' +
      `and its active return is f itself.${riskFree ? ` Sharpe and Sortino subtract ${riskFree}, the daily risk-free rate.` : ''}`,
  };
}

export function prepareBacktestData(panel: Panel, config: RunConfig): BacktestData {
  const notes: string[] = [];
  const longShort = config.universe === 'longShort';
  const market = needSeries(panel, config.market, 'Market');
  const factors = config.factors.map((f) => needSeries(panel, f.ticker, 'Factor'));
  for (const s of [market, ...factors]) {
    if (s.kind !== 'price') throw new BacktestDataError(`${s.ticker} holds levels, not prices: it cannot be the market or a factor`);
  }
  if (factors.some((f) => sameTicker(f.ticker, market.ticker))) throw new BacktestDataError(`${market.ticker} is both the market and a factor: remove it from the factors`);
  if (longShort) {
    // Long-short factor returns combine only with return series (method.md §12).
    const prices = [market, ...factors].filter((s) => !s.fromReturns).map((s) => s.ticker);
    if (prices.length) throw new BacktestDataError(combinationMessage(factors.filter((s) => s.fromReturns).map((s) => s.ticker), prices));
  }
  let rfSeries: PanelSeries | undefined;
  if (config.riskFree !== null) {
    rfSeries = findSeries(panel, config.riskFree);
    if (!rfSeries) throw new BacktestDataError(`Risk-free series ${config.riskFree} is not in the data set (it has ${panel.series.map((x) => x.ticker).join(', ')}): import it, or leave the risk-free series empty to use the constant risk-free rate`);
    if (!rfSeries.fromReturns) throw new BacktestDataError(`${rfSeries.ticker} does not hold returns (it was imported as ${rfSeries.kind === 'level' ? 'levels' : 'prices'}), so it cannot be the daily risk-free rate: choose a return series such as Ken French's RF, or leave the risk-free series empty`);
    if (sameTicker(rfSeries.ticker, market.ticker) || factors.some((f) => sameTicker(f.ticker, rfSeries!.ticker))) throw new BacktestDataError(`${rfSeries.ticker} is the market or a factor: it cannot also be the risk-free rate`);
  }
  const env = config.useEnvironment
    ? [config.environment.vix, config.environment.yield2y, config.environment.yield10y].map((t) => {
      const s = findSeries(panel, t);
      if (!s) throw new BacktestDataError(`Environment series ${t} is not in the data set: import it, or set useEnvironment=false to run on 14 features`);
      return s;
    })
    : [];

  // Date range: the configuration's start/end, then the span where every used series is known.
  let lo = config.startDate ? lowerBound(panel.dates, config.startDate) : 0;
  let hi = config.endDate ? lowerBound(panel.dates, `${config.endDate}~`) : panel.dates.length;
  const used = [market, ...factors, ...(rfSeries ? [rfSeries] : []), ...env];
  for (const s of used) {
    let a = lo; while (a < hi && !Number.isFinite(s.values[a]!)) a++;
    let b = hi; while (b > a && !Number.isFinite(s.values[b - 1]!)) b--;
    if (a > lo) { notes.push(`Range starts ${panel.dates[a]} because ${s.ticker} starts then.`); lo = a; }
    if (s.lastObserved) {
      // The importer carried this level past its last observation (method.md §1): stop there rather
      // than feed the models stale values.
      const end = lowerBound(panel.dates, `${s.lastObserved}~`);
      if (end < b) b = end;
    }
    if (b < hi) { notes.push(`Range ends ${panel.dates[b - 1]} because ${s.ticker} ends then${s.kind === 'level' ? ' (an environment series is not carried forward past its last observation; set useEnvironment=false to use the later days on 14 features)' : ''}.`); hi = b; }
  }
  const T = hi - lo;
  if (T < 300) throw new BacktestDataError(`Only ${Math.max(T, 0)} common trading days between ${panel.dates[lo] ?? '?'} and ${panel.dates[hi - 1] ?? '?'}: the backtest needs years of history`);
  const dates = panel.dates.slice(lo, hi);

  /** Simple returns of one series on the run's days (row 0 NaN): the ratio of consecutive prices or index values. */
  const simpleReturns = (s: PanelSeries): Float64Array => {
    const v = s.values, r = new Float64Array(T).fill(NaN);
    for (let t = 1; t < T; t++) {
      const p0 = v[lo + t - 1]!, p1 = v[lo + t]!;
      if (!(p0 > 0) || !(p1 > 0)) throw new BacktestDataError(`${s.ticker} has no usable ${s.fromReturns ? 'value' : 'price'} on ${dates[t - 1]} or ${dates[t]} (got ${p0}, ${p1}): fix the file and import it again`);
      r[t] = p1 / p0 - 1;
    }
    return r;
  };
  let marketReturns = simpleReturns(market);
  const own = factors.map(simpleReturns);
  const riskFree = rfSeries ? simpleReturns(rfSeries) : undefined;
  if (longShort && riskFree) {
    // r_m = (Mkt-RF) + RF (method.md §12).
    const total = new Float64Array(T).fill(NaN);
    for (let t = 1; t < T; t++) total[t] = marketReturns[t]! + riskFree[t]!;
    marketReturns = total;
  }
  const N = factors.length + 1;
  const returns = new Float64Array(T * N).fill(NaN);
  const active = factors.map(() => new Float64Array(T).fill(NaN));
  for (let t = 1; t < T; t++) {
    const rm = marketReturns[t]!;
    returns[t * N] = rm;
    for (let f = 0; f < factors.length; f++) {
      const x = own[f]![t]!;
      if (longShort) { returns[t * N + f + 1] = rm + x; active[f]![t] = x; } else { returns[t * N + f + 1] = x; active[f]![t] = x - rm; }
    }
  }
  const universe = describeUniverse(config.universe, market.ticker, factors.map((s) => s.ticker), rfSeries?.ticker ?? null);
  if (longShort || rfSeries) notes.unshift(universe.description);
  const level = (s: PanelSeries | undefined) => (s ? s.values.slice(lo, hi) : undefined);
  return {
    dates, tickers: [market, ...factors].map((s) => s.ticker), factorTickers: factors.map((s) => s.ticker), returns, marketReturns, active,
    vix: level(env[0]), dgs2: level(env[1]), dgs10: level(env[2]), ...(riskFree ? { riskFree } : {}), universe, notes,
  };
}
