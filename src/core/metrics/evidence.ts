// Evidence (method.md §12 "Evidence"): how far a Sharpe ratio, an information ratio and an active
// return can be told from zero, and how much of a study's best result is selection.
//
// Notation (method.md §12): daily returns R (excess of rf when given), n days, per-day Sharpe
// SR = mean(R)/std(R) (sample std), skewness g3 = m3/m2^1.5 and kurtosis g4 = m4/m2² from central
// moments m_k = mean((R − mean R)^k) (g4 = 3 for a normal), Φ the standard normal CDF, 252 days a year.
//
// - Probabilistic Sharpe ratio (Bailey & López de Prado 2012, "The Sharpe ratio efficient frontier"):
//   PSR(SR*) = Φ((SR − SR*)·√(n − 1) / √(1 − g3·SR + (g4 − 1)/4·SR²)), SR* per day.
// - Standard error of the annual Sharpe: √252·√((1 − g3·SR + (g4 − 1)/4·SR²)/(n − 1)).
// - Minimum track record length (same paper), SR* = 0, 95%, in years:
//   (1 + (1 − g3·SR + (g4 − 1)/4·SR²)·(Φ⁻¹(0.95)/SR)²)/252, only when SR > 0.
// - Deflated Sharpe ratio (Bailey & López de Prado 2014, "The deflated Sharpe ratio"): PSR(SR0),
//   SR0 = √V·((1 − γ)Φ⁻¹(1 − 1/N) + γΦ⁻¹(1 − 1/(N·e))), N trials with per-day Sharpe variance V.
// - Stationary bootstrap (Politis & Romano 1994) percentile intervals for the annual Sharpe ratio,
//   the annual mean (active return) and the information ratio.
// - Probability of backtest overfitting by combinatorially symmetric cross-validation (Bailey,
//   Borwein, López de Prado & Zhu 2015, "The probability of backtest overfitting").
//
// Everything is pure and allocation-light: the hot loops (bootstrap, CSCV) run over Float64Arrays.
// Values that do not exist (too few days, a zero standard deviation) are NaN here and null in the
// JSON-facing objects (`returnEvidence`).
import { Rng } from '../random.ts';

export const TRADING_DAYS = 252;
/** Euler-Mascheroni constant γ (the expected maximum of N normal draws, Bailey & López de Prado 2014). */
export const EULER_GAMMA = 0.5772156649015329;
/** Defaults of the bootstrap (method.md §12). The seed is the bootstrap's own, fixed: the same returns give the same interval everywhere. */
export const BOOTSTRAP_RESAMPLES = 2000;
export const BOOTSTRAP_BLOCK_DAYS = 21;
export const BOOTSTRAP_SEED = 0;
/** CSCV blocks S (Bailey et al. 2015 use S = 16: C(16, 8) = 12,870 splits). */
export const PBO_BLOCKS = 16;

const SQRT_2PI = Math.sqrt(2 * Math.PI);

// ---- the normal distribution ----------------------------------------------------------------

/** Standard normal density φ(x). */
function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

/**
 * Upper tail Q(x) = 1 − Φ(x) for x ≥ 2 from Laplace's continued fraction
 * Q(x) = φ(x) / (x + 1/(x + 2/(x + 3/(x + …)))), evaluated with the modified Lentz method. It
 * converges to full double precision in about a hundred terms for x ≥ 2 and keeps relative
 * accuracy deep in the tail (where 1 − Φ(x) would cancel).
 */
