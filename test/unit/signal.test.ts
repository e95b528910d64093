// The signal (method.md §6 timing, §12): the target decided at the last close is exactly what the
// backtest trades at the next close when the data go on (no look-ahead, the same code path).
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemoPanel } from '../../src/core/data/demo.ts';
import type { Panel } from '../../src/core/data/panel.ts';
import { defaultConfig, type RunConfig } from '../../src/core/config.ts';
import { runBacktest } from '../../src/core/backtest/index.ts';
import { signalFromResult, parseHoldings, withTrades, nextWeekday, nextRefitDate, lastPrices, HoldingsError } from '../../src/core/signal.ts';

function smallConfig(): RunConfig {
  const c = defaultConfig();
  c.factors = [{ ticker: 'QUAL' }, { ticker: 'MTUM' }, { ticker: 'USMV' }];
  c.trainMinYears = 4; c.trainMaxYears = 6;
  c.refitFrequency = 'quarterly';
  c.model.nInit = 3;
  c.model.maxFeatures = 5;
  return c;
}
const panel = generateDemoPanel(5, { start: '2008-01-01', end: '2016-12-31' });
const cut = (p: Panel, n: number): Panel => ({ dates: p.dates.slice(0, n), series: p.series.map((s) => ({ ...s, values: s.values.slice(0, n) })) });

