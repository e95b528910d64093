// Exponentially weighted covariance Σ_t (method.md §8): halflife h trading days, returns up to and
// including the decision day t, pandas `DataFrame.ewm(halflife=h, adjust=True).cov()` semantics,
// annualised × 252.
//
// pandas semantics, spelled out (pandas/_libs/window/aggregations.pyx `ewmcov`):
//   decay q = 2^(−1/h); the observation i days old has weight q^i (adjust=True: weights are
//   normalised by their sum over the available history, no steady-state approximation);
//   biased cov  C_b = Σ w_i (x_i − x̄)(y_i − ȳ) / Σ w_i  with x̄, ȳ the weighted means;
//   `bias=False` (pandas' default for .cov()) multiplies by (Σw)² / ((Σw)² − Σw²), the weighted
//   analogue of n/(n−1), so one observation gives NaN (denominator 0), as in pandas.
// `EwmaCovariance` is pandas' own recursion (West's weighted update, O(N²) per day); the batch
// `ewmaCovariance` is the direct weighted-sum formula. They agree to ~1e-15 relative (tested).

/** Decay factor q = 2^(−1/h) of an EWMA with halflife h (method.md §2). */
export function ewmaDecay(halflife: number): number {
  if (!(halflife > 0) || !Number.isFinite(halflife)) throw new RangeError(`EWMA halflife must be a positive number of days, got ${halflife}`);
  return Math.exp(Math.log(0.5) / halflife);
}

/**
 * Running EWMA covariance of N assets, updated one day at a time (the backtest calls `update` with
 * each day's returns and reads `covariance` on decision days). Rows must be finite: the panel is
 * aligned, and a NaN here would silently poison every later Σ, so it is an error naming the day.
 */
export class EwmaCovariance {
  readonly n: number;
  readonly halflife: number;
  readonly bias: boolean;
  private readonly q: number;
  private readonly mean: Float64Array;
  private readonly oldMean: Float64Array;
  /** Biased covariance, full n×n (both triangles kept equal). */
  private readonly cov: Float64Array;
  private sumW = 0;
  private sumW2 = 0;
  private oldW = 0;
  private nObs = 0;

  constructor(n: number, halflife: number, options: { bias?: boolean } = {}) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`EwmaCovariance: number of assets must be a positive integer, got ${n}`);
    this.n = n;
    this.halflife = halflife;
    this.q = ewmaDecay(halflife);
    this.bias = options.bias ?? false;
    this.mean = new Float64Array(n);
    this.oldMean = new Float64Array(n);
    this.cov = new Float64Array(n * n);
  }

  /** Number of days seen. */
  get count(): number { return this.nObs; }

  reset(): void {
    this.mean.fill(0); this.cov.fill(0);
    this.sumW = this.sumW2 = this.oldW = 0; this.nObs = 0;
  }

  /** Add one day: `row[offset … offset+n−1]` are the n assets' returns of that day. */
  update(row: ArrayLike<number>, offset = 0, day?: number | string): void {
    const n = this.n, mean = this.mean, cov = this.cov;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(row[offset + i]!)) {
        throw new RangeError(`EwmaCovariance: return of asset ${i}${day === undefined ? '' : ` on day ${day}`} is ${row[offset + i]}; the covariance needs finite returns of every asset`);
      }
    }
    if (this.nObs === 0) {
      for (let i = 0; i < n; i++) mean[i] = row[offset + i]!;
      cov.fill(0);
      this.sumW = 1; this.sumW2 = 1; this.oldW = 1; this.nObs = 1;
      return;
    }
    const q = this.q;
    this.sumW *= q; this.sumW2 *= q * q; this.oldW *= q;
    const oldW = this.oldW, tot = oldW + 1;
    const om = this.oldMean;
    for (let i = 0; i < n; i++) {
      const x = row[offset + i]!;
      om[i] = mean[i]!;
      // pandas skips the update when the value equals the mean ("avoid numerical errors on constant series").
      if (mean[i] !== x) mean[i] = (oldW * om[i]! + x) / tot;
    }
    for (let i = 0; i < n; i++) {
      const dOi = om[i]! - mean[i]!, dNi = row[offset + i]! - mean[i]!;
      const ri = i * n;
      for (let j = i; j < n; j++) {
        const c = (oldW * (cov[ri + j]! + dOi * (om[j]! - mean[j]!)) + dNi * (row[offset + j]! - mean[j]!)) / tot;
        cov[ri + j] = c;
        cov[j * n + i] = c;
      }
    }
    this.sumW += 1; this.sumW2 += 1; this.oldW += 1; this.nObs++;
  }

  /**
   * Write Σ × `scale` (default 252: annualised) into `out` (n×n row-major) and return it. NaN
   * everywhere while it is undefined (fewer than 2 days with bias=false, none with bias=true).
   */
  covariance(out: Float64Array = new Float64Array(this.n * this.n), scale = 252): Float64Array {
    const nn = this.n * this.n;
    let f: number;
    if (this.nObs === 0) f = NaN;
    else if (this.bias) f = scale;
    else {
      const num = this.sumW * this.sumW, den = num - this.sumW2;
      f = den > 0 ? (num / den) * scale : NaN;
    }
    for (let k = 0; k < nn; k++) out[k] = this.cov[k]! * f;
    return out;
  }

  /** The EWMA means (daily, not annualised). */
  means(out: Float64Array = new Float64Array(this.n)): Float64Array {
    out.set(this.mean);
    return out;
  }
}

