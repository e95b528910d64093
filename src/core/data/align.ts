// Alignment (method.md §1, data-formats.md rule 7): the panel's calendar is the set of dates every
// market and factor series has; a missing price inside it is forward-filled for at most
// maxForwardFill trading days (never backwards), longer holes drop the dates; environment levels
// take the last known value on each date (forward fill only). The report says which asset sets the
// start and the end of the range.
import type { AssetRole, Panel, PanelSeries } from './panel.ts';
import type { ImportIssue, ImportOptions, PanelReport, Severity } from './types.ts';
import type { ParsedSeries } from './parse.ts';
import { isoFromDay } from './dates.ts';
import { defaultOrderIndex, listTickers, resolveRoles, roleRank, type SeriesHolds } from './roles.ts';
import { issue } from './issues.ts';

export const DEFAULT_MAX_FORWARD_FILL = 3;

function isReturnColumn(k: string): boolean {
  return k === 'return' || k === 'percentReturn';
}

/** Sorted-unique intersection of two ascending Int32Arrays. */
function intersect(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(Math.min(a.length, b.length));
  let i = 0, j = 0, n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!, y = b[j]!;
    if (x === y) { out[n++] = x; i++; j++; } else if (x < y) i++; else j++;
  }
  return out.slice(0, n);
}

function firstFinite(s: ParsedSeries): number {
  for (let i = 0; i < s.days.length; i++) if (!Number.isNaN(s.values[i]!)) return s.days[i]!;
  return NaN;
}
function lastFinite(s: ParsedSeries): number {
  for (let i = s.days.length - 1; i >= 0; i--) if (!Number.isNaN(s.values[i]!)) return s.days[i]!;
  return NaN;
}
function countFinite(s: ParsedSeries): number {
  let n = 0;
  for (let i = 0; i < s.values.length; i++) if (!Number.isNaN(s.values[i]!)) n++;
  return n;
}

interface Item { s: ParsedSeries; role: AssetRole; index: number }

export interface BuildPanelResult { panel: Panel | null; report: PanelReport | null }

/**
 * Align parsed series into a panel. Roles come from options.roles over the defaults. Returns
 * { panel: null, report: null } for no series, and { panel: null, report } with the reason when the
 * series have no date in common.
 */
