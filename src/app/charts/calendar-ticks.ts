// Date-axis ticks for charts whose x axis is the trading-day index (the charts draw one point per
// trading day, so weekends and holidays take no room). A tick sits on the first trading day of a
// calendar period — a year, a half-year, a quarter or a month, whichever is the finest that still
// fits — and is labelled with that period, so a tick reading "2024" is at the first trading day of
// 2024, never somewhere in late 2023. Windows shorter than two months fall back to day ticks.
// Pure: no DOM, no chart.js (the axis wiring is in calendar-axis.ts); tested in node.
import { MONTHS } from '../format.ts';

export interface CalendarTick {
  /** Index into the dates (the x value of the tick). */
  index: number;
  label: string;
}

export interface CalendarTicks {
  /** The period the ticks mark. */
  unit: 'year' | 'month' | 'day';
  /** Periods between ticks: 1, 2, 5 … years; 1, 3, 6 months; n trading days. */
  step: number;
  ticks: CalendarTick[];
}

const MONTH_STEPS = [1, 3, 6] as const;
const YEAR_STEPS = [1, 2, 5, 10, 20, 50, 100] as const;
const DAY_STEPS = [1, 2, 5, 10, 21] as const;
/**
 * The first date of a series starts a period only if it falls in that period's first week: a data
 * set that starts on 4 Jan starts the year (the 1st to 3rd were a holiday and a weekend), one that
 * starts on 15 Nov does not, and labelling its first day with the year would misplace the year.
 */
const FIRST_WEEK = 7;

function ymd(iso: string): [number, number, number] {
  return [Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10))];
}

/**
 * The indices in [from, to] of the first trading day of every period of `months` months that
 * begins on a multiple of `months` (Jan/Apr/Jul/Oct for quarters); with `years`, of every
 * `years`-th year (years divisible by it).
 */
function boundaries(dates: readonly string[], from: number, to: number, months: number, years: number): number[] {
  const out: number[] = [];
  let prevKey = NaN;
  if (from > 0) {
    const [y, m] = ymd(dates[from - 1]!);
    prevKey = years > 0 ? Math.floor(y / years) : y * 12 + Math.floor((m - 1) / months);
  }
  for (let i = from; i <= to; i++) {
    const [y, m, d] = ymd(dates[i]!);
    const key = years > 0 ? Math.floor(y / years) : y * 12 + Math.floor((m - 1) / months);
    if (key === prevKey) continue;
    prevKey = key;
    // A gap in the data can make the first date of a period fall in its second month: no tick then.
    const startsPeriod = years > 0 ? m === 1 && y % years === 0 : (m - 1) % months === 0;
    if (!startsPeriod) continue;
    if (i === 0 && d > FIRST_WEEK) continue;
    out.push(i);
  }
  return out;
}

/** "Jan 2014", or "Apr" within a year already named: the year is written on January and on the first tick. */
function monthLabel(iso: string, first: boolean): string {
  const [y, m] = ymd(iso);
  return m === 1 || first ? `${MONTHS[m - 1]} ${y}` : MONTHS[m - 1]!;
}

/** "3 Jan 2014" on the first tick and the first of a year, else "10 Jan". */
function dayLabel(iso: string, first: boolean, prevIso: string | undefined): string {
  const [y, m, d] = ymd(iso);
  const newYear = prevIso !== undefined && prevIso.slice(0, 4) !== iso.slice(0, 4);
  return first || newYear ? `${d} ${MONTHS[m - 1]} ${y}` : `${d} ${MONTHS[m - 1]}`;
}

/**
 * Ticks for ISO `dates` (ascending trading days) over the index range [from, to] (default: all),
 * at most `maxTicks` of them: the finest of months, quarters, half-years, years, 2, 5, 10 … years
 * whose boundaries number at most `maxTicks`.
 */
export function calendarTicks(dates: readonly string[], maxTicks = 8, from = 0, to = dates.length - 1): CalendarTicks {
  const lo = Math.max(0, Math.ceil(from));
  const hi = Math.min(dates.length - 1, Math.floor(to));
  const max = Math.max(2, Math.floor(maxTicks));
  if (hi < lo) return { unit: 'day', step: 1, ticks: [] };

  const monthly = boundaries(dates, lo, hi, 1, 0);
  if (monthly.length >= 2) {
    for (const step of MONTH_STEPS) {
      const idx = step === 1 ? monthly : boundaries(dates, lo, hi, step, 0);
      if (idx.length <= max) return { unit: 'month', step, ticks: idx.map((i, k) => ({ index: i, label: monthLabel(dates[i]!, k === 0) })) };
    }
    for (const step of YEAR_STEPS) {
      const idx = boundaries(dates, lo, hi, 12, step);
      if (idx.length <= max) return { unit: 'year', step, ticks: idx.map((i) => ({ index: i, label: dates[i]!.slice(0, 4) })) };
    }
  }
  // Under two month boundaries in view: every n-th trading day from the first.
  const n = hi - lo + 1;
  const step = DAY_STEPS.find((s) => Math.ceil(n / s) <= max) ?? Math.ceil(n / max);
  const ticks: CalendarTick[] = [];
  for (let i = lo, k = 0; i <= hi; i += step, k++) ticks.push({ index: i, label: dayLabel(dates[i]!, k === 0, ticks.length ? dates[i - step] : undefined) });
  return { unit: 'day', step, ticks };
}
