// A small numeric summary of a panel for the CLI and the Data screen: per series its range of
// values and, for prices, annualised return and volatility of simple daily returns (method.md §1).
import type { AssetRole, Panel } from './panel.ts';

export interface SeriesSummary {
  ticker: string;
  role: AssetRole;
  kind: 'price' | 'level';
  firstValue: number;
  lastValue: number;
  min: number;
  max: number;
  /** Dates without a value (NaN): only 'unused' series and late-starting levels have any. */
  missing: number;
  /** Prices only: geometric annual return over the panel, 252 trading days a year. */
  annualReturn?: number;
  /** Prices only: standard deviation of daily simple returns × √252. */
  annualVolatility?: number;
}

export interface PanelSummary {
  rows: number;
  firstDate: string;
  lastDate: string;
  tickers: string[];
  roles: Record<string, AssetRole>;
  series: SeriesSummary[];
}

export function summarisePanel(panel: Panel): PanelSummary {
  const n = panel.dates.length;
  const roles: Record<string, AssetRole> = {};
  const series: SeriesSummary[] = panel.series.map((s) => {
    roles[s.ticker] = s.role;
    let min = Infinity, max = -Infinity, missing = 0, first = NaN, last = NaN;
    let sum = 0, sum2 = 0, count = 0, prev = NaN;
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      if (Number.isNaN(v)) { missing++; prev = NaN; continue; }
      if (Number.isNaN(first)) first = v;
      last = v;
      if (v < min) min = v;
      if (v > max) max = v;
      if (!Number.isNaN(prev)) { const r = v / prev - 1; sum += r; sum2 += r * r; count++; }
      prev = v;
    }
    const out: SeriesSummary = { ticker: s.ticker, role: s.role, kind: s.kind, firstValue: first, lastValue: last, min, max, missing };
    if (s.kind === 'price' && count > 1) {
      const mean = sum / count;
      out.annualVolatility = Math.sqrt(Math.max(0, (sum2 - count * mean * mean) / (count - 1)) * 252);
      out.annualReturn = Math.pow(last / first, 252 / Math.max(1, count)) - 1;
    }
    return out;
  });
  return { rows: n, firstDate: panel.dates[0] ?? '', lastDate: panel.dates[n - 1] ?? '', tickers: panel.series.map((s) => s.ticker), roles, series };
}
