import { describe, it, expect } from 'vitest';
import {
  wealthFromReturns, drawdownSeries, topDrawdowns, rollingSharpe, rollingInformationRatio, monthlyReturns, annualReturns, dateWindow,
} from '../../../src/core/metrics/series.ts';
import { computeMetrics, activeMetrics } from '../../../src/core/metrics/performance.ts';
import { regimeSwitchesPerYear, regimeStatistics, longShortPosition, longShortReturns } from '../../../src/core/metrics/regime.ts';

function pseudoReturns(T: number, seed: number, scale = 0.01): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: T }, () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s / 4294967296 - 0.48) * 2 * scale; });
}

describe('drawdowns', () => {
  const values = [1, 1.1, 0.99, 1.05, 1.12, 1.0, 0.9, 0.95];
  const dates = ['d0', 'd1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7'];

  it('drawdown series against hand values', () => {
    const dd = drawdownSeries(values);
    const expected = [0, 0, 0.99 / 1.1 - 1, 1.05 / 1.1 - 1, 0, 1.0 / 1.12 - 1, 0.9 / 1.12 - 1, 0.95 / 1.12 - 1];
    expected.forEach((e, i) => expect(dd[i]).toBeCloseTo(e, 15));
  });

  it('top drawdowns: peak, trough, recovery, depth and lengths, deepest first', () => {
    const top = topDrawdowns(values, dates, 5);
    expect(top).toEqual([
      { peakDate: 'd4', troughDate: 'd6', recoveryDate: null, depth: 0.9 / 1.12 - 1, daysToTrough: 2, length: 3, recovered: false },
      { peakDate: 'd1', troughDate: 'd2', recoveryDate: 'd4', depth: 0.99 / 1.1 - 1, daysToTrough: 1, length: 3, recovered: true },
    ]);
    expect(topDrawdowns(values, dates, 1)).toHaveLength(1);
    expect(topDrawdowns([1, 2, 3], ['a', 'b', 'c'])).toEqual([]);
  });

  it('with the start value, the deepest drawdown equals computeMetrics\' maxDrawdown', () => {
    const r = pseudoReturns(1500, 3, 0.015);
    const w = wealthFromReturns(r);
    const dates = Array.from({ length: r.length }, (_, i) => `t${String(i).padStart(5, '0')}`);
    const top = topDrawdowns(w, dates, 5, 1);
    expect(top[0]!.depth).toBeCloseTo(computeMetrics(r).maxDrawdown!, 14);
    expect(Math.min(...drawdownSeries(w, 1))).toBeCloseTo(computeMetrics(r).maxDrawdown!, 14);
    for (let i = 1; i < top.length; i++) expect(top[i]!.depth).toBeGreaterThanOrEqual(top[i - 1]!.depth);
    // Episodes do not overlap: each recovery is at or before the next peak in time.
    const byTime = [...top].sort((a, b) => (a.troughDate < b.troughDate ? -1 : 1));
    for (let i = 1; i < byTime.length; i++) expect(byTime[i - 1]!.recoveryDate! <= (byTime[i]!.peakDate ?? '')).toBe(true);
    // A loss on day one starts from the start value (peakDate null).
    expect(topDrawdowns(wealthFromReturns([-0.1, 0.2]), ['a', 'b'], 5, 1)[0]).toMatchObject({ peakDate: null, troughDate: 'a', recoveryDate: 'b', daysToTrough: 1, length: 2 });
  });
});

describe('rolling one-year Sharpe and IR', () => {
  it('each point equals the full-table formula on its own window', () => {
    const r = pseudoReturns(400, 5);
    const b = pseudoReturns(400, 6);
    const rs = rollingSharpe(r, 252);
    const ri = rollingInformationRatio(r, b, 252);
    for (let t = 0; t < 251; t++) { expect(Number.isNaN(rs[t]!)).toBe(true); expect(Number.isNaN(ri[t]!)).toBe(true); }
    for (const t of [251, 300, 399]) {
      const w = r.subarray(t - 251, t + 1), wb = b.subarray(t - 251, t + 1);
      expect(rs[t]).toBeCloseTo(computeMetrics(w).sharpe!, 11);
      expect(ri[t]).toBeCloseTo(activeMetrics(w, wb).informationRatio!, 11);
    }
    const withRf = rollingSharpe(r, 252, 0.03);
    expect(withRf[399]).toBeCloseTo(computeMetrics(r.subarray(148, 400), { rf: 0.03 }).sharpe!, 11);
  });
});

