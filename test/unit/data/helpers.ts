// Shared helpers for the data-import tests: fixture loading and small series builders.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { basename } from 'node:path';
import { importFiles } from '../../../src/core/data/import.ts';
import type { ImportOptions, ImportResult, FileReport, ImportIssue } from '../../../src/core/data/types.ts';
import type { Panel } from '../../../src/core/data/panel.ts';
import type { ParsedSeries } from '../../../src/core/data/parse.ts';
import { dayFromIso } from '../../../src/core/data/dates.ts';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/data/', import.meta.url));

export function fixtureBytes(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(FIXTURES + rel));
}

/** Import fixture files (paths relative to test/fixtures/data), each under its own base name. */
export function importFixtures(rels: string[], options?: ImportOptions): ImportResult {
  return importFiles(rels.map((rel) => ({ name: basename(rel), bytes: fixtureBytes(rel) })), options);
}

export function onlyReport(r: ImportResult): FileReport {
  if (r.reports.length !== 1) throw new Error(`expected one report, got ${r.reports.length}`);
  return r.reports[0]!;
}

export function values(panel: Panel | null, ticker: string): number[] {
  const s = panel?.series.find((x) => x.ticker === ticker);
  if (!s) throw new Error(`no series ${ticker} in the panel`);
  return Array.from(s.values);
}

export function issuesMatching(issues: ImportIssue[], re: RegExp): ImportIssue[] {
  return issues.filter((i) => re.test(i.message));
}

/** A parsed series by hand: dates as ISO strings, NaN for "row present, value missing". */
export function series(ticker: string, dates: string[], vals: number[], kind: 'price' | 'level' = 'price'): ParsedSeries {
  if (dates.length !== vals.length) throw new Error('dates and values differ in length');
  return {
    ticker, file: `${ticker}.csv`, source: 'test', columnKind: kind, kind,
    days: Int32Array.from(dates, dayFromIso), values: Float64Array.from(vals), lines: Int32Array.from(dates, (_, i) => i + 2),
  };
}

/** Weekdays from start (inclusive), n of them, as ISO dates. */
export function weekdays(start: string, n: number): string[] {
  const out: string[] = [];
  const d = new Date(`${start}T00:00:00Z`);
  while (out.length < n) {
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}
