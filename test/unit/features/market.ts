// Real daily data for end-to-end checks (../shared/data/market, read in place, never copied).
// A deliberately small loader: inner join of market and factor dates, environment levels aligned by
// last known value (method.md §1). The product's importer lives in src/core/data.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const MARKET_DIR = resolve(repoRoot, '../shared/data/market');
export const haveMarket = existsSync(join(MARKET_DIR, 'SPY.csv'));

function readSeries(file: string, col: string): Map<string, number> {
  const lines = readFileSync(join(MARKET_DIR, file), 'utf8').trim().split(/\r?\n/);
  const header = lines[0]!.split(',');
  const j = header.indexOf(col);
  const m = new Map<string, number>();
  for (const line of lines.slice(1)) {
    const c = line.split(',');
    const v = Number(c[j]);
    if (Number.isFinite(v)) m.set(c[0]!, v);
  }
  return m;
}

export interface FactorInput { dates: string[]; active: Float64Array; market: Float64Array; vix: Float64Array; dgs2: Float64Array; dgs10: Float64Array }

/** Active and market returns of one factor ETF against SPY, plus VIX / DGS2 / DGS10 levels. */
export function loadFactor(ticker: string, endDate = '2025-12-30'): FactorInput {
  const spy = readSeries('SPY.csv', 'AdjClose'), f = readSeries(`${ticker}.csv`, 'AdjClose');
  const dates = [...f.keys()].filter((d) => spy.has(d) && d <= endDate).sort();
  const T = dates.length;
  const active = new Float64Array(T), market = new Float64Array(T);
  active[0] = NaN; market[0] = NaN;
  for (let t = 1; t < T; t++) {
    const rm = spy.get(dates[t]!)! / spy.get(dates[t - 1]!)! - 1;
    const rf = f.get(dates[t]!)! / f.get(dates[t - 1]!)! - 1;
    market[t] = rm; active[t] = rf - rm;
  }
  const env = (file: string, col: string): Float64Array => {
    const s = readSeries(file, col);
    const keys = [...s.keys()].sort();
    const out = new Float64Array(T);
    let k = 0, last = NaN;
    for (let t = 0; t < T; t++) {
      while (k < keys.length && keys[k]! <= dates[t]!) { last = s.get(keys[k]!)!; k++; }
      out[t] = last;
    }
    return out;
  };
  return { dates, active, market, vix: env('VIXCLS.csv', 'VIXCLS'), dgs2: env('DGS2.csv', 'DGS2'), dgs10: env('DGS10.csv', 'DGS10') };
}