function upperTail(x: number): number {
  const tiny = 1e-300;
  let f = x, C = x, D = 0;
  for (let k = 1; k < 2000; k++) {
    D = x + k * D;
    if (D === 0) D = tiny;
    C = x + k / C;
    if (C === 0) C = tiny;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return normalPdf(x) / f;
}

/**
 * Standard normal CDF Φ(x), accurate to about 1e-15 (absolute; relative in the tails). For |x| < 2
 * Marsaglia's series Φ(x) = ½ + φ(x)·(x + x³/3 + x⁵/(3·5) + …) (Marsaglia 2004, "Evaluating the
 * normal distribution"); beyond, Laplace's continued fraction for the tail. The switch is at 2, not
 * further out: for x < −2 the series' ½ + φ·S cancels to a small Φ and keeps only its absolute
 * accuracy (at x = −2.93 a relative error of 2e-13, against ~2e-15 from the continued fraction).
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 2) return 1 - upperTail(x);
  if (x <= -2) return upperTail(-x);
  const x2 = x * x;
  let term = x, sum = x;
  for (let k = 1; k < 200; k++) {
    term *= x2 / (2 * k + 1);
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return 0.5 + normalPdf(x) * sum;
}

// Acklam's rational approximation of Φ⁻¹ (relative error < 1.15e-9), refined below by one Halley step.
const A = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
const B = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
const C = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
const D = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];

function acklamLower(p: number): number {
  // p ≤ 0.5: the lower half (the upper half follows by symmetry, computed exactly from 1 − p).
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) / ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1);
  }
  const q = p - 0.5, r = q * q;
  return (((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!) * q / (((((B[0]! * r + B[1]!) * r + B[2]!) * r + B[3]!) * r + B[4]!) * r + 1);
}

/**
 * Inverse standard normal CDF Φ⁻¹(p): Acklam's approximation, then one Halley step on Φ (cubic
 * convergence: the 1e-9 start becomes ~1e-15). For p > ½ it returns −Φ⁻¹(1 − p): 1 − p is exact in
 * floating point there, so the upper tail keeps its accuracy.
 */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -normalQuantile(1 - p);
  let x = acklamLower(p);
  const e = normalCdf(x) - p;
  const u = e * SQRT_2PI * Math.exp(0.5 * x * x);
  x -= u / (1 + 0.5 * x * u);
  return x;
}

// ---- moments, PSR, MinTRL, DSR ----------------------------------------------------------------

/** What PSR and its relatives need from a return series. */
export interface ReturnMoments {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1). */
  std: number;
  /** Per-day Sharpe ratio mean/std (not annualised); NaN when std = 0 or n < 2. */
  sharpe: number;
  /** g3 = m3/m2^1.5 (central moments, divided by n). */
  skewness: number;
  /** g4 = m4/m2² (3 for a normal; not the excess kurtosis). */
  kurtosis: number;
}

/** Moments of R − shift (shift = rf/252 a day for excess returns). Two passes, no allocation. */
export function returnMoments(returns: ArrayLike<number>, shift = 0): ReturnMoments {
  const n = returns.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += returns[i]! - shift;
  const mean = n ? s / n : NaN;
  let m2 = 0, m3 = 0, m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = returns[i]! - shift - mean, d2 = d * d;
    m2 += d2; m3 += d2 * d; m4 += d2 * d2;
  }
  const std = n > 1 ? Math.sqrt(m2 / (n - 1)) : NaN;
  m2 /= n; m3 /= n; m4 /= n;
  return {
    n, mean, std,
    sharpe: std > 0 ? mean / std : NaN,
    skewness: m2 > 0 ? m3 / Math.pow(m2, 1.5) : NaN,
    kurtosis: m2 > 0 ? m4 / (m2 * m2) : NaN,
  };
}

/**
 * 1 − g3·SR + (g4 − 1)/4·SR²: (n − 1) times the variance of the estimated per-day Sharpe ratio
 * (Bailey & López de Prado 2012, after Mertens 2002). Never negative for real data: g4 ≥ 1 + g3²
 * makes it ≥ (1 − g3·SR/2)².
 */
function sharpeVarianceFactor(m: Pick<ReturnMoments, 'sharpe' | 'skewness' | 'kurtosis'>): number {
  const sr = m.sharpe;
  return 1 - m.skewness * sr + ((m.kurtosis - 1) / 4) * sr * sr;
}

/** PSR(SR*) with SR* per day (Bailey & López de Prado 2012). NaN when undefined. */
export function probabilisticSharpe(m: ReturnMoments, benchmarkSharpe = 0): number {
  const q = sharpeVarianceFactor(m);
  if (!(m.n > 1) || !(q > 0) || !Number.isFinite(m.sharpe)) return NaN;
  return normalCdf(((m.sharpe - benchmarkSharpe) * Math.sqrt(m.n - 1)) / Math.sqrt(q));
}

/** Standard error of the annualised Sharpe ratio: √P·√((1 − g3·SR + (g4 − 1)/4·SR²)/(n − 1)). */
export function sharpeStandardError(m: ReturnMoments, periodsPerYear = TRADING_DAYS): number {
  const q = sharpeVarianceFactor(m);
  if (!(m.n > 1) || !(q >= 0) || !Number.isFinite(m.sharpe)) return NaN;
  return Math.sqrt(periodsPerYear) * Math.sqrt(q / (m.n - 1));
}