export function buildPanel(series: ParsedSeries[], options: ImportOptions = {}): BuildPanelResult {
  const empty = series.filter((s) => !s.values.some((v) => !Number.isNaN(v)));
  series = series.filter((s) => !empty.includes(s));
  if (series.length === 0) return { panel: null, report: null };
  const maxFF = Math.max(0, Math.floor(Number.isFinite(options.maxForwardFill) ? options.maxForwardFill! : DEFAULT_MAX_FORWARD_FILL));
  const issues: ImportIssue[] = [];
  const note = (severity: Severity, file: string, message: string, action: string) => issues.push(issue(file, severity, message, action));
  for (const s of empty) note('warning', s.file, `${s.ticker} has no values`, 'left out of the panel');

  const holds: Record<string, SeriesHolds> = {};
  const sources: Record<string, string> = {};
  for (const s of series) { holds[s.ticker] = isReturnColumn(s.columnKind) ? 'returns' : s.kind; sources[s.ticker] = s.source; }
  const { roles, notes } = resolveRoles(series.map((s) => s.ticker), options.roles ?? {}, holds, sources);
  const fileOf = new Map(series.map((s) => [s.ticker, s.file]));
  for (const n of notes) note(n.severity, fileOf.get(n.ticker) ?? '', n.message, n.action);

  const items: Item[] = series.map((s, index) => ({ s, role: roles[s.ticker] ?? 'unused', index }));
  items.sort((a, b) => roleRank(a.role) - roleRank(b.role) || defaultOrderIndex(a.s.ticker) - defaultOrderIndex(b.s.ticker) || a.index - b.index);

  // The series that define the calendar: market and factors; failing those, every price series;
  // failing those, the environment series; failing those, everything.
  // The risk-free rate is needed every day of a run, like the market (method.md §12).
  let base = items.filter((it) => (it.role === 'market' || it.role === 'factor' || it.role === 'longShort' || it.role === 'riskFree'));
  let basis = 'market and factors';
  if (base.length === 0) { base = items.filter((it) => it.s.kind === 'price'); basis = 'all price series (no market or factor role is set)'; }
  if (base.length === 0) { base = items.filter((it) => it.role === 'environment'); basis = 'the environment series (no price series)'; }
  if (base.length === 0) { base = items.slice(); basis = 'all series'; }
  const inBase = new Set(base);
  const env = items.filter((it) => it.role === 'environment' && !inBase.has(it));
  if (!items.some((it) => it.role === 'market')) {
    note('warning', '', 'no market series: the method needs one (SPY by default)', 'set a market role for one price series');
  }

  // 1. Common dates of the base series (rows with a missing value count: they are forward-filled below).
  let cal: Int32Array = base[0]!.s.days.slice();
  for (let k = 1; k < base.length; k++) cal = intersect(cal, base[k]!.s.days);
  // Environment levels are never filled backwards, so the range cannot start before they do.
  let envStart = -Infinity;
  for (const it of env) { const f = firstFinite(it.s); if (f > envStart) envStart = f; }
  if (envStart > -Infinity) { let i0 = 0; while (i0 < cal.length && cal[i0]! < envStart) i0++; cal = cal.slice(i0); }

  // 2. Missing prices of base series: forward fill runs of ≤ maxFF days, drop the dates of longer
  //    runs and of leading gaps (nothing to fill from).
  const keep = new Uint8Array(cal.length).fill(1);
  const baseVals: Float64Array[] = [];
  for (const it of base) {
    const s = it.s;
    const v = new Float64Array(cal.length);
    const fillFrom = new Float64Array(cal.length).fill(NaN);
    let i = 0, last = NaN;
    for (let j = 0; j < cal.length; j++) {
      while (s.days[i]! < cal[j]!) { if (!Number.isNaN(s.values[i]!)) last = s.values[i]!; i++; }
      v[j] = s.values[i]!;
      fillFrom[j] = last;
    }
    let filled = 0; const filledExamples: string[] = [];
    let dropped = 0, droppedRuns = 0;
    for (let j = 0; j < cal.length;) {
      if (!Number.isNaN(v[j]!)) { j++; continue; }
      let e = j;
      while (e < cal.length && Number.isNaN(v[e]!)) e++;
      const len = e - j;
      const from = fillFrom[j]!;
      if (len <= maxFF && !Number.isNaN(from)) {
        for (let q = j; q < e; q++) { v[q] = from; if (filledExamples.length < 3) filledExamples.push(isoFromDay(cal[q]!)); }
        filled += len;
      } else {
        for (let q = j; q < e; q++) keep[q] = 0;
        // Before its first or after its last price the series simply has no history there: the
        // start/end message covers that. Only holes inside the history are reported here.
        const interior = !Number.isNaN(from) && e < cal.length;
        if (!interior) { j = e; continue; }
        dropped += len; droppedRuns++;
        if (droppedRuns <= 5) {
          note('warning', s.file, `${s.ticker} has no price on ${len} consecutive date(s) from ${isoFromDay(cal[j]!)} to ${isoFromDay(cal[e - 1]!)}, more than the ${maxFF}-day forward-fill limit`,
            'those dates left out of the panel');
        }
      }
      j = e;
    }
    if (droppedRuns > 5) note('warning', s.file, `${s.ticker}: ${droppedRuns - 5} more runs of missing prices too long to fill; ${dropped} dates left out in all`, 'those dates left out of the panel');
    if (filled > 0) {
      note('info', s.file, `${s.ticker}: ${filled} missing price(s) forward-filled from the previous day's price (e.g. ${filledExamples.join(', ')}; at most ${maxFF} days in a row)`,
        `forward-filled ${filled} day(s)`);
    }
    baseVals.push(v);
  }
  let nKeep = 0;
  for (let j = 0; j < cal.length; j++) nKeep += keep[j]!;
  const dates = new Int32Array(nKeep);
  for (let j = 0, q = 0; j < cal.length; j++) if (keep[j]) dates[q++] = cal[j]!;

  // Own ranges, for the report and for who sets the start and the end.
  const ranges = items.map((it) => ({ first: firstFinite(it.s), last: lastFinite(it.s), rows: countFinite(it.s) }));
  const rangeOf = new Map(items.map((it, k) => [it, ranges[k]!]));
  const assets: PanelReport['assets'] = items.map((it, k) => ({
    ticker: it.s.ticker, role: it.role, kind: it.s.kind,
    firstDate: Number.isNaN(ranges[k]!.first) ? '' : isoFromDay(ranges[k]!.first),
    lastDate: Number.isNaN(ranges[k]!.last) ? '' : isoFromDay(ranges[k]!.last),
    rows: ranges[k]!.rows, source: it.s.source, file: it.s.file,
  }));

  const starters = [...base, ...env];
  const maxStart = Math.max(...starters.map((it) => rangeOf.get(it)!.first));
  const startSetBy = starters.filter((it) => rangeOf.get(it)!.first === maxStart).map((it) => it.s.ticker);
  const minEnd = Math.min(...base.map((it) => rangeOf.get(it)!.last));
  const endSetBy = base.filter((it) => rangeOf.get(it)!.last === minEnd).map((it) => it.s.ticker);

  if (dates.length === 0) {
    const spans = base.map((it) => `${it.s.ticker} ${isoFromDay(rangeOf.get(it)!.first)}–${isoFromDay(rangeOf.get(it)!.last)}`).join(', ');
    const message = `no date is common to ${basis}: ${spans}${env.length ? ` (environment series start ${isoFromDay(envStart)})` : ''}`;
    note('error', '', message, 'no panel built: import series whose histories overlap, or change roles');
    return {
      panel: null,
      report: { assets, firstDate: '', lastDate: '', rows: 0, startSetBy: listTickers(startSetBy), endSetBy: listTickers(endSetBy), message, issues },
    };
  }
  const n = dates.length;
  const firstDay = dates[0]!, lastDay = dates[n - 1]!;

  // 3. Dates inside the range that some base series lacks (aligned on common dates: left out).
  //    Marks over the day range instead of sorting the union: linear in the span (≤ ~150k days).
  if (base.length > 1) {
    const span = lastDay - firstDay + 1;
    const mark = new Uint8Array(span);
    for (const it of base) {
      const ds = it.s.days;
      for (let i = 0; i < ds.length; i++) { const d = ds[i]! - firstDay; if (d >= 0 && d < span) mark[d] = 1; }
    }
    for (const it of base) {
      const ex: string[] = [];
      let lacking = 0, j = 0;
      const d = it.s.days;
      while (j < d.length && d[j]! < firstDay) j++;
      for (let x = 0; x < span; x++) {
        if (!mark[x]) continue;
        const day = firstDay + x;
        while (j < d.length && d[j]! < day) j++;
        if (j >= d.length || d[j] !== day) { lacking++; if (ex.length < 3) ex.push(isoFromDay(day)); }
      }
      if (lacking > 0) {
        note('info', it.s.file, `${it.s.ticker} has no row on ${lacking} date(s) inside the range that other assets have (e.g. ${ex.join(', ')})`,
          'those dates left out of the panel (assets are aligned on their common dates)');
      }
    }
  }

  // 4. Values on the calendar.
  const out: PanelSeries[] = [];
  const carriedPastEnd: string[] = [];
  let carriedDays = 0, envEnd = Infinity;
  const baseIndex = new Map(base.map((it, k) => [it, k]));
  for (const it of items) {
    const s = it.s;
    const values = new Float64Array(n);
    const bi = baseIndex.get(it) ?? -1;
    if (bi >= 0) {
      const v = baseVals[bi]!;
      for (let j = 0, q = 0; j < cal.length; j++) if (keep[j]) values[q++] = v[j]!;
    } else if (it.role === 'environment' || s.kind === 'level') {
      // Last known value on or before each date (method.md §1: forward fill only).
      let i = 0, last = NaN, exact = 0, before = 0;
      for (let q = 0; q < n; q++) {
        const day = dates[q]!;
        while (i < s.days.length && s.days[i]! <= day) {
          if (!Number.isNaN(s.values[i]!)) { last = s.values[i]!; if (s.days[i] === day) exact++; }
          i++;
        }
        values[q] = last;
        if (Number.isNaN(last)) before++;
      }
      const lastObs = rangeOf.get(it)!.last;
      const past = countAfter(dates, lastObs);
      const filledIn = n - exact - before - past;
      if (filledIn > 0) note('info', s.file, `${s.ticker}: ${filledIn} date(s) without an observation take the previous value`, 'forward-filled (levels: last known value)');
      if (past > 0 && it.role === 'environment') {
        carriedPastEnd.push(s.ticker); carriedDays = Math.max(carriedDays, past); envEnd = Math.min(envEnd, lastObs);
        note('warning', s.file, `${s.ticker} ends ${isoFromDay(lastObs)}, before the panel's last date ${isoFromDay(lastDay)}: its last value is carried forward over the last ${past} trading day(s)`,
          'forward-filled; end a run on that date to avoid stale levels');
      }
      if (before > 0) note('info', s.file, `${s.ticker} (${it.role}) starts ${isoFromDay(rangeOf.get(it)!.first)}, after the panel starts: ${before} date(s) before it are empty`, 'left empty (never filled backwards)');
    } else {
      // Unused price series: exact values, forward-filled ≤ maxFF trading days, empty elsewhere.
      let i = 0, last = NaN, steps = Infinity, empty = 0;
      for (let q = 0; q < n; q++) {
        const day = dates[q]!;
        let exactV = NaN, sawNew = false;
        while (i < s.days.length && s.days[i]! <= day) {
          const x = s.values[i]!;
          if (!Number.isNaN(x)) { last = x; sawNew = true; if (s.days[i] === day) exactV = x; }
          i++;
        }
        if (!Number.isNaN(exactV)) { values[q] = exactV; steps = 0; continue; }
        steps = sawNew ? 1 : steps + 1;
        if (!Number.isNaN(last) && steps <= maxFF) values[q] = last;
        else { values[q] = NaN; empty++; }
      }
      if (empty > 0) {
        note('info', s.file, `${s.ticker} (unused) has no value on ${empty} of the panel's ${n} dates (its history is ${assets[items.indexOf(it)]!.firstDate} to ${assets[items.indexOf(it)]!.lastDate})`,
          'left empty (NaN); give it the market or a factor role to align the panel on it');
      }
    }
    const carried = (it.role === 'environment' || s.kind === 'level') && rangeOf.get(it)!.last < lastDay;
    const ps: PanelSeries = carried ? { ticker: s.ticker, role: it.role, kind: s.kind, values, lastObserved: isoFromDay(rangeOf.get(it)!.last) } : { ticker: s.ticker, role: it.role, kind: s.kind, values };
    if (isReturnColumn(s.columnKind) && s.kind === 'price') ps.fromReturns = true;
    out.push(ps);
  }

  const isoDates = new Array<string>(n);
  for (let q = 0; q < n; q++) isoDates[q] = isoFromDay(dates[q]!);
  const first = isoDates[0]!, last = isoDates[n - 1]!;
  let message = `${n} trading days from ${first} to ${last}`;
  message += firstDay === maxStart
    ? `: range starts ${first} because ${listTickers(startSetBy)} ${startSetBy.length > 1 ? 'start' : 'starts'} then`
    : `: range starts ${first}, the first common date (${listTickers(startSetBy)} ${startSetBy.length > 1 ? 'start' : 'starts'} ${isoFromDay(maxStart)})`;
  message += lastDay === minEnd
    ? `; ends ${last} because ${listTickers(endSetBy)} ${endSetBy.length > 1 ? 'end' : 'ends'} then`
    : `; ends ${last}, the last common date (${listTickers(endSetBy)} ${endSetBy.length > 1 ? 'end' : 'ends'} ${isoFromDay(minEnd)})`;
  if (carriedPastEnd.length) message += `; ${listTickers(carriedPastEnd)} end${carriedPastEnd.length > 1 ? '' : 's'} by ${isoFromDay(envEnd)} and ${carriedPastEnd.length > 1 ? 'are' : 'is'} carried forward up to ${carriedDays} trading days`;
  message += '.';
  if (basis !== 'market and factors') note('info', '', `calendar taken from ${basis}`, 'aligned');

  const report: PanelReport = {
    assets, firstDate: first, lastDate: last, rows: n,
    startSetBy: listTickers(startSetBy), endSetBy: listTickers(endSetBy), message, issues,
  };
  return { panel: { dates: isoDates, series: out }, report };
}

function countAfter(dates: Int32Array, day: number): number {
  let c = 0;
  for (let q = dates.length - 1; q >= 0 && dates[q]! > day; q--) c++;
  return c;
}
