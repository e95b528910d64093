// The performance table of method.md §10, over the evaluation window only: the caller passes the
// daily returns from the first day with a real position to the last (no flat pre-start days,
// method.md §11). Every key below is documented in METRIC_DEFINITIONS, which the UI uses for its
// tooltips, the README for its table and `cli metrics --json` for its keys.
//
// Conventions: daily simple returns R (decimal), P = 252 periods a year, rf an annual rate turned
// into rf/P a day, sample standard deviations (n − 1). A value that is undefined (too few days, a
// zero denominator) is null, never NaN or ±Infinity, so the object is JSON-safe as it is.

export interface PerformanceMetrics {
  days: number;
  firstDate: string | null;
  lastDate: string | null;
  totalReturn: number | null;
  cagr: number | null;
  volatility: number | null;
  sharpe: number | null;
  sortino: number | null;
  maxDrawdown: number | null;
  calmar: number | null;
  hitRate: number | null;
  bestDay: number | null;
  worstDay: number | null;
  activeReturn: number | null;
  trackingError: number | null;
  informationRatio: number | null;
  activeHitRate: number | null;
  beta: number | null;
  correlation: number | null;
  annualTurnover: number | null;
}

export type MetricKey = keyof PerformanceMetrics;
export type MetricFormat = 'percent' | 'ratio' | 'number' | 'date';

export interface MetricDefinition {
  key: MetricKey;
  label: string;
  /** The formula in plain text, for tooltips and the README. */
  formula: string;
  format: MetricFormat;
  /** What the metric needs besides the returns. */
  requires?: 'benchmark' | 'turnover';
}

/** Every key of PerformanceMetrics, in display order, with its formula. */
export const METRIC_DEFINITIONS: readonly MetricDefinition[] = [
  { key: 'days', label: 'Days', format: 'number', formula: 'N = number of daily returns in the evaluation window' },
  { key: 'firstDate', label: 'First day', format: 'date', formula: 'date of the first return' },
  { key: 'lastDate', label: 'Last day', format: 'date', formula: 'date of the last return' },
  { key: 'totalReturn', label: 'Total return', format: 'percent', formula: 'TR = Π(1 + R_t) − 1' },
  { key: 'cagr', label: 'CAGR', format: 'percent', formula: '(1 + TR)^(252/N) − 1; "—" when N < 126 days' },
  { key: 'volatility', label: 'Volatility', format: 'percent', formula: 'std(R)·√252 (sample std)' },
  { key: 'sharpe', label: 'Sharpe', format: 'ratio', formula: 'mean(R − rf)/std(R − rf)·√252, rf = annual rate / 252 a day' },
  { key: 'sortino', label: 'Sortino', format: 'ratio', formula: '252·mean(R − rf) / (√252·sqrt(mean(min(R − rf, 0)²))), both means over ALL days' },
  { key: 'maxDrawdown', label: 'Max drawdown', format: 'percent', formula: 'min over t of V_t / max_{s≤t} V_s − 1, V = Π(1 + R) starting from 1 (a negative number)' },
  { key: 'calmar', label: 'Calmar', format: 'ratio', formula: 'CAGR / |max drawdown|' },
  { key: 'hitRate', label: 'Hit rate', format: 'percent', formula: 'share of days with R > 0' },
  { key: 'bestDay', label: 'Best day', format: 'percent', formula: 'max R' },
  { key: 'worstDay', label: 'Worst day', format: 'percent', formula: 'min R' },
  { key: 'activeReturn', label: 'Active return', format: 'percent', formula: '252·mean(A), A = R − B (B: benchmark returns)', requires: 'benchmark' },
  { key: 'trackingError', label: 'Tracking error', format: 'percent', formula: 'std(A)·√252 (sample std)', requires: 'benchmark' },
  { key: 'informationRatio', label: 'Information ratio', format: 'ratio', formula: 'active return / tracking error', requires: 'benchmark' },
  { key: 'activeHitRate', label: 'Active hit rate', format: 'percent', formula: 'share of days with A > 0', requires: 'benchmark' },
  { key: 'beta', label: 'Beta', format: 'ratio', formula: 'cov(R, B) / var(B)', requires: 'benchmark' },
  { key: 'correlation', label: 'Correlation', format: 'ratio', formula: 'corr(R, B)', requires: 'benchmark' },
  { key: 'annualTurnover', label: 'Turnover (annual)', format: 'percent', formula: '252·mean(turnover_t), turnover_t = Σ_i |w_target − w_drifted| traded on day t (both sides)', requires: 'turnover' },
];

