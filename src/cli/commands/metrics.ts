// `npm run -s cli -- metrics --returns R.csv [--benchmark B.csv] [--rf 0] [--trials N --trials-sharpe-std S] [--pbo [--blocks 16]] [--json]`
// The performance table of method.md §10 for any daily return series, with the evidence of
// method.md §12 (PSR, intervals, track record needed, deflated Sharpe, PBO): a person's own
// strategy from elsewhere, measured exactly as the backtest measures its own (src/core/metrics).
import { readFileSync, existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import Papa from 'papaparse';
import { CliError, parseCli } from '../args.ts';
import { computeMetrics, activeMetrics, formatMetric, METRIC_DEFINITIONS, type PerformanceMetrics } from '../../core/metrics/performance.ts';
import {
  returnEvidence, returnMoments, deflatedSharpe, dailySharpeVariance, probabilityOfBacktestOverfitting, commonDaysMatrix, formatEvidence, excludesZero,
  EVIDENCE_DEFINITIONS, PBO_BLOCKS, type OverfittingResult, type SharpeEvidence, type ActiveEvidence, type DeflatedEvidence, type EvidenceKey,
} from '../../core/metrics/evidence.ts';

export const help = `Usage: npm run -s cli -- metrics --returns R.csv [--benchmark B.csv] [--rf 0] [--json]
                                [--trials N --trials-sharpe-std S] [--pbo [--blocks 16]]

Performance metrics (method.md §10) of daily return series, and the evidence on them (method.md §12,
docs/evidence.md): the probability that the Sharpe ratio is above 0 (PSR), its standard error, the
track record needed for 95%, stationary-bootstrap 95% intervals of the Sharpe ratio and, with a
benchmark, of the information ratio and the active return.

  --returns FILE     CSV with a date column (header "Date", else the first column) and one column
                     of daily DECIMAL returns per series (0.012 = 1.2%; "1.2%" is read as 0.012).
                     Empty cells and NA, N/A, #N/A, NaN, null, None, -, . are missing values: that
                     day is left out of that series (never filled with 0) and reported.
  --benchmark FILE   CSV with a date column and ONE return column, matched by date. Adds the
                     active metrics (active return, tracking error, information ratio, …) and a
                     column for the benchmark itself over the same dates.
  --rf RATE          Annual risk-free rate, decimal (default 0), subtracted as RATE/252 a day in
                     Sharpe and Sortino.
  --trials N         The returns are the best of N trials (backtests tried): adds the deflated
                     Sharpe ratio (Bailey & López de Prado 2014). Needs --trials-sharpe-std.
  --trials-sharpe-std S
                     Standard deviation of the N trials' ANNUAL Sharpe ratios (e.g. 0.5).
  --pbo              Every return column is a candidate of one search: adds the probability of
                     backtest overfitting by CSCV (Bailey et al. 2015). Days with a missing value in
                     any column are dropped first.
  --blocks S         CSCV blocks, an even number from 2 to 24 (default ${PBO_BLOCKS}).
  --json             Print {"series": {<name>: {<metric>: value}}, "benchmark", "rf", "missing",
                     "datesWithoutBenchmark"[, "overfitting": {"pbo", "blocks", "candidates", …}]}
                     instead of the table; metric keys as in the README and docs/evidence.md
                     (probabilisticSharpe, sharpeStandardError, minTrackRecordYears, sharpeCI,
                     informationRatioCI, activeReturnCI, deflatedSharpe, …).

Dates: YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD (a time after the date is ignored), ascending or
descending, no duplicates. Bad input exits with code 2 and a one-line message.`;

const MISSING = new Set(['', 'na', 'n/a', '#n/a', 'nan', 'null', 'none', '-', '.', '#value!', '#div/0!']);
const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

interface Column { name: string; values: Float64Array; missingLines: number[] }
interface ReturnFile { file: string; dates: string[]; lines: number[]; columns: Column[] }

function parseDate(raw: string): string | null {
  const s = raw.trim().replace(/^"|"$/g, '');
  let m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T].*)?$/.exec(s);
  if (!m) m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
  const dim = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (mo < 1 || mo > 12 || d < 1 || d > dim[mo - 1]!) return null;
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Read a date + returns CSV. Throws CliError (exit 2) with file and line on anything unusable. */
export function readReturnsCsv(path: string): ReturnFile {
  const file = basename(path);
  if (!existsSync(path) || !statSync(path).isFile()) throw new CliError(`${path}: file not found`);
  let text = readFileSync(path, 'utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: false });
  const rows = parsed.data;
  let h = 0;
  while (h < rows.length && rows[h]!.every((c) => c.trim() === '')) h++;
  if (h >= rows.length) throw new CliError(`${file}: the file is empty`);
  const header = rows[h]!.map((c) => c.trim());
  if (header.length < 2) throw new CliError(`${file} line ${h + 1}: expected a date column and at least one return column, found ${header.length} column (is the delimiter , ; or tab?)`);
  let dc = header.findIndex((c) => /^(date|day|time|timestamp|datetime)$/i.test(c));
  if (dc < 0) dc = 0;
  if (parseDate(header[dc]!) !== null) throw new CliError(`${file} line ${h + 1}: the first row is data ("${header[dc]}"); add a header row such as Date,MyStrategy`);
  const names: string[] = [];
  const colIdx: number[] = [];
  header.forEach((c, i) => {
    if (i === dc) return;
    const name = c || `column ${i + 1}`;
    if (names.includes(name)) throw new CliError(`${file} line ${h + 1}: column name "${name}" appears twice; give every series its own name`);
    names.push(name); colIdx.push(i);
  });
  const dates: string[] = [], lines: number[] = [];
  const vals: number[][] = names.map(() => []);
  for (let r = h + 1; r < rows.length; r++) {
    const row = rows[r]!;
    if (row.every((c) => c.trim() === '')) continue;
    const line = r + 1;
    const d = parseDate(row[dc] ?? '');
    if (d === null) throw new CliError(`${file} line ${line}: date "${(row[dc] ?? '').slice(0, 40)}" is not a date (use YYYY-MM-DD)`);
    dates.push(d); lines.push(line);
    for (let k = 0; k < colIdx.length; k++) {
      const cell = (row[colIdx[k]!] ?? '').trim();
      if (MISSING.has(cell.toLowerCase())) { vals[k]!.push(NaN); continue; }
      let s = cell, scale = 1;
      if (s.endsWith('%')) { s = s.slice(0, -1).trim(); scale = 0.01; }
      if (!NUMBER_RE.test(s)) throw new CliError(`${file} line ${line}, column ${names[k]}: "${cell.slice(0, 40)}" is not a number (use decimal returns like 0.012, or leave the cell empty when missing)`);
      const v = Number(s) * scale;
      if (v < -1) throw new CliError(`${file} line ${line}, column ${names[k]}: return ${cell} is below −100%, which is impossible for a daily return (are these prices or percent numbers?)`);
      vals[k]!.push(v);
    }
  }
  if (dates.length === 0) throw new CliError(`${file}: no data rows after the header`);
  // Newest-first files (common in downloads) are turned around; anything else must be ascending.
  let order: number[] = dates.map((_, i) => i);
  if (dates.length > 1 && dates[0]! > dates[dates.length - 1]!) order = order.reverse();
  for (let i = 1; i < order.length; i++) {
    const a = dates[order[i - 1]!]!, b = dates[order[i]!]!;
    if (b <= a) throw new CliError(`${file} line ${lines[order[i]!]}: date ${b} ${b === a ? 'repeats' : 'is out of order'} (line ${lines[order[i - 1]!]} has ${a}); dates must be unique and sorted`);
  }
  const columns: Column[] = names.map((name, k) => {
    const values = new Float64Array(order.length);
    const missingLines: number[] = [];
    order.forEach((o, i) => { values[i] = vals[k]![o]!; if (Number.isNaN(values[i]!)) missingLines.push(lines[o]!); });
    missingLines.sort((a, b) => a - b);
    // Decimal returns of a daily series have a median size well under 20%: larger means prices or
    // percent numbers, whose metrics would be nonsense.
    const abs = Array.from(values).filter(Number.isFinite).map(Math.abs).sort((a, b) => a - b);
    if (abs.length >= 5 && abs[Math.floor(abs.length / 2)]! > 0.2) {
      throw new CliError(`${file}, column ${name}: the median daily return is ${(abs[Math.floor(abs.length / 2)]! * 100).toFixed(0)}%, so these look like prices or percent numbers; give decimal returns (0.012 = 1.2%) or write them with a % sign`);
    }
    return { name, values, missingLines };
  });
  return { file, dates: order.map((o) => dates[o]!), lines: order.map((o) => lines[o]!), columns };
}

function pick(values: Float64Array, mask: (i: number) => boolean): { idx: number[]; out: Float64Array } {
  const idx: number[] = [];
  for (let i = 0; i < values.length; i++) if (mask(i)) idx.push(i);
  return { idx, out: Float64Array.from(idx, (i) => values[i]!) };
}

/** A series' metrics (method.md §10) with its evidence (method.md §12). */
export type SeriesMetrics = PerformanceMetrics & SharpeEvidence & Partial<ActiveEvidence & DeflatedEvidence>;

export interface MetricsReport {
  series: Record<string, SeriesMetrics>;
  benchmark: string | null;
  rf: number;
  missing: Record<string, { file: string; count: number; rows: number[] }>;
  datesWithoutBenchmark: { count: number; rows: number[] } | null;
  /** The trials behind --trials (the deflated Sharpe ratio). */
  trials?: { count: number; sharpeStd: number };
  /** With --pbo. */
  overfitting?: OverfittingReport;
}

/** The CSCV result (core) and the days left out for a missing value in some column. */
export interface OverfittingReport extends OverfittingResult {
  daysWithMissing: number;
}

const fin = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * Metrics of every column of `returns`, optionally against `bench` (its single column), with the
 * evidence (method.md §12); with `trials` also the deflated Sharpe ratio of each column.
 */
export function metricsReport(returns: ReturnFile, bench: ReturnFile | null, rf: number, trials?: { count: number; sharpeStd: number }): MetricsReport {
  const series: Record<string, SeriesMetrics> = Object.create(null) as Record<string, SeriesMetrics>;
  const missing: MetricsReport['missing'] = Object.create(null) as MetricsReport['missing'];
  for (const c of returns.columns) missing[c.name] = { file: returns.file, count: c.missingLines.length, rows: c.missingLines };
  let bAligned: Float64Array | null = null;
  let benchName: string | null = null;
  let without: MetricsReport['datesWithoutBenchmark'] = null;
  if (bench) {
    const bc = bench.columns[0]!;
    benchName = bc.name;
    if (returns.columns.some((c) => c.name === benchName)) benchName = `${bc.name} (benchmark)`;
    missing[benchName] = { file: bench.file, count: bc.missingLines.length, rows: bc.missingLines };
    const byDate = new Map(bench.dates.map((d, i) => [d, bc.values[i]!]));
    bAligned = new Float64Array(returns.dates.length);
    const rows: number[] = [];
    returns.dates.forEach((d, i) => {
      const v = byDate.get(d);
      if (v === undefined) { bAligned![i] = NaN; rows.push(returns.lines[i]!); } else bAligned![i] = v;
    });
    without = { count: rows.length, rows };
  }
  for (const c of returns.columns) {
    const own = pick(c.values, (i) => Number.isFinite(c.values[i]!));
    const m: SeriesMetrics = { ...computeMetrics(own.out, { rf, dates: own.idx.map((i) => returns.dates[i]!) }), ...returnEvidence(own.out, { rf }).sharpe };
    if (trials) m.deflatedSharpe = fin(deflatedSharpe(returnMoments(own.out, rf / 252), trials.count, dailySharpeVariance(trials.sharpeStd)));
    if (bAligned) {
      const both = pick(c.values, (i) => Number.isFinite(c.values[i]!) && Number.isFinite(bAligned![i]!));
      if (both.idx.length) {
        const b = Float64Array.from(both.idx, (i) => bAligned![i]!);
        Object.assign(m, activeMetrics(both.out, b), returnEvidence(both.out, { benchmarks: [b] }).active[0]);
      }
    }
    series[c.name] = m;
  }
  if (bAligned && benchName) {
    const own = pick(bAligned, (i) => Number.isFinite(bAligned![i]!));
    series[benchName] = { ...computeMetrics(own.out, { rf, dates: own.idx.map((i) => returns.dates[i]!) }), ...returnEvidence(own.out, { rf }).sharpe };
  }
  const rep: MetricsReport = { series, benchmark: benchName, rf, missing, datesWithoutBenchmark: without };
  if (trials) rep.trials = trials;
  return rep;
}

/**
 * The probability of backtest overfitting of the columns of `returns` as the candidates of one
 * search (CSCV, method.md §12): days with a missing value in any column are dropped first.
 */
export function overfittingReport(returns: ReturnFile, blocks: number): OverfittingReport {
  const N = returns.columns.length;
  if (N < 2) throw new CliError(`${returns.file}: --pbo needs at least 2 return columns (one per candidate), found ${N}`);
  const { keep, matrix: m } = commonDaysMatrix(returns.columns.map((c) => c.values), returns.dates.length);
  const T = keep.length;
  if (T < 2 * blocks) {
    throw new CliError(`${returns.file}: ${T} days have a value in every column; --pbo with ${blocks} blocks needs at least ${2 * blocks} — use fewer --blocks or a longer history`);
  }
  return { ...probabilityOfBacktestOverfitting(m, T, N, blocks), daysWithMissing: returns.dates.length - T };
}

function listRows(rows: number[]): string {
  return rows.length <= 10 ? rows.join(', ') : `${rows.slice(0, 10).join(', ')}, … (${rows.length - 10} more)`;
}

/** The human table: one row per metric, one column per series. */
export function formatReport(rep: MetricsReport): string {
  const names = Object.keys(rep.series);
  // Active rows only with a benchmark; the turnover row only when some series has turnover.
  const defs = METRIC_DEFINITIONS.filter((d) => d.requires === 'benchmark' ? rep.benchmark !== null
    : d.requires === 'turnover' ? names.some((n) => rep.series[n]![d.key] !== null) : true);
  const cells = defs.map((d) => [d.label, ...names.map((n) => formatMetric(rep.series[n]![d.key], d.format))]);
  // The evidence (method.md §12): active rows only with a benchmark, the deflated Sharpe only with --trials.
  const evidence = EVIDENCE_DEFINITIONS.filter((d) => d.requires === 'benchmark' ? rep.benchmark !== null : d.requires === 'trials' ? !!rep.trials : true);
  const told = (key: EvidenceKey) => (n: string) => {
    const z = excludesZero(rep.series[n]![key] as [number, number] | null | undefined);
    return z === null ? '—' : z ? 'yes' : 'no';
  };
  cells.push(['', ...names.map(() => '')]);
  for (const d of evidence) {
    cells.push([d.label, ...names.map((n) => formatEvidence(rep.series[n]![d.key] as number | [number, number] | null | undefined, d.format))]);
    if (d.key === 'sharpeCI') cells.push(['Sharpe ≠ 0 at 95%', ...names.map(told('sharpeCI'))]);
    if (d.key === 'informationRatioCI') cells.push(['IR ≠ 0 at 95%', ...names.map(told('informationRatioCI'))]);
  }
  const head = ['', ...names];
  const widths = head.map((h, j) => Math.max(h.length, ...cells.map((r) => r[j]!.length)));
  const fmtRow = (r: string[]) => r.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ');
  const out = [fmtRow(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(fmtRow)];
  const notes: string[] = [];
  for (const [name, m] of Object.entries(rep.missing)) {
    if (m.count) notes.push(`  ${name} (${m.file}): ${m.count} missing value${m.count > 1 ? 's' : ''}, line${m.count > 1 ? 's' : ''} ${listRows(m.rows)} — those days are left out of ${name}`);
  }
  if (rep.datesWithoutBenchmark?.count) {
    const n = rep.datesWithoutBenchmark.count;
    notes.push(`  ${n} date${n > 1 ? 's' : ''} of the returns file ${n > 1 ? 'have' : 'has'} no benchmark row (lines ${listRows(rep.datesWithoutBenchmark.rows)}) — left out of the active metrics`);
  }
  if (notes.length) out.push('', 'Missing values:', ...notes);
  if (rep.trials) out.push('', `Deflated Sharpe: the best of ${rep.trials.count} trials whose annual Sharpe ratios have a standard deviation of ${rep.trials.sharpeStd}.`);
  if (rep.overfitting) {
    const o = rep.overfitting;
    out.push('', `Probability of backtest overfitting (CSCV): ${(o.pbo * 100).toFixed(1)}% — ${o.candidates} candidates, ${o.blocks} blocks, ${o.splits.toLocaleString('en-US')} splits, ${o.days} days` +
      `${o.droppedDays ? ` (first ${o.droppedDays} dropped to make equal blocks)` : ''}${o.daysWithMissing ? `; ${o.daysWithMissing} days with a missing value left out` : ''}.`,
    `  The share of splits in which the in-sample best candidate ranks at or below the out-of-sample median (median logit ${o.medianLogit.toFixed(2)}).`);
  }
  out.push('', `rf = ${rep.rf} a year. Formulas: README, "Metrics", and docs/evidence.md. CAGR is "—" under 126 days. Intervals: stationary bootstrap, 2,000 resamples, mean block 21 days, seed 0.`);
  return out.join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCli(argv, {
    returns: { type: 'string' },
    benchmark: { type: 'string' },
    rf: { type: 'string' },
    json: { type: 'boolean' },
    trials: { type: 'string' },
    'trials-sharpe-std': { type: 'string' },
    pbo: { type: 'boolean' },
    blocks: { type: 'string' },
  });
  if (!values.returns) throw new CliError('--returns R.csv is required (see --help)');
  let trials: { count: number; sharpeStd: number } | undefined;
  if (values.trials !== undefined || values['trials-sharpe-std'] !== undefined) {
    if (values.trials === undefined) throw new CliError('--trials-sharpe-std needs --trials N (how many trials were tried)');
    if (values['trials-sharpe-std'] === undefined) throw new CliError('--trials needs --trials-sharpe-std S (the standard deviation of the trials\' annual Sharpe ratios, e.g. 0.5)');
    const count = Number(values.trials);
    if (!/^\s*\d+\s*$/.test(values.trials) || !Number.isInteger(count) || count < 1) throw new CliError(`--trials must be a whole number of trials ≥ 1, got "${values.trials}"`);
    const sd = values['trials-sharpe-std'].trim();
    if (!NUMBER_RE.test(sd) || Number(sd) < 0) throw new CliError(`--trials-sharpe-std must be a standard deviation of annual Sharpe ratios ≥ 0 (e.g. 0.5), got "${values['trials-sharpe-std']}"`);
    trials = { count, sharpeStd: Number(sd) };
  }
  let blocks = PBO_BLOCKS;
  if (values.blocks !== undefined) {
    if (!values.pbo) throw new CliError('--blocks applies to --pbo (the CSCV blocks); add --pbo or drop --blocks');
    blocks = Number(values.blocks);
    if (!/^\s*\d+\s*$/.test(values.blocks) || blocks < 2 || blocks > 24 || blocks % 2 !== 0) throw new CliError(`--blocks must be an even whole number from 2 to 24, got "${values.blocks}"`);
  }
  let rf = 0;
  if (values.rf !== undefined) {
    const s = values.rf.trim();
    const pct = s.endsWith('%');
    const body = pct ? s.slice(0, -1) : s;
    if (!NUMBER_RE.test(body)) throw new CliError(`--rf must be an annual rate as a decimal (0.02 = 2%), got "${values.rf}"`);
    rf = Number(body) * (pct ? 0.01 : 1);
    if (rf < -0.5 || rf > 1) throw new CliError(`--rf ${values.rf} is out of range: give an annual rate between -0.5 and 1 (decimal, 0.02 = 2%)`);
  }
  const returns = readReturnsCsv(values.returns);
  let bench: ReturnFile | null = null;
  if (values.benchmark) {
    bench = readReturnsCsv(values.benchmark);
    if (bench.columns.length !== 1) {
      throw new CliError(`${bench.file}: a benchmark file needs exactly one return column besides the date, found ${bench.columns.length} (${bench.columns.map((c) => c.name).join(', ')})`);
    }
    const benchDates = new Set(bench.dates);
    const common = returns.dates.filter((d) => benchDates.has(d)).length;
    if (common === 0) throw new CliError(`${bench.file}: no date in common with ${returns.file} (${returns.dates[0]} … ${returns.dates.at(-1)} vs ${bench.dates[0]} … ${bench.dates.at(-1)})`);
  }
  const rep = metricsReport(returns, bench, rf, trials);
  if (values.pbo) rep.overfitting = overfittingReport(returns, blocks);
  if (values.json) console.log(JSON.stringify(rep, null, 2));
  else console.log(formatReport(rep));
  return 0;
}
