import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readReturnsCsv, metricsReport, formatReport, overfittingReport, run } from '../../../src/cli/commands/metrics.ts';
import { computeMetrics, activeMetrics } from '../../../src/core/metrics/performance.ts';
import { returnEvidence, returnMoments, deflatedSharpe, probabilityOfBacktestOverfitting } from '../../../src/core/metrics/evidence.ts';
import { CliError } from '../../../src/cli/args.ts';

let dir = '';
const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };

// 300 business-day-like dates, two strategies with holes, a benchmark with a hole and a missing date.
function fixture() {
  const dates: string[] = [];
  const d = new Date(Date.UTC(2020, 0, 1));
  while (dates.length < 300) { if (d.getUTCDay() % 6 !== 0) dates.push(d.toISOString().slice(0, 10)); d.setUTCDate(d.getUTCDate() + 1); }
  let s = 7;
  const u = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296 - 0.5; };
  const a = dates.map(() => Number((u() * 0.03).toFixed(6)));
  const b = dates.map(() => Number((u() * 0.02).toFixed(6)));
  const m = dates.map(() => Number((u() * 0.02).toFixed(6)));
  // Missing: a on rows 10 (empty) and 200 (NA); b starts late (first 30 rows empty: no flat padding).
  const aCells = a.map((v, i) => (i === 10 ? '' : i === 200 ? 'NA' : String(v)));
  const bCells = b.map((v, i) => (i < 30 ? '' : String(v)));
  const rCsv = ['Date,Alpha,Beta', ...dates.map((dt, i) => `${dt},${aCells[i]},${bCells[i]}`), ''].join('\n');
  // Benchmark: null on row 50, date of row 120 absent.
  const bLines = ['date,SPY', ...dates.flatMap((dt, i) => (i === 120 ? [] : [`${dt},${i === 50 ? 'null' : m[i]}`]))].join('\r\n');
  return { dates, a, b, m, rCsv, bLines };
}

beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'helix-metrics-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

describe('cli metrics end to end (a CSV with missing values)', () => {
  it('prints the documented JSON; missing days are left out and reported with line numbers', () => {
    const f = fixture();
    const r = file('r.csv', f.rCsv), b = file('b.csv', f.bLines);
    const res = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'metrics', '--returns', r, '--benchmark', b, '--json'], { encoding: 'utf8' });
    expect(res.stderr.replace(/npm warn.*\n?/g, '')).toBe('');
    expect(res.status).toBe(0);
    const out = JSON.parse(res.stdout) as {
      series: Record<string, Record<string, number | string | null>>; benchmark: string; rf: number;
      missing: Record<string, { file: string; count: number; rows: number[] }>; datesWithoutBenchmark: { count: number; rows: number[] };
    };
    expect(Object.keys(out.series)).toEqual(['Alpha', 'Beta', 'SPY']);
    expect(out.benchmark).toBe('SPY');
    expect(out.rf).toBe(0);
    // Line numbers are file lines: the header is line 1, data row i is line i + 2.
    expect(out.missing.Alpha).toEqual({ file: 'r.csv', count: 2, rows: [12, 202] });
    expect(out.missing.Beta!.count).toBe(30);
    expect(out.missing.Beta!.rows[0]).toBe(2);
    expect(out.missing.SPY).toEqual({ file: 'b.csv', count: 1, rows: [52] });
    expect(out.datesWithoutBenchmark).toEqual({ count: 1, rows: [122] });

    // Independent expectation: drop the missing days, never fill them.
    const aIdx = f.dates.map((_, i) => i).filter((i) => i !== 10 && i !== 200);
    const exp = computeMetrics(Float64Array.from(aIdx, (i) => f.a[i]!), { dates: aIdx.map((i) => f.dates[i]!) });
    const both = aIdx.filter((i) => i !== 50 && i !== 120);
    Object.assign(exp, activeMetrics(Float64Array.from(both, (i) => f.a[i]!), Float64Array.from(both, (i) => f.m[i]!)));
    for (const [k, v] of Object.entries(exp)) {
      if (typeof v === 'number') expect(out.series.Alpha![k], k).toBeCloseTo(v, 12);
      else expect(out.series.Alpha![k], k).toBe(v);
    }
    expect(out.series.Beta!.days).toBe(270);
    expect(out.series.Beta!.firstDate).toBe(f.dates[30]);
    expect(out.series.SPY!.days).toBe(298);
    expect(out.series.SPY!.informationRatio).toBeNull();
  });

  it('prints a table with one column per series, and notes the missing values', () => {
    const f = fixture();
    const res = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'metrics', '--returns', file('r2.csv', f.rCsv), '--rf', '0.02'], { encoding: 'utf8' });
    expect(res.status).toBe(0);
    const lines = res.stdout.split('\n');
    expect(lines[0]).toMatch(/^\s+Alpha\s+Beta$/);
    expect(res.stdout).toMatch(/Sortino\s+-?\d+\.\d\d\s+-?\d+\.\d\d/);
    expect(res.stdout).toContain('Alpha (r2.csv): 2 missing values, lines 12, 202');
    expect(res.stdout).not.toContain('Information ratio');
    expect(res.stdout).toContain('rf = 0.02');
  });

  it('bad input exits with code 2 and one clear line', () => {
    const bad = file('bad.csv', 'Date,X\n2020-01-02,0.01\n2020-01-03,abc\n');
    const res = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'metrics', '--returns', bad], { encoding: 'utf8' });
    expect(res.status).toBe(2);
    const err = res.stderr.split('\n').filter((l) => l && !l.startsWith('npm warn'));
    expect(err).toEqual(['error: bad.csv line 3, column X: "abc" is not a number (use decimal returns like 0.012, or leave the cell empty when missing)']);
  });
});

