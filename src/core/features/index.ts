// The per-factor feature matrix of method.md §2 and its preprocessing (clip, then standardise,
// fitted on training rows only). Row t of every feature uses data up to day t only.
//
// Conventions (method.md §2, choices written down where the method is silent):
// - Inputs are aligned to one trading calendar of T days. `active` and `market` are daily simple
//   returns (active = factor − market); index 0 usually has no return (NaN). Leading non-finite
//   values mark days before the series start; a non-finite value after the start is treated as a
//   zero return (the panel forward-fills prices, so a gap is a day without a move).
// - `vix`, `dgs2`, `dgs10` are LEVELS (VIX index points, yields in percent); a non-finite or (VIX)
//   non-positive level after the start carries the last known level forward.
// - EWMA with halflife h: decay q = 2^(-1/h), weights q^i on x_{t-i}, normalised by their sum over
//   the available history (pandas `ewm(halflife=h, adjust=True).mean()`), started at the series'
//   first observation.
// - Valid rows: every feature needs 63 observations (the longest window: rsi_63 and stoch_63 need 63
//   active returns; each environment feature needs 63 differences). Rows before `firstValid` are
//   NaN and must never be fitted nor labelled.

export const FACTOR_FEATURE_NAMES = [
  'ewma_8', 'ewma_21', 'ewma_63', 'rsi_8', 'rsi_21', 'rsi_63', 'stoch_8', 'stoch_21', 'stoch_63',
  'macd_8_21', 'macd_21_63', 'logdd_21', 'beta_21', 'mkt_21',
] as const;
export const ENVIRONMENT_FEATURE_NAMES = ['vix_21', 'y2_21', 'slope_21'] as const;

/** Observations every feature needs before its row is valid (the 63-day windows). */
export const WARMUP = 63;
/** Floor of the EW downside deviation before the log in `logdd_21` (avoids log 0). */
export const DOWNSIDE_DEV_FLOOR = 1e-8;

export interface FactorFeatureInput {
  /** Daily active returns of the factor (factor simple return − market simple return). */
  active: Float64Array;
  /** Daily simple returns of the market. */
  market: Float64Array;
  /** VIX level (optional environment series). */
  vix?: Float64Array;
  /** 2-year Treasury yield level, percent. */
  dgs2?: Float64Array;
  /** 10-year Treasury yield level, percent. */
  dgs10?: Float64Array;
}

export interface FactorFeatures {
  /** Column names in order: the 14 factor features, then vix_21, y2_21, slope_21 when available. */
  names: string[];
  /** T×D row-major; rows before `firstValid` are NaN. */
  X: Float64Array;
  T: number;
  D: number;
  /** First row with every feature valid (T when no row is valid). */
  firstValid: number;
}

/** Decay q = 2^(-1/h) of an EWMA with halflife h. */
export function halflifeDecay(h: number): number {
  return Math.pow(2, -1 / h);
}

/**
 * EWMA with halflife h from index `start` on (pandas adjust=True): out[t] = Σ_i q^i x_{t-i} / Σ_i q^i
 * over start <= t-i <= t; NaN before `start`. Written as a running weighted mean (pandas' update),
 * which stays well scaled over long series.
 */
export function ewmaInto(x: Float64Array, h: number, start: number, out: Float64Array): void {
  const q = halflifeDecay(h);
  out.fill(NaN, 0, Math.min(start, out.length));
  let mean = 0, wsum = 0;
  for (let t = start; t < x.length; t++) {
    wsum = 1 + q * wsum;
    mean += (x[t]! - mean) / wsum;
    out[t] = mean;
  }
}

/**
 * Exponentially weighted covariance of x and y and variance of y (halflife h, adjust=True; pandas'
 * weighted Welford update), from `start`. Returns cov/var in `out` (the beta of x on y); 0 where the
 * variance is 0. The bias correction of pandas' `ewm().cov()` cancels in the ratio.
 */
