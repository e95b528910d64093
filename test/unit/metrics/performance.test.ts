import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { computeMetrics, activeMetrics, METRIC_DEFINITIONS, formatMetric, maxDrawdownOfReturns, type PerformanceMetrics } from '../../../src/core/metrics/performance.ts';

// A five-day series worked by hand (method.md §10 formulas):
//   R = (1%, −2%, 3%, −1%, 2%), B = (0.5%, −1%, 1%, 0%, 1%)
//   mean(R) = 0.03/5 = 0.006; deviations (.004, −.026, .024, −.016, .014), Σd² = 1720e-6,
//   sample var = 430e-6, std = 0.0207364413533277  →  volatility = std·√252 = 0.329180801384285
//   Sharpe = 0.006/0.0207364413533277·√252 = 4.59322048443188
//   Sortino: min(R,0)² = (0, 4e-4, 0, 1e-4, 0), mean over ALL 5 days = 1e-4, root = 0.01
//            → 252·0.006 / (√252·0.01) = 0.6·√252 = 9.52470471983253
//            (over the 2 negative days only it would be 0.6·√252/√2.5 = 6.02 — the §11 mistake)
//   wealth 1.01, 0.9898, 1.019494, 1.00929906, 1.029485041; total return 0.0294850412
//   max drawdown 0.9898/1.01 − 1 = −0.02
//   A = R − B = (.005, −.01, .02, −.01, .01): mean .003 → active return 0.756
//   deviations (.002, −.013, .017, −.013, .007), Σd² = 680e-6, var 170e-6, std 0.0130384048104053
//   TE = 0.206978259727924, IR = 0.756/0.206978259727924 = 3.65255752461042
//   (volatility-based "IR" would be 0.756/0.3292 = 2.30 — the §11 mistake)
const R = Float64Array.from([0.01, -0.02, 0.03, -0.01, 0.02]);
const B = Float64Array.from([0.005, -0.01, 0.01, 0, 0.01]);
const D = ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08'];

describe('computeMetrics against a hand-computed series (method.md §10)', () => {
  const m = computeMetrics(R, { benchmark: B, dates: D });
  it('absolute metrics', () => {
    expect(m.days).toBe(5);
    expect(m.firstDate).toBe('2024-01-02');
    expect(m.lastDate).toBe('2024-01-08');
    expect(m.totalReturn).toBeCloseTo(0.0294850412, 14);
    expect(m.volatility).toBeCloseTo(0.329180801384285, 13);
    expect(m.sharpe).toBeCloseTo(4.59322048443188, 12);
    expect(m.maxDrawdown).toBeCloseTo(-0.02, 15);
    expect(m.hitRate).toBe(0.6);
    expect(m.bestDay).toBe(0.03);
    expect(m.worstDay).toBe(-0.02);
  });
  it('Sortino uses the mean of min(R, 0)² over ALL days', () => {
    expect(m.sortino).toBeCloseTo(9.52470471983253, 12);
    expect(m.sortino).not.toBeCloseTo(0.6 * Math.sqrt(252) / Math.sqrt(2.5), 2);
  });
  it('IR = active return / tracking error (not / volatility)', () => {
    expect(m.activeReturn).toBeCloseTo(0.756, 14);
    expect(m.trackingError).toBeCloseTo(0.206978259727924, 13);
    expect(m.informationRatio).toBeCloseTo(3.65255752461042, 12);
    expect(m.informationRatio).toBeCloseTo(m.activeReturn! / m.trackingError!, 14);
    expect(m.activeHitRate).toBe(0.6);
  });
  it('CAGR and Calmar are null ("—") under 126 days', () => {
    expect(m.cagr).toBeNull();
    expect(m.calmar).toBeNull();
    expect(formatMetric(m.cagr, 'percent')).toBe('—');
  });
  it('beta and correlation against the benchmark', () => {
    // cov(R,B): B mean .003, B dev (.002, −.013, .007, −.003, .007); Σ dR·dB = (.008 + .338 + .168 + .048 + .098)e-3 = 660e-6 → /4 = 165e-6
    // var(B): Σ dB² = (4 + 169 + 49 + 9 + 49)e-6 = 280e-6 → /4 = 70e-6; beta = 165/70; corr = 165e-6 / sqrt(430e-6·70e-6)
    expect(m.beta).toBeCloseTo(165 / 70, 12);
    expect(m.correlation).toBeCloseTo(165e-6 / Math.sqrt(430e-6 * 70e-6), 12);
  });
  it('a risk-free rate is subtracted as rf/252 a day in Sharpe and Sortino', () => {
    const r = computeMetrics(R, { rf: 0.0252 }); // 0.0001 a day
    const ex = Array.from(R, (x) => x - 0.0001);
    const mean = ex.reduce((a, b) => a + b, 0) / 5;
    const sd = Math.sqrt(ex.reduce((a, b) => a + (b - mean) ** 2, 0) / 4);
    expect(r.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(252), 12);
    const dd = Math.sqrt(ex.reduce((a, b) => a + Math.min(b, 0) ** 2, 0) / 5);
    expect(r.sortino).toBeCloseTo((252 * mean) / (Math.sqrt(252) * dd), 12);
    expect(r.volatility).toBeCloseTo(m.volatility!, 15); // volatility ignores rf
  });
});