export interface MetricsOptions {
  /** Benchmark daily returns, aligned with `returns` (same length). Enables the active metrics. */
  benchmark?: Float64Array;
  /**
   * Risk-free rate (default 0): an annual rate, decimal, taken as rf/P a day; or the daily rates
   * themselves, aligned with `returns` (a series such as Ken French's RF, method.md §12), so that
   * Sharpe and Sortino measure the excess over each day's rate.
   */
  rf?: number | Float64Array;
  /** Dates of the returns (ISO), same length: gives firstDate / lastDate. */
  dates?: readonly string[];
  /** Daily turnover aligned with `returns`. Enables annualTurnover. */
  turnover?: Float64Array;
  /** Default 252. */
  periodsPerYear?: number;
}

/** CAGR is shown as "—" (null) below half a year of days (method.md §10). */
export const MIN_DAYS_FOR_CAGR = 126;

const fin = (x: number): number | null => (Number.isFinite(x) ? x : null);

function meanStd(x: ArrayLike<number>, shift = 0): { mean: number; std: number } {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]! - shift;
  const mean = n ? s / n : NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) { const d = x[i]! - shift - mean; ss += d * d; }
  return { mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN };
}

function checkFinite(name: string, x: ArrayLike<number>): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) {
      throw new RangeError(`computeMetrics: ${name}[${i}] is ${x[i]}; pass the evaluation window only, with every day's return (drop or report missing days first)`);
    }
  }
}

/** Max drawdown of the wealth Π(1 + R) that starts at 1 before the first day (≤ 0). */
export function maxDrawdownOfReturns(returns: ArrayLike<number>): number {
  let v = 1, peak = 1, mdd = 0;
  for (let i = 0; i < returns.length; i++) {
    v *= 1 + returns[i]!;
    if (v > peak) peak = v;
    const dd = v / peak - 1;
    if (dd < mdd) mdd = dd;
  }
  return mdd;
}

/** The active metrics of R against B (method.md §10); nulls when undefined. */
export function activeMetrics(returns: Float64Array, benchmark: Float64Array, periodsPerYear = 252): Pick<PerformanceMetrics, 'activeReturn' | 'trackingError' | 'informationRatio' | 'activeHitRate' | 'beta' | 'correlation'> {
  const n = returns.length;
  if (benchmark.length !== n) throw new RangeError(`activeMetrics: benchmark has ${benchmark.length} days, returns ${n}; align them first`);
  const A = new Float64Array(n);
  let hits = 0;
  for (let i = 0; i < n; i++) { A[i] = returns[i]! - benchmark[i]!; if (A[i]! > 0) hits++; }
  const a = meanStd(A);
  const activeReturn = periodsPerYear * a.mean;
  const te = a.std * Math.sqrt(periodsPerYear);
  // beta and correlation from centred sums
  const r = meanStd(returns), b = meanStd(benchmark);
  let cov = 0;
  for (let i = 0; i < n; i++) cov += (returns[i]! - r.mean) * (benchmark[i]! - b.mean);
  cov = n > 1 ? cov / (n - 1) : NaN;
  return {
    activeReturn: n ? fin(activeReturn) : null,
    trackingError: fin(te),
    informationRatio: te > 0 ? fin(activeReturn / te) : null,
    activeHitRate: n ? hits / n : null,
    beta: b.std > 0 ? fin(cov / (b.std * b.std)) : null,
    correlation: b.std > 0 && r.std > 0 ? fin(cov / (r.std * b.std)) : null,
  };
}

/**
 * The full table of method.md §10 for one daily return series. `returns` must be the evaluation
 * window only and finite (a NaN is an error naming the day: missing days are the caller's to drop
 * and report, never to fill with 0).
 */
