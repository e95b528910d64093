import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  sharpeOver, selectStatic, selectRolling, retuneIndices, scoreCandidate, summarisePath, defaultStaticWindows,
  validateSelection, SelectionError, type SelectionCandidate,
} from '../../../src/core/tuning/select.ts';
import { Rng } from '../../../src/core/random.ts';
import { weekdayCalendar, syntheticPath } from './synthetic.ts';

const dates = weekdayCalendar('2005-01-03', 12 * 261); // ~12 years of weekdays

function candidates(n: number, warmup = 300): SelectionCandidate[] {
  const out: SelectionCandidate[] = [];
  for (let i = 0; i < n; i++) {
    const params = { jumpPenalty: 1 + i * 7.3, maxFeatures: 1 + (i % 5) * 3 };
    out.push({ trialId: i, params, longShort: syntheticPath(dates, params, warmup + i * 20).longShort });
  }
  return out;
}

/** Independent reference: Sharpe of a plain number list (sample std, √252). */
function refSharpe(xs: number[]): number {
  const n = xs.length;
  const m = xs.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1));
  return sd > 0 ? (m / sd) * Math.sqrt(252) : 0;
}

describe('Sharpe (method.md §10, rf = 0)', () => {
  it('matches a reference value and skips NaN days', () => {
    // Python: statistics.mean(x) / statistics.stdev(x) * math.sqrt(252) for x below.
    const x = new Float64Array([NaN, NaN, 0.01, -0.02, 0.03, 0.0, 0.015]);
    const s = sharpeOver(x, 0, x.length);
    expect(s.n).toBe(5);
    expect(s.sharpe).toBeCloseTo(5.982583417540125, 12);
    expect(sharpeOver(x, 0, 3).sharpe).toBeNaN(); // one day only
    expect(sharpeOver(new Float64Array([0.001, 0.001, 0.001]), 0, 3).sharpe).toBe(0); // flat scores 0
  });

  it('path summary: first out-of-sample date, days, annualised figures', () => {
    const x = new Float64Array([NaN, 0.01, -0.01, 0.02, 0.0]);
    const s = summarisePath(['2020-01-01', '2020-01-02', '2020-01-03', '2020-01-06', '2020-01-07'], x);
    expect(s.firstDate).toBe('2020-01-02');
    expect(s.nDays).toBe(4);
    expect(s.annualReturn).toBeCloseTo(252 * 0.005, 12);
    expect(s.sharpe).toBeCloseTo(refSharpe([0.01, -0.01, 0.02, 0]), 12);
  });
});

