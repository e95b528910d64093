// Universes built from long-short factor returns (method.md §12): market r_m = (Mkt-RF) + RF, each
// factor f the asset "market + f" with return r_m + a_f and active return a_f; RF the daily
// risk-free rate of Sharpe and Sortino. References: the same sums and products computed here from
// the file's own text; computeMetrics's formulas written out by hand.
import { describe, it, expect } from 'vitest';
import { importFiles } from '../../../src/core/data/import.ts';
import type { Panel } from '../../../src/core/data/panel.ts';
import { defaultConfig, validateConfig, type RunConfig } from '../../../src/core/config.ts';
import { prepareBacktestData, BacktestDataError } from '../../../src/core/backtest/prepare.ts';
import { runBacktest } from '../../../src/core/backtest/index.ts';
import { fitConfigToDataset } from '../../../src/core/universe.ts';
import { computeMetrics } from '../../../src/core/metrics/performance.ts';
import { periodInputFromResult, periodTable, decadePeriodWindows, defaultPeriodWindows } from '../../../src/core/metrics/periods.ts';
import { decadeTable } from '../../../src/core/backtest/report.ts';
import { frenchFile, iso } from '../../fixtures/french.ts';

function fitted(panel: Panel, edit: (c: RunConfig) => void = () => {}): { config: RunConfig; changes: string[] } {
  const c = defaultConfig();
  edit(c);
  return fitConfigToDataset(c, { id: 'f'.repeat(64), name: 'French', panel });
}

describe('Ken French files: roles and the built universe', () => {
  const f = frenchFile(400, 1);
  const r = importFiles([{ name: 'F-F_Research_Data_Factors_daily.CSV', text: f.text }]);
  const panel = r.panel!;

  it('are recognised: Mkt-RF the market, RF the risk-free rate, the others long-short factors, all return series, names as written', () => {
    expect(panel.series.map((s) => [s.ticker, s.role, s.fromReturns])).toEqual([
      ['Mkt-RF', 'market', true], ['SMB', 'longShort', true], ['HML', 'longShort', true], ['RF', 'riskFree', true],
    ]);
  });

  it('the default configuration is fitted to them and every change is said', () => {
    const { config, changes } = fitted(panel);
    expect(config).toMatchObject({ market: 'Mkt-RF', factors: [{ ticker: 'SMB' }, { ticker: 'HML' }], universe: 'longShort', riskFree: 'RF', useEnvironment: false });
    expect(validateConfig(config).ok).toBe(true);
    const text = changes.join('\n');
    expect(text).toContain('is a market or factor of “French”: using its roles (market Mkt-RF; factors SMB and HML)');
    expect(text).toContain('research proxy, not an investable fund');
    expect(text).toContain('Using RF, the data set\'s daily risk-free rate');
    expect(text).toContain('running on the 14 return features');
    // A fixed point: fitting again changes nothing.
    expect(fitConfigToDataset(config, { id: 'f'.repeat(64), name: 'French', panel })).toEqual({ config, changes: [] });
  });

  it('market = Mkt-RF + RF and asset f = market + f each day, active = f, rf = RF, as the file writes them (1e-12)', () => {
    const data = prepareBacktestData(panel, fitted(panel).config);
    expect(data.dates).toEqual(f.dates.map(iso));
    expect(data.tickers).toEqual(['Mkt-RF', 'SMB', 'HML']);
    expect(data.universe.assets).toEqual(['Mkt-RF + RF', 'market + SMB', 'market + HML']);
    expect(data.notes[0]).toContain('a research proxy, not an investable fund');
    const N = 3;
    let wm = 1, wmRef = 1;
    const w = [1, 1], wRef = [1, 1];
    for (let t = 1; t < f.dates.length; t++) {
      const raw = f.rows[t]!;
      const rm = (raw['Mkt-RF']! + raw.RF!) / 100;
      expect(data.marketReturns[t]).toBeCloseTo(rm, 12);
      expect(data.riskFree![t]).toBeCloseTo(raw.RF! / 100, 12);
      ['SMB', 'HML'].forEach((k, i) => {
        expect(data.active[i]![t]).toBeCloseTo(raw[k]! / 100, 12);
        expect(data.returns[t * N + i + 1]).toBe(data.marketReturns[t]! + data.active[i]![t]!);
        w[i]! *= 1 + data.returns[t * N + i + 1]!; wRef[i]! *= 1 + rm + raw[k]! / 100;
      });
      wm *= 1 + data.returns[t * N]!; wmRef *= 1 + rm;
    }
    expect(Math.abs(wm / wmRef - 1)).toBeLessThan(1e-12);
    w.forEach((x, i) => expect(Math.abs(x / wRef[i]! - 1)).toBeLessThan(1e-12));
  });

  it('as prices (universe "prices") the same series are plain assets: active = r_f − r_m', () => {
    const config = { ...fitted(panel).config, universe: 'prices' as const };
    const data = prepareBacktestData(panel, config);
    const t = 10;
    expect(data.marketReturns[t]).toBeCloseTo(f.rows[t]!['Mkt-RF']! / 100, 12);
    expect(data.active[0]![t]).toBe(data.returns[t * 3 + 1]! - data.returns[t * 3]!);
  });
});