export function ewBetaInto(x: Float64Array, y: Float64Array, h: number, start: number, out: Float64Array): void {
  const q = halflifeDecay(h);
  out.fill(NaN, 0, Math.min(start, out.length));
  let mx = 0, my = 0, cxy = 0, vyy = 0, oldW = 0;
  for (let t = start; t < x.length; t++) {
    const xv = x[t]!, yv = y[t]!;
    if (t === start) {
      mx = xv; my = yv; cxy = 0; vyy = 0; oldW = 1;
    } else {
      oldW *= q;
      const newW = 1;
      const sw = oldW + newW;
      const mxOld = mx, myOld = my;
      mx = (oldW * mxOld + newW * xv) / sw;
      my = (oldW * myOld + newW * yv) / sw;
      cxy = (oldW * (cxy + (mxOld - mx) * (myOld - my)) + newW * (xv - mx) * (yv - my)) / sw;
      vyy = (oldW * (vyy + (myOld - my) * (myOld - my)) + newW * (yv - my) * (yv - my)) / sw;
      oldW = sw;
    }
    out[t] = vyy > 0 ? cxy / vyy : 0;
  }
}

/** First index at which `a` (and `b`, if given) are finite. */
function firstFinite(a: Float64Array, b?: Float64Array): number {
  for (let t = 0; t < a.length; t++) if (Number.isFinite(a[t]!) && (!b || Number.isFinite(b[t]!))) return t;
  return a.length;
}

/** Returns from `start` on with non-finite values replaced by 0 (a day without a move). */
function cleanReturns(r: Float64Array, start: number): Float64Array {
  const out = new Float64Array(r.length).fill(NaN);
  for (let t = start; t < r.length; t++) out[t] = Number.isFinite(r[t]!) ? r[t]! : 0;
  return out;
}

/**
 * Differences of a level series (of log levels when `log`), forward-filling bad levels after the
 * first good one. Returns the differences (NaN before their start) and the index of the first one.
 */
function levelDiffs(level: Float64Array, log: boolean): { diff: Float64Array; start: number } {
  const T = level.length;
  const diff = new Float64Array(T).fill(NaN);
  const ok = (v: number): boolean => Number.isFinite(v) && (!log || v > 0);
  let last = NaN, start = T;
  for (let t = 0; t < T; t++) {
    const v = level[t]!;
    const cur = ok(v) ? (log ? Math.log(v) : v) : last;
    if (Number.isFinite(last) && Number.isFinite(cur)) {
      diff[t] = cur - last;
      if (start === T) start = t;
    }
    if (Number.isFinite(cur)) last = cur;
  }
  return { diff, start };
}

/** Spread of two level series (a − b), NaN where either is missing. */
function spread(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let t = 0; t < a.length; t++) out[t] = a[t]! - b[t]!;
  return out;
}

/**
 * The 17 features of method.md §2 for one factor (14 without environment series). Rows are aligned
 * with the input days; row t uses data up to day t only.
 */
