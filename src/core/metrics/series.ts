// Series for the tearsheet: wealth, drawdowns and the largest drawdown episodes, rolling
// one-year Sharpe and information ratio, monthly and annual returns, and window slicing by date.
// Inputs are the evaluation window only (method.md §10); outputs are plain arrays and objects.

/**
 * Wealth V_t = Π_{s≤t}(1 + R_s) after each day (length N, starting value `start` before day 0 is
 * not included). Prepend `start` yourself when a chart needs the point before the first return.
 */
export function wealthFromReturns(returns: ArrayLike<number>, start = 1): Float64Array {
  const out = new Float64Array(returns.length);
  let v = start;
  for (let i = 0; i < returns.length; i++) { v *= 1 + returns[i]!; out[i] = v; }
  return out;
}

/**
 * Drawdown dd_t = V_t / max_{s≤t} V_s − 1 (≤ 0) of a value series. With `startValue` (e.g. 1, the
 * value before the first return) the running peak starts there, so a loss on day 0 counts, which
 * makes min(dd) equal `maxDrawdown` of computeMetrics for values = wealthFromReturns(R).
 */
export function drawdownSeries(values: ArrayLike<number>, startValue?: number): Float64Array {
  const out = new Float64Array(values.length);
  let peak = startValue ?? -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > peak) peak = v;
    out[i] = v / peak - 1;
  }
  return out;
}

export interface DrawdownEpisode {
  /** Last date at the previous high (null = the start value before the first date). */
  peakDate: string | null;
  /** Date of the lowest value of the episode. */
  troughDate: string;
  /** First date back at or above the previous high; null when not recovered by the last date. */
  recoveryDate: string | null;
  /** trough / peak − 1 (negative). */
  depth: number;
  /** Trading days from the peak to the trough. */
  daysToTrough: number;
  /** Trading days from the peak to the recovery (or to the last date when not recovered). */
  length: number;
  recovered: boolean;
}

/**
 * The n deepest non-overlapping drawdown episodes (peak → trough → recovery), deepest first, ties
 * to the earlier one. `values[i]` is the value on `dates[i]`. With `startValue` the first peak
 * may be the value before the first date (its peakDate is null and day counts start there).
 */
export function topDrawdowns(values: ArrayLike<number>, dates: readonly string[], n = 5, startValue?: number): DrawdownEpisode[] {
  const T = values.length;
  if (dates.length !== T) throw new RangeError(`topDrawdowns: ${T} values but ${dates.length} dates`);
  const episodes: DrawdownEpisode[] = [];
  // Peak index −1 stands for the start value before dates[0].
  let peakIdx = startValue === undefined ? 0 : -1;
  let peakVal = startValue === undefined ? (T ? values[0]! : 0) : startValue;
  let troughIdx = -2, troughVal = Infinity;
  const close = (recoveryIdx: number | null) => {
    const end = recoveryIdx ?? T - 1;
    episodes.push({
      peakDate: peakIdx >= 0 ? dates[peakIdx]! : null,
      troughDate: dates[troughIdx]!,
      recoveryDate: recoveryIdx === null ? null : dates[recoveryIdx]!,
      depth: troughVal / peakVal - 1,
      daysToTrough: troughIdx - peakIdx,
      length: end - peakIdx,
      recovered: recoveryIdx !== null,
    });
  };
  for (let i = startValue === undefined ? 1 : 0; i < T; i++) {
    const v = values[i]!;
    if (v >= peakVal) {
      if (troughIdx >= 0) close(i);
      peakIdx = i; peakVal = v; troughIdx = -2; troughVal = Infinity;
    } else if (v < troughVal) {
      troughIdx = i; troughVal = v;
    }
  }
  if (troughIdx >= 0) close(null);
  // Stable sort: deepest first, equal depths keep date order.
  return episodes
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.depth - b.e.depth || a.i - b.i)
    .slice(0, n)
    .map((x) => x.e);
}

/**
 * Rolling annualised Sharpe over the last `window` days (method.md §10 formula): out[t] uses days
 * t−window+1 … t; NaN before the window is full or when the std is 0. `rf` is an annual rate
 * (rf/P a day) or the daily rates aligned with `returns` (method.md §12).
 */
