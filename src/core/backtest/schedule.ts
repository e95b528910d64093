// Walk-forward schedule (method.md §6): refit on the first trading day of every month, using data
// up to the previous close, on an expanding training window of at least `trainMinYears` and at most
// `trainMaxYears` years (rolling once the maximum is reached). Dates are ISO strings YYYY-MM-DD.

export interface Refit {
  /** Index of the refit day (first trading day of a month). The model labels days refitDay … nextRefitDay−1. */
  day: number;
  /** Training rows [trainStart, trainEnd) — trainEnd = day, i.e. the last training row is the previous close. */
  trainStart: number;
  trainEnd: number;
  /** First day this model is not used any more (next refit day, or dates.length). */
  until: number;
}

/** Subtract whole years from an ISO date (Feb 29 falls back to Feb 28). */
export function isoMinusYears(iso: string, years: number): string {
  const y = Number(iso.slice(0, 4)) - years;
  let md = iso.slice(4);
  if (md === '-02-29') md = '-02-28';
  return `${String(y).padStart(4, '0')}${md}`;
}

/** Index of the first date ≥ iso (dates ascending); dates.length when none. */
export function lowerBound(dates: readonly string[], iso: string): number {
  let lo = 0, hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dates[mid]! < iso) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/**
 * The training rows [trainStart, trainEnd) of a model fitted with data up to and including the day
 * `lastDay` (ISO) on a window of `years` calendar years, starting no earlier than `firstValid`: the
 * walk-forward's window rule (method.md §6) for one fit.
 */
export function trainingWindow(dates: readonly string[], firstValid: number, lastDay: string, years: number): { trainStart: number; trainEnd: number } {
  const trainEnd = lowerBound(dates, `${lastDay}~`);
  const trainStart = Math.max(firstValid, lowerBound(dates, isoMinusYears(lastDay, years)));
  return { trainStart, trainEnd };
}

/** Indices of the first trading day of each calendar month (after the first day in the data). */
export function monthStarts(dates: readonly string[], from = 1, to = dates.length): number[] {
  const out: number[] = [];
  for (let t = Math.max(from, 1); t < to; t++) {
    if (dates[t]!.slice(0, 7) !== dates[t - 1]!.slice(0, 7)) out.push(t);
  }
  return out;
}

export interface ScheduleOptions {
  /** First row whose features are valid (every window full, method §2). */
  firstValid: number;
  trainMinYears: number;
  trainMaxYears: number;
  /** Optional evaluation bounds (indices): no refit before `startDay`, none at or after `endDay`. */
  startDay?: number;
  endDay?: number;
  /** Refit every `everyMonths` months (1 = monthly, the paper's). */
  everyMonths?: number;
}

/**
 * The refits of a walk-forward run. The first refit is the first month start at which the valid
 * history before it spans at least trainMinYears; the window start rolls forward once it would
 * exceed trainMaxYears.
 */
export function walkForwardSchedule(dates: readonly string[], opts: ScheduleOptions): Refit[] {
  const { firstValid, trainMinYears, trainMaxYears } = opts;
  if (firstValid >= dates.length) return [];
  const endDay = Math.min(opts.endDay ?? dates.length, dates.length);
  const every = Math.max(1, Math.floor(opts.everyMonths ?? 1));
  const firstValidDate = dates[firstValid]!;
  const starts = monthStarts(dates, Math.max(firstValid + 1, opts.startDay ?? 0), endDay);
  const refits: Refit[] = [];
  let counter = 0;
  for (const day of starts) {
    const lastTrainDate = dates[day - 1]!;
    // Enough history: the valid rows must cover at least trainMinYears before the refit day.
    if (isoMinusYears(dates[day]!, trainMinYears) < firstValidDate) continue;
    if (counter++ % every !== 0) continue;
    const windowStartIso = isoMinusYears(dates[day]!, trainMaxYears);
    const trainStart = Math.max(firstValid, lowerBound(dates, windowStartIso));
    if (trainStart >= day || lastTrainDate < firstValidDate) continue;
    refits.push({ day, trainStart, trainEnd: day, until: endDay });
  }
  for (let i = 0; i + 1 < refits.length; i++) refits[i]!.until = refits[i + 1]!.day;
  return refits;
}

/** The last trading day of its calendar month: the next trading day is in a later month (never the data's last day). */
export function isMonthEnd(dates: readonly string[], t: number): boolean {
  return t + 1 < dates.length && dates[t + 1]!.slice(0, 7) !== dates[t]!.slice(0, 7);
}

/** The last trading day of a calendar quarter (for the EW benchmark's rebalancing, §9). */
export function isQuarterEnd(dates: readonly string[], t: number): boolean {
  if (!isMonthEnd(dates, t)) return false;
  const m = Number(dates[t]!.slice(5, 7));
  return m === 3 || m === 6 || m === 9 || m === 12;
}