export interface EwmaCovarianceOptions {
  halflife: number;
  /** First row used (inclusive). Default 0. */
  start?: number;
  /** Last row used (inclusive): the decision day. Default the last row. */
  end?: number;
  /** Multiplier (default 252: annualised). */
  scale?: number;
  /** pandas `bias`; default false, as pandas' `.cov()`. */
  bias?: boolean;
}

/**
 * Batch EWMA covariance of rows start…end of a T×N row-major return matrix, by the direct
 * weighted-sum formula (two passes). O(T·N²); use `EwmaCovariance` for a daily series of them.
 */
export function ewmaCovariance(returns: Float64Array, nRows: number, nAssets: number, options: EwmaCovarianceOptions): Float64Array {
  const n = nAssets;
  if (returns.length < nRows * n) throw new RangeError(`ewmaCovariance: returns has ${returns.length} values, expected ${nRows}×${n}`);
  const start = options.start ?? 0, end = options.end ?? nRows - 1;
  if (start < 0 || end >= nRows || end < start) throw new RangeError(`ewmaCovariance: rows ${start}…${end} are outside 0…${nRows - 1}`);
  const q = ewmaDecay(options.halflife);
  const scale = options.scale ?? 252;
  const out = new Float64Array(n * n);
  const mean = new Float64Array(n);
  let sw = 0, sw2 = 0;
  // Weights from the newest row backwards: w = q^(end − t).
  let w = 1;
  for (let t = end; t >= start; t--) {
    const o = t * n;
    for (let i = 0; i < n; i++) {
      const x = returns[o + i]!;
      if (!Number.isFinite(x)) throw new RangeError(`ewmaCovariance: return of asset ${i} in row ${t} is ${x}; finite returns are required`);
      mean[i] = mean[i]! + w * x;
    }
    sw += w; sw2 += w * w; w *= q;
  }
  for (let i = 0; i < n; i++) mean[i] = mean[i]! / sw;
  w = 1;
  for (let t = end; t >= start; t--) {
    const o = t * n;
    for (let i = 0; i < n; i++) {
      const di = w * (returns[o + i]! - mean[i]!);
      const ri = i * n;
      for (let j = i; j < n; j++) out[ri + j] = out[ri + j]! + di * (returns[o + j]! - mean[j]!);
    }
    w *= q;
  }
  let f: number;
  if (options.bias) f = scale / sw;
  else {
    const num = sw * sw, den = num - sw2;
    f = den > 0 ? (num / den) * scale / sw : NaN;
  }
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const c = out[i * n + j]! * f;
      out[i * n + j] = c;
      out[j * n + i] = c;
    }
  }
  return out;
}