export function computeFactorFeatures(input: FactorFeatureInput): FactorFeatures {
  const { active, market } = input;
  const T = active.length;
  if (market.length !== T) throw new Error(`computeFactorFeatures: market has ${market.length} days but active has ${T}; align both to the same calendar`);
  for (const [k, s] of [['vix', input.vix], ['dgs2', input.dgs2], ['dgs10', input.dgs10]] as const) {
    if (s && s.length !== T) throw new Error(`computeFactorFeatures: ${k} has ${s.length} days but active has ${T}; align it to the same calendar`);
  }
  const s0 = firstFinite(active, market);
  const a = cleanReturns(active, s0);
  const m = cleanReturns(market, s0);

  const cols: Float64Array[] = [];
  const names: string[] = [];
  const add = (name: string, col: Float64Array): void => { names.push(name); cols.push(col); };
  const ewma = (x: Float64Array, h: number, start: number): Float64Array => { const o = new Float64Array(T); ewmaInto(x, h, start, o); return o; };

  // 1-3 EWMA of active returns
  for (const h of [8, 21, 63]) add(`ewma_${h}`, ewma(a, h, s0));
  // 4-6 RSI over the last n active returns
  for (const n of [8, 21, 63]) {
    const o = new Float64Array(T).fill(NaN);
    for (let t = s0 + n - 1; t < T; t++) {
      let g = 0, l = 0;
      for (let i = t - n + 1; i <= t; i++) { const v = a[i]!; if (v > 0) g += v; else l -= v; }
      // means over the same n days: the 1/n cancels in G / (G + L)
      o[t] = g + l > 0 ? (100 * g) / (g + l) : 50;
    }
    add(`rsi_${n}`, o);
  }
  // cumulative active index I_t = Σ_{s<=t} a_s (method.md §11: oscillators on the index, not on returns)
  const I = new Float64Array(T).fill(NaN);
  { let acc = 0; for (let t = s0; t < T; t++) { acc += a[t]!; I[t] = acc; } }
  // 7-9 stochastic %K over the last n values of I
  for (const n of [8, 21, 63]) {
    const o = new Float64Array(T).fill(NaN);
    for (let t = s0 + n - 1; t < T; t++) {
      let lo = Infinity, hi = -Infinity;
      for (let i = t - n + 1; i <= t; i++) { const v = I[i]!; if (v < lo) lo = v; if (v > hi) hi = v; }
      o[t] = hi > lo ? (100 * (I[t]! - lo)) / (hi - lo) : 50;
    }
    add(`stoch_${n}`, o);
  }
  // 10-11 MACD of the index
  const eI8 = ewma(I, 8, s0), eI21 = ewma(I, 21, s0), eI63 = ewma(I, 63, s0);
  add('macd_8_21', eI8.map((v, t) => v - eI21[t]!));
  add('macd_21_63', eI21.map((v, t) => v - eI63[t]!));
  // 12 log EW downside deviation
  {
    const neg2 = new Float64Array(T).fill(NaN);
    for (let t = s0; t < T; t++) { const v = Math.min(a[t]!, 0); neg2[t] = v * v; }
    const e = ewma(neg2, 21, s0);
    add('logdd_21', e.map((v) => (Number.isNaN(v) ? NaN : Math.log(Math.max(Math.sqrt(v), DOWNSIDE_DEV_FLOOR)))));
  }
  // 13 EW beta of the active return on the market
  { const o = new Float64Array(T); ewBetaInto(a, m, 21, s0, o); add('beta_21', o); }
  // 14 EWMA of market returns
  add('mkt_21', ewma(m, 21, s0));

  // 15-17 environment
  let firstValid = s0 + WARMUP - 1;
  if (input.vix) {
    const { diff, start } = levelDiffs(input.vix, true);
    add('vix_21', ewma(diff, 21, start));
    firstValid = Math.max(firstValid, start + WARMUP - 1);
  }
  if (input.dgs2) {
    const { diff, start } = levelDiffs(input.dgs2, false);
    add('y2_21', ewma(diff, 21, start));
    firstValid = Math.max(firstValid, start + WARMUP - 1);
  }
  if (input.dgs2 && input.dgs10) {
    // forward-fill each leg first so a gap in one does not end the spread
    const ff = (x: Float64Array): Float64Array => { const o = new Float64Array(T); let last = NaN; for (let t = 0; t < T; t++) { if (Number.isFinite(x[t]!)) last = x[t]!; o[t] = last; } return o; };
    const { diff, start } = levelDiffs(spread(ff(input.dgs10), ff(input.dgs2)), false);
    add('slope_21', ewma(diff, 21, start));
    firstValid = Math.max(firstValid, start + WARMUP - 1);
  }
  firstValid = Math.min(firstValid, T);

  const D = cols.length;
  const X = new Float64Array(T * D).fill(NaN);
  for (let t = firstValid; t < T; t++) for (let d = 0; d < D; d++) X[t * D + d] = cols[d]![t]!;
  return { names, X, T, D, firstValid };
}

