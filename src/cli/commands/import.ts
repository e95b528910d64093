// `npm run -s cli -- import FILE... [--json]`: the importer of src/core/data on the command line.
// Prints each file's report and the panel summary; exits 2 with the reasons when nothing usable
// was found ("Command line").
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { CliError, parseCli } from '../args.ts';
import { importFiles, failureReasons, summarisePanel, ASSET_ROLES } from '../../core/data/index.ts';
import { describeUniverse } from '../../core/backtest/prepare.ts';
import type { AssetRole, ColumnKind, DateOrder, FileReport, ImportInput, ImportIssue, ImportOptions, ImportResult } from '../../core/data/index.ts';

export const help = `Usage: npm run -s cli -- import FILE|DIR... [options]

Import price files (any layout and source in the README's "Bring your data": Yahoo, yfinance,
Stooq, Investing.com, FRED, Ken French, spreadsheet exports; one file per ticker, wide, long),
check them, align them into one panel, and print each file's report and the panel summary.
A directory stands for every .csv/.txt/.tsv file in it.

Options:
  --json                   Print the whole ImportResult as JSON (typed arrays as plain arrays,
                           empty values as null) instead of the text report.
  --date-order FILE=mdy|dmy
                           Day/month order for a file whose dates read both ways (repeatable).
  --kind TICKER=price|return|percentReturn|level
                           What a column holds (repeatable). Returns are turned into a price
                           index that starts at 100.
  --role TICKER=market|factor|longShort|riskFree|environment|unused
                           Override a default role (repeatable). Defaults: SPY market; QUAL MTUM
                           USMV VLUE SIZE IWF factors; VIX DGS2 DGS10 environment; others unused.
                           Ken French's files: Mkt-RF market, RF riskFree, the others longShort
                           (long-short factor returns: each becomes the asset "market + factor",
                           a research proxy, not a fund; see docs/long-history.md).
  --max-fill N             Forward-fill at most N consecutive missing prices (default 3).

Exit code 0 when a panel was built; 2 (with the reasons on stderr) when nothing usable was found.

Examples:
  npm run -s cli -- import SPY.csv QUAL.csv VIXCLS.csv
  npm run -s cli -- import ~/Downloads/prices/ --json > result.json
  npm run -s cli -- import prices.csv --date-order prices.csv=dmy --kind SMB=percentReturn`;

const KINDS = new Set<ColumnKind>(['price', 'return', 'percentReturn', 'level']);
const ROLES = new Set<AssetRole>(ASSET_ROLES);

function pairs(flag: string, raw: string[] | undefined): [string, string][] {
  return (raw ?? []).map((p) => {
    const i = p.lastIndexOf('=');
    if (i <= 0 || i === p.length - 1) throw new CliError(`--${flag} expects KEY=VALUE, got "${p}"`);
    return [p.slice(0, i), p.slice(i + 1)];
  });
}

function expandPaths(paths: string[]): { inputs: ImportInput[]; missing: string[] } {
  const inputs: ImportInput[] = [];
  const missing: string[] = [];
  // `npm run` moves to the project root; INIT_CWD is where the person typed the command.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  for (const given of paths) {
    const p = resolve(cwd, given);
    if (!existsSync(p)) { missing.push(`${given}: file not found`); continue; }
    const st = statSync(p);
    if (st.isDirectory()) {
      const names = readdirSync(p).filter((f) => /\.(csv|txt|tsv)$/i.test(f)).sort();
      if (names.length === 0) missing.push(`${p}: no .csv, .txt or .tsv files in this directory`);
      for (const f of names) inputs.push({ name: f, bytes: new Uint8Array(readFileSync(join(p, f))) });
    } else inputs.push({ name: basename(p), bytes: new Uint8Array(readFileSync(p)) });
  }
  return { inputs, missing };
}

/** JSON with typed arrays as plain arrays (NaN becomes null, as JSON has no NaN). */
export function resultToJson(result: ImportResult): string {
  return JSON.stringify(result, (_k, v: unknown) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as Float64Array) : v), 2);
}

function fmtIssue(i: ImportIssue): string {
  // Messages about one row already start with "row N:" (they must read well on their own).
  const rowSaid = /^row \d+/.test(i.message);
  const where = [i.row !== undefined && !rowSaid ? `row ${i.row}` : '', i.column ? `[${i.column}]` : ''].filter(Boolean).join(' ');
  return `  ${i.severity.padEnd(7)} ${where ? `${where}: ` : ''}${i.message} — ${i.action}`;
}

function fmtReport(r: FileReport): string {
  const lines: string[] = [];
  if (!r.accepted && r.tickers.length === 0 && !r.dateFormat) {
    lines.push(`${r.file}  (not used)`);
    for (const i of r.issues) lines.push(fmtIssue(i));
    return lines.join('\n');
  }
  const head = [r.source, r.layout === 'single' ? 'one ticker' : `${r.layout} layout`, `delimiter ${r.delimiter === '\t' ? 'tab' : `"${r.delimiter}"`}`];
  if (r.dateFormat) head.push(`dates ${r.dateFormat}`);
  head.push(r.adjusted ? 'adjusted' : 'not adjusted');
  lines.push(`${r.file}  (${head.join(', ')})`);
  const tk = r.tickers.map((t) => `${t} (${r.kinds[t] ?? '?'})`).join(', ');
  const range = r.firstDate ? `, ${r.firstDate} … ${r.lastDate}` : '';
  lines.push(`  ${r.accepted ? 'accepted' : 'NOT USED'}: ${tk || 'no tickers'}; ${r.rows} data rows${range}`);
  for (const i of r.issues) lines.push(fmtIssue(i));
  return lines.join('\n');
}

