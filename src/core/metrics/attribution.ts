// What costs took and where the active return came from (method.md §9, §10, §12 "Evidence").
//
// Execution (method.md §9, core/backtest/execution.ts) holds weights w_{t−1} after the close of day
// t−1; they earn day t's asset returns r_t, and a trade at the close of t costs c_t of the value.
// So a day's net return is R_t = (1 + g_t)(1 − c_t) − 1 with the gross (before-cost) return
// g_t = Σ_i w_{t−1,i}·r_{t,i} (the first return also carries the first trade's cost). The cost of a
// day is the difference d_t = g_t − R_t, i.e. c_t(1 + g_t): costs are taken out of the value grown by
// the day's return.
//
// Attribution of the active return against a benchmark b (the EW portfolio) is exact arithmetic:
//   R_t − R^b_t = Σ_i (w_{t−1,i} − w^b_{t−1,i})·r_{t,i} + (d^b_t − d_t),
// one term per asset (the weights held that day) plus the difference of costs; summed over days and
// annualised (× 252/n) the terms add up to the active return 252·mean(R − R^b) of method.md §10.
//
// Structural inputs (no import of core/backtest): anything with returns, held weights and turnover.

export interface HeldPortfolio {
  /** Daily net returns, length T (NaN before the first return). */
  returns: ArrayLike<number>;
  /** Weights held after each close, T×N row-major (row t−1 earns day t's returns). */
  weights: ArrayLike<number>;
  /** Turnover traded at each close, length T. */
  turnover: ArrayLike<number>;
}

export interface CostYear {
  year: number;
  days: number;
  /** Compounded return of the year's days before costs, Π(1 + g) − 1. */
  grossReturn: number;
  /** Compounded net return, Π(1 + R) − 1. */
  netReturn: number;
  /** Σ d_t over the year's days: what costs took, in return points. */
  cost: number;
  /** Σ turnover over the year's days. */
  turnover: number;
}

export interface CostSummary {
  days: number;
  /** 252·mean(g): annual arithmetic return before costs. */
  grossReturn: number | null;
  /** 252·mean(R): annual arithmetic net return. */
  netReturn: number | null;
  /** 252·mean(g − R) = grossReturn − netReturn: what costs take a year. */
  costPerYear: number | null;
  grossTotalReturn: number | null;
  netTotalReturn: number | null;
  /** (1 + total)^(252/n) − 1; null under 126 days (as CAGR, method.md §10). */
  grossCagr: number | null;
  netCagr: number | null;
  /** Σ d_t over the window. */
  totalCost: number | null;
  /** 252·mean(turnover). */
  annualTurnover: number | null;
  years: CostYear[];
}

export interface AttributionPart {
  /** Per asset (in `tickers` order): Σ (w − w^b)·r. */
  assets: number[];
  /** Σ (d^b − d): negative when the portfolio paid more costs than the benchmark. */
  costs: number;
  /** Σ of the above = Σ (R − R^b). */
  total: number;
  days: number;
}

export interface ActiveAttribution {
  /** Key of the benchmark portfolio ("equalWeight"). */
  benchmark: string;
  tickers: string[];
  /** Over the window, annualised (× 252/n): `total` equals the active return 252·mean(R − R^b). */
  window: AttributionPart;
  /** Per calendar year, plain sums over the year's days (not annualised). */
  years: (AttributionPart & { year: number })[];
}

const DAYS = 252;
const MIN_DAYS_FOR_CAGR = 126;
const fin = (x: number): number | null => (Number.isFinite(x) ? x : null);

function checkShape(p: HeldPortfolio, assetReturns: ArrayLike<number>, N: number, from: number, days: number, what: string): number {
  const T = p.returns.length;
  if (p.weights.length !== T * N) throw new RangeError(`${what}: ${p.weights.length} weights for ${T} days × ${N} assets`);
  if (assetReturns.length !== T * N) throw new RangeError(`${what}: ${assetReturns.length} asset returns for ${T} days × ${N} assets`);
  if (from < 1 || from + days !== T) throw new RangeError(`${what}: the window starts at day ${from} with ${days} dates but the portfolio has ${T} days`);
  return T;
}

/**
 * Gross (before-cost) daily returns g_t = Σ_i w_{t−1,i}·r_{t,i} for t in [from, T): the weights held
 * at the previous close times the day's asset returns. An asset that is not held does not enter
 * (its return may be missing).
 */
export function grossReturns(p: HeldPortfolio, assetReturns: ArrayLike<number>, N: number, from: number): Float64Array {
  const T = p.returns.length;
  const out = new Float64Array(T - from);
  for (let t = from; t < T; t++) {
    const w = (t - 1) * N, r = t * N;
    let g = 0;
    for (let i = 0; i < N; i++) {
      const wi = p.weights[w + i]!;
      if (wi !== 0) g += wi * assetReturns[r + i]!;
    }
    if (!Number.isFinite(g)) throw new RangeError(`gross return on day ${t}: a held asset has no return (or no weights are held the day before); pass the evaluation window only`);
    out[t - from] = g;
  }
  return out;
}