// ---------------------------------------------------------------------------------------------
// Preprocessing (method.md §2): fitted on the training rows only, applied unchanged later.

export interface Preprocessor {
  /** Clip bounds: mean ∓ 3·std of the raw training column (population std). */
  lo: Float64Array;
  hi: Float64Array;
  /** Mean and population std of the clipped training column (std 0 is stored as 1). */
  mean: Float64Array;
  std: Float64Array;
}

export const CLIP_STDS = 3;

/**
 * Fit the clip-then-standardise preprocessing on rows [rowStart, rowEnd) of X (T×D row-major), as the
 * reference's DataClipperStd(mul=3) followed by StandardScaler.
 */
export function fitPreprocessor(X: Float64Array, D: number, rowStart: number, rowEnd: number): Preprocessor {
  const n = rowEnd - rowStart;
  if (!(n >= 1) || rowStart < 0 || rowEnd * D > X.length) throw new Error(`fitPreprocessor: training rows [${rowStart}, ${rowEnd}) are empty or outside the ${Math.floor(X.length / D)} rows of X`);
  for (let t = rowStart; t < rowEnd; t++) for (let d = 0; d < D; d++) {
    if (!Number.isFinite(X[t * D + d]!)) throw new Error(`fitPreprocessor: row ${t}, column ${d} is ${X[t * D + d]}; fit only on valid rows (from firstValid on)`);
  }
  const meanStd = (get: (t: number, d: number) => number): { mean: Float64Array; std: Float64Array } => {
    const mean = new Float64Array(D), std = new Float64Array(D);
    for (let t = rowStart; t < rowEnd; t++) for (let d = 0; d < D; d++) mean[d]! += get(t, d);
    for (let d = 0; d < D; d++) mean[d] = mean[d]! / n;
    for (let t = rowStart; t < rowEnd; t++) for (let d = 0; d < D; d++) { const v = get(t, d) - mean[d]!; std[d]! += v * v; }
    for (let d = 0; d < D; d++) std[d] = Math.sqrt(std[d]! / n);
    return { mean, std };
  };
  const raw = meanStd((t, d) => X[t * D + d]!);
  const lo = new Float64Array(D), hi = new Float64Array(D);
  for (let d = 0; d < D; d++) { lo[d] = raw.mean[d]! - CLIP_STDS * raw.std[d]!; hi[d] = raw.mean[d]! + CLIP_STDS * raw.std[d]!; }
  const clip = (v: number, d: number): number => Math.min(Math.max(v, lo[d]!), hi[d]!);
  const clipped = meanStd((t, d) => clip(X[t * D + d]!, d));
  // a constant column has std 0: like scikit-learn, divide by 1 instead
  for (let d = 0; d < D; d++) if (clipped.std[d] === 0) clipped.std[d] = 1;
  return { lo, hi, mean: clipped.mean, std: clipped.std };
}

/** Apply a fitted preprocessor to rows [rowStart, rowEnd) of X; returns (rowEnd − rowStart)×D. */
export function applyPreprocessor(pp: Preprocessor, X: Float64Array, D: number, rowStart: number, rowEnd: number): Float64Array {
  if (pp.mean.length !== D) throw new Error(`applyPreprocessor: preprocessor has ${pp.mean.length} columns, X has ${D}`);
  if (rowStart < 0 || rowEnd < rowStart || rowEnd * D > X.length) throw new Error(`applyPreprocessor: rows [${rowStart}, ${rowEnd}) are outside X`);
  const out = new Float64Array((rowEnd - rowStart) * D);
  for (let t = rowStart, o = 0; t < rowEnd; t++) {
    for (let d = 0; d < D; d++, o++) {
      const v = Math.min(Math.max(X[t * D + d]!, pp.lo[d]!), pp.hi[d]!);
      out[o] = (v - pp.mean[d]!) / pp.std[d]!;
    }
  }
  return out;
}