function fmtNumber(v: number | undefined, digits = 2): string {
  return v === undefined || !Number.isFinite(v) ? '' : v.toFixed(digits);
}

export function formatResult(result: ImportResult): string {
  const out: string[] = [];
  for (const r of result.reports) out.push(fmtReport(r), '');
  for (const a of result.ambiguities) {
    out.push(`${a.file}: dates read both month-first and day-first (e.g. ${a.examples.join(', ')}); rerun with --date-order ${a.file}=${a.likely ?? 'mdy'} (or =${a.likely === 'dmy' ? 'mdy' : 'dmy'})`, '');
  }
  const pr = result.panelReport;
  if (result.panel && pr) {
    const sum = summarisePanel(result.panel);
    const nPrice = result.panel.series.filter((s) => s.role === 'market' || s.role === 'factor').length;
    const nEnv = result.panel.series.filter((s) => s.role === 'environment').length;
    const longShort = result.panel.series.filter((s) => s.role === 'longShort').map((s) => s.ticker);
    const market = result.panel.series.find((s) => s.role === 'market')?.ticker;
    const riskFree = result.panel.series.find((s) => s.role === 'riskFree')?.ticker ?? null;
    if (longShort.length && market) {
      out.push(`Panel: ${pr.rows} trading days, ${pr.firstDate} … ${pr.lastDate}; market ${market}, ${longShort.length} long-short factor${longShort.length > 1 ? 's' : ''}${riskFree ? `, risk-free rate ${riskFree}` : ''}, ${nEnv} environment series`);
      out.push(`  ${describeUniverse('longShort', market, longShort, riskFree).description}`);
    } else out.push(`Panel: ${pr.rows} trading days, ${pr.firstDate} … ${pr.lastDate}; ${nPrice} price assets (market + factors), ${nEnv} environment series`);
    out.push(`  ${pr.message}`);
    out.push(`  start set by ${pr.startSetBy}; end set by ${pr.endSetBy}`);
    const rows = [['ticker', 'role', 'kind', 'first', 'last', 'rows', 'vol/yr', 'return/yr', 'file']];
    for (const a of pr.assets) {
      const s = sum.series.find((x) => x.ticker === a.ticker);
      rows.push([a.ticker, a.role, a.kind, a.firstDate, a.lastDate, String(a.rows),
        s?.annualVolatility !== undefined ? `${fmtNumber(s.annualVolatility * 100, 1)}%` : '',
        s?.annualReturn !== undefined ? `${fmtNumber(s.annualReturn * 100, 1)}%` : '', a.file ?? '']);
    }
    const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    for (const r of rows) out.push(`  ${r.map((x, c) => x.padEnd(w[c]!)).join('  ').trimEnd()}`);
    for (const i of pr.issues) out.push(fmtIssue({ ...i, message: i.file ? `${i.file}: ${i.message}` : i.message }));
  } else if (pr) {
    out.push(`No panel: ${pr.message}`);
    for (const i of pr.issues) out.push(fmtIssue(i));
  } else out.push('No panel: nothing usable was found.');
  return out.join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCli(argv, {
    json: { type: 'boolean' },
    'date-order': { type: 'string', multiple: true },
    kind: { type: 'string', multiple: true },
    role: { type: 'string', multiple: true },
    'max-fill': { type: 'string' },
  }, true);
  if (positionals.length === 0) throw new CliError('give at least one FILE (or a directory) to import; see --help');
  const options: ImportOptions = {};
  const dateOrder: Record<string, DateOrder> = {};
  for (const [f, o] of pairs('date-order', values['date-order'] as string[] | undefined)) {
    if (o !== 'mdy' && o !== 'dmy') throw new CliError(`--date-order ${f}=${o}: the order must be mdy or dmy`);
    dateOrder[basename(f)] = o;
  }
  if (Object.keys(dateOrder).length) options.dateOrder = dateOrder;
  const kinds: Record<string, ColumnKind> = {};
  for (const [t, k] of pairs('kind', values.kind as string[] | undefined)) {
    if (!KINDS.has(k as ColumnKind)) throw new CliError(`--kind ${t}=${k}: the kind must be price, return, percentReturn or level`);
    kinds[t.toUpperCase()] = k as ColumnKind;
  }
  if (Object.keys(kinds).length) options.columnKinds = kinds;
  const roles: Record<string, AssetRole> = {};
  for (const [t, r] of pairs('role', values.role as string[] | undefined)) {
    if (!ROLES.has(r as AssetRole)) throw new CliError(`--role ${t}=${r}: the role must be one of ${ASSET_ROLES.join(', ')}`);
    roles[t.toUpperCase()] = r as AssetRole;
  }
  if (Object.keys(roles).length) options.roles = roles;
  if (values['max-fill'] !== undefined) {
    const n = Number(values['max-fill']);
    if (!Number.isInteger(n) || n < 0) throw new CliError(`--max-fill must be a whole number ≥ 0, got "${String(values['max-fill'])}"`);
    options.maxForwardFill = n;
  }

  const { inputs, missing } = expandPaths(positionals);
  const result = importFiles(inputs, options);
  if (values.json) console.log(resultToJson(result));
  else {
    for (const m of missing) console.log(`${m}\n`);
    console.log(formatResult(result));
  }
  if (!result.panel) {
    const reasons = [...missing, ...(result.reports.length > 0 || missing.length === 0 ? failureReasons(result) : [])];
    console.error(`error: nothing usable was found:\n${reasons.map((r) => `  - ${r}`).join('\n')}`);
    return 2;
  }
  return 0;
}
