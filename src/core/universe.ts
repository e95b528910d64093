// Fitting a run configuration to a data set (no finance: only which series a run uses). A
// configuration names its market, factors and environment series; a data set the person picks may
// hold other tickers. The roles set on the Data screen (or by the importer) decide the universe
// then, and every change is listed so the Backtest screen and the command line can say what was
// adjusted. The page, the workers and the CLI all fit a configuration with this one function.
import { DEFAULT_CONFIG, type DatasetRef, type RunConfig, type UniverseKind } from './config.ts';
import { BacktestDataError, prepareBacktestData, type BacktestData, type BuiltUniverse } from './backtest/prepare.ts';
import { findSeries, sameTicker, type AssetRole, type Panel, type PanelSeries } from './data/panel.ts';
import { listTickers } from './data/roles.ts';

export interface DatasetLike {
  id: string;
  name: string;
  panel: Panel;
}

export interface FittedConfig {
  config: RunConfig;
  /** What was changed to fit the data set, in plain words (empty when nothing was). */
  changes: string[];
}

/** The reference a configuration (and a share link) carries for a data set. Its id is its content hash. */
export function datasetRef(ds: DatasetLike): DatasetRef {
  const d = ds.panel.dates;
  return { id: ds.id, name: ds.name, hash: ds.id, firstDate: d[0] ?? '', lastDate: d[d.length - 1] ?? '' };
}

/** Is `ref` this data set (same content hash)? */
export function sameDataset(ref: DatasetRef | null | undefined, ds: { id: string } | null | undefined): boolean {
  return !!ref && !!ds && (ref.hash === ds.id || ref.id === ds.id);
}

/**
 * `config` with the data set's reference filled in and its universe fitted to the data set:
 * tickers the data set lacks are replaced by the tickers with the matching role, environment
 * features are switched off when a series is missing. Tickers match in any case and take the data
 * set's spelling (a link written with MKT-RF finds Mkt-RF). Per-factor settings of kept factors stay.
 *
 * Long-short factor returns (method.md §12): when the factors have the role 'longShort' (Ken
 * French's files get it on import), the universe is built from them ('longShort': each factor
 * becomes the asset "market + factor") and asset prices among the factors are left out, since the
 * two cannot be combined. A series with the role 'riskFree' (RF) becomes the risk-free rate of the
 * metrics when the configuration names none.
 */
