// Fitting a run configuration to a data set (no finance: only which series a run uses). A
// configuration names its market, factors and environment series; a data set the person picks may
// hold other tickers. The roles set on the Data screen (or by the importer) decide the universe
// then, and every change is listed so the Backtest screen and the command line can say what was
// adjusted. The page, the workers and the CLI all fit a configuration with this one function.
import type { DatasetRef, RunConfig } from './config.ts';
import { findSeries, sameTicker, type Panel } from './data/panel.ts';

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
 */
export function fitConfigToDataset(config: RunConfig, ds: DatasetLike | null): FittedConfig {
  if (!ds) return { config, changes: [] };
  const changes: string[] = [];
  const series = ds.panel.series;
  const priceSeries = (t: string) => { const s = findSeries(ds.panel, t); return s && s.kind === 'price' ? s : undefined; };

  let market = priceSeries(config.market)?.ticker ?? config.market;
  if (!priceSeries(market)) {
    const m = series.find((s) => s.role === 'market' && s.kind === 'price');
    if (m) { changes.push(`Market ${market} is not in “${ds.name}”: using ${m.ticker} (its market series).`); market = m.ticker; }
  }

  let factors = config.factors.filter((f) => priceSeries(f.ticker) && !sameTicker(f.ticker, market))
    .map((f) => ({ ...f, ticker: priceSeries(f.ticker)!.ticker }));
  const dropped = config.factors.filter((f) => !factors.some((k) => sameTicker(k.ticker, f.ticker))).map((f) => f.ticker);
  if (!factors.length) {
    factors = series.filter((s) => s.role === 'factor' && s.kind === 'price' && !sameTicker(s.ticker, market)).map((s) => ({ ticker: s.ticker }));
    if (factors.length) changes.push(`None of the factors ${config.factors.map((f) => f.ticker).join(', ')} is in “${ds.name}”: using its factor series ${factors.map((f) => f.ticker).join(', ')}.`);
  } else if (dropped.length) {
    changes.push(`Left out ${dropped.join(', ')}: not in “${ds.name}”.`);
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
  const unchanged = market === config.market && sameFactors && useEnvironment === config.useEnvironment && sameEnvironment;
  const sameRef = !!config.dataset && config.dataset.id === ref.id && config.dataset.hash === ref.hash && config.dataset.name === ref.name &&
    config.dataset.firstDate === ref.firstDate && config.dataset.lastDate === ref.lastDate;
  if (unchanged && sameRef) return { config, changes };
  return {
    config: { ...config, dataset: ref, market, factors: sameFactors ? config.factors : factors, useEnvironment, environment },
    changes,
  };
}