/**
 * Minimum track record length in years for PSR(SR*) ≥ confidence (Bailey & López de Prado 2012):
 * n* = 1 + (1 − g3·SR + (g4 − 1)/4·SR²)·(Φ⁻¹(confidence)/(SR − SR*))² days, / 252. NaN unless SR > SR*
 * (a Sharpe ratio at or below the threshold cannot be told above it by waiting longer).
 */
export function minTrackRecordYears(m: ReturnMoments, confidence = 0.95, benchmarkSharpe = 0, periodsPerYear = TRADING_DAYS): number {
  const q = sharpeVarianceFactor(m);
  if (!(m.sharpe > benchmarkSharpe) || !(q >= 0)) return NaN;
  const z = normalQuantile(confidence) / (m.sharpe - benchmarkSharpe);
  return (1 + q * z * z) / periodsPerYear;
}

/**
 * SR0 = √V·((1 − γ)Φ⁻¹(1 − 1/N) + γΦ⁻¹(1 − 1/(N·e))): the expected maximum per-day Sharpe ratio of
 * N unskilled trials whose per-day Sharpe ratios have variance V (Bailey & López de Prado 2014).
 * One trial has no selection: SR0 = 0.
 */
export function expectedMaxSharpe(trials: number, variance: number): number {
  if (!(trials >= 1) || !(variance >= 0)) return NaN;
  if (trials === 1) return 0;
  return Math.sqrt(variance) * ((1 - EULER_GAMMA) * normalQuantile(1 - 1 / trials) + EULER_GAMMA * normalQuantile(1 - 1 / (trials * Math.E)));
}

/** DSR = PSR(SR0) (Bailey & López de Prado 2014); `variance` is V of the trials' PER-DAY Sharpe ratios. */
export function deflatedSharpe(m: ReturnMoments, trials: number, variance: number): number {
  const sr0 = expectedMaxSharpe(trials, variance);
  return Number.isFinite(sr0) ? probabilisticSharpe(m, sr0) : NaN;
}

/** V of per-day Sharpe ratios from the standard deviation S of ANNUAL ones: (S/√252)². */
export function dailySharpeVariance(annualSharpeStd: number, periodsPerYear = TRADING_DAYS): number {
  return (annualSharpeStd * annualSharpeStd) / periodsPerYear;
}

// ---- stationary bootstrap ----------------------------------------------------------------------

export type Interval = [number, number];

export interface BootstrapOptions {
  /** Resamples B (default 2,000). */
  resamples?: number;
  /** Mean block length 1/p in days (default 21). */
  meanBlockLength?: number;
  /** Seed of the project's PRNG (src/core/random.ts; default 0). */
  seed?: number;
  /** Two-sided coverage (default 0.95: the 2.5% and 97.5% percentiles). */
  confidence?: number;
  periodsPerYear?: number;
}

export interface BootstrapIntervals {
  /** Interval of the annualised mean P·mean(x) (the active return when x = R − B). */
  mean: Interval | null;
  /** Interval of the annualised Sharpe ratio mean(x)/std(x)·√P (the information ratio when x = R − B). */
  sharpe: Interval | null;
}

/** Type-7 quantile (linear interpolation) of an ascending array. */
function quantileSorted(x: Float64Array, q: number): number {
  const h = (x.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, x.length - 1);
  return x[lo]! + (h - lo) * (x[hi]! - x[lo]!);
}

function percentileInterval(stats: Float64Array, confidence: number): Interval | null {
  // Only finite resamples count (a resample with zero spread has no Sharpe ratio); an interval
  // needs most of them.
  let k = 0;
  const finite = new Float64Array(stats.length);
  for (let i = 0; i < stats.length; i++) if (Number.isFinite(stats[i]!)) finite[k++] = stats[i]!;
  if (k < stats.length / 2) return null;
  const s = finite.subarray(0, k).sort();
  const a = (1 - confidence) / 2;
  return [quantileSorted(s, a), quantileSorted(s, 1 - a)];
}

/**
 * Stationary bootstrap (Politis & Romano 1994) of several aligned daily series at once: every
 * resample draws blocks that start at a uniform day and last a geometric number of days with mean
 * `meanBlockLength` (wrapping around the end), until n days are drawn; the same days are used for
 * every series, so pairs such as (R_t, B_t) stay together. Returns, per series, the percentile
 * intervals of the annualised mean and Sharpe ratio.
 *
 * The days drawn depend only on n, the seed and the options, not on how many series are passed, so
 * a series' interval is the same whether it is bootstrapped alone or with others.
 */