/**
 * Gross and net returns, costs and turnover of a portfolio over the evaluation window [from, T)
 * (`dates` are that window's dates), overall and per calendar year.
 */
export function costSummary(p: HeldPortfolio, assetReturns: ArrayLike<number>, N: number, from: number, dates: readonly string[]): CostSummary {
  const T = checkShape(p, assetReturns, N, from, dates.length, 'costSummary');
  const g = grossReturns(p, assetReturns, N, from);
  const n = T - from;
  const years: CostYear[] = [];
  let sg = 0, sr = 0, sd = 0, st = 0, growG = 1, growR = 1;
  let cur: CostYear | null = null, yg = 1, yr = 1;
  for (let i = 0; i < n; i++) {
    const R = p.returns[from + i]!, G = g[i]!, d = G - R, tv = p.turnover[from + i]!;
    if (!Number.isFinite(R)) throw new RangeError(`costSummary: the net return on ${dates[i]} is missing; pass the evaluation window only`);
    sg += G; sr += R; sd += d; st += tv; growG *= 1 + G; growR *= 1 + R;
    const year = Number(dates[i]!.slice(0, 4));
    if (!cur || cur.year !== year) {
      if (cur) { cur.grossReturn = yg - 1; cur.netReturn = yr - 1; years.push(cur); }
      cur = { year, days: 0, grossReturn: 0, netReturn: 0, cost: 0, turnover: 0 };
      yg = 1; yr = 1;
    }
    cur.days++; cur.cost += d; cur.turnover += tv; yg *= 1 + G; yr *= 1 + R;
  }
  if (cur) { cur.grossReturn = yg - 1; cur.netReturn = yr - 1; years.push(cur); }
  const cagr = (grow: number) => (n >= MIN_DAYS_FOR_CAGR ? (grow > 0 ? Math.pow(grow, DAYS / n) - 1 : -1) : NaN);
  return {
    days: n,
    grossReturn: n ? fin((DAYS * sg) / n) : null,
    netReturn: n ? fin((DAYS * sr) / n) : null,
    costPerYear: n ? fin((DAYS * sd) / n) : null,
    grossTotalReturn: n ? fin(growG - 1) : null,
    netTotalReturn: n ? fin(growR - 1) : null,
    grossCagr: fin(cagr(growG)),
    netCagr: fin(cagr(growR)),
    totalCost: n ? fin(sd) : null,
    annualTurnover: n ? fin((DAYS * st) / n) : null,
    years,
  };
}

/**
 * Attribution of the active return of `p` against `benchmark` over [from, T) (method.md §12): per
 * asset Σ_t (w_{t−1} − w^b_{t−1})·r_t, plus the difference of costs, per calendar year (sums) and
 * over the window (annualised, equal to the active return 252·mean(R − R^b)).
 */
export function activeAttribution(
  p: HeldPortfolio, benchmark: HeldPortfolio, assetReturns: ArrayLike<number>, N: number, from: number,
  dates: readonly string[], tickers: readonly string[], benchmarkKey = 'equalWeight',
): ActiveAttribution {
  const T = checkShape(p, assetReturns, N, from, dates.length, 'activeAttribution');
  checkShape(benchmark, assetReturns, N, from, dates.length, 'activeAttribution (benchmark)');
  if (tickers.length !== N) throw new RangeError(`activeAttribution: ${tickers.length} tickers for ${N} assets`);
  const g = grossReturns(p, assetReturns, N, from), gb = grossReturns(benchmark, assetReturns, N, from);
  const n = T - from;
  const win = new Float64Array(N);
  let winCost = 0;
  const years: (AttributionPart & { year: number })[] = [];
  let y: (AttributionPart & { year: number }) | null = null;
  for (let i = 0; i < n; i++) {
    const t = from + i, w = (t - 1) * N, r = t * N;
    const year = Number(dates[i]!.slice(0, 4));
    if (!y || y.year !== year) {
      y = { year, assets: new Array<number>(N).fill(0), costs: 0, total: 0, days: 0 };
      years.push(y);
    }
    for (let k = 0; k < N; k++) {
      const dw = p.weights[w + k]! - benchmark.weights[w + k]!;
      if (dw === 0) continue;
      const c = dw * assetReturns[r + k]!;
      win[k] += c;
      y.assets[k] += c;
    }
    const dc = (gb[i]! - benchmark.returns[t]!) - (g[i]! - p.returns[t]!);
    winCost += dc;
    y.costs += dc;
    y.days++;
  }
  for (const yr of years) yr.total = yr.assets.reduce((a, b) => a + b, 0) + yr.costs;
  const scale = n ? DAYS / n : NaN;
  const assets = Array.from(win, (v) => v * scale);
  const costs = winCost * scale;
  return {
    benchmark: benchmarkKey, tickers: [...tickers],
    window: { assets, costs, total: assets.reduce((a, b) => a + b, 0) + costs, days: n },
    years,
  };
}