describe('CAGR, Calmar and turnover over longer series', () => {
  it('CAGR = (1 + TR)^(252/N) − 1 from 126 days on', () => {
    const r125 = computeMetrics(new Float64Array(125).fill(0.001));
    expect(r125.cagr).toBeNull();
    const r126 = computeMetrics(new Float64Array(126).fill(0.001));
    expect(r126.totalReturn).toBeCloseTo(1.001 ** 126 - 1, 13);
    expect(r126.cagr).toBeCloseTo(1.001 ** 252 - 1, 12);
  });
  it('Calmar = CAGR / |max drawdown|', () => {
    // 200 days of +0.2% with a −5% day at 100: the drawdown is exactly −5% (never deeper), then recovers.
    const r = new Float64Array(200).fill(0.002);
    r[100] = -0.05;
    const m = computeMetrics(r);
    const growth = 1.002 ** 199 * 0.95;
    expect(m.maxDrawdown).toBeCloseTo(-0.05, 14);
    expect(m.cagr).toBeCloseTo(growth ** (252 / 200) - 1, 12);
    expect(m.calmar).toBeCloseTo((growth ** (252 / 200) - 1) / 0.05, 10);
  });
  it('a loss on the first day counts as a drawdown from the starting value', () => {
    expect(maxDrawdownOfReturns([-0.1, 0.05])).toBeCloseTo(-0.1, 15);
    expect(computeMetrics(Float64Array.from([-0.1, 0.05])).maxDrawdown).toBeCloseTo(-0.1, 15);
  });
  it('annual turnover = 252 · mean daily turnover', () => {
    const t = Float64Array.from([0.2, 0, 0, 0.1, 0]);
    expect(computeMetrics(R, { turnover: t }).annualTurnover).toBeCloseTo((252 * 0.3) / 5, 13);
    expect(computeMetrics(R).annualTurnover).toBeNull();
  });
});

describe('edge cases and JSON safety', () => {
  it('empty, one-day and flat series give nulls, never NaN or Infinity', () => {
    const check = (m: PerformanceMetrics) => {
      for (const [k, v] of Object.entries(m)) if (typeof v === 'number') expect(Number.isFinite(v), k).toBe(true);
      expect(JSON.parse(JSON.stringify(m))).toEqual(m);
    };
    const e = computeMetrics(new Float64Array(0));
    check(e);
    expect(e.days).toBe(0);
    expect(e.totalReturn).toBeNull();
    const one = computeMetrics(Float64Array.from([0.01]), { benchmark: Float64Array.from([0.0]) });
    check(one);
    expect(one.volatility).toBeNull();
    expect(one.sharpe).toBeNull();
    const flat = computeMetrics(new Float64Array(300), { benchmark: new Float64Array(300) });
    check(flat);
    expect(flat.sharpe).toBeNull();
    expect(flat.sortino).toBeNull();
    expect(flat.informationRatio).toBeNull();
    expect(flat.calmar).toBeNull();
    expect(flat.cagr).toBe(0);
  });
  it('missing days are an error naming the day, never silently zero (no flat padding, §11)', () => {
    expect(() => computeMetrics(Float64Array.from([0.01, NaN]))).toThrow(/returns\[1\] is NaN/);
    expect(() => computeMetrics(R, { benchmark: Float64Array.from([0, 0]) })).toThrow(/align/);
  });
  it('property: finite inputs give a JSON-safe table with consistent identities (fast-check)', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: -0.2, max: 0.2, noNaN: true }), { minLength: 2, maxLength: 400 }), (xs) => {
      const r = Float64Array.from(xs);
      const b = Float64Array.from(xs, (x, i) => x * 0.5 + (i % 3) * 1e-3);
      const m = computeMetrics(r, { benchmark: b });
      for (const v of Object.values(m)) if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
      if (m.informationRatio !== null) expect(m.informationRatio).toBeCloseTo(m.activeReturn! / m.trackingError!, 9);
      expect(m.maxDrawdown!).toBeLessThanOrEqual(0);
      expect(m.maxDrawdown!).toBeGreaterThanOrEqual(-1);
      const am = activeMetrics(r, b);
      expect(am.activeReturn).toBe(m.activeReturn);
    }), { numRuns: 300, seed: 11 });
  });
});

describe('METRIC_DEFINITIONS', () => {
  it('documents every key of the table exactly once, with a formula and a format', () => {
    const keys = Object.keys(computeMetrics(R, { benchmark: B, turnover: new Float64Array(5) }));
    expect(METRIC_DEFINITIONS.map((d) => d.key).sort()).toEqual([...keys].sort());
    for (const d of METRIC_DEFINITIONS) {
      expect(d.label.length).toBeGreaterThan(0);
      expect(d.formula.length).toBeGreaterThanOrEqual(5);
      expect(['percent', 'ratio', 'number', 'date']).toContain(d.format);
    }
  });
  it('formatMetric', () => {
    expect(formatMetric(0.123456, 'percent')).toBe('12.35%');
    expect(formatMetric(-0.5, 'ratio')).toBe('-0.50');
    expect(formatMetric(2520, 'number')).toBe('2,520');
    expect(formatMetric('2024-01-02', 'date')).toBe('2024-01-02');
    expect(formatMetric(null, 'ratio')).toBe('—');
  });
});
