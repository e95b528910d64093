// Turnover controls (method.md §12): trading days, the no-trade band and the trade penalty, in the
// execution (properties over random paths, fast-check) and in the whole backtest (on simulated
// data). Each control is off by default, and then a run is bit-identical to one without them.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { simulatePortfolio, PortfolioSimulation, type TradingRules } from '../../../src/core/backtest/execution.ts';
import { isWeekEnd, tradingDayMask } from '../../../src/core/backtest/trading.ts';
import { isMonthEnd } from '../../../src/core/backtest/schedule.ts';
import type { RunConfig } from '../../../src/core/config.ts';
import { businessDays, smallConfig, smallPanel } from './fixtures.ts';
import { runBacktest, prepareBacktestData, type BacktestResult } from '../../../src/core/backtest/index.ts';

const N = 3;
const day = fc.tuple(fc.double({ min: -0.08, max: 0.08, noNaN: true }), fc.double({ min: -0.08, max: 0.08, noNaN: true }), fc.double({ min: -0.08, max: 0.08, noNaN: true }));
const weight = fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0.01, max: 1, noNaN: true }));
/** Random returns (row 0 unused) and targets on random days (always one on day 0). */
const paths = fc.record({
  rows: fc.array(day, { minLength: 2, maxLength: 60 }),
  targets: fc.array(fc.option(weight, { freq: 4 }), { minLength: 60, maxLength: 60 }),
});

function arrays(rows: number[][], tg: (number[] | null)[], zeroReturns = false) {
  const T = rows.length;
  const R = new Float64Array(T * N);
  rows.forEach((r, t) => r.forEach((x, i) => { R[t * N + i] = t === 0 ? NaN : zeroReturns ? 0 : x; }));
  const targets = new Float64Array(T * N).fill(NaN);
  for (let t = 0; t < T; t++) {
    const w = t === 0 ? tg[0] ?? [1, 1, 1] : tg[t];
    if (!w) continue;
    const s = w.reduce((a, b) => a + b, 0);
    w.forEach((x, i) => { targets[t * N + i] = x / s; });
  }
  return { T, R, targets };
}

const oneWay = (a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number) => {
  let s = 0;
  for (let i = 0; i < N; i++) s += Math.abs(a[ao + i]! - b[bo + i]!);
  return s / 2;
};

