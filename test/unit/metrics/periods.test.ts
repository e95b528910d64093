// Sub-period metrics (src/core/metrics/periods.ts, the Periods screen).
// References: computeMetrics (method.md §10) on the same days, sliced by hand; compounding across
// calendar years; the result's own metrics for the full window.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  periodTable, periodInputFromResult, defaultPeriodWindows, customPeriodWindow, MIN_PERIOD_DAYS,
  type PeriodSource, type PeriodWindow,
} from '../../../src/core/metrics/periods.ts';
import { computeMetrics } from '../../../src/core/metrics/performance.ts';
import { returnEvidence } from '../../../src/core/metrics/evidence.ts';
import { Rng } from '../../../src/core/random.ts';

/** Weekdays from `start` (ISO) on, `n` of them. */
function weekdays(start: string, n: number): string[] {
  const out: string[] = [];
  let t = Date.UTC(Number(start.slice(0, 4)), Number(start.slice(5, 7)) - 1, Number(start.slice(8, 10)));
  while (out.length < n) {
    const d = new Date(t);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
    t += 86_400_000;
  }
  return out;
}

/** A result-shaped source: `pre` days before the evaluation window (nulls), then `n` days of seeded returns. */
function source(seed: number, n: number, pre = 2, start = '2015-03-02', rf = 0.01): PeriodSource {
  const rng = new Rng(seed);
  const rnd = () => rng.next();
  const dates = weekdays(start, pre + n);
  const series = (key: string, label: string, vol: number) => {
    const returns: (number | null)[] = [];
    const turnover: (number | null)[] = [];
    for (let i = 0; i < pre + n; i++) {
      if (i < pre) { returns.push(null); turnover.push(null); continue; }
      returns.push((rnd() - 0.49) * vol);
      turnover.push(i === pre ? 1 : rnd() < 0.05 ? rnd() * 0.2 : 0);
    }
    return { key, label, returns, turnover };
  };
  return {
    dates, evalStartIndex: pre, config: { riskFreeRate: rf },
    strategies: [series('symmetric', 'Regime strategy (symmetric)', 0.03), series('asymmetric', 'Regime strategy (asymmetric)', 0.03)],
    equalWeight: series('equalWeight', 'Equal weight', 0.025),
    market: series('market', 'Market', 0.025),
  };
}

const f64 = (xs: readonly (number | null)[]) => Float64Array.from(xs as number[]);

describe('periodTable', () => {
  const src = source(7, 1500);
  const input = periodInputFromResult(src);
  const windows = defaultPeriodWindows(input.dates);
  const table = periodTable(input, windows);

  it('the full window equals computeMetrics on the whole evaluation window, bit for bit', () => {
    const full = table.rows.find((r) => r.window.id === 'full')!;
    expect(full.days).toBe(1500);
    const dates = src.dates.slice(2);
    const ew = f64(src.equalWeight.returns.slice(2)), m = f64(src.market.returns.slice(2));
    for (const s of [...src.strategies, src.equalWeight, src.market]) {
      const r = f64(s.returns.slice(2));
      const row = full.series.find((x) => x.key === s.key)!;
      // With the evidence of method.md §12, computed as the backtest computes it (the same call).
      const ev = returnEvidence(r, { rf: 0.01, benchmarks: [ew, m] });
      expect(row.metrics).toEqual({ ...computeMetrics(r, { rf: 0.01, dates, turnover: f64(s.turnover.slice(2)) }), ...ev.sharpe });
      if (s.key === 'equalWeight') expect(row.vsEqualWeight).toBeNull();
      else expect(row.vsEqualWeight).toEqual({ ...computeMetrics(r, { rf: 0.01, dates, benchmark: ew }), ...ev.active[0] });
      if (s.key === 'market') expect(row.vsMarket).toBeNull();
      else expect(row.vsMarket).toEqual({ ...computeMetrics(r, { rf: 0.01, dates, benchmark: m }), ...ev.active[1] });
    }
  });

  it('a calendar year equals computeMetrics on that year\'s days picked by hand', () => {
    const row = table.rows.find((r) => r.window.id === 'y2016')!;
    const idx = input.dates.map((d, i) => [d, i] as const).filter(([d]) => d.startsWith('2016-')).map(([, i]) => i);
    expect(row.days).toBe(idx.length);
    expect(row.firstDate).toBe('2016-01-01');
    expect(row.lastDate).toBe('2016-12-30');
    const pick = (a: Float64Array) => Float64Array.from(idx.map((i) => a[i]!));
    const sym = input.series.find((s) => s.key === 'symmetric')!;
    const ew = input.series.find((s) => s.key === 'equalWeight')!;
    const dates = idx.map((i) => input.dates[i]!);
    const got = row.series.find((s) => s.key === 'symmetric')!;
    const mkt = input.series.find((s) => s.key === 'market')!;
    const ev = returnEvidence(pick(sym.returns), { rf: 0.01, benchmarks: [pick(ew.returns), pick(mkt.returns)] });
    expect(got.metrics).toEqual({ ...computeMetrics(pick(sym.returns), { rf: 0.01, dates, turnover: pick(sym.turnover!) }), ...ev.sharpe });
    expect(got.vsEqualWeight).toEqual({ ...computeMetrics(pick(sym.returns), { rf: 0.01, dates, benchmark: pick(ew.returns) }), ...ev.active[0] });
  });

  it('calendar years compound to the full window (property over seeds)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 30, max: 900 }), (seed, n) => {
      const inp = periodInputFromResult(source(seed, n, 3, '2019-11-15'));
      const t = periodTable(inp, defaultPeriodWindows(inp.dates));
      const full = t.rows.find((r) => r.window.id === 'full')!;
      const years = t.rows.filter((r) => r.window.kind === 'year');
      expect(years.reduce((s, r) => s + r.days, 0)).toBe(full.days);
      for (const key of ['symmetric', 'market']) {
        const g = years.reduce((p, r) => p * (1 + r.series.find((s) => s.key === key)!.metrics.totalReturn!), 1);
        const fullTr = full.series.find((s) => s.key === key)!.metrics.totalReturn!;
        expect(g - 1).toBeCloseTo(fullTr, 10);
      }
    }), { numRuns: 40 });
  });

  it('flags short windows and skips windows outside the run', () => {
    const extra: PeriodWindow[] = [
      { id: 'tiny', label: 'tiny', kind: 'custom', from: '2016-03-01', to: '2016-03-04' },
      { id: 'before', label: 'before', kind: 'custom', from: '1990-01-01', to: '1990-12-31' },
      { id: 'backwards', label: 'backwards', kind: 'custom', from: '2017-01-01', to: '2016-01-01' },
      { id: 'garbage', label: 'garbage', kind: 'custom', from: 'yesterday', to: null },
      { id: 'full', label: 'again', kind: 'full', from: null, to: null },
    ];
    const t = periodTable(input, [windows[0]!, ...extra]);
    const tiny = t.rows.find((r) => r.window.id === 'tiny')!;
    expect(tiny.days).toBe(4);
    expect(tiny.short).toBe(true);
    expect(tiny.series[0]!.metrics.cagr).toBeNull(); // < 126 days (method §10)
    expect(t.rows.find((r) => r.window.id === 'full')!.short).toBe(false);
    expect(t.skipped.map((s) => s.window.id)).toEqual(['before', 'backwards', 'garbage', 'full']);
    for (const s of t.skipped) expect(s.reason.length).toBeGreaterThan(10);
    expect(MIN_PERIOD_DAYS).toBe(21);
  });

  it('refuses inputs whose series do not line up with the dates', () => {
    const bad = { ...input, series: input.series.map((s, i) => (i === 0 ? { ...s, returns: s.returns.subarray(1) } : s)) };
    expect(() => periodTable(bad, windows)).toThrow(/symmetric has 1499 returns but there are 1500 dates/);
    expect(() => periodTable({ ...input, marketKey: 'nope' }, windows)).toThrow(/no series "nope"/);
  });
});