describe('missing values (-99.99, -999) are missing, never returns of -99.99 %', () => {
  const f = frenchFile(300, 2, [[50, 'HML', '-99.99'], [51, 'HML', '-99.99'], [120, 'SMB', '-999'], [200, 'Mkt-RF', '-99.99']]);
  const r = importFiles([{ name: 'F-F_Research_Data_Factors_daily.CSV', text: f.text }]);
  const data = prepareBacktestData(r.panel!, fitted(r.panel!).config);

  it('the import reports each mark as Ken French\'s missing value', () => {
    const msgs = r.reports[0]!.issues.map((i) => i.message);
    expect(msgs.filter((m) => /Ken French's mark for a missing value/.test(m))).toHaveLength(4);
  });

  it('no built return is anywhere near -99.99 %: a missing factor return counts 0 on its day, the next day earns its own return', () => {
    for (let i = 0; i < data.returns.length; i++) if (Number.isFinite(data.returns[i]!)) expect(data.returns[i]!).toBeGreaterThan(-0.2);
    expect(data.active[1]![50]).toBe(0);
    expect(data.active[1]![51]).toBe(0);
    expect(data.active[1]![52]).toBeCloseTo(f.rows[52]!.HML! / 100, 12);
    expect(data.active[0]![120]).toBe(0);
    // The market's excess return missing: that day the market earns RF only.
    expect(data.marketReturns[200]).toBeCloseTo(f.rows[200]!.RF! / 100, 12);
  });
});

describe('a mixed set: long-short factor returns and asset prices', () => {
  const f = frenchFile(400, 3);
  const etf = ['Date,Adj Close', ...f.dates.map((d, i) => `${iso(d)},${(100 * (1 + i / 1000)).toFixed(4)}`)].join('\n');
  const r = importFiles([{ name: 'F-F_Research_Data_Factors_daily.CSV', text: f.text }, { name: 'SPY.csv', text: etf }, { name: 'QUAL.csv', text: etf }]);

  it('the import says what can be combined and leaves the prices unused', () => {
    const w = r.panelReport!.issues.find((i) => /cannot be combined/.test(i.message))!;
    expect(w.severity).toBe('warning');
    expect(w.message).toContain('SPY and QUAL hold asset prices and SMB and HML are long-short factor returns');
    expect(w.message).toContain('Long-short factor returns combine with a market excess return and a risk-free rate of the same source');
    expect(w.message).toContain('environment series (VIX, DGS2, DGS10) combine with either');
    expect(w.action).toBe('SPY and QUAL set to unused');
    expect(r.panel!.series.filter((s) => s.role !== 'unused').map((s) => s.ticker)).toEqual(['Mkt-RF', 'SMB', 'HML', 'RF']);
  });

  it('the default configuration runs on the long-short universe', () => {
    expect(fitted(r.panel!).config).toMatchObject({ market: 'Mkt-RF', universe: 'longShort', factors: [{ ticker: 'SMB' }, { ticker: 'HML' }] });
  });

  it('a configuration that mixes them stops with the same message', () => {
    const config: RunConfig = { ...defaultConfig(), market: 'SPY', factors: [{ ticker: 'SMB' }, { ticker: 'QUAL' }], universe: 'longShort', useEnvironment: false };
    expect(() => prepareBacktestData(r.panel!, config)).toThrow(BacktestDataError);
    expect(() => prepareBacktestData(r.panel!, config)).toThrow(/SPY and QUAL hold asset prices and SMB is a long-short factor return: they cannot be combined/);
  });

  it('a long-short role on a price series is refused at import', () => {
    const again = importFiles([{ name: 'SPY.csv', text: etf }, { name: 'QUAL.csv', text: etf }], { roles: { QUAL: 'longShort' } });
    expect(again.panelReport!.issues.find((i) => /QUAL holds prices, not returns, so it cannot be a long-short factor/.test(i.message))).toBeDefined();
    expect(again.panel!.series.find((s) => s.ticker === 'QUAL')!.role).toBe('factor');
  });
});

describe('the daily risk-free rate in the metrics', () => {
  it('Sharpe and Sortino subtract each day\'s rate (method.md §10 with a daily rf)', () => {
    const R = Float64Array.from([0.01, -0.004, 0.006, 0.002, -0.012, 0.009, 0.001]);
    const rf = Float64Array.from([0.0002, 0.0001, 0.0003, 0.0002, 0.0001, 0.0002, 0.0004]);
    const ex = Array.from(R, (r, i) => r - rf[i]!);
    const mean = ex.reduce((a, b) => a + b, 0) / ex.length;
    const sd = Math.sqrt(ex.reduce((a, b) => a + (b - mean) ** 2, 0) / (ex.length - 1));
    const down = Math.sqrt(ex.reduce((a, b) => a + Math.min(b, 0) ** 2, 0) / ex.length);
    const m = computeMetrics(R, { rf });
    expect(m.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(252), 12);
    expect(m.sortino).toBeCloseTo((252 * mean) / (Math.sqrt(252) * down), 12);
    // A constant daily series equals the annual rate it stands for.
    const flat = computeMetrics(R, { rf: new Float64Array(R.length).fill(0.03 / 252) });
    const annual = computeMetrics(R, { rf: 0.03 });
    expect(flat.sharpe).toBeCloseTo(annual.sharpe!, 12);
    expect(flat.sortino).toBeCloseTo(annual.sortino!, 12);
    expect(() => computeMetrics(R, { rf: rf.subarray(1) })).toThrow(/rf has 6 days, returns 7/);
  });
});

describe('a run on a long-short universe', () => {
  const f = frenchFile(1900, 4, [], '2003-01-01');
  const panel = importFiles([{ name: 'F-F_Research_Data_Factors_daily.CSV', text: f.text }]).panel!;
  const { config } = fitted(panel, (c) => {
    c.trainMinYears = 4; c.trainMaxYears = 5; c.refitFrequency = 'quarterly'; c.model.nInit = 2; c.model.maxFeatures = 4;
    c.strategies.asymmetric = false;
  });
  const result = runBacktest(panel, config);

  it('says what it built, names the market after it, and keeps the daily rf in the result', () => {
    expect(result.notes[0]).toContain('Universe built from long-short factor returns');
    expect(result.market.label).toBe('Market (Mkt-RF + RF)');
    const e = result.evalStartIndex;
    const t = panel.dates.indexOf(result.dates[e]!);
    expect(result.riskFree![e]).toBeCloseTo(f.rows[t]!.RF! / 100, 12);
  });

  it('the metrics and the period table use the daily rf', () => {
    const e = result.evalStartIndex;
    const R = Float64Array.from(result.market.returns.slice(e) as number[]);
    const rf = Float64Array.from(result.riskFree!.slice(e) as number[]);
    expect(result.market.metrics.sharpe).toBe(computeMetrics(R, { rf, dates: result.dates.slice(e) }).sharpe);
    const input = periodInputFromResult(result);
    const full = periodTable(input, [{ id: 'full', label: 'Full', kind: 'full', from: null, to: null }]).rows[0]!;
    expect(full.series.find((s) => s.key === 'market')!.metrics).toEqual(result.market.metrics);
  });

  it('the decade table has the main table\'s metrics for every decade of the out-of-sample period', () => {
    const text = decadeTable(result);
    expect(text.split('\n')[0]).toMatch(/^Decade +Series +CAGR +Volatility +Sharpe .*Information ratio vs market$/);
    expect(text).toContain('2000s (2007-');
    expect(text).toContain('2010s (2010-01 – 2010-');
    expect(text.split('\n')).toHaveLength(2 + 2 * 3);
  });
});

describe('decade windows', () => {
  it('cover every decade the dates touch, and join the default windows when there are two or more', () => {
    expect(decadePeriodWindows(['1971-11-02', '1990-05-01', '2022-12-30']).map((w) => [w.label, w.from, w.to])).toEqual([
      ['1970s', '1970-01-01', '1979-12-31'], ['1980s', '1980-01-01', '1989-12-31'], ['1990s', '1990-01-01', '1999-12-31'],
      ['2000s', '2000-01-01', '2009-12-31'], ['2010s', '2010-01-01', '2019-12-31'], ['2020s', '2020-01-01', '2029-12-31'],
    ]);
    expect(defaultPeriodWindows(['2021-11-02', '2025-12-30']).some((w) => w.kind === 'decade')).toBe(false);
    expect(defaultPeriodWindows(['2008-11-02', '2025-12-30']).filter((w) => w.kind === 'decade').map((w) => w.label)).toEqual(['2000s', '2010s', '2020s']);
  });
});
