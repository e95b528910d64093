// Real data: every CSV in ../shared/data/market/ imports into 7 price assets and 3
// environment series with the first/last dates its README states. Read in place, never copied.
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { importFiles } from '../../../src/core/data/import.ts';
import { DEFAULT_FACTORS } from '../../../src/core/data/panel.ts';

const dir = '/work/shared/data/market/';
const present = existsSync(`${dir}README.md`);
if (!present) console.log(`real-data tests skipped: ${dir} is absent (the shared market data is not on this machine)`);

/** The README's table: | file | first | last | … */
function readmeRanges(): Map<string, { first: string; last: string }> {
  const out = new Map<string, { first: string; last: string }>();
  for (const line of readFileSync(`${dir}README.md`, 'utf8').split('\n')) {
    const m = /^\|\s*([A-Za-z0-9_]+\.csv)\s*\|\s*(\d{4}-\d{2}-\d{2})\s*\|\s*(\d{4}-\d{2}-\d{2})\s*\|/.exec(line);
    if (m) out.set(m[1]!, { first: m[2]!, last: m[3]! });
  }
  return out;
}

describe.skipIf(!present)('real market data', () => {
  const names = present ? readdirSync(dir).filter((f) => f.endsWith('.csv')).sort() : [];
  const result = present ? importFiles(names.map((name) => ({ name, bytes: new Uint8Array(readFileSync(dir + name)) }))) : null;

  it('every file is accepted with the range the README states', () => {
    const ranges = readmeRanges();
    expect(ranges.size).toBe(10);
    expect(names.length).toBe(10);
    for (const rep of result!.reports) {
      const want = ranges.get(rep.file);
      expect(want, rep.file).toBeDefined();
      expect(rep.accepted, rep.file).toBe(true);
      expect([rep.firstDate, rep.lastDate], rep.file).toEqual([want!.first, want!.last]);
      expect(rep.issues.filter((i) => i.severity === 'error'), rep.file).toEqual([]);
    }
  });

  it('7 price assets (Adj Close) and 3 environment levels, with default roles', () => {
    const p = result!.panel!;
    expect(p.series.filter((s) => s.kind === 'price').map((s) => [s.ticker, s.role])).toEqual([['SPY', 'market'], ...DEFAULT_FACTORS.map((f) => [f, 'factor'])]);
    expect(p.series.filter((s) => s.kind === 'level').map((s) => [s.ticker, s.role])).toEqual([['VIX', 'environment'], ['DGS2', 'environment'], ['DGS10', 'environment']]);
    for (const rep of result!.reports) if (rep.kinds[rep.tickers[0]!] === 'price') expect(rep.adjusted, rep.file).toBe(true);
  });

  it('the panel starts when QUAL starts and says so; the environment is carried past its end with a warning', () => {
    const pr = result!.panelReport!;
    expect(pr.firstDate).toBe('2013-07-18');
    expect(pr.lastDate).toBe('2026-05-01');
    expect(pr.startSetBy).toBe('QUAL');
    expect(pr.message).toContain('range starts 2013-07-18 because QUAL starts then');
    expect(pr.issues.filter((i) => /ends 2025-12-30.*carried forward/.test(i.message)).map((i) => i.file).sort()).toEqual(['DGS10.csv', 'DGS2.csv', 'VIXCLS.csv']);
    const p = result!.panel!;
    expect(p.dates.length).toBe(pr.rows);
    for (const s of p.series) expect(s.values.every(Number.isFinite), s.ticker).toBe(true);
    // Values are the file's Adj Close on that date (spot check the first and last rows of SPY).
    const spy = p.series.find((s) => s.ticker === 'SPY')!;
    const lines = readFileSync(`${dir}SPY.csv`, 'utf8').trim().split('\n');
    const last = lines[lines.length - 1]!.split(',');
    expect(spy.values[spy.values.length - 1]).toBe(Number(last[5]));
    const first = lines.find((l) => l.startsWith('2013-07-18'))!.split(',');
    expect(spy.values[0]).toBe(Number(first[5]));
  });

  it('the thin trading of VLUE and SIZE shows up as stale-price warnings', () => {
    for (const f of ['VLUE.csv', 'SIZE.csv']) {
      const rep = result!.reports.find((r) => r.file === f)!;
      expect(rep.issues.some((i) => /identical prices/.test(i.message)), f).toBe(true);
    }
  });
});