describe('static selection', () => {
  const cands = candidates(12);
  const validation = { start: '2008-01-01', end: '2013-01-01' };
  const holdout = { start: '2013-01-01', end: '2017-12-31' };

  it('chooses the best validation Sharpe (checked against a reference) and reports the holdout apart', () => {
    const sel = selectStatic(dates, cands, { mode: 'static', validation, holdout });
    const ref = cands.map((c) => {
      const xs = dates.map((d, i) => [d, c.longShort[i]!] as const).filter(([d, v]) => d >= validation.start && d < validation.end && !Number.isNaN(v)).map(([, v]) => v);
      return { id: c.trialId, s: refSharpe(xs) };
    }).sort((a, b) => b.s - a.s || a.id - b.id);
    expect(sel.chosen!.trialId).toBe(ref[0]!.id);
    expect(sel.chosen!.validationSharpe).toBeCloseTo(ref[0]!.s, 10);
    expect(sel.ranking.map((r) => r.trialId)).toEqual(ref.map((r) => r.id));
    const c = cands[ref[0]!.id]!;
    const hx = dates.map((d, i) => [d, c.longShort[i]!] as const).filter(([d]) => d >= holdout.start && d < holdout.end).map(([, v]) => v);
    expect(sel.chosen!.holdoutSharpe).toBeCloseTo(refSharpe(hx), 10);
    expect(sel.chosen!.holdoutDays).toBe(hx.length);
    expect(scoreCandidate(dates, c.longShort, { mode: 'static', validation })).toBeCloseTo(ref[0]!.s, 10);
  });

  it('never reads the holdout window: perturbing it leaves the choice and the ranking unchanged (property)', () => {
    const base = selectStatic(dates, cands, { mode: 'static', validation, holdout });
    const [hlo] = [dates.findIndex((d) => d >= holdout.start)];
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (seed) => {
      const rng = new Rng(seed);
      const perturbed = cands.map((c) => {
        const x = c.longShort.slice();
        for (let t = hlo; t < x.length; t++) x[t] = 0.05 * rng.normal();
        return { ...c, longShort: x };
      });
      const sel = selectStatic(dates, perturbed, { mode: 'static', validation, holdout });
      expect(sel.chosen!.trialId).toBe(base.chosen!.trialId);
      expect(sel.ranking).toEqual(base.ranking);
      expect(sel.chosen!.holdoutSharpe).not.toBe(base.chosen!.holdoutSharpe); // the perturbation did land
    }), { numRuns: 20 });
  });

  it('reads nothing outside the validation window at all', () => {
    const base = selectStatic(dates, cands, { mode: 'static', validation });
    const rng = new Rng(5);
    const perturbed = cands.map((c) => {
      const x = c.longShort.slice();
      for (let t = 0; t < x.length; t++) if (dates[t]! < validation.start || dates[t]! >= validation.end) x[t] = rng.normal();
      return { ...c, longShort: x };
    });
    expect(selectStatic(dates, perturbed, { mode: 'static', validation }).ranking).toEqual(base.ranking);
  });

  it('ties go to the lowest trial id; too few days are skipped', () => {
    const x = cands[3]!.longShort;
    const twins = [{ trialId: 9, params: { jumpPenalty: 9 }, longShort: x }, { trialId: 4, params: { jumpPenalty: 4 }, longShort: x }];
    expect(selectStatic(dates, twins, { mode: 'static', validation }).chosen!.trialId).toBe(4);
    // A short path (only the last 100 validation days) has a great Sharpe but too few days.
    const short = new Float64Array(dates.length).fill(NaN);
    const end = dates.findIndex((d) => d >= validation.end);
    for (let t = end - 100; t < end; t++) short[t] = 0.01 + (t % 2 ? 0.001 : -0.001);
    const sel = selectStatic(dates, [...cands, { trialId: 99, params: {}, longShort: short }], { mode: 'static', validation });
    expect(sel.skipped).toEqual([{ trialId: 99, validationDays: 100 }]);
    expect(sel.chosen!.trialId).not.toBe(99);
    expect(selectStatic(dates, [{ trialId: 99, params: {}, longShort: short }], { mode: 'static', validation, minDays: 100 }).chosen!.trialId).toBe(99);
  });

  it('refuses overlapping windows and mismatched paths; suggests default windows', () => {
    expect(() => selectStatic(dates, cands, { mode: 'static', validation, holdout: { start: '2012-06-01', end: '2015-01-01' } })).toThrow(/inside the validation window/);
    expect(validateSelection({ mode: 'static', validation: { start: '2010-01-01', end: '2009-01-01' } })[0]).toMatch(/empty/);
    expect(() => selectStatic(dates.slice(1), cands, { mode: 'static', validation })).toThrow(SelectionError);
    const w = defaultStaticWindows(dates, cands);
    expect(w.validation.start).toBe(dates[300]);
    expect(w.holdout.start).toBe(w.validation.end);
    const oos = dates.length - 300;
    expect(dates.indexOf(w.validation.end) - 300).toBe(Math.round(oos * 0.7));
  });
});

