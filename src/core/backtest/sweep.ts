// A sweep of one setting: the same run at several values of one configuration field, tabulated
// per value and strategy (net CAGR, active return, tracking error and information ratio against
// EW, turnover and costs a year). Its main use is the turnover / information-ratio frontier of the
// turnover controls (method.md §12): `rebalance`, `noTradeBand`, `tradePenalty`.
//
// The backtest is injected as `(config) => Promise<BacktestResult>`, so a front end can pass a
// cached pipeline: the turnover controls change only allocation and execution, so the regime paths
// of every value are the same and need no refit. This module only builds the configurations and
// picks numbers out of the results.
//
// Caveat shown with every table: choosing a value after seeing the table is an in-sample choice.
import { applyOverride, configValue, describeConfig, type ConfigFieldInfo, type RunConfig } from '../config.ts';
import { formatMetric } from '../metrics/performance.ts';
import type { BacktestResult, PortfolioSeries } from './index.ts';
import { textTable } from './report.ts';

export type BacktestRunner = (config: RunConfig) => Promise<BacktestResult>;

export interface SweepSpec {
  /** Dotted path of the setting, as for `--set` (e.g. `noTradeBand`, `model.jumpPenalty`). */
  field: string;
  /** The values as written (e.g. "0.01", "2%", "weekly"). */
  values: string[];
}

/** One portfolio at one value. Active figures are against the EW benchmark; null where undefined. */
export interface SweepPoint {
  key: string;
  label: string;
  cagr: number | null;
  activeReturn: number | null;
  trackingError: number | null;
  informationRatio: number | null;
  annualTurnover: number | null;
  /** Costs a year as a fraction of the portfolio: costBps × annual turnover (cost_t = bps × turnover_t every day, method §9). */
  annualCost: number | null;
  /** Days the tracking-error target was out of reach (flagged 'below' or 'above'); null for EW. */
  outOfReach: number | null;
}

export interface SweepRow {
  /** The value as written. */
  text: string;
  /** The value in the configuration (number, string or boolean). */
  value: number | string | boolean;
  strategies: SweepPoint[];
  equalWeight: SweepPoint;
  /** First and last day of the evaluation window. */
  firstDate: string | null;
  lastDate: string | null;
}

export interface SweepResult {
  field: string;
  label: string;
  rows: SweepRow[];
}

export interface SweepHooks {
  /** After each finished run: `done` of `total`. */
  onProgress?: (done: number, total: number) => void;
  /** Polled before each run; return true to stop (throws SweepCancelled). */
  isCancelled?: () => boolean;
}

export class SweepCancelled extends Error { constructor() { super('sweep cancelled'); } }

/** A sweep the user asked for that cannot run: what is wrong and what to do. */
export class SweepError extends Error {}

const MAX_VALUES = 50;

/** The settings a sweep can vary: numbers, whole numbers, choices and switches (not dates, tickers or lists). */
export function sweepableFields(): ConfigFieldInfo[] {
  return describeConfig().filter((f) => ['number', 'integer', 'enum', 'boolean'].includes(f.type));
}

function fieldInfo(field: string): ConfigFieldInfo | undefined {
  const generic = field.replace(/^factors\.[^.]+\./, 'factors.<TICKER>.');
  return sweepableFields().find((f) => f.path === field || f.path === generic);
}

/** Parse `field=v1,v2,…` (the CLI's `--sweep`). Throws SweepError with what to write instead. */
export function parseSweepSpec(text: string): SweepSpec {
  const eq = text.indexOf('=');
  const example = 'e.g. --sweep noTradeBand=0,0.01,0.02,0.05 or --sweep rebalance=daily,weekly,monthly';
  if (eq < 1) throw new SweepError(`--sweep expects field=value,value,… (${example}), got "${text.slice(0, 80)}"`);
  const field = text.slice(0, eq).trim();
  const values = text.slice(eq + 1).split(',').map((v) => v.trim()).filter((v) => v !== '');
  if (!values.length) throw new SweepError(`--sweep ${field}: no values after "=" (${example})`);
  if (values.length > MAX_VALUES) throw new SweepError(`--sweep ${field}: ${values.length} values; at most ${MAX_VALUES} (each is a full backtest)`);
  return { field, values };
}