describe('execution with turnover controls (method.md §9, §12)', () => {
  const dates = businessDays('2021-01-04', 60);
  const weekly = tradingDayMask(dates, 'weekly')!;
  const monthly = tradingDayMask(dates, 'monthly')!;
  const rules: TradingRules[] = [
    {}, { noTradeBand: 0.02 }, { tradeDay: (t) => weekly[t] === 1 }, { tradeDay: (t) => monthly[t] === 1, noTradeBand: 0.05 },
  ];
  const rulesOf = (k: number): TradingRules => rules[k]!;

  it('property: costs = bps × turnover on every day, weights ≥ 0 summing to 1, values compounding the returns, under every rule', () => {
    fc.assert(fc.property(paths, fc.integer({ min: 0, max: 3 }), fc.constantFrom(0, 5, 20), ({ rows, targets: tg }, k, bps) => {
      const { T, R, targets } = arrays(rows, tg);
      const res = simulatePortfolio(R, targets, T, N, bps, rulesOf(k));
      let v = 1;
      for (let t = 0; t < T; t++) {
        expect(res.cost[t]).toBe((bps / 10_000) * res.turnover[t]!);
        let sum = 0;
        for (let i = 0; i < N; i++) { expect(res.weights[t * N + i]).toBeGreaterThanOrEqual(0); sum += res.weights[t * N + i]!; }
        expect(sum).toBeCloseTo(1, 12);
        if (t > 0) {
          // Net return = the drift of yesterday's holdings, less today's cost (the first cost lands in day 1).
          let g = 0;
          for (let i = 0; i < N; i++) g += res.weights[(t - 1) * N + i]! * R[t * N + i]!;
          const firstCost = t === 1 ? 1 - res.cost[0]! : 1;
          expect(1 + res.returns[t]!).toBeCloseTo(firstCost * (1 + g) * (1 - res.cost[t]!), 12);
          v *= 1 + res.returns[t]!;
          expect(v).toBeCloseTo(res.values[t]!, 10);
        }
      }
    }), { numRuns: 300, seed: 11 });
  });

  it('a weekly or monthly schedule trades only on its days (after the first purchase)', () => {
    fc.assert(fc.property(paths, fc.constantFrom('weekly' as const, 'monthly' as const), ({ rows, targets: tg }, schedule) => {
      const { T, R, targets } = arrays(rows, tg);
      const mask = tradingDayMask(dates.slice(0, T), schedule)!;
      const res = simulatePortfolio(R, targets, T, N, 5, { tradeDay: (t) => mask[t] === 1 });
      expect(res.turnover[0]).toBeCloseTo(1, 12); // the purchase from cash
      for (let t = 1; t < T; t++) {
        if (res.turnover[t]! > 0) expect(mask[t]).toBe(1);
        // On its days it trades to the target like daily rebalancing would.
        if (mask[t] && Number.isFinite(targets[t * N]!)) for (let i = 0; i < N; i++) expect(res.weights[t * N + i]).toBe(targets[t * N + i]);
      }
    }), { numRuns: 200, seed: 12 });
  });

  it('property: the band trades only when the one-way distance exceeds it, and leaves the holdings within it of every target', () => {
    fc.assert(fc.property(paths, fc.double({ min: 0, max: 0.3, noNaN: true }), ({ rows, targets: tg }, band) => {
      const { T, R, targets } = arrays(rows, tg);
      const res = simulatePortfolio(R, targets, T, N, 5, { noTradeBand: band });
      for (let t = 1; t < T; t++) {
        if (res.turnover[t]! > 0) expect(res.turnover[t]! / 2).toBeGreaterThan(band);
        if (Number.isFinite(targets[t * N]!)) expect(oneWay(res.weights, t * N, targets, t * N)).toBeLessThanOrEqual(band + 1e-12);
      }
    }), { numRuns: 300, seed: 13 });
  });

  it('property: without drift no band trades more than band 0 (each skipped trade is absorbed by a later one: triangle inequality)', () => {
    fc.assert(fc.property(paths, fc.double({ min: 0, max: 0.3, noNaN: true }), ({ rows, targets: tg }, band) => {
      const { T, R, targets } = arrays(rows, tg, true);
      const total = (b: number) => simulatePortfolio(R, targets, T, N, 5, { noTradeBand: b }).turnover.reduce((a, x) => a + x, 0);
      expect(total(band)).toBeLessThanOrEqual(total(0) + 1e-12);
    }), { numRuns: 300, seed: 14 });
  });

  it('turnover is NOT monotone in the band on every path: a wider band can skip a small trade and then make a larger one', () => {
    // Zero returns. Holdings X; day 1 target A at one-way distance 0.015 from X; day 2 target B at
    // 0.009 from A and 0.024 from X. Band 0.01: trade X→A (0.015), skip A→B: one-way total 0.015.
    // Band 0.02: skip X→A (0.015 ≤ 0.02), then X→B (0.024 > 0.02): one-way total 0.024. So the
    // property "turnover falls as the band grows" holds on data (see the backtest test below), not
    // as a theorem, and is not asserted over arbitrary paths.
    const R = new Float64Array(3 * N);
    const targets = Float64Array.from([0.5, 0.3, 0.2, 0.515, 0.285, 0.2, 0.524, 0.276, 0.2]);
    const total = (b: number) => simulatePortfolio(R, targets, 3, N, 5, { noTradeBand: b }).turnover.reduce((a, x, t) => a + (t > 0 ? x : 0), 0) / 2;
    expect(total(0.01)).toBeCloseTo(0.015, 12);
    expect(total(0.02)).toBeCloseTo(0.024, 12);
  });

  it('without rules, and with band 0, the stepper is bit-identical to trading every target', () => {
    fc.assert(fc.property(paths, ({ rows, targets: tg }) => {
      const { T, R, targets } = arrays(rows, tg);
      const a = simulatePortfolio(R, targets, T, N, 5);
      const b = simulatePortfolio(R, targets, T, N, 5, { noTradeBand: 0 });
      const sim = new PortfolioSimulation(R, T, N, 5);
      for (let t = 0; t < T; t += 7) sim.advance(targets, t); // stepped in uneven pieces
      const c = sim.finish(targets);
      for (const x of [b, c]) {
        expect(Array.from(x.values)).toEqual(Array.from(a.values));
        expect(Array.from(x.weights)).toEqual(Array.from(a.weights));
        expect(Array.from(x.turnover)).toEqual(Array.from(a.turnover));
      }
    }), { numRuns: 100, seed: 15 });
  });

  it('a trade list moves only the assets it trades, from the drifted weights; a weight it would push below 0 is sold to 0', () => {
    // Day 0 buys (0.5, 0.3, 0.2). Day 1 asset 0 gains 10%: drifted (0.5238, 0.2857, 0.1905). The trade
    // decided from (0.5, 0.3, 0.2) towards (0.4, 0.3, 0.3) sells 0.1 of asset 0 and buys 0.1 of asset 2.
    const R = Float64Array.from([NaN, NaN, NaN, 0.1, 0, 0]);
    const targets = Float64Array.from([0.5, 0.3, 0.2, 0.4, 0.3, 0.3]);
    const from = Float64Array.from([NaN, NaN, NaN, 0.5, 0.3, 0.2]);
    const sim = new PortfolioSimulation(R, 2, N, 5);
    const res = sim.finish(targets, from);
    const d = [0.55 / 1.05, 0.3 / 1.05, 0.2 / 1.05];
    expect(res.weights[3]).toBeCloseTo(d[0]! - 0.1, 14);
    expect(res.weights[4]).toBeCloseTo(d[1]!, 14); // not traded
    expect(res.weights[5]).toBeCloseTo(d[2]! + 0.1, 14);
    expect(res.turnover[1]).toBeCloseTo(0.2, 14);
    // Selling out an asset that fell since the decision: it goes to 0, the rest is rescaled.
    const R2 = Float64Array.from([NaN, NaN, NaN, -0.5, 0, 0]);
    const t2 = Float64Array.from([0.5, 0.3, 0.2, 0, 0.5, 0.5]);
    const res2 = new PortfolioSimulation(R2, 2, N, 5).finish(t2, from);
    expect(res2.weights[3]).toBe(0);
    expect(res2.weights[4]! + res2.weights[5]!).toBeCloseTo(1, 14);
    expect(res2.weights[4]! / res2.weights[5]!).toBeCloseTo((0.3 / 0.75 + 0.2) / (0.2 / 0.75 + 0.3), 12);
  });

  it('week and month ends are the last trading days of their periods (never the last day of the data)', () => {
    const d = ['2024-01-29', '2024-01-30', '2024-01-31', '2024-02-01', '2024-02-02', '2024-02-05', '2024-02-09', '2024-02-12', '2024-02-13'];
    expect(d.map((_, t) => isWeekEnd(d, t))).toEqual([false, false, false, false, true, false, true, false, false]);
    expect(d.map((_, t) => isMonthEnd(d, t))).toEqual([false, false, true, false, false, false, false, false, false]);
    // A week that ends on a holiday Friday ends on Thursday; a year boundary inside a week is no week end.
    const h = ['2024-03-27', '2024-03-28', '2024-04-01', '2024-12-30', '2024-12-31', '2025-01-02', '2025-01-06'];
    expect(h.map((_, t) => isWeekEnd(h, t))).toEqual([false, true, true, false, false, true, false]);
    expect(tradingDayMask(d, 'daily')).toBeUndefined();
  });
});