describe('rolling selection (the paper’s)', () => {
  const cands = candidates(10);

  /** Independent reference of the choice at a re-tune date: filters by date strings. */
  function refChoice(cs: SelectionCandidate[], date: string, years: number, minDays: number) {
    const from = `${Number(date.slice(0, 4)) - years}${date.slice(4)}`;
    let best: { id: number; s: number; n: number } | null = null;
    for (const c of [...cs].sort((a, b) => a.trialId - b.trialId)) {
      const xs: number[] = [];
      dates.forEach((d, i) => { if (d >= from && d < date && !Number.isNaN(c.longShort[i]!)) xs.push(c.longShort[i]!); });
      if (xs.length < minDays) continue;
      const s = refSharpe(xs);
      if (!best || s > best.s) best = { id: c.trialId, s, n: xs.length };
    }
    return best;
  }

  it('re-tune dates: first trading day of every 6th month from the anchor', () => {
    const idx = retuneIndices(dates, 6, 2006 * 12 + 0); // from January 2006
    const got = idx.map((i) => dates[i]);
    expect(got.slice(0, 4)).toEqual(['2006-01-02', '2006-07-03', '2007-01-01', '2007-07-02']);
    for (const i of idx) expect(dates[i - 1]!.slice(0, 7)).not.toBe(dates[i]!.slice(0, 7));
  });

  it('each choice is the best trailing-6-year Sharpe of days before the re-tune date (reference)', () => {
    const sel = selectRolling(dates, cands, { mode: 'rolling' });
    expect(sel.retunes.length).toBeGreaterThan(15);
    let chosenSomething = 0;
    for (const r of sel.retunes) {
      const ref = refChoice(cands, r.date, 6, 252);
      if (ref) {
        chosenSomething++;
        expect(r.carriedOver).toBe(false);
        expect(r.trialId).toBe(ref.id);
        expect(r.lookbackSharpe).toBeCloseTo(ref.s, 10);
        expect(r.lookbackDays).toBe(ref.n);
      } else expect(r.trialId).toBeNull();
    }
    expect(chosenSomething).toBeGreaterThan(10);
    expect(new Set(sel.retunes.map((r) => r.trialId).filter((x) => x !== null)).size).toBeGreaterThan(1); // not trivially constant
  });

  it('stitches the chosen candidates’ returns; the parameter path lists each change once', () => {
    const sel = selectRolling(dates, cands, { mode: 'rolling', everyMonths: 3, lookbackYears: 2 });
    const byId = new Map(cands.map((c) => [c.trialId, c]));
    for (let r = 0; r < sel.retunes.length; r++) {
      const ret = sel.retunes[r]!;
      const lo = dates.indexOf(ret.date);
      const hi = r + 1 < sel.retunes.length ? dates.indexOf(sel.retunes[r + 1]!.date) : dates.length;
      for (let t = lo; t < hi; t++) {
        if (ret.trialId === null) expect(sel.longShort[t]).toBeNaN();
        else expect(sel.longShort[t]).toBe(byId.get(ret.trialId)!.longShort[t]);
      }
    }
    const first = sel.retunes.findIndex((r) => r.trialId !== null);
    for (let t = 0; t < dates.indexOf(sel.retunes[first]!.date); t++) expect(sel.longShort[t]).toBeNaN();
    expect(sel.firstDate).toBe(sel.retunes[first]!.date);
    // Path segments: one per change, in date order, matching the retunes.
    for (let i = 1; i < sel.parameterPath.length; i++) {
      expect(sel.parameterPath[i]!.trialId).not.toBe(sel.parameterPath[i - 1]!.trialId);
      expect(sel.parameterPath[i]!.from > sel.parameterPath[i - 1]!.from).toBe(true);
    }
    const changes = sel.retunes.filter((r, i) => r.trialId !== null && (i === 0 || r.trialId !== sel.retunes[i - 1]!.trialId));
    expect(sel.parameterPath.map((p) => [p.from, p.trialId])).toEqual(changes.map((r) => [r.date, r.trialId]));
    const xs = Array.from(sel.longShort).filter((v) => !Number.isNaN(v));
    expect(sel.nDays).toBe(xs.length);
    expect(sel.sharpe).toBeCloseTo(refSharpe(xs), 10);
  });

  it('uses no data after each re-tune date: perturbing the future never changes earlier choices (property)', () => {
    const cfg = { mode: 'rolling' as const, everyMonths: 3, lookbackYears: 3 };
    const base = selectRolling(dates, cands, cfg);
    let changedLater = 0;
    // d0 anywhere, and often exactly on a re-tune date (the boundary: the choice there must not read day d0).
    const retuneIdx = base.retunes.map((r) => dates.indexOf(r.date));
    const arbD0 = fc.oneof(fc.integer({ min: 1, max: dates.length - 1 }), fc.constantFrom(...retuneIdx));
    fc.assert(fc.property(arbD0, fc.integer({ min: 1, max: 2 ** 31 }), (d0, seed) => {
      const rng = new Rng(seed);
      const perturbed = cands.map((c) => {
        const x = c.longShort.slice();
        // Change every value from day d0 on (keeping which days exist: a path's start is set by its training window).
        for (let t = d0; t < x.length; t++) if (!Number.isNaN(x[t]!)) x[t] = 0.02 * rng.normal() + 0.01 * Math.sign(rng.next() - 0.5);
        return { ...c, longShort: x };
      });
      const sel = selectRolling(dates, perturbed, cfg);
      expect(sel.retunes.map((r) => r.date)).toEqual(base.retunes.map((r) => r.date));
      for (let r = 0; r < base.retunes.length; r++) {
        const a = base.retunes[r]!, b = sel.retunes[r]!;
        if (a.date <= dates[d0]!) expect(b).toEqual(a); // choice, its Sharpe and days: bit-identical
        else if (a.trialId !== b.trialId) changedLater++;
      }
      for (let t = 0; t < d0; t++) expect(Object.is(sel.longShort[t], base.longShort[t])).toBe(true);
    }), { numRuns: 40 });
    expect(changedLater).toBeGreaterThan(0); // the perturbation does move later choices
  });

  it('carries the last choice over when no candidate has enough trailing days; ties → lowest id', () => {
    const gap = cands.map((c) => {
      const x = c.longShort.slice();
      for (let t = 0; t < x.length; t++) if (dates[t]! >= '2011-01-01' && dates[t]! < '2012-06-01') x[t] = NaN;
      return { ...c, longShort: x };
    });
    const sel = selectRolling(dates, gap, { mode: 'rolling', lookbackYears: 1, minDays: 150, start: '2006-01' });
    const r = sel.retunes.find((x) => x.date.startsWith('2012-01'))!;
    const before = sel.retunes[sel.retunes.indexOf(r) - 1]!;
    expect(r.eligible).toBe(0);
    expect(r.carriedOver).toBe(true);
    expect(r.trialId).toBe(before.trialId);
    expect(r.lookbackSharpe).toBeNaN();
    const twins = [{ trialId: 7, params: {}, longShort: cands[2]!.longShort }, { trialId: 3, params: {}, longShort: cands[2]!.longShort }];
    expect(selectRolling(dates, twins, { mode: 'rolling' }).parameterPath.map((p) => p.trialId)).toEqual([3]);
  });

  it('validates its settings', () => {
    expect(validateSelection({ mode: 'rolling', everyMonths: 0 })[0]).toMatch(/everyMonths/);
    expect(validateSelection({ mode: 'rolling', start: '2010/01' })[0]).toMatch(/start/);
    expect(validateSelection({ mode: 'rolling', minDays: 1 })[0]).toMatch(/minDays/);
    expect(() => selectRolling(dates, cands, { mode: 'rolling', lookbackYears: 0 })).toThrow(SelectionError);
    const sel = selectRolling(dates, cands, { mode: 'rolling', start: '2009-02' });
    expect(sel.retunes[0]!.date.slice(0, 7)).toBe('2009-02');
  });
});
