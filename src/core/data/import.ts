// importFiles: several files at once → one report per file, the aligned panel and its
// report, and the files waiting for a day/month answer. Synchronous and never throws.
import type { ImportInput, ImportOptions, ImportResult } from './types.ts';
import { parseFile, type ParsedSeries } from './parse.ts';
import { buildPanel } from './align.ts';
import { issue } from './issues.ts';
import { normaliseTicker } from './tickers.ts';
import type { AssetRole } from './panel.ts';

/** Option keys are tickers in any case (VIXCLS = VIX); file names stay as given. */
function normaliseOptions(options: ImportOptions | undefined): ImportOptions {
  const o: ImportOptions = {};
  if (!options || typeof options !== 'object') return o;
  if (options.dateOrder && typeof options.dateOrder === 'object') o.dateOrder = { ...options.dateOrder };
  if (options.columnKinds && typeof options.columnKinds === 'object') {
    o.columnKinds = {};
    for (const [k, v] of Object.entries(options.columnKinds)) o.columnKinds[normaliseTicker(k)] = v;
  }
  if (options.roles && typeof options.roles === 'object') {
    const roles: Record<string, AssetRole> = {};
    for (const [k, v] of Object.entries(options.roles)) roles[normaliseTicker(k)] = v;
    o.roles = roles;
  }
  if (typeof options.maxForwardFill === 'number' && Number.isFinite(options.maxForwardFill)) o.maxForwardFill = options.maxForwardFill;
  return o;
}

/**
 * Import files: parse each (never throwing), drop a ticker that an earlier file already gave, and
 * align what is usable into a panel. A file whose dates read both month-first and day-first waits in
 * `ambiguities` until options.dateOrder[file name] says which.
 */
export function importFiles(files: ImportInput[], options?: ImportOptions): ImportResult {
  const result: ImportResult = { reports: [], panel: null, panelReport: null, ambiguities: [] };
  const list: ImportInput[] = Array.isArray(files) ? files : [];
  const opts = normaliseOptions(options);
  const usable: ParsedSeries[] = [];
  const seen = new Map<string, { file: string; name: string }>();
  for (const f of list) {
    const parsed = parseFile(f, opts);
    const report = parsed.report;
    if (parsed.ambiguity) result.ambiguities.push(parsed.ambiguity);
    const kept: ParsedSeries[] = [];
    for (const s of parsed.series) {
      // The same ticker in any case (SPY, spy) is one series: the first file's is kept.
      const key = normaliseTicker(s.ticker);
      const from = seen.get(key);
      if (from !== undefined) {
        report.issues.push(issue(report.file, 'warning', `${s.ticker} was already imported from ${from.file}${from.name !== s.ticker ? ` (as ${from.name})` : ''}`, `this file's ${s.ticker} ignored`));
        continue;
      }
      seen.set(key, { file: report.file, name: s.ticker });
      kept.push(s);
    }
    if (parsed.series.length > 0 && kept.length === 0) {
      report.accepted = false;
      report.issues.push(issue(report.file, 'error', 'every ticker in this file was already imported from another file', 'file not used'));
    }
    if (kept.length !== parsed.series.length) {
      report.tickers = kept.map((s) => s.ticker);
      const kinds: typeof report.kinds = {};
      for (const s of kept) kinds[s.ticker] = s.columnKind;
      report.kinds = kinds;
    }
    result.reports.push(report);
    usable.push(...kept);
  }
  try {
    const { panel, report } = buildPanel(usable, opts);
    result.panel = panel;
    result.panelReport = report;
  } catch (e) {
    // Defensive: alignment works on validated arrays, but a bug must not take the reports with it.
    result.panel = null;
    result.panelReport = {
      assets: [], firstDate: '', lastDate: '', rows: 0, startSetBy: '', endSetBy: '',
      message: 'the panel could not be built',
      issues: [issue('', 'error', `internal error while aligning: ${e instanceof Error ? e.message : String(e)}`, 'no panel built (please report this as a bug)')],
    };
  }
  return result;
}

/** Everything that explains why nothing usable was found: for the CLI's exit message and the UI. */
export function failureReasons(result: ImportResult): string[] {
  const out: string[] = [];
  for (const r of result.reports) {
    for (const i of r.issues) if (i.severity === 'error' && !r.accepted) out.push(`${r.file}: ${i.message} — ${i.action}`);
  }
  for (const a of result.ambiguities) out.push(`${a.file}: dates read both month-first and day-first (e.g. ${a.examples.join(', ')}) — choose the order`);
  if (result.panelReport) for (const i of result.panelReport.issues) if (i.severity === 'error') out.push(`${i.file ? `${i.file}: ` : ''}${i.message} — ${i.action}`);
  if (out.length === 0 && !result.panel) out.push(result.reports.length === 0 ? 'no files given' : 'no usable series in the files');
  return out;
}
