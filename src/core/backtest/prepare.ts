// From a stored panel and a run configuration to the arrays the backtest needs (method.md §1):
// simple returns of the universe (market first, then the factors), each factor's active return,
// and the environment levels. Problems a person can fix raise BacktestDataError with what, where
// and what to do (the CLI maps it to exit code 2).
import { findSeries, sameTicker, type Panel, type PanelSeries } from '../data/panel.ts';
import type { RunConfig } from '../config.ts';
import { lowerBound } from './schedule.ts';

export class BacktestDataError extends Error {}

export interface BacktestData {
  dates: string[];
  /** Universe in weight order: market first, then factors. */
  tickers: string[];
  factorTickers: string[];
  /** T×N simple returns, row-major; row 0 is NaN. */
  returns: Float64Array;
  marketReturns: Float64Array;
  /** Per factor: a_t = r_f − r_m. */
  active: Float64Array[];
  vix?: Float64Array;
  dgs2?: Float64Array;
  dgs10?: Float64Array;
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

export function prepareBacktestData(panel: Panel, config: RunConfig): BacktestData {
  const notes: string[] = [];
  const market = needSeries(panel, config.market, 'Market');
  const factors = config.factors.map((f) => needSeries(panel, f.ticker, 'Factor'));
  for (const s of [market, ...factors]) {
    if (s.kind !== 'price') throw new BacktestDataError(`${s.ticker} holds levels, not prices: it cannot be the market or a factor`);
  }
  if (factors.some((f) => sameTicker(f.ticker, market.ticker))) throw new BacktestDataError(`${market.ticker} is both the market and a factor: remove it from the factors`);
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
  const used = [market, ...factors, ...env];
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
  const uni = [market, ...factors];
  const N = uni.length;
  const returns = new Float64Array(T * N).fill(NaN);
  for (let i = 0; i < N; i++) {
    const v = uni[i]!.values;
    for (let t = 1; t < T; t++) {
      const p0 = v[lo + t - 1]!, p1 = v[lo + t]!;
      if (!(p0 > 0) || !(p1 > 0)) throw new BacktestDataError(`${uni[i]!.ticker} has no usable price on ${dates[t - 1]} or ${dates[t]} (got ${p0}, ${p1}): fix the file and import it again`);
      returns[t * N + i] = p1 / p0 - 1;
    }
  }
  const marketReturns = new Float64Array(T).fill(NaN);
  for (let t = 1; t < T; t++) marketReturns[t] = returns[t * N]!;
  const active = factors.map((_, f) => {
    const a = new Float64Array(T).fill(NaN);
    for (let t = 1; t < T; t++) a[t] = returns[t * N + f + 1]! - returns[t * N]!;
    return a;
  });
  const level = (s: PanelSeries | undefined) => (s ? s.values.slice(lo, hi) : undefined);
  return {
    dates, tickers: uni.map((s) => s.ticker), factorTickers: factors.map((s) => s.ticker), returns, marketReturns, active,
    vix: level(env[0]), dgs2: level(env[1]), dgs10: level(env[2]), notes,
  };
}