describe('reading return files', () => {
  const reads = (name: string, text: string) => readReturnsCsv(file(name, text));
  const fails = (name: string, text: string, re: RegExp) => {
    let err: unknown;
    try { reads(name, text); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    expect((err as CliError).message).toMatch(re);
    expect((err as CliError).message).not.toContain('\n');
  };

  it('accepts date formats, percent signs, semicolons, BOM and newest-first files', () => {
    const f = reads('ok.csv', '\ufeffday;A;B\n20200103;1%;0.5\n2020/01/02;-0.01;#N/A\n');
    expect(f.dates).toEqual(['2020-01-02', '2020-01-03']);
    expect(Array.from(f.columns[0]!.values)).toEqual([-0.01, 0.01]);
    expect(f.columns[1]!.missingLines).toEqual([3]);
    expect(f.lines).toEqual([3, 2]);
  });

  it('rejects unusable files with the file, line and what to do', () => {
    fails('dup.csv', 'Date,X\n2020-01-02,0.01\n2020-01-02,0.02\n', /dup\.csv line 3: date 2020-01-02 repeats/);
    fails('order.csv', 'Date,X\n2020-01-02,0.01\n2020-01-06,0.02\n2020-01-03,0.01\n', /line 4: date 2020-01-03 is out of order/);
    fails('date.csv', 'Date,X\n2020-13-02,0.01\n', /line 2: date "2020-13-02" is not a date/);
    fails('noheader.csv', '2020-01-02,0.01\n2020-01-03,0.02\n', /add a header row/);
    fails('onecol.csv', 'Date\n2020-01-02\n', /at least one return column/);
    fails('empty.csv', '\n\n', /empty/);
    fails('nodata.csv', 'Date,X\n', /no data rows/);
    fails('prices.csv', 'Date,X\n' + Array.from({ length: 10 }, (_, i) => `2020-01-${String(i + 2).padStart(2, '0')},${100 + i}`).join('\n'), /look like prices or percent numbers/);
    fails('neg.csv', 'Date,X\n2020-01-02,-1.5\n', /below −100%/);
    fails('twice.csv', 'Date,X,X\n2020-01-02,0.01,0.02\n', /appears twice/);
    expect(() => readReturnsCsv(join(dir, 'nope.csv'))).toThrow(/file not found/);
  });

  it('a benchmark file must have exactly one return column and share dates', async () => {
    const r = file('r3.csv', 'Date,A\n2020-01-02,0.01\n2020-01-03,0.02\n');
    const two = file('b2.csv', 'Date,X,Y\n2020-01-02,0.01,0.02\n');
    await expect(run(['--returns', r, '--benchmark', two])).rejects.toThrow(/exactly one return column/);
    const far = file('b3.csv', 'Date,X\n2010-01-04,0.01\n');
    await expect(run(['--returns', r, '--benchmark', far])).rejects.toThrow(/no date in common/);
    await expect(run(['--returns', r, '--rf', 'abc'])).rejects.toThrow(/--rf must be/);
    await expect(run([])).rejects.toThrow(/--returns R\.csv is required/);
  });

  it('a series named like the benchmark gets its own column; reports format for people', () => {
    const r = reads('r4.csv', 'Date,SPY\n2020-01-02,0.01\n2020-01-03,0.02\n2020-01-06,-0.01\n');
    const b = reads('b4.csv', 'Date,SPY\n2020-01-02,0.005\n2020-01-03,0.01\n2020-01-06,0\n');
    const rep = metricsReport(r, b, 0);
    expect(Object.keys(rep.series)).toEqual(['SPY', 'SPY (benchmark)']);
    expect(rep.series.SPY!.activeReturn).toBeCloseTo((252 * 0.005) / 3 * 1, 12);
    const text = formatReport(rep);
    expect(text).toContain('Information ratio');
    expect(text).toMatch(/CAGR\s+—\s+—/);
  });
});

describe('cli metrics: the evidence of method.md §12', () => {
  it('--json gains per series probabilisticSharpe, sharpeStandardError, minTrackRecordYears, sharpeCI, and with a benchmark and --trials the IR and active-return intervals and deflatedSharpe', () => {
    const f = fixture();
    const r = file('e1.csv', f.rCsv), b = file('e1b.csv', f.bLines);
    const res = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'metrics', '--returns', r, '--benchmark', b, '--rf', '0.01', '--trials', '40', '--trials-sharpe-std', '0.5', '--json'], { encoding: 'utf8' });
    expect(res.status).toBe(0);
    const out = JSON.parse(res.stdout) as { series: Record<string, Record<string, unknown>>; trials: unknown };
    const alpha = out.series.Alpha!;
    for (const k of ['probabilisticSharpe', 'sharpeStandardError', 'minTrackRecordYears', 'sharpeCI', 'informationRatioCI', 'activeReturnCI', 'deflatedSharpe']) expect(alpha, k).toHaveProperty(k);
    expect(out.trials).toEqual({ count: 40, sharpeStd: 0.5 });
    // Independently: the evidence of Alpha's own days (excess of rf), and of its days with a benchmark.
    const own = f.dates.map((_, i) => i).filter((i) => i !== 10 && i !== 200);
    const a = Float64Array.from(own, (i) => f.a[i]!);
    const ev = returnEvidence(a, { rf: 0.01 });
    expect(alpha.sharpeCI).toEqual(ev.sharpe.sharpeCI);
    expect(alpha.probabilisticSharpe).toBe(ev.sharpe.probabilisticSharpe);
    expect(alpha.deflatedSharpe).toBe(deflatedSharpe(returnMoments(a, 0.01 / 252), 40, 0.25 / 252));
    const both = own.filter((i) => i !== 50 && i !== 120);
    const act = returnEvidence(Float64Array.from(both, (i) => f.a[i]!), { benchmarks: [Float64Array.from(both, (i) => f.m[i]!)] }).active[0]!;
    expect(alpha.informationRatioCI).toEqual(act.informationRatioCI);
    expect(alpha.activeReturnCI).toEqual(act.activeReturnCI);
    // The benchmark's own column has the Sharpe evidence, not the active one.
    expect(out.series.SPY).toHaveProperty('sharpeCI');
    expect(out.series.SPY).not.toHaveProperty('informationRatioCI');
  });

  it('--pbo: every return column is a candidate; days with a missing value in any column are dropped first', async () => {
    const f = fixture();
    const path = file('e2.csv', f.rCsv);
    const rep = overfittingReport(readReturnsCsv(path), 16);
    // Alpha misses rows 10 and 200, Beta the first 30: 31 days go, 269 stay, 256 = 16 × 16 are used.
    expect(rep).toMatchObject({ blocks: 16, candidates: 2, splits: 12_870, daysWithMissing: 31, days: 256, droppedDays: 13 });
    const keep = f.dates.map((_, i) => i).filter((i) => i >= 30 && i !== 200);
    const m = new Float64Array(keep.length * 2);
    keep.forEach((t, i) => { m[2 * i] = f.a[t]!; m[2 * i + 1] = f.b[t]!; });
    expect(rep.pbo).toBe(probabilityOfBacktestOverfitting(m, keep.length, 2, 16).pbo);
    const res = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'metrics', '--returns', path, '--pbo', '--blocks', '8', '--json'], { encoding: 'utf8' });
    expect(res.status).toBe(0);
    const out = JSON.parse(res.stdout) as { overfitting: { pbo: number; blocks: number; candidates: number } };
    expect(out.overfitting).toMatchObject({ blocks: 8, candidates: 2 });
    expect(out.overfitting.pbo).toBe(overfittingReport(readReturnsCsv(path), 8).pbo);
  });

  it('the table prints the evidence rows and the overfitting line', () => {
    const f = fixture();
    const rep = metricsReport(readReturnsCsv(file('e3.csv', f.rCsv)), readReturnsCsv(file('e3b.csv', f.bLines)), 0, { count: 10, sharpeStd: 0.4 });
    rep.overfitting = overfittingReport(readReturnsCsv(file('e3c.csv', f.rCsv)), 4);
    const text = formatReport(rep);
    for (const label of ['Sharpe 95% interval', 'Sharpe ≠ 0 at 95%', 'P(Sharpe > 0)', 'Sharpe standard error', 'Track record needed (years)', 'IR 95% interval', 'Active return 95% interval', 'Deflated Sharpe']) {
      expect(text).toContain(label);
    }
    expect(text).toMatch(/Probability of backtest overfitting \(CSCV\): \d+\.\d% — 2 candidates, 4 blocks, 6 splits/);
  });

  it('bad evidence options exit with code 2 and say what to do', async () => {
    const f = fixture();
    const r = file('e4.csv', f.rCsv);
    const one = file('e4one.csv', 'Date,A\n' + f.dates.map((d, i) => `${d},${f.a[i]}`).join('\n'));
    const fails = async (args: string[], re: RegExp) => {
      const err = await run(args).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).exitCode).toBe(2);
      expect((err as CliError).message).toMatch(re);
    };
    await fails(['--returns', r, '--trials', '10'], /needs --trials-sharpe-std/);
    await fails(['--returns', r, '--trials-sharpe-std', '0.5'], /needs --trials N/);
    await fails(['--returns', r, '--trials', '0', '--trials-sharpe-std', '0.5'], /whole number of trials ≥ 1/);
    await fails(['--returns', r, '--trials', '5', '--trials-sharpe-std=-1'], /≥ 0/);
    await fails(['--returns', r, '--blocks', '8'], /--blocks applies to --pbo/);
    await fails(['--returns', r, '--pbo', '--blocks', '7'], /even whole number from 2 to 24/);
    await fails(['--returns', one, '--pbo'], /at least 2 return columns/);
    const short = file('e4short.csv', 'Date,A,B\n' + f.dates.slice(0, 20).map((d, i) => `${d},${f.a[i]},${f.b[i]}`).join('\n'));
    await fails(['--returns', short, '--pbo'], /20 days have a value in every column; --pbo with 16 blocks needs at least 32/);
  });
});
