// Comparing runs (method.md §10, §12): the metrics of two to four backtest results side by side with
// their differences, which settings differ (from the defaults and between the runs), and their
// equity and drawdown curves on one calendar. `cli compare` and the app's Compare runs view both use
// this; nothing here computes a metric anew: every number is read from the results.
//
// Inputs are structural (the parts of a backtest result this needs), so core/metrics does not import
// core/backtest, and results of older builds (without the evidence keys) compare with "—" there.
import { DEFAULT_CONFIG, describeConfig, type RunConfig } from '../config.ts';
import { formatEvidence, type EvidenceFormat, type Interval } from './evidence.ts';

export interface ComparableSeries {
  key: string;
  label: string;
  /** Portfolio value on the result's dates (null before the first position). */
  values: readonly (number | null)[];
  /** Drawdown on the result's dates (null before the evaluation window). */
  drawdown: readonly (number | null)[];
  metrics: object;
  vsEqualWeight: object | null;
  vsMarket: object | null;
  costs?: { grossReturn: number | null; costPerYear: number | null } | null;
}

export interface ComparableRun {
  config: RunConfig;
  dates: readonly string[];
  evalStartIndex: number;
  strategies: readonly ComparableSeries[];
  equalWeight: ComparableSeries;
  market: ComparableSeries;
}

export type CompareFormat = 'percent' | 'ratio' | 'number' | 'date' | 'probability' | 'years' | 'ratioInterval' | 'percentInterval';

export interface CompareRowDefinition {
  id: string;
  label: string;
  format: CompareFormat;
  group: 'metrics' | 'vsEqualWeight' | 'vsMarket' | 'costs';
  key: string;
  /** Lower is better (volatility, drawdown magnitude is handled by sign, TE, turnover, costs, track record). */
  lowerIsBetter?: boolean;
}

/** The rows of a comparison, in order. */
export const COMPARE_ROWS: readonly CompareRowDefinition[] = [
  { id: 'days', label: 'Days', format: 'number', group: 'metrics', key: 'days' },
  { id: 'firstDate', label: 'First day', format: 'date', group: 'metrics', key: 'firstDate' },
  { id: 'lastDate', label: 'Last day', format: 'date', group: 'metrics', key: 'lastDate' },
  { id: 'totalReturn', label: 'Total return', format: 'percent', group: 'metrics', key: 'totalReturn' },
  { id: 'cagr', label: 'CAGR', format: 'percent', group: 'metrics', key: 'cagr' },
  { id: 'volatility', label: 'Volatility', format: 'percent', group: 'metrics', key: 'volatility', lowerIsBetter: true },
  { id: 'sharpe', label: 'Sharpe', format: 'ratio', group: 'metrics', key: 'sharpe' },
  { id: 'sharpeCI', label: 'Sharpe 95% interval', format: 'ratioInterval', group: 'metrics', key: 'sharpeCI' },
  { id: 'probabilisticSharpe', label: 'P(Sharpe > 0)', format: 'probability', group: 'metrics', key: 'probabilisticSharpe' },
  { id: 'minTrackRecordYears', label: 'Track record needed (years)', format: 'years', group: 'metrics', key: 'minTrackRecordYears', lowerIsBetter: true },
  { id: 'sortino', label: 'Sortino', format: 'ratio', group: 'metrics', key: 'sortino' },
  { id: 'maxDrawdown', label: 'Max drawdown', format: 'percent', group: 'metrics', key: 'maxDrawdown' },
  { id: 'calmar', label: 'Calmar', format: 'ratio', group: 'metrics', key: 'calmar' },
  { id: 'annualTurnover', label: 'Turnover (annual)', format: 'percent', group: 'metrics', key: 'annualTurnover', lowerIsBetter: true },
  { id: 'costPerYear', label: 'Costs per year', format: 'percent', group: 'costs', key: 'costPerYear', lowerIsBetter: true },
  { id: 'activeReturn-ew', label: 'Active return vs EW', format: 'percent', group: 'vsEqualWeight', key: 'activeReturn' },
  { id: 'activeReturnCI-ew', label: 'Active return 95% interval vs EW', format: 'percentInterval', group: 'vsEqualWeight', key: 'activeReturnCI' },
  { id: 'trackingError-ew', label: 'Tracking error vs EW', format: 'percent', group: 'vsEqualWeight', key: 'trackingError', lowerIsBetter: true },
  { id: 'informationRatio-ew', label: 'Information ratio vs EW', format: 'ratio', group: 'vsEqualWeight', key: 'informationRatio' },
  { id: 'informationRatioCI-ew', label: 'IR 95% interval vs EW', format: 'ratioInterval', group: 'vsEqualWeight', key: 'informationRatioCI' },
  { id: 'probabilisticInformationRatio-ew', label: 'P(IR > 0) vs EW', format: 'probability', group: 'vsEqualWeight', key: 'probabilisticInformationRatio' },
  { id: 'activeReturn-market', label: 'Active return vs market', format: 'percent', group: 'vsMarket', key: 'activeReturn' },
  { id: 'informationRatio-market', label: 'Information ratio vs market', format: 'ratio', group: 'vsMarket', key: 'informationRatio' },
  { id: 'informationRatioCI-market', label: 'IR 95% interval vs market', format: 'ratioInterval', group: 'vsMarket', key: 'informationRatioCI' },
];