export function rollingSharpe(returns: ArrayLike<number>, window = 252, rf: number | ArrayLike<number> = 0, periodsPerYear = 252): Float64Array {
  const T = returns.length;
  const out = new Float64Array(T).fill(NaN);
  const rfd = typeof rf === 'number' ? rf / periodsPerYear : 0;
  const daily = typeof rf === 'number' ? null : rf;
  const sq = Math.sqrt(periodsPerYear);
  for (let t = window - 1; t < T; t++) {
    // Two passes per window: O(T·window), exact (no running-sum cancellation); 3000×252 is ~1 ms.
    let s = 0;
    for (let i = t - window + 1; i <= t; i++) s += returns[i]! - (daily ? daily[i]! : rfd);
    const m = s / window;
    let ss = 0;
    for (let i = t - window + 1; i <= t; i++) { const d = returns[i]! - (daily ? daily[i]! : rfd) - m; ss += d * d; }
    const sd = window > 1 ? Math.sqrt(ss / (window - 1)) : NaN;
    out[t] = sd > 0 ? (m / sd) * sq : NaN;
  }
  return out;
}

/** Rolling information ratio: 252·mean(A) / (std(A)·√252) over the last `window` days, A = R − B. */
export function rollingInformationRatio(returns: ArrayLike<number>, benchmark: ArrayLike<number>, window = 252, periodsPerYear = 252): Float64Array {
  const T = returns.length;
  if (benchmark.length !== T) throw new RangeError(`rollingInformationRatio: ${T} returns but ${benchmark.length} benchmark returns`);
  const A = new Float64Array(T);
  for (let i = 0; i < T; i++) A[i] = returns[i]! - benchmark[i]!;
  // IR = active return / TE = (P·mean(A)) / (std(A)·√P) = mean/std·√P: the Sharpe formula on A.
  return rollingSharpe(A, window, 0, periodsPerYear);
}

export interface PeriodReturn {
  year: number;
  /** 1-12 for monthly returns; absent for annual ones. */
  month?: number;
  /** Compounded return Π(1 + R) − 1 over the period's days in the window. */
  value: number;
  /** Days of the period inside the window (a partial first or last period has fewer). */
  days: number;
}

function periodReturns(returns: ArrayLike<number>, dates: readonly string[], keyLen: 4 | 7): PeriodReturn[] {
  if (dates.length !== returns.length) throw new RangeError(`period returns: ${returns.length} returns but ${dates.length} dates`);
  const out: PeriodReturn[] = [];
  let key = '', g = 1, days = 0;
  const flush = () => {
    if (!days) return;
    const p: PeriodReturn = { year: Number(key.slice(0, 4)), value: g - 1, days };
    if (keyLen === 7) p.month = Number(key.slice(5, 7));
    out.push(p);
  };
  for (let i = 0; i < returns.length; i++) {
    const k = dates[i]!.slice(0, keyLen);
    if (k !== key) { flush(); key = k; g = 1; days = 0; }
    g *= 1 + returns[i]!;
    days++;
  }
  flush();
  return out;
}

/** Calendar-month returns (for the heatmap), in date order. */
export function monthlyReturns(returns: ArrayLike<number>, dates: readonly string[]): PeriodReturn[] {
  return periodReturns(returns, dates, 7);
}

/** Calendar-year returns, in date order. */
export function annualReturns(returns: ArrayLike<number>, dates: readonly string[]): PeriodReturn[] {
  return periodReturns(returns, dates, 4);
}

/**
 * Index range [start, end) of the dates inside [from, to] (inclusive ISO dates; either may be
 * omitted) for slicing a sub-period (the Periods screen): `computeMetrics(r.subarray(start, end))`.
 */
export function dateWindow(dates: readonly string[], from?: string | null, to?: string | null): { start: number; end: number } {
  const lb = (iso: string, strict: boolean) => {
    let lo = 0, hi = dates.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (strict ? dates[mid]! <= iso : dates[mid]! < iso) lo = mid + 1; else hi = mid;
    }
    return lo;
  };
  const start = from ? lb(from, false) : 0;
  const end = to ? lb(to, true) : dates.length;
  return { start, end: Math.max(start, end) };
}
