import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { simulatePortfolio, equalWeightTargets, buyAndHoldTargets } from '../../../src/core/backtest/execution.ts';
import { walkForwardSchedule, monthStarts, isQuarterEnd, isoMinusYears } from '../../../src/core/backtest/schedule.ts';
import { businessDays } from './fixtures.ts';

describe('simulatePortfolio', () => {
  it('a round trip costs twice the bps on the traded amount', () => {
    // Two assets with zero returns: buy asset 0, switch fully to asset 1, switch back.
    const T = 4, N = 2;
    const R = new Float64Array(T * N);
    const targets = new Float64Array(T * N).fill(NaN);
    targets.set([1, 0], 0); targets.set([0, 1], 2); targets.set([1, 0], 4);
    const res = simulatePortfolio(R, targets, T, N, 5);
    // Initial buy: turnover 1. Each switch: |0-1| + |1-0| = 2 → a round trip (out and back) trades 4
    // units of one-sided amount 1 each way... per switch 2 × 5 bps = 10 bps.
    expect(res.turnover[0]).toBeCloseTo(1, 15);
    expect(res.turnover[1]).toBeCloseTo(2, 15);
    expect(res.turnover[2]).toBeCloseTo(2, 15);
    expect(res.cost[1]).toBeCloseTo(2 * 5e-4, 15);
    // Selling 100% and buying 100% back: value shrinks by (1-10bps) per switch.
    expect(res.values[2]).toBeCloseTo((1 - 5e-4) * (1 - 1e-3) * (1 - 1e-3), 15);
  });

  it('a round trip of a fraction x costs 2·x·bps', () => {
    const T = 3, N = 2;
    const R = new Float64Array(T * N);
    const targets = new Float64Array(T * N).fill(NaN);
    targets.set([0.5, 0.5], 0); targets.set([0.8, 0.2], 2); targets.set([0.5, 0.5], 4);
    const res = simulatePortfolio(R, targets, T, N, 5);
    const roundTrip = res.cost[1]! + res.cost[2]!;
    expect(roundTrip).toBeCloseTo(2 * (0.3 + 0.3) * 5e-4, 15);
  });

  it('drifts between trades and has no return before the first position', () => {
    const T = 3, N = 2;
    const R = new Float64Array([NaN, NaN, 0.1, -0.1, 0.1, -0.1]);
    const targets = new Float64Array(T * N).fill(NaN);
    targets.set([0.5, 0.5], 0);
    const res = simulatePortfolio(R, targets, T, N, 0);
    expect(Number.isNaN(res.returns[0]!)).toBe(true);
    expect(res.returns[1]).toBeCloseTo(0, 15);
    // After day 1: weights 0.55/0.45 → day 2 return 0.55·0.1 − 0.45·0.1 = 0.01.
    expect(res.weights[2]).toBeCloseTo(0.55, 15);
    expect(res.returns[2]).toBeCloseTo(0.01, 15);
  });

  it('equal weight with quarterly rebalancing equals a direct computation', () => {
    const dates = businessDays('2020-01-01', 300);
    const T = dates.length, N = 3;
    const R = new Float64Array(T * N);
    let s = 7;
    const rnd = () => { s = (s * 16807) % 2147483647; return s / 2147483647; };
    for (let i = N; i < T * N; i++) R[i] = (rnd() - 0.5) * 0.04;
    const start = 5;
    const res = simulatePortfolio(R, equalWeightTargets(T, N, start, (t) => isQuarterEnd(dates, t)), T, N, 5);
    // Direct: track dollar holdings per asset.
    let dollars = [1 / N, 1 / N, 1 / N].map((x) => x * (1 - 5e-4));
    let v = dollars.reduce((a, b) => a + b, 0);
    for (let t = start + 1; t < T; t++) {
      dollars = dollars.map((d, i) => d * (1 + R[t * N + i]!));
      v = dollars.reduce((a, b) => a + b, 0);
      if (isQuarterEnd(dates, t)) {
        const traded = dollars.reduce((a, d) => a + Math.abs(v / N - d), 0) / v;
        v *= 1 - 5e-4 * traded;
        dollars = [v / N, v / N, v / N];
      }
      expect(res.values[t]).toBeCloseTo(v, 12);
    }
  });

  it('the market series equals buy and hold', () => {
    const T = 50, N = 2;
    const R = new Float64Array(T * N);
    const prices = [100];
    for (let t = 1; t < T; t++) { R[t * N] = Math.sin(t) * 0.01; R[t * N + 1] = 0.5; prices.push(prices[t - 1]! * (1 + R[t * N]!)); }
    const res = simulatePortfolio(R, buyAndHoldTargets(T, N, 3, 0), T, N, 0);
    for (let t = 3; t < T; t++) expect(res.values[t]).toBeCloseTo(prices[t]! / prices[3]!, 12);
  });

  it('values compound the returns and weights sum to one (property)', () => {
    fc.assert(fc.property(
      fc.array(fc.array(fc.double({ min: -0.2, max: 0.2, noNaN: true }), { minLength: 3, maxLength: 3 }), { minLength: 5, maxLength: 40 }),
      fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
      (rows, trade) => {
        const T = rows.length, N = 3;
        const R = new Float64Array(rows.flat());
        const targets = new Float64Array(T * N).fill(NaN);
        for (let t = 0; t < T; t++) if (t === 0 || trade[t]) targets.set([0.2, 0.3, 0.5], t * N);
        const res = simulatePortfolio(R, targets, T, N, 3);
        let v = 1;
        for (let t = 1; t < T; t++) {
          v *= 1 + res.returns[t]!;
          expect(v).toBeCloseTo(res.values[t]!, 10);
          const sum = res.weights[t * N]! + res.weights[t * N + 1]! + res.weights[t * N + 2]!;
          expect(sum).toBeCloseTo(1, 10);
        }
      }));
  });
});

describe('walk-forward schedule', () => {
  const dates = businessDays('2000-01-03', 252 * 16);
  it('refits on month starts, after the minimum history, with an expanding then rolling window', () => {
    const firstValid = 63;
    const refits = walkForwardSchedule(dates, { firstValid, trainMinYears: 8, trainMaxYears: 12 });
    expect(refits.length).toBeGreaterThan(0);
    const first = refits[0]!;
    expect(isoMinusYears(dates[first.day]!, 8) >= dates[firstValid]!).toBe(true);
    expect(dates[first.day]!.slice(0, 7)).not.toBe(dates[first.day - 1]!.slice(0, 7));
    for (const r of refits) {
      expect(r.trainEnd).toBe(r.day);
      expect(r.trainStart).toBeGreaterThanOrEqual(firstValid);
      expect(dates[r.trainStart]! >= isoMinusYears(dates[r.day]!, 12)).toBe(true);
    }
    // Expanding until 12 years, then rolling.
    expect(refits[0]!.trainStart).toBe(firstValid);
    expect(refits[refits.length - 1]!.trainStart).toBeGreaterThan(firstValid);
    for (let i = 0; i + 1 < refits.length; i++) expect(refits[i]!.until).toBe(refits[i + 1]!.day);
    expect(refits.length).toBe(monthStarts(dates).filter((d) => d >= first.day).length);
  });
  it('quarter ends are the last trading day of Mar/Jun/Sep/Dec', () => {
    const ends = dates.map((_, t) => t).filter((t) => isQuarterEnd(dates, t)).map((t) => dates[t]);
    expect(ends.slice(0, 3)).toEqual(['2000-03-31', '2000-06-30', '2000-09-29']);
  });
});