export function stationaryBootstrap(series: readonly ArrayLike<number>[], opts: BootstrapOptions = {}): BootstrapIntervals[] {
  const k = series.length;
  const n = k ? series[0]!.length : 0;
  for (const s of series) if (s.length !== n) throw new RangeError(`stationaryBootstrap: series of ${s.length} and ${n} days; align them first`);
  const resamples = opts.resamples ?? BOOTSTRAP_RESAMPLES;
  const blockLength = opts.meanBlockLength ?? BOOTSTRAP_BLOCK_DAYS;
  const confidence = opts.confidence ?? 0.95;
  const P = opts.periodsPerYear ?? TRADING_DAYS;
  if (!Number.isInteger(resamples) || resamples < 10) throw new RangeError(`stationaryBootstrap: resamples must be a whole number ≥ 10, got ${resamples}`);
  if (!(blockLength >= 1)) throw new RangeError(`stationaryBootstrap: the mean block length must be ≥ 1 day, got ${blockLength}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`stationaryBootstrap: confidence must be between 0 and 1, got ${confidence}`);
  if (n < 3) return series.map(() => ({ mean: null, sharpe: null }));

  // Per series, prefix sums of x − c and (x − c)² with c the series' own mean: a block's sums are
  // then two differences, so a resample costs O(blocks), not O(days). Centring keeps the prefix sums
  // near zero, so the differences do not cancel. Stored day by day, the series side by side
  // (Q[2(t·k + j)] the sum of series j's first t values, Q[2(t·k + j) + 1] that of their squares),
  // so a block's ends are read for every series from two short runs of memory.
  const centre = new Float64Array(k);
  const k2 = 2 * k;
  const Q = new Float64Array((n + 1) * k2);
  for (let j = 0; j < k; j++) {
    const s = series[j]!;
    let sum = 0;
    for (let t = 0; t < n; t++) sum += s[t]!;
    const c = sum / n;
    centre[j] = c;
    for (let t = 0; t < n; t++) {
      const d = s[t]! - c, o = t * k2 + 2 * j;
      Q[o + k2] = Q[o]! + d;
      Q[o + k2 + 1] = Q[o + 1]! + d * d;
    }
  }
  const rng = new Rng(opts.seed ?? BOOTSTRAP_SEED);
  const logStay = Math.log(1 - 1 / blockLength); // −Infinity for blocks of exactly 1 day
  const acc = new Float64Array(k2); // per series: the resample's sum, then its sum of squares
  const meanStat = new Float64Array(k * resamples), sharpeStat = new Float64Array(k * resamples);
  const sqrtP = Math.sqrt(P);
  const last = n * k2;
  for (let b = 0; b < resamples; b++) {
    acc.fill(0);
    let filled = 0;
    while (filled < n) {
      const start = rng.int(n);
      // Geometric length ≥ 1 with mean blockLength: P(L > l) = (1 − 1/blockLength)^l.
      const u = 1 - rng.next(); // (0, 1]
      let len = logStay === -Infinity ? 1 : 1 + Math.floor(Math.log(u) / logStay);
      if (len > n - filled) len = n - filled;
      const end = start + len; // the block is days start … end − 1, wrapping past the last day
      const s0 = start * k2;
      if (end <= n) {
        const e0 = end * k2;
        for (let i = 0; i < k2; i++) acc[i] += Q[e0 + i]! - Q[s0 + i]!;
      } else {
        const e0 = (end - n) * k2;
        for (let i = 0; i < k2; i++) acc[i] += Q[last + i]! - Q[s0 + i]! + Q[e0 + i]!;
      }
      filled += len;
    }
    for (let j = 0; j < k; j++) {
      const m = acc[2 * j]! / n;
      const v = (acc[2 * j + 1]! - n * m * m) / (n - 1);
      const sd = v > 0 ? Math.sqrt(v) : 0;
      const mean = centre[j]! + m;
      meanStat[j * resamples + b] = P * mean;
      sharpeStat[j * resamples + b] = sd > 0 ? (mean / sd) * sqrtP : NaN;
    }
  }
  const out: BootstrapIntervals[] = [];
  for (let j = 0; j < k; j++) {
    out.push({
      mean: percentileInterval(meanStat.subarray(j * resamples, (j + 1) * resamples), confidence),
      sharpe: percentileInterval(sharpeStat.subarray(j * resamples, (j + 1) * resamples), confidence),
    });
  }
  return out;
}

// ---- the evidence of one return series (the keys of results and `cli metrics --json`) ----------

/** Evidence on a Sharpe ratio (added to a series' metrics). */
export interface SharpeEvidence {
  /** PSR(0): probability that the true Sharpe ratio is above 0. */
  probabilisticSharpe: number | null;
  /** Standard error of the annual Sharpe ratio. */
  sharpeStandardError: number | null;
  /** Years of daily returns needed for PSR(0) ≥ 95%; null unless the Sharpe ratio is positive. */
  minTrackRecordYears: number | null;
  /** 95% stationary-bootstrap interval of the annual Sharpe ratio. */
  sharpeCI: Interval | null;
}

/** Evidence on the active return against one benchmark (added to the vs-benchmark metrics). */
export interface ActiveEvidence {
  /** 95% stationary-bootstrap interval of the information ratio. */
  informationRatioCI: Interval | null;
  /** 95% stationary-bootstrap interval of the active return 252·mean(R − B). */
  activeReturnCI: Interval | null;
  /** PSR(0) of the active returns: probability that the true information ratio is above 0. */
  probabilisticInformationRatio: number | null;
  /** Years of daily active returns needed for that probability to reach 95%; null unless IR > 0. */
  informationRatioMinTrackRecordYears: number | null;
}

/** With trials: the deflated Sharpe ratio (added by `cli metrics --trials`). */
export interface DeflatedEvidence {
  deflatedSharpe: number | null;
}

export interface EvidenceOptions extends BootstrapOptions {
  /**
   * Risk-free rate subtracted in the Sharpe evidence: an annual rate (decimal), taken as rf/252 a
   * day, or the daily rates themselves aligned with the returns (a long-short universe's RF).
   */
  rf?: number | ArrayLike<number>;
  /** Benchmark returns aligned with the returns: one ActiveEvidence each. */
  benchmarks?: readonly ArrayLike<number>[];
}

const fin = (x: number): number | null => (Number.isFinite(x) ? x : null);
const finInterval = (x: Interval | null): Interval | null => (x && Number.isFinite(x[0]) && Number.isFinite(x[1]) ? [x[0], x[1]] : null);

/** Sharpe evidence from moments and a bootstrap interval (JSON-safe: null for what does not exist). */
function sharpeEvidenceOf(m: ReturnMoments, ci: Interval | null, periodsPerYear = TRADING_DAYS): SharpeEvidence {
  return {
    probabilisticSharpe: fin(probabilisticSharpe(m)),
    sharpeStandardError: fin(sharpeStandardError(m, periodsPerYear)),
    minTrackRecordYears: fin(minTrackRecordYears(m, 0.95, 0, periodsPerYear)),
    sharpeCI: finInterval(ci),
  };
}

/** The evidence of one return series: on its Sharpe ratio, and on its active returns against each benchmark. */
export interface ReturnEvidence {
  sharpe: SharpeEvidence;
  active: ActiveEvidence[];
}

export interface ManyEvidenceOptions extends EvidenceOptions {
  /**
   * Comparisons not wanted (a benchmark against itself: EW against EW): series i's active evidence
   * against benchmark b is then null and not bootstrapped.
   */
  skip?: (series: number, benchmark: number) => boolean;
}

/**
 * The evidence of one daily return series (finite, the evaluation window only): its Sharpe
 * evidence on R − rf/252 and, for each benchmark, the active evidence on R − B. One stationary
 * bootstrap serves them all (the same resampled days for R and every B).
 */
export function returnEvidence(returns: ArrayLike<number>, opts: EvidenceOptions = {}): ReturnEvidence {
  return returnEvidenceOfSeries([returns], opts)[0] as ReturnEvidence;
}

/**
 * returnEvidence of several aligned daily return series against the same benchmarks, from ONE
 * stationary bootstrap of every excess and active series: the resampled days depend only on the
 * number of days and the bootstrap options (stationaryBootstrap), so each series' evidence is,
 * bit for bit, what returnEvidence gives it alone; the days are only drawn once.
 */
export function returnEvidenceOfSeries(
  series: readonly ArrayLike<number>[], opts: ManyEvidenceOptions = {},
): { sharpe: SharpeEvidence; active: (ActiveEvidence | null)[] }[] {
  const n = series.length ? series[0]!.length : 0;
  const P = opts.periodsPerYear ?? TRADING_DAYS;
  const rf = opts.rf ?? 0;
  const rfDaily = typeof rf === 'number' ? rf / P : 0;
  const benchmarks = opts.benchmarks ?? [];
  for (const r of series) if (r.length !== n) throw new RangeError(`returnEvidence: series of ${r.length} and ${n} days; align them first`);
  if (typeof rf !== 'number' && rf.length !== n) throw new RangeError(`returnEvidence: rf has ${rf.length} days, the returns ${n}; align them first`);
  for (const b of benchmarks) if (b.length !== n) throw new RangeError(`returnEvidence: a benchmark has ${b.length} days, the returns ${n}; align them first`);
  // Everything bootstrapped, in one list: per return series its excess returns, then its active
  // returns against each benchmark not skipped (−1 for a skipped one).
  const boot: Float64Array[] = [];
  const add = (x: Float64Array): number => boot.push(x) - 1;
  const index = series.map((returns, i) => {
    const excess = new Float64Array(n);
    for (let t = 0; t < n; t++) excess[t] = returns[t]! - (typeof rf === 'number' ? rfDaily : rf[t]!);
    return {
      excess: add(excess),
      active: benchmarks.map((b, j) => {
        if (opts.skip?.(i, j)) return -1;
        const a = new Float64Array(n);
        for (let t = 0; t < n; t++) a[t] = returns[t]! - b[t]!;
        return add(a);
      }),
    };
  });
  const ci = stationaryBootstrap(boot, opts);
  return index.map(({ excess, active }) => ({
    sharpe: sharpeEvidenceOf(returnMoments(boot[excess]!), ci[excess]!.sharpe, P),
    active: active.map((j): ActiveEvidence | null => {
      if (j < 0) return null;
      const m = returnMoments(boot[j]!);
      return {
        informationRatioCI: finInterval(ci[j]!.sharpe),
        activeReturnCI: finInterval(ci[j]!.mean),
        probabilisticInformationRatio: fin(probabilisticSharpe(m)),
        informationRatioMinTrackRecordYears: fin(minTrackRecordYears(m, 0.95, 0, P)),
      };
    }),
  }));
}

// ---- probability of backtest overfitting (CSCV) ------------------------------------------------

export interface OverfittingResult {
  /** Share of the C(S, S/2) splits whose in-sample best candidate ranks at or below the out-of-sample median (λ ≤ 0). */
  pbo: number;
  blocks: number;
  candidates: number;
  /** C(S, S/2). */
  splits: number;
  /** Days used (a multiple of S) and days dropped at the start (T mod S). */
  days: number;
  droppedDays: number;
  /** Median logit λ over the splits (negative: the in-sample winner tends to be below the median out of sample). */
  medianLogit: number;
}

/** Per-day Sharpe of a block union from shifted sums (mean = shift + s1/n); 0 when flat, as in tuning/select.ts. */
function blockSharpe(shift: number, s1: number, s2: number, n: number): number {
  const m = s1 / n;
  const v = (s2 - n * m * m) / (n - 1);
  return v > 0 ? (shift + m) / Math.sqrt(v) : 0;
}

/**
 * The days on which every column has a finite value, and the T×N row-major matrix of those days
 * (row t: the N columns' values on the t-th kept day), as probabilityOfBacktestOverfitting takes it.
 */
export function commonDaysMatrix(columns: readonly ArrayLike<number>[], days: number): { keep: number[]; matrix: Float64Array } {
  const N = columns.length;
  const keep: number[] = [];
  for (let t = 0; t < days; t++) if (columns.every((c) => Number.isFinite(c[t]!))) keep.push(t);
  const matrix = new Float64Array(keep.length * N);
  keep.forEach((t, i) => { for (let j = 0; j < N; j++) matrix[i * N + j] = columns[j]![t]!; });
  return { keep, matrix };
}

/**
 * Probability of backtest overfitting by CSCV (Bailey, Borwein, López de Prado & Zhu 2015, §2-3):
 * `returns` is T×N row-major (row t: the N candidates' returns on day t, all finite). Drop the first
 * T mod S days; cut the rest into S contiguous blocks of equal length; for each of the C(S, S/2)
 * choices of S/2 blocks as in-sample (the others out of sample) take the candidate with the best
 * in-sample Sharpe ratio (ties: the lowest index), find its out-of-sample Sharpe ratio's rank r among
 * the N (1 = lowest; tied values share their mean rank), ω = r/(N + 1), λ = ln(ω/(1 − ω)).
 * PBO = share of splits with λ ≤ 0.
 */
export function probabilityOfBacktestOverfitting(returns: Float64Array, T: number, N: number, blocks = PBO_BLOCKS): OverfittingResult {
  if (returns.length !== T * N) throw new RangeError(`probabilityOfBacktestOverfitting: ${returns.length} values for ${T} days × ${N} candidates`);
  if (!Number.isInteger(blocks) || blocks < 2 || blocks % 2 !== 0 || blocks > 24) throw new RangeError(`the number of blocks S must be an even whole number from 2 to 24, got ${blocks}`);
  if (N < 2) throw new RangeError(`overfitting needs at least 2 candidates, got ${N}`);
  const L = Math.floor(T / blocks);
  if (L < 2) throw new RangeError(`overfitting: ${T} common days cut into ${blocks} blocks leave fewer than 2 days a block; use fewer blocks or more days`);
  const dropped = T - L * blocks;
  for (let i = dropped * N; i < T * N; i++) {
    if (!Number.isFinite(returns[i]!)) throw new RangeError(`overfitting: candidate ${i % N} has no return on day ${Math.floor(i / N)}; drop the days where any candidate is missing first`);
  }
  // Per candidate: a shift (its mean) and, per block, the sums of shifted returns and their squares.
  const shift = new Float64Array(N);
  for (let t = dropped; t < T; t++) for (let j = 0; j < N; j++) shift[j] += returns[t * N + j]!;
  for (let j = 0; j < N; j++) shift[j] = shift[j]! / (L * blocks);
  const s1 = new Float64Array(blocks * N), s2 = new Float64Array(blocks * N);
  const tot1 = new Float64Array(N), tot2 = new Float64Array(N);
  for (let b = 0; b < blocks; b++) {
    for (let t = dropped + b * L; t < dropped + (b + 1) * L; t++) {
      for (let j = 0; j < N; j++) {
        const d = returns[t * N + j]! - shift[j]!;
        s1[b * N + j] += d; s2[b * N + j] += d * d;
      }
    }
    for (let j = 0; j < N; j++) { tot1[j] += s1[b * N + j]!; tot2[j] += s2[b * N + j]!; }
  }
  const half = blocks / 2, nHalf = half * L;
  const combo = new Int32Array(half);
  for (let i = 0; i < half; i++) combo[i] = i;
  const is1 = new Float64Array(N), is2 = new Float64Array(N), oos = new Float64Array(N);
  const logits: number[] = [];
  let overfit = 0;
  for (;;) {
    is1.fill(0); is2.fill(0);
    for (let c = 0; c < half; c++) {
      const o = combo[c]! * N;
      for (let j = 0; j < N; j++) { is1[j] += s1[o + j]!; is2[j] += s2[o + j]!; }
    }
    let best = 0, bestIs = -Infinity;
    for (let j = 0; j < N; j++) {
      const sIs = blockSharpe(shift[j]!, is1[j]!, is2[j]!, nHalf);
      if (sIs > bestIs) { bestIs = sIs; best = j; }
      oos[j] = blockSharpe(shift[j]!, tot1[j]! - is1[j]!, tot2[j]! - is2[j]!, nHalf);
    }
    const v = oos[best]!;
    let below = 0, equal = 0;
    for (let j = 0; j < N; j++) { if (oos[j]! < v) below++; else if (oos[j] === v) equal++; }
    const rank = below + (equal + 1) / 2;
    const omega = rank / (N + 1);
    const logit = Math.log(omega / (1 - omega));
    logits.push(logit);
    if (logit <= 0) overfit++;
    // Next combination of `half` block indices out of `blocks`, in lexicographic order.
    let i = half - 1;
    while (i >= 0 && combo[i] === blocks - half + i) i--;
    if (i < 0) break;
    combo[i]++;
    for (let k = i + 1; k < half; k++) combo[k] = combo[k - 1]! + 1;
  }
  const sorted = Float64Array.from(logits).sort();
  return {
    pbo: overfit / logits.length, blocks, candidates: N, splits: logits.length,
    days: L * blocks, droppedDays: dropped, medianLogit: quantileSorted(sorted, 0.5),
  };
}

// ---- definitions for tables, tooltips and docs ---------------------------------------------------

export type EvidenceKey = keyof SharpeEvidence | keyof ActiveEvidence | keyof DeflatedEvidence;
export type EvidenceFormat = 'probability' | 'ratio' | 'years' | 'ratioInterval' | 'percentInterval';

export interface EvidenceDefinition {
  key: EvidenceKey;
  label: string;
  /** The formula in plain text (method.md §12). */
  formula: string;
  /** What the number tells a reader. */
  meaning: string;
  format: EvidenceFormat;
  requires?: 'benchmark' | 'trials';
}

/** Every evidence key, in display order: the CLI table, the UI's tooltips and docs/evidence.md use these. */
export const EVIDENCE_DEFINITIONS: readonly EvidenceDefinition[] = [
  { key: 'sharpeCI', label: 'Sharpe 95% interval', format: 'ratioInterval',
    formula: '2.5% and 97.5% percentiles of mean/std·√252 over 2,000 stationary-bootstrap resamples (mean block 21 days, seed 0)',
    meaning: 'the range of Sharpe ratios these returns are consistent with; it excludes 0 when the Sharpe ratio can be told from zero at 95%' },
  { key: 'probabilisticSharpe', label: 'P(Sharpe > 0)', format: 'probability',
    formula: 'PSR(0) = Φ(SR·√(n − 1) / √(1 − g3·SR + (g4 − 1)/4·SR²)), SR = mean/std per day',
    meaning: 'probability that the true Sharpe ratio is above 0, allowing for the track record length, skewness and fat tails' },
  { key: 'sharpeStandardError', label: 'Sharpe standard error', format: 'ratio',
    formula: '√252·√((1 − g3·SR + (g4 − 1)/4·SR²)/(n − 1))',
    meaning: 'the typical error of the annual Sharpe ratio; ±1.96 of it is a normal-theory 95% interval' },
  { key: 'minTrackRecordYears', label: 'Track record needed (years)', format: 'years',
    formula: '(1 + (1 − g3·SR + (g4 − 1)/4·SR²)·(Φ⁻¹(0.95)/SR)²)/252, only when SR > 0',
    meaning: 'years of daily returns like these needed for P(Sharpe > 0) to reach 95%' },
  { key: 'informationRatioCI', label: 'IR 95% interval', format: 'ratioInterval', requires: 'benchmark',
    formula: 'as the Sharpe interval, on the active returns A = R − B resampled with the same days',
    meaning: 'the range of information ratios consistent with the returns; it excludes 0 when the result can be told from the benchmark at 95%' },
  { key: 'activeReturnCI', label: 'Active return 95% interval', format: 'percentInterval', requires: 'benchmark',
    formula: '2.5% and 97.5% percentiles of 252·mean(A) over the same resamples',
    meaning: 'the range of annual active returns consistent with the returns' },
  { key: 'probabilisticInformationRatio', label: 'P(IR > 0)', format: 'probability', requires: 'benchmark',
    formula: 'PSR(0) of the active returns A = R − B',
    meaning: 'probability that the true information ratio is above 0' },
  { key: 'informationRatioMinTrackRecordYears', label: 'IR track record needed (years)', format: 'years', requires: 'benchmark',
    formula: 'the minimum track record of the active returns A = R − B',
    meaning: 'years of daily active returns like these needed for P(IR > 0) to reach 95%' },
  { key: 'deflatedSharpe', label: 'Deflated Sharpe', format: 'probability', requires: 'trials',
    formula: 'PSR(SR0), SR0 = √V·((1 − γ)Φ⁻¹(1 − 1/N) + γΦ⁻¹(1 − 1/(N·e))), V = (S/√252)² from the std S of the N trials\' annual Sharpe ratios',
    meaning: 'probability that the Sharpe ratio beats the best of N unskilled trials: the PSR corrected for having tried N candidates' },
];

/** "[0.12, 1.53]" or "[1.2%, 3.4%]" (CLI and docs). */
export function formatEvidence(value: number | Interval | null | undefined, format: EvidenceFormat, digits = 2): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) {
    const f = (x: number) => (format === 'percentInterval' ? `${(x * 100).toFixed(digits)}%` : x.toFixed(digits));
    return `[${f(value[0])}, ${f(value[1])}]`;
  }
  if (format === 'probability') return `${(value * 100).toFixed(1)}%`;
  if (format === 'years') return value >= 1000 ? '> 1,000' : value.toFixed(1);
  return value.toFixed(digits);
}

/** True when a 95% interval excludes 0 (the result can be told from zero), null without an interval. */
export function excludesZero(ci: Interval | null | undefined): boolean | null {
  if (!ci) return null;
  return ci[0] > 0 || ci[1] < 0;
}