export function computeMetrics(returns: Float64Array, opts: MetricsOptions = {}): PerformanceMetrics {
  const n = returns.length;
  const P = opts.periodsPerYear ?? 252;
  const rfSeries = opts.rf instanceof Float64Array ? opts.rf : null;
  const rfDaily = rfSeries ? 0 : ((opts.rf as number | undefined) ?? 0) / P;
  checkFinite('returns', returns);
  if (rfSeries) {
    checkFinite('rf', rfSeries);
    if (rfSeries.length !== n) throw new RangeError(`computeMetrics: rf has ${rfSeries.length} days, returns ${n}`);
  }
  if (opts.benchmark) checkFinite('benchmark', opts.benchmark);
  if (opts.turnover) {
    checkFinite('turnover', opts.turnover);
    if (opts.turnover.length !== n) throw new RangeError(`computeMetrics: turnover has ${opts.turnover.length} days, returns ${n}`);
  }
  if (opts.dates && opts.dates.length !== n) throw new RangeError(`computeMetrics: dates has ${opts.dates.length} entries, returns ${n}`);

  let growth = 1, hits = 0, best = -Infinity, worst = Infinity, down2 = 0;
  for (let i = 0; i < n; i++) {
    const r = returns[i]!;
    growth *= 1 + r;
    if (r > 0) hits++;
    if (r > best) best = r;
    if (r < worst) worst = r;
    const ex = r - (rfSeries ? rfSeries[i]! : rfDaily);
    if (ex < 0) down2 += ex * ex;
  }
  const totalReturn = growth - 1;
  const years = n / P;
  const cagr = n >= MIN_DAYS_FOR_CAGR ? (growth > 0 ? Math.pow(growth, 1 / years) - 1 : -1) : NaN;
  const raw = meanStd(returns);
  const ex = rfSeries ? meanStd(Float64Array.from(returns, (r, i) => r - rfSeries[i]!)) : meanStd(returns, rfDaily);
  const volatility = raw.std * Math.sqrt(P);
  const sharpe = ex.std > 0 ? (ex.mean / ex.std) * Math.sqrt(P) : NaN;
  // Sortino (method.md §10): downside deviation is the root mean square of min(R − rf, 0) over ALL
  // days — not the std of the negative days only (the earlier implementation's mistake, §11).
  const downside = n ? Math.sqrt(down2 / n) : NaN;
  const sortino = downside > 0 ? (P * ex.mean) / (Math.sqrt(P) * downside) : NaN;
  const mdd = n ? maxDrawdownOfReturns(returns) : NaN;
  const calmar = Number.isFinite(cagr) && mdd < 0 ? cagr / Math.abs(mdd) : NaN;

  let turnover = NaN;
  if (opts.turnover && n) {
    let s = 0;
    for (let i = 0; i < n; i++) s += opts.turnover[i]!;
    turnover = (P * s) / n;
  }
  const active = opts.benchmark ? activeMetrics(returns, opts.benchmark, P) : null;
  return {
    days: n,
    firstDate: opts.dates && n ? opts.dates[0]! : null,
    lastDate: opts.dates && n ? opts.dates[n - 1]! : null,
    totalReturn: n ? fin(totalReturn) : null,
    cagr: fin(cagr),
    volatility: fin(volatility),
    sharpe: fin(sharpe),
    sortino: fin(sortino),
    maxDrawdown: fin(mdd),
    calmar: fin(calmar),
    hitRate: n ? hits / n : null,
    bestDay: n ? best : null,
    worstDay: n ? worst : null,
    activeReturn: active?.activeReturn ?? null,
    trackingError: active?.trackingError ?? null,
    informationRatio: active?.informationRatio ?? null,
    activeHitRate: active?.activeHitRate ?? null,
    beta: active?.beta ?? null,
    correlation: active?.correlation ?? null,
    annualTurnover: fin(turnover),
  };
}

/** Format one metric value for people ("12.34%", "0.87", "—"). */
export function formatMetric(value: number | string | null, format: MetricFormat, digits = 2): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  switch (format) {
    case 'percent': return `${(value * 100).toFixed(digits)}%`;
    case 'ratio': return value.toFixed(digits);
    case 'number': return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(digits);
    case 'date': return String(value);
  }
}
