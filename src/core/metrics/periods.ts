// Sub-period metrics (the Periods screen): one run's performance table (method.md §10)
// over calendar years, "since" windows and custom windows, side by side for the strategies, the
// equal-weight benchmark and the market. Pure: the Periods screen asks an engine worker for it.
//
// Every window is cut from the run's evaluation window (method.md §6: returns from the first
// refit + 2 on), so the "full" window reproduces the result's own metrics bit for bit: the same
// computeMetrics call on the same days (see the unit test).
import { computeMetrics, type PerformanceMetrics } from './performance.ts';
import { dateWindow } from './series.ts';
import { returnEvidenceOfSeries, type ActiveEvidence, type SharpeEvidence } from './evidence.ts';

/** A sub-period. Dates are inclusive ISO dates; null = from the first / to the last day. */
export interface PeriodWindow {
  /** Stable id ("full", "y2019", "since-2022", "custom-2020-03-01-2020-12-31"). */
  id: string;
  label: string;
  kind: 'full' | 'year' | 'decade' | 'since' | 'trailing' | 'custom';
  from: string | null;
  to: string | null;
}

/** One series of the run, on the evaluation window. */
export interface PeriodSeriesInput {
  key: string;
  label: string;
  /** Daily net returns, one per evaluation date, all finite. */
  returns: Float64Array;
  /** Daily turnover aligned with `returns` (enables annualTurnover). */
  turnover?: Float64Array;
}

export interface PeriodInput {
  /** Evaluation dates (ISO), ascending. */
  dates: string[];
  /**
   * Risk-free rate for Sharpe and Sortino (method.md §10): an annual rate (decimal), or the daily
   * rates aligned with `dates` (a risk-free series such as Ken French's RF, method.md §12).
   */
  rf: number | Float64Array;
  series: PeriodSeriesInput[];
  /** Keys of the two benchmarks among `series`. */
  equalWeightKey: string;
  marketKey: string;
}

export interface PeriodSeriesMetrics {
  key: string;
  label: string;
  /** With the evidence on the Sharpe ratio (method.md §12): PSR, its standard error, the track record needed, the interval. */
  metrics: PerformanceMetrics & SharpeEvidence;
  /** Active metrics against EW (null for EW itself), with the IR and active-return intervals (method.md §12). */
  vsEqualWeight: (PerformanceMetrics & ActiveEvidence) | null;
  /** Active metrics against the market (null for the market itself). */
  vsMarket: (PerformanceMetrics & ActiveEvidence) | null;
}

export interface PeriodRow {
  window: PeriodWindow;
  /** Index range [start, end) in the input dates. */
  start: number;
  end: number;
  days: number;
  firstDate: string | null;
  lastDate: string | null;
  /** Fewer than MIN_PERIOD_DAYS days: shown greyed out (ratios on a few days mean little). */
  short: boolean;
  series: PeriodSeriesMetrics[];
}

export interface PeriodTable {
  rows: PeriodRow[];
  /** Windows that were skipped, with the reason (no days inside the run, from after to, …). */
  skipped: { window: PeriodWindow; reason: string }[];
}

/** Below this many days a window's ratios are flagged as short (about one month of trading). */
export const MIN_PERIOD_DAYS = 21;
/** Most windows one table computes (the page may add custom ones; keep the work bounded). */
export const MAX_PERIOD_WINDOWS = 200;

const ISO = /^\d{4}-\d{2}-\d{2}$/;