export type CompareValue = number | string | Interval | null;

export interface CompareRow extends CompareRowDefinition {
  /** One value per run (null where the run has none, e.g. an older result without the evidence keys). */
  values: CompareValue[];
  /** Per run: value − the first run's value (null for the first run, intervals, dates and missing values). */
  differences: (number | null)[];
}

/** All series of a run, strategies first. */
export function runSeries(run: ComparableRun): ComparableSeries[] {
  return [...run.strategies, run.equalWeight, run.market];
}

/** The series keys every run has (strategies, "equalWeight", "market"), in the first run's order. */
export function sharedSeriesKeys(runs: readonly ComparableRun[]): string[] {
  if (!runs.length) return [];
  return runSeries(runs[0]!).map((s) => s.key).filter((k) => runs.every((r) => runSeries(r).some((s) => s.key === k)));
}

function pickValue(s: ComparableSeries | undefined, def: CompareRowDefinition): CompareValue {
  if (!s) return null;
  const src = def.group === 'metrics' ? s.metrics : def.group === 'costs' ? s.costs : s[def.group];
  if (!src) return null;
  const v = (src as Record<string, unknown>)[def.key];
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number') return [v[0], v[1]];
  return null;
}

/**
 * The metrics of series `seriesKey` in every run, row by row, with each run's difference from the
 * first run. A series compared with itself (EW against EW) has no active rows.
 */
export function compareMetrics(runs: readonly ComparableRun[], seriesKey: string): CompareRow[] {
  const series = runs.map((r) => runSeries(r).find((s) => s.key === seriesKey));
  return COMPARE_ROWS
    .filter((d) => !((d.group === 'vsEqualWeight' && seriesKey === 'equalWeight') || (d.group === 'vsMarket' && seriesKey === 'market')))
    .map((d) => {
      const values = series.map((s) => pickValue(s, d));
      const first = values[0];
      const differences = values.map((v, i) => (i > 0 && typeof v === 'number' && typeof first === 'number' && d.format !== 'date' ? v - first : null));
      return { ...d, values, differences };
    });
}

// ---- settings ------------------------------------------------------------------------------------

export interface SettingDifference {
  /** Dotted path as `--set` takes it ("model.jumpPenalty", "factors.QUAL.maxFeatures", "dataset"). */
  path: string;
  label: string;
  /** The default, as text ("—" where there is none). */
  defaultValue: string;
  /** Each run's value, as text. */
  values: string[];
  /** Per run: differs from the default. */
  fromDefault: boolean[];
  /** The runs do not all have the same value. */
  amongRuns: boolean;
}

const text = (v: unknown): string => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** A configuration as flat path → text (scalars, the factor list, per-factor settings, the data set). */
export function flattenConfig(config: RunConfig): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (prefix: string, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(prefix ? `${prefix}.${k}` : k, x);
    } else out.set(prefix, text(v));
  };
  for (const [k, v] of Object.entries(config)) {
    if (k === 'version' || k === 'dataset' || k === 'factors') continue;
    walk(k, v);
  }
  out.set('factors', config.factors.map((f) => f.ticker).join(','));
  for (const f of config.factors) {
    for (const [k, v] of Object.entries(f)) {
      if (k === 'ticker' || v === undefined) continue;
      out.set(`factors.${f.ticker}.${k}`, k === 'schedule' && Array.isArray(v) ? `${v.length} re-tune segment${v.length === 1 ? '' : 's'}` : text(v));
    }
  }
  const ds = config.dataset;
  out.set('dataset', ds ? `${ds.name} (${ds.firstDate} … ${ds.lastDate})` : '—');
  return out;
}

let labels: Map<string, string> | null = null;
function labelOf(path: string): string {
  labels ??= new Map(describeConfig().map((f) => [f.path, f.label]));
  const direct = labels.get(path);
  if (direct) return direct;
  const m = /^factors\.([^.]+)\.(.+)$/.exec(path);
  if (m) return `${m[1]} ${labels.get(`factors.<TICKER>.${m[2]}`) ?? m[2]}`;
  return path;
}

