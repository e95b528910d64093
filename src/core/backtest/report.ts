// Text and CSV views of a backtest result for the CLI and for downloads: no computation here
// beyond picking values out of the result.
import { formatMetric, METRIC_DEFINITIONS, type MetricKey, type PerformanceMetrics } from '../metrics/performance.ts';
import { decadePeriodWindows, periodInputFromResult, periodTable } from '../metrics/periods.ts';
import { EVIDENCE_DEFINITIONS, formatEvidence, excludesZero, type EvidenceKey, type Interval } from '../metrics/evidence.ts';
import type { BacktestResult, PortfolioSeries, Series } from './index.ts';

/** The rows of the main table: absolute metrics, then active against EW and the market. */
const ABSOLUTE: MetricKey[] = ['cagr', 'volatility', 'sharpe', 'sortino', 'maxDrawdown', 'calmar', 'annualTurnover'];
const ACTIVE: MetricKey[] = ['activeReturn', 'trackingError', 'informationRatio'];

function fmt(m: PerformanceMetrics | null, key: MetricKey): string {
  if (!m) return '—';
  const def = METRIC_DEFINITIONS.find((d) => d.key === key)!;
  return formatMetric(m[key] as number | string | null, def.format);
}

function label(key: MetricKey): string { return METRIC_DEFINITIONS.find((d) => d.key === key)!.label; }

