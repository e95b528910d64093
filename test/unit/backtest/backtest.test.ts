// Walk-forward backtest: no look-ahead (method.md §6), determinism, and the benchmark series.
import { describe, it, expect } from 'vitest';
import type { Panel } from '../../../src/core/data/panel.ts';
import type { RunConfig } from '../../../src/core/config.ts';
import { runBacktest, prepareBacktestData, type BacktestResult } from '../../../src/core/backtest/index.ts';
import { isWeekEnd } from '../../../src/core/backtest/trading.ts';
import { isMonthEnd } from '../../../src/core/backtest/schedule.ts';
import { smallConfig, smallPanel } from './fixtures.ts';

const panel = smallPanel();

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

  describe('no look-ahead with each turnover control on (method §6, §12)', () => {
    /**
     * The perturbation test again, per control. Through day t everything is identical, and so are
     * the decisions made at t (ex-ante TE and confidence). What is held on t+2 is decided at t, but
     * executed at the close of t+1 against the weights drifted to that close (known then, as any
     * trade's size is): with a schedule it is the target on a trading day; with the band the trade
     * is skipped only if it is within the band of those drifted weights; with the trade penalty it is
     * the trade decided at t applied to the drifted weights.
     */
    const cases: [string, (c: RunConfig) => void, (r: BacktestResult, i: number) => boolean][] = [
      ['weekly', (c) => { c.rebalance = 'weekly'; }, (r, i) => isWeekEnd(r.dates, i + 1)],
      ['monthly', (c) => { c.rebalance = 'monthly'; }, (r, i) => isMonthEnd(r.dates, i + 1)],
      ['no-trade band 1%', (c) => { c.noTradeBand = 0.01; }, (r, i) => r.strategies[0]!.turnover[i + 1]! > 0.1],
      ['trade penalty 0.5%', (c) => { c.tradePenalty = 0.005; }, () => true],
    ];
    for (const [name, edit, pick] of cases) {
      it(name, () => {
        const cfg = smallConfig();
        edit(cfg);
        const a = runBacktest(panel, cfg);
        let i = a.evalStartIndex + 200;
        while (!pick(a, i)) i++;
        const day = panel.dates.indexOf(a.dates[i]!);
        const perturbed = perturbAfter(panel, day, 5);
        const b = runBacktest(perturbed, cfg);
        const upTo = <T,>(x: T[], n: number) => x.slice(0, n);
        expect(b.dates.slice(0, i + 1)).toEqual(a.dates.slice(0, i + 1));
        const ra = prepareBacktestData(panel, cfg), rb = prepareBacktestData(perturbed, cfg);
        const off = ra.dates.indexOf(a.dates[0]!), n = a.tickers.length;
        const drifted = (w: number[], r: Float64Array, t: number) => {
          const x = w.map((v, j) => v * (1 + r[(off + t) * n + j]!));
          const sum = x.reduce((p, q) => p + q, 0);
          return x.map((v) => v / sum);
        };
        for (let s = 0; s < a.strategies.length; s++) {
          const sa = a.strategies[s]!, sb = b.strategies[s]!;
          expect(upTo(sb.values, i + 1)).toEqual(upTo(sa.values, i + 1));
          expect(upTo(sb.returns, i + 1)).toEqual(upTo(sa.returns, i + 1));
          expect(upTo(sb.weights!, i + 1)).toEqual(upTo(sa.weights!, i + 1));
          expect(upTo(b.diagnostics[s]!.exAnteTrackingError, i + 1)).toEqual(upTo(a.diagnostics[s]!.exAnteTrackingError, i + 1));
          expect(upTo(b.diagnostics[s]!.confidence, i + 1)).toEqual(upTo(a.diagnostics[s]!.confidence, i + 1));
          // Held on t+2 (after the close of t+1).
          const wa = sa.weights![i + 1]!, wb = sb.weights![i + 1]!;
          if (cfg.tradePenalty > 0) {
            const da = drifted(sa.weights![i]!, ra.returns, i + 1), db = drifted(sb.weights![i]!, rb.returns, i + 1);
            for (let j = 0; j < n; j++) expect(wb[j]! - db[j]!).toBeCloseTo(wa[j]! - da[j]!, 12);
          } else if (cfg.noTradeBand > 0 && s === 0) {
            expect(sa.turnover[i + 1]).toBeGreaterThan(0); // a traded the target …
            if (sb.turnover[i + 1]! > 0) expect(wb).toEqual(wa); // … so b either traded the same target
            else { // … or skipped it because its own drifted weights were within the band of it
              const db = drifted(sb.weights![i]!, rb.returns, i + 1);
              expect(db.reduce((p, q, j) => p + Math.abs(q - wa[j]!), 0) / 2).toBeLessThanOrEqual(cfg.noTradeBand);
            }
          } else if (cfg.rebalance !== 'daily') expect(wb).toEqual(wa);
        }
        expect(b.strategies[0]!.values.slice(i + 3)).not.toEqual(a.strategies[0]!.values.slice(i + 3));
      });
    }
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
