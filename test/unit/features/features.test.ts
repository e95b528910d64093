// The 17 features of method.md §2 against straightforward (slow, obviously correct) definitions on
// random data, the valid-row rule, and causality (row t uses data up to t only).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { computeFactorFeatures, FACTOR_FEATURE_NAMES, ENVIRONMENT_FEATURE_NAMES, WARMUP, DOWNSIDE_DEV_FLOOR } from '../../../src/core/features/index.ts';
import { Rng } from '../../../src/core/random.ts';

function makeInput(seed: number, T: number, vixLead = 10) {
  const rng = new Rng(seed);
  const active = Float64Array.from({ length: T }, () => 0.006 * rng.normal() + 0.0002);
  const market = Float64Array.from({ length: T }, () => 0.011 * rng.normal() + 0.0004);
  active[0] = NaN; market[0] = NaN; // the first day has no return
  const vix = new Float64Array(T), dgs2 = new Float64Array(T), dgs10 = new Float64Array(T);
  let v = 18, y2 = 2, y10 = 3;
  for (let t = 0; t < T; t++) {
    v *= Math.exp(0.06 * rng.normal()); y2 += 0.04 * rng.normal(); y10 += 0.03 * rng.normal();
    vix[t] = t < vixLead ? NaN : v; dgs2[t] = y2; dgs10[t] = y10;
  }
  return { active, market, vix, dgs2, dgs10 };
}

// ---- slow reference definitions (method.md §2), O(T²), no recursion ----
const decay = (h: number) => Math.pow(2, -1 / h);
function slowEwma(x: ArrayLike<number>, h: number, start: number, t: number): number {
  const q = decay(h);
  let num = 0, den = 0;
  for (let i = start; i <= t; i++) { const w = Math.pow(q, t - i); num += w * x[i]!; den += w; }
  return num / den;
}
function slowRsi(a: ArrayLike<number>, n: number, t: number): number {
  const win = Array.from({ length: n }, (_, i) => a[t - n + 1 + i]!);
  const G = win.reduce((s, v) => s + Math.max(v, 0), 0) / n;
  const L = win.reduce((s, v) => s + Math.max(-v, 0), 0) / n;
  return G + L === 0 ? 50 : (100 * G) / (G + L);
}
function slowIndex(a: ArrayLike<number>, start: number, t: number): number {
  let s = 0;
  for (let i = start; i <= t; i++) s += a[i]!;
  return s;
}
function slowStoch(a: ArrayLike<number>, start: number, n: number, t: number): number {
  const win = Array.from({ length: n }, (_, i) => slowIndex(a, start, t - n + 1 + i));
  const lo = Math.min(...win), hi = Math.max(...win);
  return hi === lo ? 50 : (100 * (win[n - 1]! - lo)) / (hi - lo);
}
function slowBeta(a: ArrayLike<number>, m: ArrayLike<number>, h: number, start: number, t: number): number {
  const q = decay(h);
  let sw = 0, sa = 0, sm = 0;
  for (let i = start; i <= t; i++) { const w = Math.pow(q, t - i); sw += w; sa += w * a[i]!; sm += w * m[i]!; }
  const ma = sa / sw, mm = sm / sw;
  let cov = 0, v = 0;
  for (let i = start; i <= t; i++) { const w = Math.pow(q, t - i); cov += w * (a[i]! - ma) * (m[i]! - mm); v += w * (m[i]! - mm) ** 2; }
  return cov / v;
}