/**
 * The configuration of every value: `base` with `field` set (validated by core applyOverride, so
 * "2%" works where `--set` takes it). Throws SweepError naming the field or value at fault.
 */
export function sweepConfigs(base: RunConfig, spec: SweepSpec): { text: string; value: number | string | boolean; config: RunConfig }[] {
  const info = fieldInfo(spec.field);
  if (!info) {
    const names = sweepableFields().filter((f) => !f.path.includes('<TICKER>')).map((f) => f.path);
    throw new SweepError(`--sweep ${spec.field}: not a setting that can be swept; use a number, whole-number, choice or true/false setting (${names.join(', ')}, or factors.<TICKER>.jumpPenalty …)`);
  }
  return spec.values.map((text) => {
    const r = applyOverride(base, `${spec.field}=${text}`);
    if (!r.ok) throw new SweepError(`--sweep ${spec.field}=${text}: ${r.errors.map((e) => e.message).join('; ')}`);
    return { text, value: configValue(r.config, spec.field) as number | string | boolean, config: r.config };
  });
}

function point(s: PortfolioSeries, costBps: number, active: boolean, outOfReach: number | null): SweepPoint {
  const turnover = s.metrics.annualTurnover;
  return {
    key: s.key, label: s.label, cagr: s.metrics.cagr,
    activeReturn: active ? s.vsEqualWeight?.activeReturn ?? null : null,
    trackingError: active ? s.vsEqualWeight?.trackingError ?? null : null,
    informationRatio: active ? s.vsEqualWeight?.informationRatio ?? null : null,
    annualTurnover: turnover,
    annualCost: turnover === null ? null : (costBps / 10_000) * turnover,
    outOfReach,
  };
}

/** The row of one finished run. */
export function sweepRow(text: string, value: number | string | boolean, result: BacktestResult): SweepRow {
  const bps = result.config.costBps;
  const m = result.strategies[0]?.metrics;
  return {
    text, value,
    strategies: result.strategies.map((s) => {
      const d = result.diagnostics.find((x) => x.kind === s.key)?.trackingErrorOutOfReach;
      return point(s, bps, true, d ? d.below + d.above : null);
    }),
    equalWeight: point(result.equalWeight, bps, false, null),
    firstDate: m?.firstDate ?? null, lastDate: m?.lastDate ?? null,
  };
}

/** Run the sweep, one value after the other, through `runner`. */
export async function runSweep(base: RunConfig, spec: SweepSpec, runner: BacktestRunner, hooks: SweepHooks = {}): Promise<SweepResult> {
  const runs = sweepConfigs(base, spec);
  const rows: SweepRow[] = [];
  for (const [i, r] of runs.entries()) {
    if (hooks.isCancelled?.()) throw new SweepCancelled();
    rows.push(sweepRow(r.text, r.value, await runner(r.config)));
    hooks.onProgress?.(i + 1, runs.length);
  }
  return { field: spec.field, label: fieldInfo(spec.field)!.label, rows };
}

const pct = (v: number | null) => formatMetric(v, 'percent');
const ratio = (v: number | null) => formatMetric(v, 'ratio');

/** The sweep as a text or markdown table: one line per value and strategy, EW beside them. */
export function sweepTable(sweep: SweepResult, markdown = false): string {
  const header = [sweep.field, 'Portfolio', 'Net CAGR', 'Active return vs EW', 'TE vs EW', 'IR vs EW', 'Turnover / yr', 'Costs / yr', 'TE target out of reach (days)'];
  const rows: string[][] = [];
  const ewSame = sweep.rows.every((r) => JSON.stringify(r.equalWeight) === JSON.stringify(sweep.rows[0]!.equalWeight));
  const line = (text: string, p: SweepPoint) => [text, p.label, pct(p.cagr), pct(p.activeReturn), pct(p.trackingError), ratio(p.informationRatio),
    pct(p.annualTurnover), formatMetric(p.annualCost, 'percent', 3), p.outOfReach === null ? '—' : String(p.outOfReach)];
  for (const r of sweep.rows) {
    for (const s of r.strategies) rows.push(line(r.text, s));
    if (!ewSame) rows.push(line(r.text, r.equalWeight));
  }
  if (ewSame && sweep.rows.length) rows.push(line('(any)', sweep.rows[0]!.equalWeight));
  return textTable(header, rows, markdown);
}