export function fitConfigToDataset(config: RunConfig, ds: DatasetLike | null): FittedConfig {
  if (!ds) return { config, changes: [] };
  const changes: string[] = [];
  const series = ds.panel.series;
  const priceSeries = (t: string) => { const s = findSeries(ds.panel, t); return s && s.kind === 'price' ? s : undefined; };
  const isFactorRole = (s: PanelSeries) => s.role === 'factor' || s.role === 'longShort';

  // A configuration none of whose tickers has its role here (made on another data set, such as the
  // default SPY/QUAL/… on a set whose ETF files the importer set to unused) takes the roles instead.
  const roleMarket = series.find((s) => s.role === 'market' && s.kind === 'price');
  const roleFactors = series.filter((s) => isFactorRole(s) && s.kind === 'price' && s !== roleMarket);
  const hasRole = (t: string, roles: AssetRole[]) => { const s = priceSeries(t); return !!s && roles.includes(s.role); };
  const foreign = !!roleMarket && roleFactors.length > 0 && !hasRole(config.market, ['market']) && !config.factors.some((f) => hasRole(f.ticker, ['factor', 'longShort']));
  let market = priceSeries(config.market)?.ticker ?? config.market;
  if (foreign) {
    changes.push(`None of ${listTickers([config.market, ...config.factors.map((f) => f.ticker)])} is a market or factor of “${ds.name}”: using its roles (market ${roleMarket.ticker}; factors ${listTickers(roleFactors.map((s) => s.ticker))}).`);
    market = roleMarket.ticker;
  } else if (!priceSeries(market) && roleMarket) {
    changes.push(`Market ${market} is not in “${ds.name}”: using ${roleMarket.ticker} (its market series).`);
    market = roleMarket.ticker;
  }

  let factors = foreign ? [] : config.factors.filter((f) => priceSeries(f.ticker) && !sameTicker(f.ticker, market))
    .map((f) => ({ ...f, ticker: priceSeries(f.ticker)!.ticker }));
  const dropped = config.factors.filter((f) => !factors.some((k) => sameTicker(k.ticker, f.ticker))).map((f) => f.ticker);
  if (foreign) {
    factors = roleFactors.map((s) => ({ ticker: s.ticker }));
  } else if (!factors.length) {
    factors = series.filter((s) => isFactorRole(s) && s.kind === 'price' && !sameTicker(s.ticker, market)).map((s) => ({ ticker: s.ticker }));
    if (factors.length) changes.push(`None of the factors ${config.factors.map((f) => f.ticker).join(', ')} is in “${ds.name}”: using its factor series ${factors.map((f) => f.ticker).join(', ')}.`);
  } else if (dropped.length) {
    changes.push(`Left out ${dropped.join(', ')}: not in “${ds.name}”.`);
  }

  // Long-short factor returns or asset prices (method.md §12): the roles of the chosen factors decide.
  let universe: UniverseKind = config.universe;
  const chosen = factors.map((f) => priceSeries(f.ticker)!);
  const longShort = chosen.filter((s) => s.role === 'longShort');
  if (longShort.length) {
    universe = 'longShort';
    const prices = chosen.filter((s) => !s.fromReturns).map((s) => s.ticker);
    if (prices.length) {
      factors = factors.filter((f) => !prices.some((p) => sameTicker(p, f.ticker)));
      changes.push(`Left out ${listTickers(prices)}: ${prices.length > 1 ? 'they hold' : 'it holds'} asset prices, which cannot be combined with the long-short factor returns ${listTickers(longShort.map((s) => s.ticker))}.`);
    }
    const m = priceSeries(market);
    if (m && !m.fromReturns) {
      const alt = series.find((s) => s.role === 'market' && s.fromReturns);
      if (alt) { changes.push(`Market ${market} holds asset prices: using ${alt.ticker}, the data set's market return series, for the long-short factors.`); market = alt.ticker; }
    }
  } else if (universe === 'longShort' && ![priceSeries(market), ...chosen].every((s) => s?.fromReturns)) {
    universe = 'prices';
  }
  if (universe !== config.universe) {
    changes.push(universe === 'longShort'
      ? `“${ds.name}” holds long-short factor returns (${listTickers(factors.map((f) => f.ticker))}): the universe is built from them — each factor becomes the asset "market + factor", a daily-rebalanced overlay (a research proxy, not an investable fund).`
      : `The factors of “${ds.name}” are asset prices: the universe is built from prices.`);
  }

  // The risk-free series: the configuration's when the data set has it, else the data set's 'riskFree' role.
  let riskFree: string | null = null;
  const usable = (s: PanelSeries | undefined) => !!s && !!s.fromReturns && !sameTicker(s.ticker, market) && !factors.some((f) => sameTicker(f.ticker, s.ticker));
  const named = config.riskFree !== null ? findSeries(ds.panel, config.riskFree) : undefined;
  const role = series.find((s) => s.role === 'riskFree');
  if (usable(named)) riskFree = named!.ticker;
  else if (usable(role)) {
    riskFree = role!.ticker;
    changes.push(`${config.riskFree !== null ? `Risk-free series ${config.riskFree} is not a return series of “${ds.name}”: using` : 'Using'} ${riskFree}, the data set's daily risk-free rate, in Sharpe and Sortino${universe === 'longShort' ? ` and in the market's total return (${market} + ${riskFree})` : ''}.`);
  } else if (config.riskFree !== null) {
    changes.push(`Risk-free series ${config.riskFree} is not a return series of “${ds.name}”: using the constant risk-free rate.`);
  }

  let useEnvironment = config.useEnvironment;
  let environment = config.environment;
  if (useEnvironment) {
    const env = [config.environment.vix, config.environment.yield2y, config.environment.yield10y];
    const missing = env.filter((t) => !findSeries(ds.panel, t));
    if (missing.length) {
      useEnvironment = false;
      changes.push(`Environment series ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not in “${ds.name}”: running on the 14 return features.`);
    } else {
      const [vix, yield2y, yield10y] = env.map((t) => findSeries(ds.panel, t)!.ticker) as [string, string, string];
      environment = { vix, yield2y, yield10y };
    }
  }

  const ref = datasetRef(ds);
  const sameFactors = factors.length === config.factors.length && factors.every((f, i) => f.ticker === config.factors[i]!.ticker);
  const sameEnvironment = environment.vix === config.environment.vix && environment.yield2y === config.environment.yield2y && environment.yield10y === config.environment.yield10y;
  const unchanged = market === config.market && sameFactors && useEnvironment === config.useEnvironment && sameEnvironment &&
    universe === config.universe && riskFree === config.riskFree;
  const sameRef = !!config.dataset && config.dataset.id === ref.id && config.dataset.hash === ref.hash && config.dataset.name === ref.name &&
    config.dataset.firstDate === ref.firstDate && config.dataset.lastDate === ref.lastDate;
  if (unchanged && sameRef) return { config, changes };
  return {
    config: { ...config, dataset: ref, market, factors: sameFactors ? config.factors : factors, useEnvironment, environment, universe, riskFree },
    changes,
  };
}

/** The universe the roles of a data set build from long-short factor returns, as series to show (the Data screen). */
export interface RoleUniverse {
  universe: BuiltUniverse;
  /** Growth of 1 of each built asset on the days a run would use (market first, then "market + f"). */
  panel: Panel;
  /** Where the days stop short of the data set's, and why ("Range ends … because … ends then."). */
  notes: string[];
}

/**
 * What a backtest would build from this data set's roles when they describe a long-short universe
 * (a 'market' return series and 'longShort' factors, method.md §12): the very returns
 * prepareBacktestData computes, compounded into growth of 1. Null when no series has the
 * long-short role; { error } when the roles cannot make a universe (the message says why).
 */
export function buildRoleUniverse(panel: Panel): RoleUniverse | { error: string } | null {
  const factors = panel.series.filter((s) => s.role === 'longShort');
  if (!factors.length) return null;
  const market = panel.series.find((s) => s.role === 'market');
  if (!market) return { error: 'No series is the market: give the market excess return (Mkt-RF) the role Market to build the universe.' };
  const riskFree = panel.series.find((s) => s.role === 'riskFree');
  const config: RunConfig = {
    ...DEFAULT_CONFIG, universe: 'longShort', market: market.ticker, factors: factors.map((s) => ({ ticker: s.ticker })),
    riskFree: riskFree?.ticker ?? null, useEnvironment: false, dataset: null,
  };
  let data: BacktestData;
  try {
    data = prepareBacktestData(panel, config);
  } catch (e) {
    if (e instanceof BacktestDataError) return { error: e.message };
    throw e;
  }
  const T = data.dates.length, N = data.tickers.length;
  const series = data.universe.assets.map((ticker, i): PanelSeries => {
    const values = new Float64Array(T);
    values[0] = 1;
    for (let t = 1; t < T; t++) values[t] = values[t - 1]! * (1 + data.returns[t * N + i]!);
    return { ticker, role: i === 0 ? 'market' : 'factor', kind: 'price', values };
  });
  return { universe: data.universe, panel: { dates: data.dates, series }, notes: data.notes.slice(1) };
}