// ------------------------------------------------------------------------------------------------
// The whole backtest on simulated data (the small configuration of backtest.test.ts).

const panel = smallPanel();
const body = (r: BacktestResult) => JSON.stringify({ ...r, config: null, runStats: null });

describe('backtest with the turnover controls (method.md §12)', () => {
  const base = runBacktest(panel, smallConfig());

  it('defaults are bit-identical: to a configuration without the new fields, and to the numbers pinned before they existed', () => {
    const absent = smallConfig() as unknown as Record<string, unknown>;
    delete absent.rebalance; delete absent.noTradeBand; delete absent.tradePenalty;
    expect(body(runBacktest(panel, absent as unknown as RunConfig))).toBe(body(base));
    // Pinned from the commit before the turnover controls (56632b0), same data and configuration.
    const [s, a] = base.strategies;
    expect(s!.values[s!.values.length - 1]).toBe(1.330271309286343);
    expect(a!.values[a!.values.length - 1]).toBe(1.3273173356507406);
    expect(s!.metrics.annualTurnover).toBe(6.107654751110193);
    expect(a!.metrics.annualTurnover).toBe(6.186448425266528);
    expect(s!.vsEqualWeight!.informationRatio).toBe(0.7600157794530932);
    expect(a!.metrics.cagr).toBe(0.10603960806054369);
  });

  const controls: [string, (c: RunConfig) => void][] = [
    ['weekly', (c) => { c.rebalance = 'weekly'; }],
    ['monthly', (c) => { c.rebalance = 'monthly'; }],
    ['band 2%', (c) => { c.noTradeBand = 0.02; }],
    ['penalty 0.5%', (c) => { c.tradePenalty = 0.005; }],
    ['all three', (c) => { c.rebalance = 'weekly'; c.noTradeBand = 0.01; c.tradePenalty = 0.002; }],
  ];
  const runs = controls.map(([name, edit]) => { const c = smallConfig(); edit(c); return { name, config: c, result: runBacktest(panel, c) }; });
  const data = prepareBacktestData(panel, smallConfig());
  const w0 = data.dates.indexOf(base.dates[0]!);

  it('every control: weights ≥ 0 summing to 1, and each day\'s net return is the drift less bps × that day\'s turnover', () => {
    for (const { config, result } of runs) {
      const c = config.costBps / 10_000;
      for (const s of result.strategies) {
        for (let i = result.evalStartIndex - 1; i < result.dates.length; i++) {
          const w = s.weights![i]!;
          expect(w.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
          for (const x of w) expect(x).toBeGreaterThanOrEqual(0);
          if (i <= result.evalStartIndex) continue;
          const t = w0 + i;
          let g = 0;
          for (let j = 0; j < w.length; j++) g += s.weights![i - 1]![j]! * data.returns[t * w.length + j]!;
          expect(1 + s.returns[i]!).toBeCloseTo((1 + g) * (1 - c * s.turnover[i]!), 13);
        }
      }
    }
  });

  it('a weekly or monthly schedule trades only on its days; the controls lower turnover on this data', () => {
    for (const { name, config, result } of runs) {
      for (const s of result.strategies) {
        expect(s.metrics.annualTurnover!).toBeLessThan(base.strategies.find((b) => b.key === s.key)!.metrics.annualTurnover!);
        if (config.rebalance === 'daily') continue;
        const end = config.rebalance === 'weekly' ? isWeekEnd : isMonthEnd;
        let trades = 0;
        for (let i = result.evalStartIndex; i < result.dates.length; i++) {
          if (s.turnover[i]! > 0) { trades++; expect(end(result.dates, i), `${name} ${result.dates[i]}`).toBe(true); }
        }
        expect(trades).toBeGreaterThan(10);
      }
    }
  });

  it('on this simulated data turnover falls as the band widens (0, 1%, 2%, 5%), as it falls as the schedule slows', () => {
    const turnover = (edit: (c: RunConfig) => void) => { const c = smallConfig(); edit(c); return runBacktest(panel, c).strategies.map((s) => s.metrics.annualTurnover!); };
    const bands = [0, 0.01, 0.02, 0.05].map((b) => turnover((c) => { c.noTradeBand = b; }));
    for (let k = 1; k < bands.length; k++) for (let s = 0; s < 2; s++) expect(bands[k]![s]!).toBeLessThanOrEqual(bands[k - 1]![s]!);
    const weekly = runs[0]!.result.strategies, monthly = runs[1]!.result.strategies;
    for (let s = 0; s < 2; s++) expect(monthly[s]!.metrics.annualTurnover!).toBeLessThan(weekly[s]!.metrics.annualTurnover!);
  });

  it('the trade penalty: with γ > 0 the TE target is met or the day flagged, every day', () => {
    const { result } = runs[3]!;
    for (const d of result.diagnostics) {
      const te = d.exAnteTrackingError.filter((x): x is number => x !== null);
      expect(d.trackingErrorOutOfReach.ok + d.trackingErrorOutOfReach.below + d.trackingErrorOutOfReach.above).toBe(te.length);
      expect(te.filter((x) => Math.abs(x - 0.02) <= 1e-4).length).toBeGreaterThanOrEqual(d.trackingErrorOutOfReach.ok);
    }
  });
});