describe('computeFactorFeatures', () => {
  const T = 220;
  const inp = makeInput(42, T);
  const f = computeFactorFeatures(inp);
  const col = (name: string) => { const d = f.names.indexOf(name); return (t: number) => f.X[t * f.D + d]!; };
  const s0 = 1; // first day with a return
  const I = Array.from({ length: T }, (_, t) => (t < s0 ? NaN : slowIndex(inp.active, s0, t)));
  const close = (got: number, want: number, what: string) => expect(Math.abs(got - want), what).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(want)));

  it('has the 17 named features in order', () => {
    expect(f.names).toEqual([...FACTOR_FEATURE_NAMES, ...ENVIRONMENT_FEATURE_NAMES]);
    expect(f.D).toBe(17);
    expect(f.T).toBe(T);
  });

  it('valid rows: 63 returns for every window; the later-starting VIX moves the start', () => {
    // VIX starts on day 10, its first difference on day 11: 11 + 62 = 73 > 1 + 62
    expect(f.firstValid).toBe(11 + WARMUP - 1);
    for (let t = 0; t < T; t++) for (let d = 0; d < f.D; d++) {
      const v = f.X[t * f.D + d]!;
      if (t < f.firstValid) expect(Number.isNaN(v)).toBe(true); else expect(Number.isFinite(v)).toBe(true);
    }
    const noEnv = computeFactorFeatures({ active: inp.active, market: inp.market });
    expect(noEnv.names).toEqual([...FACTOR_FEATURE_NAMES]);
    expect(noEnv.firstValid).toBe(s0 + WARMUP - 1);
    expect(computeFactorFeatures({ active: inp.active, market: inp.market, vix: inp.vix }).names).toEqual([...FACTOR_FEATURE_NAMES, 'vix_21']);
    const short = computeFactorFeatures({ active: inp.active.subarray(0, 50), market: inp.market.subarray(0, 50) });
    expect(short.firstValid).toBe(50);
  });

  it('each feature equals its slow definition on every valid row', () => {
    const a = inp.active, m = inp.market;
    const neg2 = Array.from(a, (v) => Math.min(v, 0) ** 2);
    const vixDiff = Array.from(inp.vix, (v, t) => (t > 0 ? Math.log(v) - Math.log(inp.vix[t - 1]!) : NaN));
    const y2Diff = Array.from(inp.dgs2, (v, t) => (t > 0 ? v - inp.dgs2[t - 1]! : NaN));
    const slope = Array.from(inp.dgs10, (v, t) => v - inp.dgs2[t]!);
    const slopeDiff = slope.map((v, t) => (t > 0 ? v - slope[t - 1]! : NaN));
    for (let t = f.firstValid; t < T; t++) {
      for (const h of [8, 21, 63]) close(col(`ewma_${h}`)(t), slowEwma(a, h, s0, t), `ewma_${h} t=${t}`);
      for (const n of [8, 21, 63]) close(col(`rsi_${n}`)(t), slowRsi(a, n, t), `rsi_${n} t=${t}`);
      for (const n of [8, 21, 63]) close(col(`stoch_${n}`)(t), slowStoch(a, s0, n, t), `stoch_${n} t=${t}`);
      close(col('macd_8_21')(t), slowEwma(I, 8, s0, t) - slowEwma(I, 21, s0, t), `macd_8_21 t=${t}`);
      close(col('macd_21_63')(t), slowEwma(I, 21, s0, t) - slowEwma(I, 63, s0, t), `macd_21_63 t=${t}`);
      close(col('logdd_21')(t), Math.log(Math.max(Math.sqrt(slowEwma(neg2, 21, s0, t)), DOWNSIDE_DEV_FLOOR)), `logdd_21 t=${t}`);
      close(col('beta_21')(t), slowBeta(a, m, 21, s0, t), `beta_21 t=${t}`);
      close(col('mkt_21')(t), slowEwma(m, 21, s0, t), `mkt_21 t=${t}`);
      close(col('vix_21')(t), slowEwma(vixDiff, 21, 11, t), `vix_21 t=${t}`);
      close(col('y2_21')(t), slowEwma(y2Diff, 21, 1, t), `y2_21 t=${t}`);
      close(col('slope_21')(t), slowEwma(slopeDiff, 21, 1, t), `slope_21 t=${t}`);
    }
  });

  it('edge values: RSI 50 and %K 50 on flat windows, log downside deviation floored', () => {
    const n = 150;
    const active = new Float64Array(n).fill(0.001); active[0] = NaN;
    for (let t = 80; t < n; t++) active[t] = 0; // a flat index from day 80
    const market = Float64Array.from({ length: n }, (_, t) => (t === 0 ? NaN : 0.001 * ((t % 5) - 2)));
    const g = computeFactorFeatures({ active, market });
    const c = (name: string, t: number) => g.X[t * g.D + g.names.indexOf(name)]!;
    expect(c('rsi_8', 100)).toBe(50);
    expect(c('stoch_8', 100)).toBe(50);
    expect(c('rsi_8', 70)).toBe(100);
    expect(c('logdd_21', 100)).toBe(Math.log(DOWNSIDE_DEV_FLOOR)); // never a negative active return
  });

  it('row t uses data up to t only: changing later inputs leaves rows <= t unchanged (fast-check)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 60, max: 149 }), (seed, cut) => {
      const a = makeInput(seed, 150, 3);
      const before = computeFactorFeatures(a);
      const rng = new Rng(seed + 1);
      for (const k of ['active', 'market', 'vix', 'dgs2', 'dgs10'] as const) for (let t = cut + 1; t < 150; t++) a[k][t] = k === 'vix' ? 10 + 30 * rng.next() : rng.normal();
      const after = computeFactorFeatures(a);
      const n = (cut + 1) * before.D;
      for (let i = 0; i < n; i++) expect(Object.is(after.X[i], before.X[i]) || after.X[i] === before.X[i]).toBe(true);
    }), { numRuns: 25 });
  });

  it('a missing return after the start counts as a day without a move; missing levels carry forward', () => {
    const a = makeInput(7, 160);
    const withGap = { ...a, active: Float64Array.from(a.active), dgs2: Float64Array.from(a.dgs2) };
    withGap.active[100] = NaN; withGap.dgs2[120] = NaN;
    const zeroed = { ...a, active: Float64Array.from(a.active), dgs2: Float64Array.from(a.dgs2) };
    zeroed.active[100] = 0; zeroed.dgs2[120] = zeroed.dgs2[119]!;
    expect(Array.from(computeFactorFeatures(withGap).X)).toEqual(Array.from(computeFactorFeatures(zeroed).X));
  });

  it('rejects series of different lengths', () => {
    expect(() => computeFactorFeatures({ active: new Float64Array(10), market: new Float64Array(9) })).toThrow(/same calendar/);
  });
});