/**
 * The settings of `configs` that differ from the defaults or between the configurations, in a
 * stable order (the defaults' order, then per-factor settings). The data set is listed only when
 * the runs are on different data sets (a run is always on some data set, the defaults on none).
 */
export function settingDifferences(configs: readonly RunConfig[], defaults: RunConfig = DEFAULT_CONFIG): SettingDifference[] {
  const base = flattenConfig(defaults);
  const flats = configs.map(flattenConfig);
  const paths = [...base.keys()];
  for (const f of flats) for (const p of f.keys()) if (!paths.includes(p)) paths.push(p);
  const out: SettingDifference[] = [];
  for (const path of paths) {
    const def = base.get(path) ?? '—';
    const values = flats.map((f) => f.get(path) ?? '—');
    const amongRuns = values.some((v) => v !== values[0]);
    const fromDefault = values.map((v) => v !== def);
    if (path === 'dataset' ? !amongRuns : !amongRuns && !fromDefault.some(Boolean)) continue;
    out.push({ path, label: labelOf(path), defaultValue: def, values, fromDefault: path === 'dataset' ? values.map(() => false) : fromDefault, amongRuns });
  }
  return out;
}

/** "λ 30 (default 50), costs 10 bps…": a run's settings that differ from the defaults, in one line. */
export function settingsSummary(config: RunConfig, defaults: RunConfig = DEFAULT_CONFIG): string {
  const diffs = settingDifferences([config], defaults).filter((d) => d.path !== 'dataset');
  return diffs.length ? diffs.map((d) => `${d.label} ${d.values[0]}`).join(', ') : 'the defaults';
}

// ---- curves on one calendar ----------------------------------------------------------------------

export interface AlignedCurves {
  /** The union of the runs' dates from their first evaluated day on, ascending. */
  dates: string[];
  /** Per run, the curve on `dates` (null where the run has no value). */
  values: (number | null)[][];
}

/**
 * The series `seriesKey`'s equity ("values", 1 at the first trade) or drawdown of every run on the
 * union of their dates, from the day before each run's first return on, so curves of runs with
 * different windows can be drawn on one chart.
 */
export function alignCurves(runs: readonly ComparableRun[], seriesKey: string, what: 'values' | 'drawdown'): AlignedCurves {
  const set = new Set<string>();
  for (const r of runs) for (let i = Math.max(0, r.evalStartIndex - 1); i < r.dates.length; i++) set.add(r.dates[i]!);
  const dates = [...set].sort();
  const index = new Map(dates.map((d, i) => [d, i]));
  const values = runs.map((r) => {
    const out = new Array<number | null>(dates.length).fill(null);
    const s = runSeries(r).find((x) => x.key === seriesKey);
    if (!s) return out;
    const src = s[what];
    for (let i = Math.max(0, r.evalStartIndex - 1); i < r.dates.length; i++) {
      const v = src[i];
      out[index.get(r.dates[i]!)!] = typeof v === 'number' && Number.isFinite(v) ? v : null;
    }
    return out;
  });
  return { dates, values };
}

// ---- text (the CLI) ------------------------------------------------------------------------------

/** A value for people: "12.34%", "0.87", "[0.10, 1.20]", "97.1%", "6.6", "—". */
export function formatCompareValue(v: CompareValue, format: CompareFormat): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (isEvidenceFormat(format)) return formatEvidence(v, format);
  if (Array.isArray(v)) return formatEvidence(v, 'ratioInterval');
  if (format === 'percent') return `${(v * 100).toFixed(2)}%`;
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(2);
}

function isEvidenceFormat(f: CompareFormat): f is EvidenceFormat {
  return f === 'ratio' || f === 'probability' || f === 'years' || f === 'ratioInterval' || f === 'percentInterval';
}

/** A difference for people: "+1.20%", "-0.05", "+3.0 pts" for probabilities. */
export function formatCompareDifference(d: number | null, format: CompareFormat): string {
  if (d === null) return '';
  const sign = d > 0 ? '+' : d < 0 ? '-' : '±';
  const a = Math.abs(d);
  switch (format) {
    case 'percent': return `${sign}${(a * 100).toFixed(2)}%`;
    case 'probability': return `${sign}${(a * 100).toFixed(1)} pts`;
    case 'years': return `${sign}${a.toFixed(1)}`;
    case 'number': return `${sign}${Number.isInteger(a) ? a.toLocaleString('en-US') : a.toFixed(2)}`;
    default: return `${sign}${a.toFixed(2)}`;
  }
}