describe('monthly and annual returns, windows', () => {
  const dates = ['2023-12-28', '2023-12-29', '2024-01-02', '2024-01-31', '2024-02-01', '2024-02-02'];
  const r = [0.01, 0.02, -0.01, 0.03, 0.005, -0.002];
  it('compounds within calendar months and years', () => {
    const m = monthlyReturns(r, dates);
    expect(m.map((x) => [x.year, x.month, x.days])).toEqual([[2023, 12, 2], [2024, 1, 2], [2024, 2, 2]]);
    expect(m[0]!.value).toBeCloseTo(1.01 * 1.02 - 1, 15);
    expect(m[1]!.value).toBeCloseTo(0.99 * 1.03 - 1, 15);
    expect(m[2]!.value).toBeCloseTo(1.005 * 0.998 - 1, 15);
    const a = annualReturns(r, dates);
    expect(a.map((x) => [x.year, x.days, x.month])).toEqual([[2023, 2, undefined], [2024, 4, undefined]]);
    expect(a[1]!.value).toBeCloseTo(0.99 * 1.03 * 1.005 * 0.998 - 1, 15);
  });
  it('dateWindow gives the inclusive index range for sub-periods', () => {
    expect(dateWindow(dates, '2024-01-01', '2024-01-31')).toEqual({ start: 2, end: 4 });
    expect(dateWindow(dates, null, '2023-12-29')).toEqual({ start: 0, end: 2 });
    expect(dateWindow(dates, '2024-02-02')).toEqual({ start: 5, end: 6 });
    expect(dateWindow(dates, '2025-01-01')).toEqual({ start: 6, end: 6 });
  });
});

describe('regime statistics', () => {
  const labels = [-1, -1, 0, 0, 1, 1, 1, 0, -1, 0, 0];
  const a = [9, 9, 0.01, 0.03, -0.02, -0.01, 0.0, 0.02, 9, 0.01, 0.01];
  it('switches per year count consecutive labelled pairs only (unlabelled days are not state 0)', () => {
    // labelled 8 days; switches 0→1 and 1→0 (the 0 … −1 … 0 gap does not count) → 2 / (8/252)
    expect(regimeSwitchesPerYear(labels)).toBeCloseTo(2 / (8 / 252), 12);
    expect(regimeSwitchesPerYear([-1, 0])).toBeNull();
  });
  it('per-state statistics, spells and transitions', () => {
    const s = regimeStatistics(labels, a, 2);
    expect(s.labelledDays).toBe(8);
    const [bull, bear] = s.states;
    expect(bull!.days).toBe(5);
    expect(bull!.meanActiveReturn).toBeCloseTo((252 * 0.08) / 5, 12);
    expect(bull!.spells).toBe(3); // days 2-3, 7, 9-10
    expect(bull!.averageDuration).toBeCloseTo(5 / 3, 14);
    expect(bear!.days).toBe(3);
    expect(bear!.meanActiveReturn).toBeCloseTo((252 * -0.03) / 3, 12);
    const m = -0.01, sd = Math.sqrt(((-0.01) ** 2 + 0 + 0.01 ** 2) / 2);
    expect(bear!.activeVolatility).toBeCloseTo(sd * Math.sqrt(252), 12);
    expect(bear!.informationRatio).toBeCloseTo((252 * m) / (sd * Math.sqrt(252)), 12);
    expect(s.transitionCounts).toEqual([[2, 1], [1, 2]]);
    expect(s.transitionMatrix).toEqual([[2 / 3, 1 / 3], [1 / 3, 2 / 3]]);
  });
  it('long-short position clip(μ/5%, −1, 1) and returns', () => {
    expect(longShortPosition(0.025)).toBe(0.5);
    expect(longShortPosition(-0.2)).toBe(-1);
    expect(longShortPosition(0.07, 0.1)).toBeCloseTo(0.7, 15);
    expect(Array.from(longShortReturns([0.5, -1, NaN], [0.02, 0.01, 0.03]))).toEqual([0.01, -0.01, NaN]);
  });
});
