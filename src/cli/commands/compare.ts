// `cli compare A.json B.json [C.json D.json] [--series KEY] [--json]`: two to four backtest results
// (written by `cli backtest --out`) side by side, with each run's difference from the first and the
// settings that differ (from the defaults and between the runs). The comparison itself is core's
// (src/core/metrics/compare.ts), the same the app's Compare runs view shows.
import { readFileSync, existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { CliError, parseCli } from '../args.ts';
import { validateConfig } from '../../core/config.ts';
import {
  compareMetrics, settingDifferences, sharedSeriesKeys, runSeries, formatCompareValue, formatCompareDifference,
  type ComparableRun, type CompareRow, type SettingDifference,
} from '../../core/metrics/compare.ts';
import { textTable } from '../../core/backtest/report.ts';

export const help = `Usage: npm run -s cli -- compare A.json B.json [C.json D.json] [--series KEY] [--json]

Puts 2 to 4 backtest results (files written by \`cli backtest --out\`) side by side: every metric of
each run with its difference from the first run (intervals and P(…) included, docs/evidence.md),
and the settings that differ from the defaults or between the runs.

  --series KEY   compare only this portfolio: symmetric, asymmetric, equalWeight or market
                 (default: every portfolio that all the runs have)
  --json         print {"runs": […], "settings": […], "series": {KEY: [rows]}} instead of tables

Example:
  npm run -s cli -- backtest --data ../shared/data/market --out default.json
  npm run -s cli -- backtest --data ../shared/data/market --set trainMinYears=5 --out five.json
  npm run -s cli -- compare default.json five.json --series symmetric

Bad input exits with code 2 and a one-line message.`;

export interface LoadedRun {
  file: string;
  run: ComparableRun;
}

/** Reads one result file; anything unusable is a CliError naming the file and what to do. */
export function readResult(path: string): LoadedRun {
  const file = basename(path);
  if (!existsSync(path) || !statSync(path).isFile()) throw new CliError(`${path}: file not found`);
  let raw: unknown;
  try { raw = JSON.parse(readFileSync(path, 'utf8')); } catch (e) {
    throw new CliError(`${file}: not a JSON file (${e instanceof Error ? e.message.split('\n')[0] : String(e)}) — pass a result written by \`cli backtest --out\``);
  }
  const r = raw as Partial<ComparableRun> & { version?: unknown };
  if (!r || typeof r !== 'object' || r.version !== 1 || !Array.isArray(r.dates) || !Array.isArray(r.strategies) || !r.equalWeight || !r.market || typeof r.evalStartIndex !== 'number') {
    throw new CliError(`${file}: not a backtest result (no version 1, dates, strategies, equalWeight and market) — pass a file written by \`cli backtest --out\``);
  }
  const cfg = validateConfig(r.config);
  if (!cfg.ok) throw new CliError(`${file}: its configuration does not validate (${cfg.errors.map((e) => `${e.field || 'config'}: ${e.message}`).join('; ')})`);
  for (const s of runSeries(r as ComparableRun)) {
    if (!s || typeof s.key !== 'string' || !s.metrics || !Array.isArray(s.values) || !Array.isArray(s.drawdown)) {
      throw new CliError(`${file}: a portfolio of the result has no key, metrics, values or drawdown — the file is incomplete; write it again with \`cli backtest --out\``);
    }
  }
  return { file, run: { ...(r as ComparableRun), config: cfg.config } };
}

export interface CompareReport {
  runs: { file: string; dataset: string | null; firstDate: string | null; lastDate: string | null; days: number }[];
  settings: SettingDifference[];
  series: Record<string, CompareRow[]>;
}

export function compareReport(loaded: readonly LoadedRun[], series?: string): CompareReport {
  const runs = loaded.map((l) => l.run);
  const shared = sharedSeriesKeys(runs);
  if (series !== undefined && !shared.includes(series)) {
    throw new CliError(`--series ${series}: not a portfolio of every run — choose one of ${shared.join(', ') || '(none in common)'}`);
  }
  const keys = series !== undefined ? [series] : shared;
  if (!keys.length) throw new CliError('the runs have no portfolio in common to compare');
  const out: Record<string, CompareRow[]> = {};
  for (const k of keys) out[k] = compareMetrics(runs, k);
  return {
    runs: loaded.map((l) => {
      const d = l.run.dates.slice(l.run.evalStartIndex);
      return { file: l.file, dataset: l.run.config.dataset?.name ?? null, firstDate: d[0] ?? null, lastDate: d[d.length - 1] ?? null, days: d.length };
    }),
    settings: settingDifferences(runs.map((r) => r.config)),
    series: out,
  };
}

/** The tables: runs, settings that differ, then one metrics table per portfolio. */
export function formatCompare(rep: CompareReport, loaded: readonly LoadedRun[]): string {
  const names = rep.runs.map((r, i) => `${String.fromCharCode(65 + i)}: ${r.file}`);
  const short = rep.runs.map((_, i) => String.fromCharCode(65 + i));
  const lines: string[] = [];
  lines.push(...rep.runs.map((r, i) => `${names[i]} — ${r.dataset ?? 'no data set'}, out of sample ${r.firstDate ?? '—'} to ${r.lastDate ?? '—'} (${r.days} days)`));
  lines.push('');
  if (rep.settings.length) {
    lines.push('Settings that differ (* = not the default):');
    lines.push(textTable(['setting', 'default', ...short], rep.settings.map((s) => [s.label, s.defaultValue, ...s.values.map((v, i) => `${v}${s.fromDefault[i] ? ' *' : ''}`)])));
  } else {
    lines.push('Settings: all runs use the defaults.');
  }
  for (const [key, rows] of Object.entries(rep.series)) {
    const label = runSeries(loaded[0]!.run).find((s) => s.key === key)?.label ?? key;
    const header = ['', short[0]!, ...short.slice(1).flatMap((s) => [s, `${s} − A`])];
    const body = rows.map((r) => [r.label, formatCompareValue(r.values[0]!, r.format),
      ...r.values.slice(1).flatMap((v, i) => [formatCompareValue(v, r.format), formatCompareDifference(r.differences[i + 1]!, r.format)])]);
    lines.push('', `${label} (--series ${key})`, textTable(header, body));
  }
  lines.push('', 'Differences are each run minus run A. Intervals: 95% stationary bootstrap (docs/evidence.md); "—" where a result has no such value (e.g. written by an older build).');
  return lines.join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCli(argv, { series: { type: 'string' }, json: { type: 'boolean' } }, true);
  if (positionals.length < 2 || positionals.length > 4) {
    throw new CliError(`compare takes 2 to 4 result files (written by \`cli backtest --out\`), got ${positionals.length}`);
  }
  const loaded = positionals.map(readResult);
  const rep = compareReport(loaded, values.series);
  if (values.json) console.log(JSON.stringify(rep, null, 2));
  else console.log(formatCompare(rep, loaded));
  return 0;
}