describe('periodInputFromResult', () => {
  it('takes the evaluation window and refuses a missing return inside it', () => {
    const src = source(3, 50, 4);
    const inp = periodInputFromResult(src);
    expect(inp.dates).toEqual(src.dates.slice(4));
    expect(inp.series.map((s) => s.key)).toEqual(['symmetric', 'asymmetric', 'equalWeight', 'market']);
    expect(inp.rf).toBe(0.01);
    const broken = { ...src, market: { ...src.market, returns: src.market.returns.map((v, i) => (i === 10 ? null : v)) } };
    expect(() => periodInputFromResult(broken)).toThrow(new RegExp(`market returns on ${src.dates[10]} is missing`));
  });
});

describe('defaultPeriodWindows', () => {
  it('full, trailing, since and calendar-year windows inside the run', () => {
    const dates = weekdays('2012-04-04', 3540); // about the demo's evaluation window
    const w = defaultPeriodWindows(dates);
    const last = dates[dates.length - 1]!;
    expect(w[0]).toMatchObject({ id: 'full', from: null, to: null });
    const ids = w.map((x) => x.id);
    expect(ids).toContain('since-2020');
    expect(ids).toContain('since-2022');
    expect(ids).not.toContain('since-2008'); // before the run
    const y0 = Number(dates[0]!.slice(0, 4)), y1 = Number(last.slice(0, 4));
    expect(w.filter((x) => x.kind === 'year').map((x) => x.id)).toEqual(Array.from({ length: y1 - y0 + 1 }, (_, i) => `y${y0 + i}`));
    const t1 = w.find((x) => x.id === 'trailing-1y')!;
    // The day after the same calendar day a year before the last day.
    const lastMinus1 = `${Number(last.slice(0, 4)) - 1}${last.slice(4)}`;
    expect(t1.from! > lastMinus1).toBe(true);
    expect(t1.from!.slice(0, 4)).toBe(lastMinus1.slice(0, 4));
    // A trailing window longer than the run is left out.
    expect(ids).toContain('trailing-10y');
    expect(defaultPeriodWindows(weekdays('2020-01-06', 400)).map((x) => x.id)).not.toContain('trailing-3y');
    expect(defaultPeriodWindows([])).toEqual([]);
  });

  it('customPeriodWindow checks its dates', () => {
    expect(customPeriodWindow('2022-01-01', null)).toEqual({ window: { id: 'custom-2022-01-01-end', label: '2022-01-01–now', kind: 'since', from: '2022-01-01', to: null } });
    expect(customPeriodWindow('2020-03-01', '2020-12-31')).toMatchObject({ window: { kind: 'custom', from: '2020-03-01', to: '2020-12-31' } });
    expect(customPeriodWindow('2021-01-01', '2020-01-01')).toMatchObject({ error: expect.stringContaining('after the end') });
    expect(customPeriodWindow('01/02/2020', null)).toMatchObject({ error: expect.stringContaining('YYYY-MM-DD') });
    expect(customPeriodWindow('', '')).toMatchObject({ error: expect.stringContaining('start date') });
  });
});