export function textTable(header: string[], rows: string[][], markdown = false): string {
  if (markdown) {
    const md = (cells: string[]) => `| ${cells.join(' | ')} |`;
    return [md(header), md(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(md)].join('\n');
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function allSeries(result: BacktestResult): PortfolioSeries[] {
  return [...result.strategies, result.equalWeight, result.market];
}

export function metricsTable(result: BacktestResult, markdown = false): string {
  const cols = allSeries(result);
  const header = ['', ...cols.map((c) => c.label)];
  const rows: string[][] = ABSOLUTE.map((k) => [label(k), ...cols.map((c) => fmt(c.metrics, k))]);
  for (const [name, pick] of [['vs EW', (c: PortfolioSeries) => c.vsEqualWeight], ['vs market', (c: PortfolioSeries) => c.vsMarket]] as const) {
    for (const k of ACTIVE) rows.push([`${label(k)} ${name}`, ...cols.map((c) => (c.key === 'equalWeight' && name === 'vs EW') || (c.key === 'market' && name === 'vs market') ? '—' : fmt(pick(c), k))]);
  }
  return textTable(header, rows, markdown);
}

/**
 * The evidence of method.md §12 beside the metrics: Sharpe intervals and PSR, the IR intervals
 * against EW and the market, then costs and (per strategy) the attribution of the active return.
 */
export function evidenceTable(result: BacktestResult, markdown = false): string {
  const cols = allSeries(result);
  const header = ['', ...cols.map((c) => c.label)];
  const get = (m: object | null, key: EvidenceKey) => (m ? (m as Record<string, unknown>)[key] as number | Interval | null | undefined : undefined);
  const yesNo = (ci: Interval | null | undefined) => { const z = excludesZero(ci); return z === null ? '—' : z ? 'yes' : 'no'; };
  const rows: string[][] = [];
  for (const d of EVIDENCE_DEFINITIONS.filter((x) => !x.requires)) {
    rows.push([d.label, ...cols.map((c) => formatEvidence(get(c.metrics, d.key), d.format))]);
    if (d.key === 'sharpeCI') rows.push(['Sharpe ≠ 0 at 95%', ...cols.map((c) => yesNo(c.metrics.sharpeCI))]);
  }
  for (const [name, group] of [['vs EW', 'vsEqualWeight'], ['vs market', 'vsMarket']] as const) {
    const self = (c: PortfolioSeries) => (c.key === 'equalWeight' && group === 'vsEqualWeight') || (c.key === 'market' && group === 'vsMarket');
    for (const d of EVIDENCE_DEFINITIONS.filter((x) => x.requires === 'benchmark')) {
      rows.push([`${d.label} ${name}`, ...cols.map((c) => (self(c) ? '—' : formatEvidence(get(c[group], d.key), d.format)))]);
      if (d.key === 'informationRatioCI') rows.push([`IR ≠ 0 at 95% ${name}`, ...cols.map((c) => (self(c) ? '—' : yesNo(c[group]?.informationRatioCI)))]);
    }
  }
  const pct = (x: number | null | undefined) => formatMetric(x ?? null, 'percent');
  rows.push(['Return before costs (annual)', ...cols.map((c) => pct(c.costs?.grossReturn))]);
  rows.push(['Return after costs (annual)', ...cols.map((c) => pct(c.costs?.netReturn))]);
  rows.push(['Costs per year', ...cols.map((c) => pct(c.costs?.costPerYear))]);
  const out = [textTable(header, rows, markdown)];
  for (const s of result.strategies) {
    const a = s.attribution;
    if (!a) continue;
    const aRows = a.tickers.map((t, i) => [t, pct(a.window.assets[i]), ...a.years.map((y) => pct(y.assets[i]))]);
    aRows.push(['costs', pct(a.window.costs), ...a.years.map((y) => pct(y.costs))]);
    aRows.push(['active return', pct(a.window.total), ...a.years.map((y) => pct(y.total))]);
    out.push('', `Active return of ${s.label} against EW by asset (window: annualised; years: sums of daily contributions)`,
      textTable(['', 'window', ...a.years.map((y) => String(y.year))], aRows, markdown));
  }
  return out.join('\n');
}

/** Shu & Mulvey (2024): single-factor long-short Sharpe and regime switches per year (indices, 1990s-2024). */
export const PAPER_FACTOR_FIGURES: Record<string, { sharpe: number; switchesPerYear: number }> = {
  VLUE: { sharpe: 0.39, switchesPerYear: 3.16 }, IWF: { sharpe: 0.37, switchesPerYear: 1.31 }, USMV: { sharpe: 0.30, switchesPerYear: 1.78 },
  QUAL: { sharpe: 0.21, switchesPerYear: 0.64 }, SIZE: { sharpe: 0.20, switchesPerYear: 2.57 }, MTUM: { sharpe: 0.16, switchesPerYear: 3.66 },
};

/**
 * The paper's index each Ken French long-short factor stands in for (method.md §12): HML value,
 * SMB size, Mom momentum, RMW (robust minus weak profitability) quality. CMA has no counterpart.
 */
export const PAPER_FACTOR_FOR: Record<string, string> = { HML: 'VLUE', SMB: 'SIZE', MOM: 'MTUM', UMD: 'MTUM', RMW: 'QUAL' };

/** The paper's figures for a factor of a run (an ETF ticker, or a Ken French factor through PAPER_FACTOR_FOR). */
export function paperFigures(ticker: string): { paper: string; sharpe: number; switchesPerYear: number } | null {
  const t = ticker.toUpperCase();
  const paper = PAPER_FACTOR_FIGURES[t] ? t : PAPER_FACTOR_FOR[t];
  return paper && PAPER_FACTOR_FIGURES[paper] ? { paper, ...PAPER_FACTOR_FIGURES[paper]! } : null;
}

export function factorTable(result: BacktestResult, markdown = false, withPaper = false): string {
  const kinds = result.strategies.map((s) => s.key as 'symmetric' | 'asymmetric');
  const proxies = result.factors.some((f) => { const p = paperFigures(f.ticker); return p !== null && p.paper !== f.ticker.toUpperCase(); });
  const header = ['Factor', ...kinds.flatMap((k) => [`LS Sharpe (${k})`, `Switches/yr (${k})`]),
    ...(withPaper ? [...(proxies ? ['Paper factor'] : []), 'Paper LS Sharpe', 'Paper switches/yr'] : [])];
  const rows = result.factors.map((f) => {
    const p = paperFigures(f.ticker);
    return [f.ticker, ...kinds.flatMap((k) => {
      const r = f.regimes[k];
      return [formatMetric(r?.longShortMetrics.sharpe ?? null, 'ratio'), formatMetric(r?.regimeStats.switchesPerYear ?? null, 'ratio')];
    }), ...(withPaper ? [...(proxies ? [p ? `${p.paper} (${PAPER_NAMES[p.paper] ?? p.paper})` : '—'] : []), formatMetric(p?.sharpe ?? null, 'ratio'), formatMetric(p?.switchesPerYear ?? null, 'ratio')] : [])];
  });
  return textTable(header, rows, markdown);
}

const PAPER_NAMES: Record<string, string> = { VLUE: 'value', SIZE: 'size', MTUM: 'momentum', QUAL: 'quality', USMV: 'low volatility', IWF: 'growth' };

/**
 * One sentence per strategy on how the run's single-factor long-short Sharpe ratios and switch
 * rates compare with the paper's (only factors with a paper counterpart): signs, and switch rates
 * within a factor of two.
 */
export function paperComparison(result: BacktestResult): string[] {
  const out: string[] = [];
  for (const s of result.strategies) {
    const k = s.key as 'symmetric' | 'asymmetric';
    const rows = result.factors.map((f) => ({ f, p: paperFigures(f.ticker), r: f.regimes[k] })).filter((x) => x.p && x.r);
    if (!rows.length) continue;
    const sharpe = (x: (typeof rows)[number]) => x.r!.longShortMetrics.sharpe ?? NaN;
    const sw = (x: (typeof rows)[number]) => x.r!.regimeStats.switchesPerYear ?? NaN;
    const positive = rows.filter((x) => sharpe(x) > 0).map((x) => x.f.ticker);
    const negative = rows.filter((x) => !(sharpe(x) > 0)).map((x) => x.f.ticker);
    const near = rows.filter((x) => sw(x) >= x.p!.switchesPerYear / 2 && sw(x) <= x.p!.switchesPerYear * 2).map((x) => x.f.ticker);
    const far = rows.filter((x) => !near.includes(x.f.ticker)).map((x) => `${x.f.ticker} ${formatMetric(sw(x), 'ratio')} vs ${formatMetric(x.p!.switchesPerYear, 'ratio')}`);
    out.push(`${s.label}: the long-short Sharpe is positive for ${positive.length ? positive.join(', ') : 'none'}` +
      `${negative.length ? ` and not for ${negative.join(', ')}` : ''} (the paper's is positive for every factor); ` +
      `switches per year are within a factor of two of the paper's for ${near.length ? near.join(', ') : 'none'}${far.length ? `, not for ${far.join(', ')}` : ''}.`);
  }
  return out;
}

/** Rows of the decade table: the main table's metrics (absolute, then active against EW and the market). */
const DECADE_COLUMNS: { key: MetricKey; vs: 'metrics' | 'vsEqualWeight' | 'vsMarket'; label: string }[] = [
  ...ABSOLUTE.map((k) => ({ key: k, vs: 'metrics' as const, label: label(k) })),
  ...ACTIVE.map((k) => ({ key: k, vs: 'vsEqualWeight' as const, label: `${label(k)} vs EW` })),
  ...ACTIVE.map((k) => ({ key: k, vs: 'vsMarket' as const, label: `${label(k)} vs market` })),
];

/**
 * The main table's metrics per calendar decade of the out-of-sample period (core periodTable on
 * decade windows, each decade measured on its own days), one row per decade and series. Empty text
 * when the run lies inside one decade.
 */
export function decadeTable(result: BacktestResult, markdown = false): string {
  const input = periodInputFromResult(result);
  const windows = decadePeriodWindows(input.dates);
  if (windows.length < 2) return '';
  const table = periodTable(input, windows);
  const header = ['Decade', 'Series', ...DECADE_COLUMNS.map((c) => c.label)];
  const rows: string[][] = [];
  for (const row of table.rows) {
    const span = `${row.window.label} (${row.firstDate?.slice(0, 7)} – ${row.lastDate?.slice(0, 7)})`;
    for (const s of row.series) {
      rows.push([span, s.label, ...DECADE_COLUMNS.map((c) => {
        const m = c.vs === 'metrics' ? s.metrics : c.vs === 'vsEqualWeight' ? s.vsEqualWeight : s.vsMarket;
        return fmt(m, c.key);
      })]);
    }
  }
  return textTable(header, rows, markdown);
}

function csv(header: string[], rows: (string | number | null)[][]): string {
  return [header.join(','), ...rows.map((r) => r.map((v) => (v === null ? '' : String(v))).join(','))].join('\n') + '\n';
}

const at = (s: Series, i: number) => s[i] ?? null;

/** series.csv (values and returns of every portfolio), weights_<key>.csv, regimes.csv. */
export function resultToCsv(result: BacktestResult): { name: string; text: string }[] {
  const cols = allSeries(result);
  const files = [{
    name: 'series.csv',
    text: csv(['date', ...cols.flatMap((c) => [`${c.key}_value`, `${c.key}_return`])],
      result.dates.map((d, i) => [d, ...cols.flatMap((c) => [at(c.values, i), at(c.returns, i)])])),
  }];
  for (const c of cols) {
    if (!c.weights) continue;
    files.push({ name: `weights_${c.key}.csv`, text: csv(['date', ...result.tickers], result.dates.map((d, i) => [d, ...c.weights![i]!])) });
  }
  const kinds = result.strategies.map((s) => s.key as 'symmetric' | 'asymmetric');
  files.push({
    name: 'regimes.csv',
    text: csv(['date', ...result.factors.flatMap((f) => kinds.flatMap((k) => [`${f.ticker}_${k}_regime`, `${f.ticker}_${k}_expected_active`]))],
      result.dates.map((d, i) => [d, ...result.factors.flatMap((f) => kinds.flatMap((k) => [at(f.regimes[k]!.labels, i), at(f.regimes[k]!.expectedActiveReturn, i)]))])),
  });
  return files;
}
