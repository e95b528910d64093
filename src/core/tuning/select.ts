// Selection of hyperparameters from candidates' walk-forward paths (method.md §7). Both modes only
// read the paths (daily single-factor long-short returns, method.md §6), computed once per candidate:
//
// - static: the candidate with the best annualised Sharpe over a validation window [start, end);
//   the holdout window's Sharpe of the chosen candidate is reported apart and never used to choose.
// - rolling (the paper's): at every re-tune date d (first trading day of every N-th month, default
//   6), the candidate with the best Sharpe over the preceding L years (default 6) of its own
//   out-of-sample path, days < d only; it applies from d until the next re-tune date. Stitching the
//   chosen candidates' returns gives a fully out-of-sample long-short series.
//
// Sharpe (method.md §10, rf = 0): mean(R) / std(R) · √252 with the sample std (n − 1), over the days
// of the window that have a return (NaN days — before a candidate's first out-of-sample day — are
// not days of its path). A flat series (std = 0) scores 0. Ties go to the lowest trial id.
import type {
  CandidateParams, DateWindow, PathSummary, RollingSelectionConfig, SelectionConfig, StaticSelectionConfig,
  StudyState,
} from './types.ts';

export const TRADING_DAYS_PER_YEAR = 252;
/** Static mode: fewest validation days a candidate needs to be considered (half a year). */
export const STATIC_MIN_DAYS = 126;
/** Rolling mode: fewest trailing days a candidate needs at a re-tune date (one year). */
export const ROLLING_MIN_DAYS = 252;
export const ROLLING_EVERY_MONTHS = 6;
export const ROLLING_LOOKBACK_YEARS = 6;

export class SelectionError extends Error {}

/** A candidate as selection sees it: its trial id, parameters and full-calendar long-short path. */
export interface SelectionCandidate {
  trialId: number;
  params: CandidateParams;
  /** Indexed by the calendar `dates`; NaN before the first out-of-sample day. */
  longShort: Float64Array;
}

export interface SharpeStats {
  /** Annualised Sharpe; NaN when fewer than 2 days. */
  sharpe: number;
  /** Days with a return in the window. */
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1). */
  std: number;
}

/** Sharpe of x over indices [lo, hi), skipping NaN. Two passes (mean, then squared deviations). */
export function sharpeOver(x: Float64Array, lo: number, hi: number): SharpeStats {
  let n = 0, sum = 0;
  for (let i = lo; i < hi; i++) {
    const v = x[i]!;
    if (v === v) { n++; sum += v; }
  }
  if (n < 2) return { sharpe: NaN, n, mean: n ? sum / n : NaN, std: NaN };
  const mean = sum / n;
  let ss = 0;
  for (let i = lo; i < hi; i++) {
    const v = x[i]!;
    if (v === v) { const e = v - mean; ss += e * e; }
  }
  const std = Math.sqrt(ss / (n - 1));
  const sharpe = std > 0 ? (mean / std) * Math.sqrt(TRADING_DAYS_PER_YEAR) : 0;
  return { sharpe, n, mean, std };
}

