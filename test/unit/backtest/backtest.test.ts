// Walk-forward backtest: no look-ahead (method.md §6), determinism, and the benchmark series.
import { describe, it, expect } from 'vitest';
import { generateDemoPanel } from '../../../src/core/data/demo.ts';
import type { Panel } from '../../../src/core/data/panel.ts';
import { defaultConfig, type RunConfig } from '../../../src/core/config.ts';
import { runBacktest, type BacktestResult } from '../../../src/core/backtest/index.ts';

/** A small but complete run: 2 factors, 4-6 year windows, quarterly refits, both strategies. */
function smallConfig(): RunConfig {
  const c = defaultConfig();
  c.factors = [{ ticker: 'QUAL' }, { ticker: 'MTUM' }];
  c.trainMinYears = 4; c.trainMaxYears = 6;
  c.refitFrequency = 'quarterly';
  c.model.nInit = 3;
  c.model.maxFeatures = 4;
  return c;
}

const panel = generateDemoPanel(7, { start: '2010-01-01', end: '2016-12-31' });

function perturbAfter(p: Panel, day: number, seed: number): Panel {
  let s = seed;
  const rnd = () => { s = (Math.imul(s, 48271) + 11) % 2147483647; return (s & 0xffff) / 0xffff; };
  return {
    dates: p.dates.slice(),
    series: p.series.map((x) => {
      const v = x.values.slice();
      for (let t = day + 1; t < v.length; t++) v[t] = x.kind === 'price' ? v[t]! * (0.8 + 0.4 * rnd()) : v[t]! + (rnd() - 0.5) * 3;
      return { ...x, values: v };
    }),
  };
}

describe('walk-forward backtest', () => {
  const config = smallConfig();
  const base = runBacktest(panel, config);

  it('starts out of sample after the minimum training window and has both strategies', () => {
    expect(base.strategies.map((s) => s.key)).toEqual(['symmetric', 'asymmetric']);
    expect(base.dates[base.evalStartIndex]! >= '2014-01-01').toBe(true);
    const m = base.strategies[0]!.metrics;
    expect(m.days).toBe(base.dates.length - base.evalStartIndex);
    for (const s of base.strategies) for (const w of s.weights!.slice(base.evalStartIndex)) {
      expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      for (const x of w) expect(x).toBeGreaterThanOrEqual(-1e-12);
    }
  });

  it('has no look-ahead: changing every price after day t changes nothing through t, nor the weights held on t+1 and t+2', () => {
    const i = base.evalStartIndex + 200; // a day in the out-of-sample window (index into result dates)
    const day = panel.dates.indexOf(base.dates[i]!);
    const other = runBacktest(perturbAfter(panel, day, 3), config);
    expect(other.dates.slice(0, i + 1)).toEqual(base.dates.slice(0, i + 1));
    const upTo = <T,>(x: T[], n: number) => x.slice(0, n);
    for (let s = 0; s < base.strategies.length; s++) {
      const a = base.strategies[s]!, b = other.strategies[s]!;
      expect(upTo(b.values, i + 1)).toEqual(upTo(a.values, i + 1));
      expect(upTo(b.returns, i + 1)).toEqual(upTo(a.returns, i + 1));
      // Weights after the close of t (held on t+1) and after t+1 (held on t+2, decided at t).
      expect(upTo(b.weights!, i + 2)).toEqual(upTo(a.weights!, i + 2));
      expect(upTo(other.diagnostics[s]!.exAnteTrackingError, i + 1)).toEqual(upTo(base.diagnostics[s]!.exAnteTrackingError, i + 1));
    }
    for (let f = 0; f < base.factors.length; f++) {
      for (const k of ['symmetric', 'asymmetric'] as const) {
        expect(upTo(other.factors[f]!.regimes[k]!.labels, i + 1)).toEqual(upTo(base.factors[f]!.regimes[k]!.labels, i + 1));
        expect(upTo(other.factors[f]!.regimes[k]!.expectedActiveReturn, i + 1)).toEqual(upTo(base.factors[f]!.regimes[k]!.expectedActiveReturn, i + 1));
      }
    }
    expect(upTo(other.equalWeight.values, i + 1)).toEqual(upTo(base.equalWeight.values, i + 1));
    expect(upTo(other.market.values, i + 1)).toEqual(upTo(base.market.values, i + 1));
    // And the perturbation did change something later (the test can fail).
    expect(other.strategies[0]!.values.slice(i + 3)).not.toEqual(base.strategies[0]!.values.slice(i + 3));
  });

  it('is deterministic: the same configuration and data give a bit-identical result', () => {
    const again = runBacktest(panel, config);
    const strip = (r: BacktestResult) => JSON.stringify({ ...r, runStats: null });
    expect(strip(again)).toBe(strip(base));
  });

  it('the market series is buy-and-hold of the market and EW matches quarterly 1/N', () => {
    const spy = panel.series.find((s) => s.ticker === 'SPY')!;
    const d0 = panel.dates.indexOf(base.dates[base.evalStartIndex - 1]!);
    for (let i = base.evalStartIndex; i < base.dates.length; i += 97) {
      const d = panel.dates.indexOf(base.dates[i]!);
      expect(base.market.values[i]).toBeCloseTo(spy.values[d]! / spy.values[d0]!, 10);
    }
    // EW weights equal 1/N right after each quarter end.
    const N = base.tickers.length;
    const qEnd = base.dates.findIndex((d, i) => i > base.evalStartIndex && ['03', '06', '09', '12'].includes(d.slice(5, 7)) && base.dates[i + 1]?.slice(5, 7) !== d.slice(5, 7));
    for (const w of base.equalWeight.weights![qEnd]!) expect(w).toBeCloseTo(1 / N, 12);
  });

  it('hits the tracking-error target on most days', () => {
    const d = base.diagnostics[0]!;
    const te = d.exAnteTrackingError.filter((x): x is number => x !== null);
    const hit = te.filter((x) => Math.abs(x - config.trackingErrorTarget) < 1e-4).length;
    expect(d.trackingErrorOutOfReach.ok).toBe(hit);
    expect(hit / te.length).toBeGreaterThan(0.5);
  });
});