describe('the signal', () => {
  const config = smallConfig();
  const full = runBacktest(panel, config);

  it('equals, bit for bit, the target the backtest trades at the next close when the data go on', () => {
    for (const back of [1, 7, 40]) {
      const n = panel.dates.length - back;
      const partial = runBacktest(cut(panel, n), config);
      for (const s of full.strategies) {
        const kind = s.key as 'symmetric' | 'asymmetric';
        const sig = signalFromResult(partial, kind);
        expect(sig.asOf).toBe(panel.dates[n - 1]);
        // Daily trading, no band: the weights held after the next close are the target decided at T.
        const next = full.dates.indexOf(panel.dates[n]!);
        expect(Object.values(sig.targetWeights)).toEqual(s.weights![next]);
        // The previous day's target is what was held after the last close of the shorter data.
        expect(Object.values(sig.previousTargetWeights!)).toEqual(s.weights![next - 1]);
      }
    }
  });

  it('weights are ≥ 0 and sum to 1; the regimes are the online labels of the last day', () => {
    const sig = signalFromResult(full);
    const w = Object.values(sig.targetWeights);
    for (const x of w) expect(x).toBeGreaterThanOrEqual(-1e-12);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const last = full.dates.length - 1;
    for (const f of full.factors) {
      const r = f.regimes.symmetric!;
      expect(sig.factors[f.ticker]!.regimeIndex).toBe(r.labels[last]);
      expect(sig.factors[f.ticker]!.expectedActiveReturn).toBe(r.expectedActiveReturn[last]);
      expect(['bull', 'bear']).toContain(sig.factors[f.ticker]!.regime);
      // The spell: every day since `since` has the regime, the day before it does not.
      const i = full.dates.indexOf(sig.factors[f.ticker]!.since);
      expect(r.labels.slice(i).every((x) => x === r.labels[last])).toBe(true);
      if (i > 0) expect(r.labels[i - 1]).not.toBe(r.labels[last]);
      expect(sig.factors[f.ticker]!.days).toBe(last - i + 1);
    }
    expect(sig.tradeOn > sig.asOf).toBe(true);
  });

  it('a strategy run alone gives the same signal as in a run of both (cli signal --strategy runs only that one)', () => {
    for (const kind of ['symmetric', 'asymmetric'] as const) {
      const alone = runBacktest(panel, { ...config, strategies: { symmetric: kind === 'symmetric', asymmetric: kind === 'asymmetric' } });
      expect(alone.strategies.map((s) => s.key)).toEqual([kind]);
      expect(signalFromResult(alone, kind)).toEqual(signalFromResult(full, kind));
    }
  });

  it('whether the next weekday is a trading day of the weekly or monthly schedule is the backtest\'s own rule', () => {
    const on = (asOf: string, rebalance: 'daily' | 'weekly' | 'monthly') => {
      const latest = { symmetric: { ...full.latest.symmetric!, date: asOf } };
      return signalFromResult({ ...full, latest, config: { ...full.config, rebalance } }, 'symmetric').controls.tradesOnTradeDay;
    };
    // Thursday 2016-12-29: trade on Friday 2016-12-30, the last weekday of its week and month.
    expect([on('2016-12-29', 'daily'), on('2016-12-29', 'weekly'), on('2016-12-29', 'monthly')]).toEqual([true, true, true]);
    // Friday 2016-12-30: trade on Monday 2017-01-02, neither.
    expect([on('2016-12-30', 'daily'), on('2016-12-30', 'weekly'), on('2016-12-30', 'monthly')]).toEqual([true, false, false]);
    // Thursday 2016-09-29 → Friday 2016-09-30 ends week and month; Wednesday 2016-11-23 → Thursday: neither.
    expect([on('2016-09-29', 'weekly'), on('2016-09-29', 'monthly'), on('2016-11-23', 'weekly'), on('2016-11-23', 'monthly')]).toEqual([true, true, false, false]);
    // Thursday 2016-03-31 → Friday 2016-04-01: the week ends, the month does not.
    expect([on('2016-03-31', 'weekly'), on('2016-03-31', 'monthly')]).toEqual([true, false]);
  });

  it('the last close of each asset, for holdings in units', () => {
    const t = full.tickers;
    const last = panel.dates.length - 1;
    const prices = lastPrices(panel, [...t, 'NOPE']);
    expect(Object.keys(prices)).toEqual([...t]);
    for (const x of t) expect(prices[x]).toBe(panel.series.find((s) => s.ticker === x)!.values[last]);
  });

  it('trades net to zero and cost bps × turnover; holdings in units use the prices', () => {
    const sig = signalFromResult(full);
    const t = full.tickers;
    const h = withTrades(sig, parseHoldings(`ticker,weight\n${t.map((x, i) => `${x.toLowerCase()},${i === 0 ? 0.4 : 0.6 / (t.length - 1)}`).join('\n')}`, t), 5);
    expect(h.trades!.reduce((a, x) => a + x.trade, 0)).toBeCloseTo(0, 12);
    expect(h.turnover).toBeCloseTo(h.trades!.reduce((a, x) => a + Math.abs(x.trade), 0), 15);
    expect(h.cost).toBeCloseTo(5e-4 * h.turnover!, 15);
    const u = withTrades(sig, parseHoldings(`ticker,units,price\n${t.map((x) => `${x},10,${x === 'SPY' ? 300 : 100}`).join('\n')}`, t), 5);
    const value = 10 * 300 + 10 * 100 * (t.length - 1);
    for (const x of u.trades!) expect(x.units! * (x.ticker === 'SPY' ? 300 : 100)).toBeCloseTo(x.trade * value, 9);
    // A band that covers the distance skips the trade.
    const banded = withTrades({ ...sig, controls: { ...sig.controls, noTradeBand: 1 } }, parseHoldings('ticker,weight\nSPY,1', t), 5);
    expect(banded.bandSkips).toBe(true);
  });

  it('refuses holdings it cannot use, saying where and what to do', () => {
    const t = full.tickers;
    expect(() => parseHoldings('ticker,weight\nXYZ,1', t)).toThrow(/row 2: "XYZ" is not an asset of the universe/);
    expect(() => parseHoldings('ticker,weight\nSPY,-1', t)).toThrow(/row 2, weight of SPY: "-1" is not a number ≥ 0/);
    expect(() => parseHoldings('name,amount\nSPY,1', t)).toThrow(/header with "ticker" and "weight"/);
    expect(() => parseHoldings('ticker,units\nSPY,3', t)).toThrow(/no price for SPY/);
    expect(() => withTrades(signalFromResult(full), parseHoldings('ticker,weight\nSPY,0.5', t), 5)).toThrow(/sum to 50.00%, not 100%/);
    expect(() => parseHoldings('', t)).toThrow(HoldingsError);
  });

  it('a decimal comma is refused with the row and the fix, never read as another number', () => {
    const t = full.tickers;
    // Unquoted, it splits the row into one cell too many.
    expect(() => parseHoldings('ticker,weight\nQUAL,98,5%\nSPY,1,5%', t)).toThrow(/Holdings row 2 has 3 cells but the header has 2 columns \("QUAL,98,5%"\): write decimals with a point/);
    // Quoted, the cell holds it: "0,5" is not 5, and not 0.5 either.
    expect(() => parseHoldings('ticker,weight\nQUAL,"0,5"\nSPY,"0,5"', t)).toThrow(/row 2, weight of QUAL: "0,5" has a decimal comma: write it with a point \(0\.5\)/);
    expect(() => parseHoldings('ticker,weight\nQUAL,"49,5%"', t)).toThrow(/"49,5%" has a decimal comma: write it with a point \(49\.5%\)/);
    // Thousands separators still read: 1,234.5 units.
    const u = parseHoldings('ticker,units,price\nSPY,"1,234.5","1,000"\nQUAL,10,100', t);
    expect(u).toEqual({ kind: 'units', units: { SPY: 1234.5, QUAL: 10 }, prices: { SPY: 1000, QUAL: 100 } });
    // A trailing empty cell (a spreadsheet's extra comma) is not an error.
    expect(parseHoldings('ticker,weight\nSPY,1,', t)).toEqual({ kind: 'weights', weights: { SPY: 1 } });
  });

  it('dates: the next weekday, and the next refit\'s month', () => {
    expect(nextWeekday('2025-12-26')).toBe('2025-12-29'); // Friday → Monday
    expect(nextWeekday('2025-12-30')).toBe('2025-12-31');
    expect(nextRefitDate('2025-12-30', ['2025-12-01'], 'monthly')).toBe('2026-01-01');
    expect(nextRefitDate('2025-12-30', ['2025-10-01'], 'quarterly')).toBe('2026-01-01');
    expect(nextRefitDate('2025-11-14', ['2025-10-01'], 'quarterly')).toBe('2026-01-01');
    expect(nextRefitDate('2026-01-30', ['2026-01-02'], 'monthly')).toBe('2026-02-02');
  });

  it('cli signal --json has the contract\'s keys, and trades with --holdings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'helix-signal-'));
    const hold = join(dir, 'h.csv');
    writeFileSync(hold, 'ticker,weight\nSPY,1\n');
    const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'signal', '--data', 'demo', '--set', 'factors=QUAL,MTUM', '--set', 'refitFrequency=quarterly',
      '--set', 'model.nInit=2', '--set', 'startDate=2012-01-01', '--set', 'trainMinYears=4', '--holdings', hold, '--json', '--workers', '2'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as Record<string, unknown> & { factors: Record<string, Record<string, unknown>>; targetWeights: Record<string, number>; trades: { trade: number }[] };
    for (const k of ['asOf', 'tradeOn', 'factors', 'targetWeights', 'trades']) expect(s).toHaveProperty(k);
    expect(Object.keys(s.factors)).toEqual(['QUAL', 'MTUM']);
    for (const f of Object.values(s.factors)) for (const k of ['regime', 'since', 'expectedActiveReturn']) expect(f).toHaveProperty(k);
    expect(Object.keys(s.targetWeights)).toEqual(['SPY', 'QUAL', 'MTUM']);
    expect(s.trades.reduce((a, x) => a + x.trade, 0)).toBeCloseTo(0, 12);
    const bad = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'signal', '--data', 'demo', '--holdings', join(dir, 'missing.csv')], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--holdings .*missing\.csv: no such file/);
  }, 180_000);
});