/** First index i with dates[i] >= date (dates ascending); dates.length when none. */
export function lowerBound(dates: readonly string[], date: string): number {
  let lo = 0, hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dates[mid]! < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index range [lo, hi) of the calendar days inside a window [start, end). */
export function windowIndices(dates: readonly string[], w: DateWindow): [number, number] {
  return [lowerBound(dates, w.start), lowerBound(dates, w.end)];
}

/** Whole-path figures of a long-short series (its out-of-sample days only). */
export function summarisePath(dates: readonly string[], longShort: Float64Array): PathSummary {
  const s = sharpeOver(longShort, 0, longShort.length);
  let first = -1;
  for (let i = 0; i < longShort.length; i++) if (longShort[i] === longShort[i]) { first = i; break; }
  return {
    firstDate: first >= 0 ? dates[first]! : null,
    nDays: s.n,
    sharpe: s.sharpe,
    annualReturn: s.mean * TRADING_DAYS_PER_YEAR,
    annualVolatility: s.std * Math.sqrt(TRADING_DAYS_PER_YEAR),
  };
}

/**
 * A finished trial's score (what TPE maximises and the progress line shows): static — the
 * validation-window Sharpe; rolling — the Sharpe of the whole out-of-sample path. NaN when the window
 * has fewer than the mode's minimum days.
 */
export function scoreCandidate(dates: readonly string[], longShort: Float64Array, selection: SelectionConfig): number {
  if (selection.mode === 'static') {
    const [lo, hi] = windowIndices(dates, selection.validation);
    const s = sharpeOver(longShort, lo, hi);
    return s.n >= (selection.minDays ?? STATIC_MIN_DAYS) ? s.sharpe : NaN;
  }
  const s = sharpeOver(longShort, 0, longShort.length);
  return s.n >= (selection.minDays ?? ROLLING_MIN_DAYS) ? s.sharpe : NaN;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Every problem with a selection configuration; empty when valid. */
export function validateSelection(cfg: SelectionConfig): string[] {
  const errors: string[] = [];
  const checkMin = (v: number | undefined) => {
    if (v !== undefined && (!Number.isInteger(v) || v < 2)) errors.push(`selection: minDays must be a whole number ≥ 2, got ${v}`);
  };
  if (cfg.mode === 'static') {
    const w = (name: string, x: DateWindow | undefined) => {
      if (!x) return;
      if (!ISO_DATE.test(x.start) || !ISO_DATE.test(x.end)) errors.push(`selection: ${name} window needs ISO dates YYYY-MM-DD, got [${x.start}, ${x.end})`);
      else if (!(x.start < x.end)) errors.push(`selection: ${name} window [${x.start}, ${x.end}) is empty — its start must come before its end`);
    };
    w('validation', cfg.validation);
    w('holdout', cfg.holdout);
    if (cfg.holdout && cfg.holdout.start < cfg.validation.end) {
      errors.push(`selection: the holdout window starts ${cfg.holdout.start}, inside the validation window ending ${cfg.validation.end} — start the holdout at or after the validation end`);
    }
    checkMin(cfg.minDays);
  } else if (cfg.mode === 'rolling') {
    if (cfg.everyMonths !== undefined && (!Number.isInteger(cfg.everyMonths) || cfg.everyMonths < 1)) {
      errors.push(`selection: everyMonths must be a whole number ≥ 1, got ${cfg.everyMonths}`);
    }
    if (cfg.lookbackYears !== undefined && !(cfg.lookbackYears > 0 && Math.round(cfg.lookbackYears * 12) >= 1)) {
      errors.push(`selection: lookbackYears must be at least one month (1/12), got ${cfg.lookbackYears}`);
    }
    if (cfg.start !== undefined && !/^\d{4}-\d{2}(-\d{2})?$/.test(cfg.start)) {
      errors.push(`selection: start must be YYYY-MM or YYYY-MM-DD, got "${cfg.start}"`);
    }
    checkMin(cfg.minDays);
  } else {
    errors.push(`selection: mode "${String((cfg as { mode: unknown }).mode)}" is unknown — use "static" or "rolling"`);
  }
  return errors;
}

function assertValidSelection(cfg: SelectionConfig): void {
  const e = validateSelection(cfg);
  if (e.length) throw new SelectionError(e.join('\n'));
}

function checkCandidates(dates: readonly string[], candidates: readonly SelectionCandidate[]): SelectionCandidate[] {
  for (const c of candidates) {
    if (c.longShort.length !== dates.length) {
      throw new SelectionError(`selection: trial ${c.trialId} has ${c.longShort.length} daily returns but the calendar has ${dates.length} days — every path must be indexed by the same calendar`);
    }
  }
  // Ascending trial id, so a strict ">" keeps the lowest id on ties.
  return [...candidates].sort((a, b) => a.trialId - b.trialId);
}

// ---- static --------------------------------------------------------------------------------------

export interface StaticChoice {
  trialId: number;
  params: CandidateParams;
  validationSharpe: number;
  validationDays: number;
  /** The chosen candidate's Sharpe over the holdout window; null without a holdout window. */
  holdoutSharpe: number | null;
  holdoutDays: number;
}

export interface StaticSelection {
  mode: 'static';
  validation: DateWindow;
  holdout: DateWindow | null;
  minDays: number;
  /** null when no candidate has minDays validation days. */
  chosen: StaticChoice | null;
  /** Eligible candidates, best validation Sharpe first (ties: lowest trial id). */
  ranking: { trialId: number; validationSharpe: number; validationDays: number }[];
  /** Candidates skipped for having fewer than minDays validation days. */
  skipped: { trialId: number; validationDays: number }[];
}

/**
 * Static selection: best validation Sharpe. Reads only the validation window's days; the holdout
 * window is read afterwards, for the chosen candidate only.
 */
export function selectStatic(
  dates: readonly string[],
  candidates: readonly SelectionCandidate[],
  cfg: StaticSelectionConfig,
): StaticSelection {
  assertValidSelection(cfg);
  const sorted = checkCandidates(dates, candidates);
  const minDays = cfg.minDays ?? STATIC_MIN_DAYS;
  const [lo, hi] = windowIndices(dates, cfg.validation);
  const ranking: StaticSelection['ranking'] = [];
  const skipped: StaticSelection['skipped'] = [];
  for (const c of sorted) {
    const s = sharpeOver(c.longShort, lo, hi);
    if (s.n < minDays) skipped.push({ trialId: c.trialId, validationDays: s.n });
    else ranking.push({ trialId: c.trialId, validationSharpe: s.sharpe, validationDays: s.n });
  }
  ranking.sort((a, b) => b.validationSharpe - a.validationSharpe || a.trialId - b.trialId);
  let chosen: StaticChoice | null = null;
  const top = ranking[0];
  if (top) {
    const c = sorted.find((x) => x.trialId === top.trialId)!;
    let holdoutSharpe: number | null = null, holdoutDays = 0;
    if (cfg.holdout) {
      const [hlo, hhi] = windowIndices(dates, cfg.holdout);
      const h = sharpeOver(c.longShort, hlo, hhi);
      holdoutSharpe = h.sharpe;
      holdoutDays = h.n;
    }
    chosen = { trialId: c.trialId, params: c.params, validationSharpe: top.validationSharpe, validationDays: top.validationDays, holdoutSharpe, holdoutDays };
  }
  return { mode: 'static', validation: cfg.validation, holdout: cfg.holdout ?? null, minDays, chosen, ranking, skipped };
}

/**
 * Suggested static windows when the user gives none: validation from the earliest out-of-sample
 * day over the candidates to the date `validationFraction` (default 70%) of the way through the
 * out-of-sample days, holdout from there to the end of the data.
 */
export function defaultStaticWindows(
  dates: readonly string[],
  candidates: readonly SelectionCandidate[],
  validationFraction = 0.7,
): { validation: DateWindow; holdout: DateWindow } {
  const first = earliestIndex(candidates);
  if (first < 0 || dates.length - first < 4) {
    throw new SelectionError('selection: the candidates have (almost) no out-of-sample days — nothing to split into validation and holdout windows');
  }
  const split = first + Math.max(1, Math.min(dates.length - first - 1, Math.round((dates.length - first) * validationFraction)));
  const afterEnd = '9999-12-31';
  return { validation: { start: dates[first]!, end: dates[split]! }, holdout: { start: dates[split]!, end: afterEnd } };
}

function earliestIndex(candidates: readonly SelectionCandidate[]): number {
  let first = -1;
  for (const c of candidates) {
    const x = c.longShort;
    const limit = first < 0 ? x.length : first;
    for (let i = 0; i < limit; i++) if (x[i] === x[i]) { first = i; break; }
  }
  return first;
}

// ---- rolling -------------------------------------------------------------------------------------

export interface RetuneChoice {
  /** The re-tune date (first trading day of its month); the choice applies from this day on. */
  date: string;
  /** Start of the trailing window [lookbackStart, date). */
  lookbackStart: string;
  /** The chosen trial, or the one carried over when no candidate had minDays trailing days; null before any. */
  trialId: number | null;
  params: CandidateParams | null;
  /** The chosen candidate's trailing Sharpe; NaN when carried over or none. */
  lookbackSharpe: number;
  lookbackDays: number;
  /** Candidates with at least minDays trailing days. */
  eligible: number;
  /** True when no candidate was eligible and the previous choice stays in force. */
  carriedOver: boolean;
}

export interface ParameterSegment {
  /** First day (inclusive) the parameters apply; they apply until the next segment's `from`. */
  from: string;
  trialId: number;
  params: CandidateParams;
}

export interface RollingSelection {
  mode: 'rolling';
  everyMonths: number;
  lookbackYears: number;
  minDays: number;
  retunes: RetuneChoice[];
  /** The parameter path, one segment per change of choice: it flows into a backtest configuration. */
  parameterPath: ParameterSegment[];
  /** The stitched, fully out-of-sample long-short series on the calendar; NaN before the first choice. */
  longShort: Float64Array;
  firstDate: string | null;
  nDays: number;
  sharpe: number;
}

function monthIndex(date: string): number {
  return Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
}

/** The date `months` months before an ISO date, same day of month (may be e.g. 2014-02-30: only compared as text). */
function monthsBefore(date: string, months: number): string {
  const m = monthIndex(date) - months;
  const y = Math.floor(m / 12), mo = (m % 12) + 1;
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}${date.slice(7)}`;
}

/**
 * Calendar indices of the re-tune dates: the first trading day of month `anchor` and of every
 * `everyMonths`-th month after it. Index 0 counts as the first trading day of its month.
 */
export function retuneIndices(dates: readonly string[], everyMonths: number, anchorMonth: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < dates.length; i++) {
    const m = monthIndex(dates[i]!);
    if (i > 0 && monthIndex(dates[i - 1]!) === m) continue;
    if (m >= anchorMonth && (m - anchorMonth) % everyMonths === 0) out.push(i);
  }
  return out;
}

/**
 * Rolling selection as in the paper. At each re-tune date d the choice reads, for every candidate,
 * only its returns on days in [d − L years, d): nothing on or after d. The chosen parameters apply
 * from d until the next re-tune date; the stitched series takes the chosen candidate's return on
 * those days. When no candidate has minDays trailing days the previous choice carries over; before
 * the first choice the stitched series is NaN.
 *
 * Timing: the return of day t (method.md §6) comes from a position fixed at the close of t−1, and
 * the choice at d uses returns through d−1, all known at the close of d−1 — so switching candidates
 * at d needs no information beyond what the candidates' own positions already use.
 */
export function selectRolling(
  dates: readonly string[],
  candidates: readonly SelectionCandidate[],
  cfg: RollingSelectionConfig,
): RollingSelection {
  assertValidSelection(cfg);
  const sorted = checkCandidates(dates, candidates);
  const everyMonths = cfg.everyMonths ?? ROLLING_EVERY_MONTHS;
  const lookbackYears = cfg.lookbackYears ?? ROLLING_LOOKBACK_YEARS;
  const lookbackMonths = Math.round(lookbackYears * 12);
  const minDays = cfg.minDays ?? ROLLING_MIN_DAYS;
  const T = dates.length;
  const stitched = new Float64Array(T).fill(NaN);
  const retunes: RetuneChoice[] = [];
  const parameterPath: ParameterSegment[] = [];
  const first = earliestIndex(sorted);
  const empty = (): RollingSelection => ({
    mode: 'rolling', everyMonths, lookbackYears, minDays, retunes, parameterPath, longShort: stitched, firstDate: null, nDays: 0, sharpe: NaN,
  });
  if (first < 0 && cfg.start === undefined) return empty();
  const anchor = monthIndex(cfg.start ?? dates[first]!);
  const idx = retuneIndices(dates, everyMonths, anchor);
  let current: SelectionCandidate | null = null;
  for (let r = 0; r < idx.length; r++) {
    const d = idx[r]!;
    const date = dates[d]!;
    const lookbackStart = monthsBefore(date, lookbackMonths);
    const lo = lowerBound(dates, lookbackStart);
    let best: SelectionCandidate | null = null, bestStats: SharpeStats | null = null, eligible = 0;
    for (const c of sorted) {
      const s = sharpeOver(c.longShort, lo, d); // days < d only
      if (s.n < minDays) continue;
      eligible++;
      if (bestStats === null || s.sharpe > bestStats.sharpe) { best = c; bestStats = s; }
    }
    const carriedOver = best === null && current !== null;
    if (best) {
      if (!current || current.trialId !== best.trialId) parameterPath.push({ from: date, trialId: best.trialId, params: best.params });
      current = best;
    }
    retunes.push({
      date, lookbackStart,
      trialId: current ? current.trialId : null,
      params: current ? current.params : null,
      lookbackSharpe: bestStats ? bestStats.sharpe : NaN,
      lookbackDays: bestStats ? bestStats.n : 0,
      eligible, carriedOver,
    });
    if (current) {
      const end = r + 1 < idx.length ? idx[r + 1]! : T;
      const x = current.longShort;
      for (let t = d; t < end; t++) stitched[t] = x[t]!;
    }
  }
  const s = sharpeOver(stitched, 0, T);
  let firstDay = -1;
  for (let t = 0; t < T; t++) if (stitched[t] === stitched[t]) { firstDay = t; break; }
  return {
    mode: 'rolling', everyMonths, lookbackYears, minDays, retunes, parameterPath, longShort: stitched,
    firstDate: firstDay >= 0 ? dates[firstDay]! : null, nDays: s.n, sharpe: s.sharpe,
  };
}

// ---- from a study --------------------------------------------------------------------------------

/** The finished (done) trials of one factor, with their stored paths expanded to the calendar. */
export function candidatesFromStudy(state: StudyState, factor: string): SelectionCandidate[] {
  const dates = state.dates;
  if (!dates) return [];
  const out: SelectionCandidate[] = [];
  for (const t of state.trials) {
    if (t.factor !== factor || t.status !== 'done' || !t.path) continue;
    const x = new Float64Array(dates.length).fill(NaN);
    x.set(t.path.longShort, t.path.start);
    out.push({ trialId: t.id, params: t.params, longShort: x });
  }
  return out;
}

export type Selection = StaticSelection | RollingSelection;

/** Selection for one factor of a study, in the study's selection mode. */
export function selectForFactor(state: StudyState, factor: string): Selection {
  const cands = candidatesFromStudy(state, factor);
  const dates = state.dates ?? [];
  const cfg = state.definition.selection;
  return cfg.mode === 'static' ? selectStatic(dates, cands, cfg) : selectRolling(dates, cands, cfg);
}

/** Selection for every factor of a study. */
export function selectStudy(state: StudyState): Record<string, Selection> {
  const out: Record<string, Selection> = {};
  for (const f of state.definition.factors) out[f] = selectForFactor(state, f);
  return out;
}
