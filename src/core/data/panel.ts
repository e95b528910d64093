// The aligned price panel (method.md §1): one value per asset per trading day, on one calendar.
// Plain data only (strings, numbers, Float64Array) so it crosses worker boundaries and is stored
// in IndexedDB by structured clone.

/**
 * What a series is for. Market and factors hold prices (or indices of returns); environment series
 * hold levels. A long-short factor (a return series such as Ken French's SMB) becomes the asset
 * "market + factor", and the risk-free rate (RF) is a daily return series for the metrics
 * (method.md §12; src/core/backtest/prepare.ts builds that universe).
 */
export type AssetRole = 'market' | 'factor' | 'longShort' | 'riskFree' | 'environment' | 'unused';

export interface PanelSeries {
  /** Ticker as the file writes it (SPY, QUAL, VIX, Mkt-RF …); match it with sameTicker, never ===. */
  ticker: string;
  role: AssetRole;
  /** 'price' for adjusted closes (market, factors), 'level' for environment series (VIX, yields in %). */
  kind: 'price' | 'level';
  /** values[i] belongs to dates[i]. Prices are > 0; levels may be any finite number. */
  values: Float64Array;
  /**
   * The file held daily returns (percent or decimal), chained here into an index that starts at 100
   * (kind 'price'): the day's return is values[i] / values[i−1] − 1. Only such a series can be a
   * long-short factor or the risk-free rate. Not part of the data set's id (src/core/hash.ts).
   */
  fromReturns?: true;
  /**
   * Levels only: the last date with a real observation, when the importer carried the last value
   * forward past it to the panel's end (method.md §1). A run using this series stops there.
   */
  lastObserved?: string;
}

export interface Panel {
  /** ISO dates YYYY-MM-DD, strictly ascending: the common trading calendar of market and factors. */
  dates: string[];
  series: PanelSeries[];
}

/** Default roles for the default universe; everything else starts as 'unused' prices. */
export const DEFAULT_MARKET = 'SPY';
export const DEFAULT_FACTORS = ['QUAL', 'MTUM', 'USMV', 'VLUE', 'SIZE', 'IWF'] as const;
export const DEFAULT_ENVIRONMENT = ['VIX', 'DGS2', 'DGS10'] as const;
export const FACTOR_NAMES: Record<string, string> = {
  QUAL: 'Quality', MTUM: 'Momentum', USMV: 'Low volatility', VLUE: 'Value', SIZE: 'Size', IWF: 'Growth',
};

export function seriesByRole(panel: Panel, role: AssetRole): PanelSeries[] {
  return panel.series.filter((s) => s.role === role);
}

/**
 * Do two tickers name the same series? Case-insensitive: names keep the case their file writes
 * (Ken French's `Mkt-RF`) while configurations, share links and roles may spell them otherwise.
 */
export function sameTicker(a: string, b: string): boolean {
  return a === b || a.toUpperCase() === b.toUpperCase();
}

/** The series of this ticker, in any case. */
export function findSeries(panel: Panel, ticker: string): PanelSeries | undefined {
  return panel.series.find((s) => sameTicker(s.ticker, ticker));
}