function isIso(s: unknown): s is string {
  if (typeof s !== 'string' || !ISO.test(s)) return false;
  const m = Number(s.slice(5, 7)), d = Number(s.slice(8, 10));
  return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/**
 * The calendar decades the dates touch (1970s = 1970-01-01 … 1979-12-31), oldest first. The first
 * and last are cut to the run by periodTable (its rows carry the real first and last dates).
 */
export function decadePeriodWindows(dates: readonly string[]): PeriodWindow[] {
  if (!dates.length) return [];
  const out: PeriodWindow[] = [];
  const first = Math.floor(Number(dates[0]!.slice(0, 4)) / 10) * 10, last = Number(dates[dates.length - 1]!.slice(0, 4));
  for (let d = first; d <= last; d += 10) {
    out.push({ id: `d${d}`, label: `${d}s`, kind: 'decade', from: `${String(d).padStart(4, '0')}-01-01`, to: `${String(d + 9).padStart(4, '0')}-12-31` });
  }
  return out;
}

/**
 * The standard windows of a run (the earlier Python dashboard's): the full evaluation window,
 * trailing 1/3/5/10 years to the last day, "since" windows from the start of 2008, 2020 and 2022
 * (the GFC, COVID and the 2022 rate shock) when they lie inside the run, every decade when the run
 * spans more than one (so a reader sees whether an edge is stable over a long history), and every
 * calendar year (oldest first). Windows that fall outside the run are left out.
 */
export function defaultPeriodWindows(dates: readonly string[]): PeriodWindow[] {
  const out: PeriodWindow[] = [];
  if (!dates.length) return out;
  const first = dates[0]!, last = dates[dates.length - 1]!;
  out.push({ id: 'full', label: `Full run (${first.slice(0, 4)}–${last.slice(0, 4)})`, kind: 'full', from: null, to: null });
  const lastYear = Number(last.slice(0, 4));
  for (const n of [1, 3, 5, 10]) {
    // Trailing n years: the days after the same calendar day n years before the last day.
    const from = dayAfter(`${String(lastYear - n).padStart(4, '0')}${last.slice(4)}`);
    if (from <= first) continue; // would equal the full window (or more than the run has)
    out.push({ id: `trailing-${n}y`, label: `Last ${n} year${n > 1 ? 's' : ''}`, kind: 'trailing', from, to: null });
  }
  for (const y of [2008, 2020, 2022]) {
    const from = `${y}-01-01`;
    if (from <= first || from > last) continue;
    out.push({ id: `since-${y}`, label: `${y}–now`, kind: 'since', from, to: null });
  }
  const decades = decadePeriodWindows(dates);
  if (decades.length > 1) out.push(...decades);
  const firstYear = Number(first.slice(0, 4));
  for (let y = firstYear; y <= lastYear; y++) {
    out.push({ id: `y${y}`, label: String(y), kind: 'year', from: `${y}-01-01`, to: `${y}-12-31` });
  }
  return out;
}

/** A custom window from the Periods screen's form (or null with the reason it is unusable). */
export function customPeriodWindow(from: string | null, to: string | null): { window: PeriodWindow } | { error: string } {
  const f = from === '' ? null : from, t = to === '' ? null : to;
  if (f !== null && !isIso(f)) return { error: `The start "${String(f).slice(0, 20)}" is not a date YYYY-MM-DD.` };
  if (t !== null && !isIso(t)) return { error: `The end "${String(t).slice(0, 20)}" is not a date YYYY-MM-DD.` };
  if (f !== null && t !== null && f > t) return { error: `The start ${f} is after the end ${t}: swap them.` };
  if (f === null && t === null) return { error: 'Give a start date, an end date or both.' };
  const label = t === null ? `${f}–now` : f === null ? `start–${t}` : `${f} – ${t}`;
  return { window: { id: `custom-${f ?? 'start'}-${t ?? 'end'}`, label, kind: t === null ? 'since' : 'custom', from: f, to: t } };
}

/** The ISO date after `iso` (29 Feb of a non-leap year counts as 1 Mar). */
function dayAfter(iso: string): string {
  const t = Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) + 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

function check(input: PeriodInput): void {
  const n = input.dates.length;
  for (const s of input.series) {
    if (s.returns.length !== n) throw new RangeError(`periodTable: series ${s.key} has ${s.returns.length} returns but there are ${n} dates`);
    if (s.turnover && s.turnover.length !== n) throw new RangeError(`periodTable: series ${s.key} has ${s.turnover.length} turnover values but there are ${n} dates`);
  }
  if (!input.series.some((s) => s.key === input.equalWeightKey)) throw new RangeError(`periodTable: no series "${input.equalWeightKey}" (the equal-weight benchmark)`);
  if (!input.series.some((s) => s.key === input.marketKey)) throw new RangeError(`periodTable: no series "${input.marketKey}" (the market)`);
}

/**
 * The performance table of every series over every window. Each window's metrics are
 * computeMetrics on the window's days only (wealth restarts at 1 on its first day, so a window's
 * max drawdown is the drawdown inside it), with the active metrics against EW and the market on
 * the same days.
 */
export function periodTable(input: PeriodInput, windows: readonly PeriodWindow[]): PeriodTable {
  check(input);
  const ew = input.series.find((s) => s.key === input.equalWeightKey)!;
  const mkt = input.series.find((s) => s.key === input.marketKey)!;
  const rows: PeriodRow[] = [];
  const skipped: PeriodTable['skipped'] = [];
  const seen = new Set<string>();
  for (const w of windows.slice(0, MAX_PERIOD_WINDOWS)) {
    if (seen.has(w.id)) { skipped.push({ window: w, reason: 'the same window is already in the table' }); continue; }
    seen.add(w.id);
    if ((w.from !== null && !isIso(w.from)) || (w.to !== null && !isIso(w.to))) { skipped.push({ window: w, reason: 'its dates are not YYYY-MM-DD' }); continue; }
    if (w.from !== null && w.to !== null && w.from > w.to) { skipped.push({ window: w, reason: `it starts (${w.from}) after it ends (${w.to})` }); continue; }
    const { start, end } = dateWindow(input.dates, w.from, w.to);
    const days = end - start;
    if (days === 0) { skipped.push({ window: w, reason: `no day of the run's evaluation window (${input.dates[0] ?? '—'} to ${input.dates[input.dates.length - 1] ?? '—'}) falls inside it` }); continue; }
    const dates = input.dates.slice(start, end);
    const ewR = ew.returns.subarray(start, end), mR = mkt.returns.subarray(start, end);
    const rf = typeof input.rf === 'number' ? input.rf : input.rf.subarray(start, end);
    const returns = input.series.map((s) => s.returns.subarray(start, end));
    // The backtest's evidence (core/backtest), so the full window's evidence is the result's own:
    // one bootstrap for every series of the window (the same intervals as one per series, see
    // returnEvidenceOfSeries), without the benchmarks against themselves.
    const isEw = (i: number) => input.series[i]!.key === input.equalWeightKey, isMarket = (i: number) => input.series[i]!.key === input.marketKey;
    const evidence = returnEvidenceOfSeries(returns, { rf, benchmarks: [ewR, mR], skip: (i, b) => (b === 0 ? isEw(i) : isMarket(i)) });
    const series = input.series.map((s, i): PeriodSeriesMetrics => {
      const r = returns[i]!, ev = evidence[i]!;
      return {
        key: s.key, label: s.label,
        metrics: { ...computeMetrics(r, { rf, dates, turnover: s.turnover?.subarray(start, end) }), ...ev.sharpe },
        vsEqualWeight: ev.active[0] ? { ...computeMetrics(r, { rf, benchmark: ewR, dates }), ...ev.active[0] } : null,
        vsMarket: ev.active[1] ? { ...computeMetrics(r, { rf, benchmark: mR, dates }), ...ev.active[1] } : null,
      };
    });
    rows.push({ window: w, start, end, days, firstDate: dates[0] ?? null, lastDate: dates[days - 1] ?? null, short: days < MIN_PERIOD_DAYS, series });
  }
  for (const w of windows.slice(MAX_PERIOD_WINDOWS)) skipped.push({ window: w, reason: `more than ${MAX_PERIOD_WINDOWS} windows` });
  return { rows, skipped };
}

/** The plain result parts periodTable needs (structural, so core/metrics does not import core/backtest). */
export interface PeriodSourceSeries {
  key: string;
  label: string;
  returns: readonly (number | null)[];
  turnover: readonly (number | null)[];
}
export interface PeriodSource {
  dates: readonly string[];
  evalStartIndex: number;
  config: { riskFreeRate: number };
  /** The daily risk-free rate on `dates` when the run used a risk-free series (BacktestResult.riskFree). */
  riskFree?: readonly (number | null)[] | null;
  strategies: readonly PeriodSourceSeries[];
  equalWeight: PeriodSourceSeries;
  market: PeriodSourceSeries;
}

/**
 * The evaluation window of a backtest result as typed arrays (the input of periodTable). A
 * missing return inside the window is an error naming the day, as in computeMetrics (never filled).
 */
export function periodInputFromResult(result: PeriodSource): PeriodInput {
  const e = result.evalStartIndex;
  const dates = result.dates.slice(e);
  const window = (src: readonly (number | null)[], what: string): Float64Array => {
    const out = new Float64Array(dates.length);
    for (let i = 0; i < dates.length; i++) {
      const v = src[e + i];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new RangeError(`periodInputFromResult: ${what} on ${dates[i]} is missing; the result is incomplete`);
      }
      out[i] = v;
    }
    return out;
  };
  const arr = (s: PeriodSourceSeries, what: 'returns' | 'turnover'): Float64Array => window(s[what], `${s.key} ${what}`);
  const series = [...result.strategies, result.equalWeight, result.market].map((s): PeriodSeriesInput => ({
    key: s.key, label: s.label, returns: arr(s, 'returns'), turnover: arr(s, 'turnover'),
  }));
  const rf = result.riskFree ? window(result.riskFree, 'the risk-free rate') : result.config.riskFreeRate;
  return { dates, rf, series, equalWeightKey: result.equalWeight.key, marketKey: result.market.key };
}
