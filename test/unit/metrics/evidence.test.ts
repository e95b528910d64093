import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  normalCdf, normalQuantile, returnMoments, probabilisticSharpe, sharpeStandardError, minTrackRecordYears,
  expectedMaxSharpe, deflatedSharpe, dailySharpeVariance, stationaryBootstrap, returnEvidence, returnEvidenceOfSeries,
  probabilityOfBacktestOverfitting, EULER_GAMMA, type ReturnMoments,
} from '../../../src/core/metrics/evidence.ts';
import { costSummary, activeAttribution, grossReturns } from '../../../src/core/metrics/attribution.ts';
import { activeMetrics } from '../../../src/core/metrics/performance.ts';
import { simulatePortfolio, equalWeightTargets } from '../../../src/core/backtest/execution.ts';
import { Rng } from '../../../src/core/random.ts';
import { weekdayCalendar } from '../tuning/synthetic.ts';

// ---- independent (slow, direct) implementations used as references -----------------------------

/** Φ by composite Simpson integration of the density over [0, |x|] (no series, no continued fraction). */
function slowCdf(x: number): number {
  const a = Math.abs(x), m = 4000, h = a / m;
  const f = (t: number) => Math.exp(-t * t / 2) / Math.sqrt(2 * Math.PI);
  let s = f(0) + f(a);
  for (let i = 1; i < m; i++) s += (i % 2 ? 4 : 2) * f(i * h);
  const half = (s * h) / 3;
  return x >= 0 ? 0.5 + half : 0.5 - half;
}

/** Moments with plain arrays and Math.pow, straight from the definitions in method.md §12. */
function slowMoments(r: number[]): ReturnMoments {
  const n = r.length;
  const mean = r.reduce((a, b) => a + b, 0) / n;
  const central = (k: number) => r.reduce((a, b) => a + Math.pow(b - mean, k), 0) / n;
  const std = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return { n, mean, std, sharpe: mean / std, skewness: central(3) / Math.pow(central(2), 1.5), kurtosis: central(4) / central(2) ** 2 };
}

function slowPsr(r: number[], srStar: number): number {
  const m = slowMoments(r);
  return slowCdf((m.sharpe - srStar) * Math.sqrt(m.n - 1) / Math.sqrt(1 - m.skewness * m.sharpe + (m.kurtosis - 1) / 4 * m.sharpe ** 2));
}

function normals(seed: number, n: number, mean: number, sd: number): Float64Array {
  const rng = new Rng(seed);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = mean + sd * rng.normal();
  return x;
}

/** Skewed, fat-tailed daily returns: mostly small gains, rare large losses. */
function skewed(seed: number, n: number): Float64Array {
  const rng = new Rng(seed);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.next() < 0.03 ? -0.04 + 0.01 * rng.normal() : 0.0015 + 0.006 * rng.normal();
  return x;
}

// ---- the normal distribution --------------------------------------------------------------------

describe('Φ and Φ⁻¹', () => {
  // Reference values: scipy 1.17 scipy.stats.norm.cdf / norm.ppf (Cephes ndtr / ndtri).
  const CDF: [number, number][] = [
    [-20, 2.7536241186061556e-89], [-8, 6.22096057427174e-16], [-5, 2.866515718791933e-07], [-3, 0.0013498980316300933],
    [-2.5, 0.006209665325776132], [-1, 0.15865525393145707], [-0.5, 0.3085375387259869], [0, 0.5], [0.3, 0.6179114221889526],
    [1.96, 0.9750021048517795], [3, 0.9986501019683699], [5, 0.9999997133484281],
  ];
  const PPF: [number, number][] = [
    [1e-12, -7.034483825301131], [1e-6, -4.753424308822899], [0.001, -3.090232306167813], [0.025, -1.9599639845400545],
    [0.05, -1.6448536269514729], [0.3, -0.5244005127080409], [0.5, 0], [0.7, 0.5244005127080407], [0.95, 1.6448536269514722],
    [0.975, 1.959963984540054], [0.99, 2.3263478740408408], [1 - 1e-9, 5.997807019601637],
  ];
  it('Φ agrees with scipy to 1e-13 relative, in the centre and deep in the tails', () => {
    for (const [x, want] of CDF) expect(Math.abs(normalCdf(x) - want) / want).toBeLessThan(1e-13);
  });
  it('Φ keeps 1e-13 relative between −3 and −2, where ½ + φ·series cancels (mpmath references, 40 digits)', () => {
    // With the series used down to −3, Φ(−2.93) was 1.1e-13 off relative, and Φ(Φ⁻¹(p)) = p below failed by chance.
    const MP: [number, number][] = [[-2.99, 0.0013948872354922505], [-2.93, 0.0016948100192772625], [-2.8, 0.0025551303304279328], [-2.5, 0.0062096653257761352], [-2.2, 0.013903447513498611]];
    for (const [x, want] of MP) expect(Math.abs(normalCdf(x) - want) / want).toBeLessThan(1e-13);
  });
  it('Φ⁻¹ agrees with scipy to 1e-13 relative', () => {
    for (const [p, want] of PPF) {
      const got = normalQuantile(p);
      if (want === 0) expect(got).toBe(0); else expect(Math.abs(got - want) / Math.abs(want)).toBeLessThan(1e-13);
    }
  });
  it('Φ agrees with a direct Simpson integration of the density (1e-12)', () => {
    for (let x = -6; x <= 6; x += 0.37) expect(Math.abs(normalCdf(x) - slowCdf(x))).toBeLessThan(1e-12);
  });
  it('Φ(Φ⁻¹(p)) = p and Φ⁻¹(Φ(x)) = x (fast-check)', () => {
    fc.assert(fc.property(fc.double({ min: 1e-15, max: 1 - 1e-15, noNaN: true }), (p) => {
      expect(Math.abs(normalCdf(normalQuantile(p)) - p)).toBeLessThanOrEqual(1e-13 * Math.min(p, 1 - p) + 2.3e-16);
    }));
    fc.assert(fc.property(fc.double({ min: -8, max: 8, noNaN: true }), (x) => {
      // Above 0, Φ(x) = 1 − Q is stored to ~1e-16 absolute, which moves x by ~1e-16/φ(x): the rest is ours.
      expect(Math.abs(normalQuantile(normalCdf(x)) - x)).toBeLessThan(1e-12 + (x > 0 ? 4e-16 / (Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI)) : 0));
    }));
  });
  it('edges: Φ⁻¹(0) = −∞, Φ⁻¹(1) = +∞, outside [0, 1] NaN', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(1.5)).toBeNaN();
    expect(normalCdf(NaN)).toBeNaN();
  });
});

// ---- PSR, standard error, MinTRL, DSR ------------------------------------------------------------

describe('deflated Sharpe ratio: the worked example of Bailey & López de Prado (2014)', () => {
  // "The deflated Sharpe ratio" (J. Portfolio Management 2014), the numerical example: a strategist
  // reports an annualised SR of 2.5 over T = 1250 daily returns after N = 100 trials whose annualised
  // Sharpe ratios have variance V = 1/2, with skewness −3 and kurtosis 10; the paper annualises with
  // 250 days. It finds SR0 ≈ 0.1132 (per day) and DSR ≈ 0.9004: not significant at 95%.
  const m: ReturnMoments = { n: 1250, mean: NaN, std: NaN, sharpe: 2.5 / Math.sqrt(250), skewness: -3, kurtosis: 10 };
  const V = 0.5 / 250;
  it('SR0 ≈ 0.1132 and DSR ≈ 0.9004', () => {
    expect(expectedMaxSharpe(100, V)).toBeCloseTo(0.1132, 4);
    expect(deflatedSharpe(m, 100, V)).toBeCloseTo(0.9004, 4);
  });
  it('DSR is PSR at SR0, computed directly with the slow Φ', () => {
    const g = EULER_GAMMA;
    const sr0 = Math.sqrt(V) * ((1 - g) * normalQuantile(0.99) + g * normalQuantile(1 - 1 / (100 * Math.E)));
    const z = (m.sharpe - sr0) * Math.sqrt(1249) / Math.sqrt(1 + 3 * m.sharpe + (9 / 4) * m.sharpe ** 2);
    expect(deflatedSharpe(m, 100, V)).toBeCloseTo(slowCdf(z), 12);
  });
  it('one trial has no selection: DSR = PSR(0)', () => {
    expect(deflatedSharpe(m, 1, V)).toBe(probabilisticSharpe(m, 0));
  });
  it('V from the standard deviation of ANNUAL Sharpe ratios: (S/√252)²', () => {
    expect(dailySharpeVariance(Math.sqrt(0.5), 250)).toBeCloseTo(V, 17);
  });
});

describe('PSR, standard error and minimum track record (Bailey & López de Prado 2012)', () => {
  it('PSR of a simulated skewed series equals a slow direct computation (moments by definition, Φ by integration)', () => {
    const r = skewed(7, 1500);
    const m = returnMoments(r);
    const slow = slowMoments(Array.from(r));
    expect(m.sharpe).toBeCloseTo(slow.sharpe, 13);
    expect(m.skewness).toBeCloseTo(slow.skewness, 11);
    expect(m.kurtosis).toBeCloseTo(slow.kurtosis, 10);
    expect(m.skewness).toBeLessThan(-1); // the series is really skewed: the adjustment matters
    for (const srStar of [0, 0.02, -0.01]) expect(probabilisticSharpe(m, srStar)).toBeCloseTo(slowPsr(Array.from(r), srStar), 11);
  });
  it('normal returns: the standard error is Lo (2002)/Mertens √((1 + SR²/2)/(n − 1)), annualised', () => {
    const m: ReturnMoments = { n: 1001, mean: NaN, std: NaN, sharpe: 0.05, skewness: 0, kurtosis: 3 };
    expect(sharpeStandardError(m)).toBeCloseTo(Math.sqrt(252) * Math.sqrt((1 + 0.05 ** 2 / 2) / 1000), 14);
  });
  it('MinTRL is the track record at which PSR(0) reaches 95% (the inversion that defines it)', () => {
    const m = returnMoments(skewed(3, 800));
    expect(m.sharpe).toBeGreaterThan(0);
    const years = minTrackRecordYears(m);
    const nStar = years * 252;
    expect(probabilisticSharpe({ ...m, n: nStar }, 0)).toBeCloseTo(0.95, 12);
    // Written out as method.md §12 states it.
    const q = 1 - m.skewness * m.sharpe + (m.kurtosis - 1) / 4 * m.sharpe ** 2;
    expect(years).toBeCloseTo((1 + q * (normalQuantile(0.95) / m.sharpe) ** 2) / 252, 12);
  });
  it('MinTRL does not exist for a non-positive Sharpe ratio', () => {
    expect(minTrackRecordYears({ n: 500, mean: 0, std: 1, sharpe: -0.01, skewness: 0, kurtosis: 3 })).toBeNaN();
    expect(minTrackRecordYears({ n: 500, mean: 0, std: 1, sharpe: 0, skewness: 0, kurtosis: 3 })).toBeNaN();
  });
  it('negative skewness and fat tails lower PSR and lengthen the track record needed', () => {
    const base: ReturnMoments = { n: 1000, mean: NaN, std: NaN, sharpe: 0.04, skewness: 0, kurtosis: 3 };
    const ugly = { ...base, skewness: -2, kurtosis: 12 };
    expect(probabilisticSharpe(ugly)).toBeLessThan(probabilisticSharpe(base));
    expect(minTrackRecordYears(ugly)).toBeGreaterThan(minTrackRecordYears(base));
  });
});

describe('PSR and DSR are monotone in their inputs (fast-check)', () => {
  // In these ranges (per-day SR and SR* within ±0.15 once a step is added, |g3| ≤ 2, 1 + g3² ≤ g4 ≤ 20)
  // the derivative of (SR − SR*)/√(1 − g3·SR + (g4 − 1)/4·SR²) in SR is positive: its numerator is
  // 1 − g3(SR + SR*)/2 + (g4 − 1)·SR·SR*/4 > 1 − 0.3 − 0.11 > 0. The step is added whole, never clipped
  // at a bound: a clipped step can shrink to one ulp, below the rounding of the PSR itself.
  const moments = fc.record({
    sharpe: fc.double({ min: -0.1, max: 0.1, noNaN: true }),
    skewness: fc.double({ min: -2, max: 2, noNaN: true }),
    excess: fc.double({ min: 0, max: 15, noNaN: true }),
    n: fc.integer({ min: 30, max: 10_000 }),
  }).map(({ sharpe, skewness, excess, n }): ReturnMoments => ({ n, mean: NaN, std: NaN, sharpe, skewness, kurtosis: 1 + skewness ** 2 + excess }));
  const step = fc.double({ min: 1e-4, max: 0.05, noNaN: true });
  it('PSR rises with SR and falls with SR*', () => {
    fc.assert(fc.property(moments, step, fc.double({ min: -0.1, max: 0.1, noNaN: true }), (m, d, srStar) => {
      const up = { ...m, sharpe: m.sharpe + d };
      expect(probabilisticSharpe(up, srStar)).toBeGreaterThanOrEqual(probabilisticSharpe(m, srStar));
      expect(probabilisticSharpe(m, srStar + d)).toBeLessThanOrEqual(probabilisticSharpe(m, srStar));
    }));
  });
  it('PSR rises with the track record when SR > SR* (and falls when SR < SR*)', () => {
    fc.assert(fc.property(moments, fc.integer({ min: 1, max: 5000 }), (m, extra) => {
      const longer = { ...m, n: m.n + extra };
      if (m.sharpe > 0) expect(probabilisticSharpe(longer)).toBeGreaterThanOrEqual(probabilisticSharpe(m));
      if (m.sharpe < 0) expect(probabilisticSharpe(longer)).toBeLessThanOrEqual(probabilisticSharpe(m));
    }));
  });
  it('DSR falls with the number of trials and with their Sharpe variance, and rises with SR', () => {
    const trials = fc.integer({ min: 1, max: 2000 });
    // V = 0 exactly (SR0 = 0 for every N), or at least 1e-8: below that √V moves SR0 by less than the
    // rounding of the PSR, and "falls" can only be checked to the last bit.
    const variance = fc.oneof(fc.constant(0), fc.double({ min: 1e-8, max: 0.01, noNaN: true }));
    fc.assert(fc.property(moments, trials, fc.integer({ min: 1, max: 500 }), variance, step, (m, N, more, V, d) => {
      expect(deflatedSharpe(m, N + more, V)).toBeLessThanOrEqual(deflatedSharpe(m, N, V));
      expect(deflatedSharpe(m, N, V + d * d)).toBeLessThanOrEqual(deflatedSharpe(m, N, V));
      expect(deflatedSharpe({ ...m, sharpe: m.sharpe + d }, N, Math.min(V, 0.0001))).toBeGreaterThanOrEqual(deflatedSharpe(m, N, Math.min(V, 0.0001)));
    }));
  });
  it('the expected maximum Sharpe ratio SR0 grows with N', () => {
    let prev = -Infinity;
    for (const N of [1, 2, 5, 10, 50, 100, 1000, 1e6]) {
      const v = expectedMaxSharpe(N, 1);
      expect(v).toBeGreaterThan(prev);
      prev = v;
    }
  });
});

// ---- stationary bootstrap ------------------------------------------------------------------------

describe('stationary bootstrap intervals (Politis & Romano 1994)', () => {
  const daily = 1 / Math.sqrt(252); // annual Sharpe 1 at 1% daily volatility
  it('are reproducible for a seed and change with it', () => {
    const r = normals(11, 1000, 0.01 * daily, 0.01);
    const a = stationaryBootstrap([r], { seed: 5 })[0]!;
    const b = stationaryBootstrap([r], { seed: 5 })[0]!;
    const c = stationaryBootstrap([r], { seed: 6 })[0]!;
    expect(a).toEqual(b);
    expect(a.sharpe).not.toEqual(c.sharpe);
  });
  it('a series gets the same interval alone or bootstrapped together with others (the same days are drawn)', () => {
    const r = normals(1, 700, 0.0005, 0.01), b = normals(2, 700, 0.0003, 0.012);
    const alone = stationaryBootstrap([r])[0]!;
    const together = stationaryBootstrap([b, r, b])[1]!;
    expect(together).toEqual(alone);
  });
  it('contain the sample statistic, and the Sharpe interval is close to the normal-theory ±1.96·SE for iid normal returns', () => {
    const r = normals(21, 2520, 0.01 * daily, 0.01);
    const m = returnMoments(r);
    const ci = stationaryBootstrap([r], { meanBlockLength: 1 })[0]!;
    const sr = m.sharpe * Math.sqrt(252);
    expect(ci.sharpe![0]).toBeLessThan(sr);
    expect(ci.sharpe![1]).toBeGreaterThan(sr);
    expect(ci.mean![0]).toBeLessThan(252 * m.mean);
    expect(ci.mean![1]).toBeGreaterThan(252 * m.mean);
    const width = ci.sharpe![1] - ci.sharpe![0];
    expect(width / (2 * 1.959964 * sharpeStandardError(m))).toBeGreaterThan(0.85);
    expect(width / (2 * 1.959964 * sharpeStandardError(m))).toBeLessThan(1.15);
  });
  it('shrink like 1/√n on simulated data (4× the days → half the width)', () => {
    const widths = (n: number) => {
      let w = 0;
      for (let s = 0; s < 4; s++) {
        const ci = stationaryBootstrap([normals(100 + s, n, 0.01 * daily, 0.01)], { seed: s })[0]!;
        w += ci.sharpe![1] - ci.sharpe![0];
      }
      return w / 4;
    };
    const ratio = widths(630) / widths(2520);
    expect(ratio).toBeGreaterThan(1.7);
    expect(ratio).toBeLessThan(2.3);
  });
  it('blocks keep serial dependence: an autocorrelated series gets a wider interval of its mean than an iid resample gives', () => {
    const rng = new Rng(4);
    const x = new Float64Array(2000);
    for (let t = 1; t < x.length; t++) x[t] = 0.9 * x[t - 1]! + 0.01 * rng.normal();
    const wide = stationaryBootstrap([x], { meanBlockLength: 21 })[0]!.mean!;
    const iid = stationaryBootstrap([x], { meanBlockLength: 1 })[0]!.mean!;
    expect((wide[1] - wide[0]) / (iid[1] - iid[0])).toBeGreaterThan(2);
  });
  it('give null where there is nothing to resample', () => {
    expect(stationaryBootstrap([Float64Array.from([0.01, 0.02])])[0]).toEqual({ mean: null, sharpe: null });
    expect(stationaryBootstrap([new Float64Array(100).fill(0.001)])[0]!.sharpe).toBeNull();
  });
});

describe('returnEvidence (the keys of results and `cli metrics --json`)', () => {
  it('gives every key, JSON-safe, with the information ratio interval against each benchmark', () => {
    const r = normals(8, 1500, 0.0006, 0.01), b = normals(9, 1500, 0.0004, 0.01);
    const ev = returnEvidence(r, { rf: 0.02, benchmarks: [b] });
    expect(JSON.parse(JSON.stringify(ev))).toEqual(ev);
    expect(Object.keys(ev.sharpe).sort()).toEqual(['minTrackRecordYears', 'probabilisticSharpe', 'sharpeCI', 'sharpeStandardError']);
    expect(Object.keys(ev.active[0]!).sort()).toEqual(['activeReturnCI', 'informationRatioCI', 'informationRatioMinTrackRecordYears', 'probabilisticInformationRatio']);
    // The Sharpe evidence is on excess returns R − rf/252.
    const ex = Float64Array.from(r, (v) => v - 0.02 / 252);
    expect(ev.sharpe.probabilisticSharpe).toBe(probabilisticSharpe(returnMoments(ex)));
    // The active evidence is that of A = R − B: its IR interval is A's Sharpe interval.
    const a = Float64Array.from(r, (v, i) => v - b[i]!);
    expect(ev.active[0]!.informationRatioCI).toEqual(stationaryBootstrap([a])[0]!.sharpe);
    const ir = activeMetrics(r, b).informationRatio!;
    expect(ev.active[0]!.informationRatioCI![0]).toBeLessThan(ir);
    expect(ev.active[0]!.informationRatioCI![1]).toBeGreaterThan(ir);
  });
  it('several series from one bootstrap: each series\' evidence is, bit for bit, returnEvidence of it alone; skipped pairs are null', () => {
    const xs = [normals(21, 900, 0.0005, 0.01), normals(22, 900, 0.0003, 0.012), normals(23, 900, 0.0004, 0.009)];
    const b = [normals(24, 900, 0.0004, 0.01), normals(25, 900, 0.0002, 0.011)];
    const many = returnEvidenceOfSeries(xs, { rf: 0.02, benchmarks: b, skip: (i, j) => i === j });
    xs.forEach((x, i) => {
      const alone = returnEvidence(x, { rf: 0.02, benchmarks: b });
      expect(many[i]!.sharpe).toEqual(alone.sharpe);
      b.forEach((_, j) => expect(many[i]!.active[j]).toEqual(i === j ? null : alone.active[j]));
    });
  });
  it('a flat series has no Sharpe evidence (nulls, not NaN)', () => {
    const ev = returnEvidence(new Float64Array(300).fill(0.0002));
    expect(ev.sharpe).toEqual({ probabilisticSharpe: null, sharpeStandardError: null, minTrackRecordYears: null, sharpeCI: null });
  });
});

// ---- probability of backtest overfitting ---------------------------------------------------------

/** CSCV written out directly (Bailey, Borwein, López de Prado & Zhu 2015): build each split's rows, rank by Sharpe. */
function slowPbo(cols: number[][], S: number): { pbo: number; logits: number[] } {
  const N = cols.length, T = cols[0]!.length, L = Math.floor(T / S), drop = T - L * S;
  const sharpe = (x: number[]) => {
    const m = x.reduce((a, b) => a + b, 0) / x.length;
    const sd = Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1));
    return sd > 0 ? m / sd : 0;
  };
  const logits: number[] = [];
  const choose = (start: number, chosen: number[]) => {
    if (chosen.length === S / 2) {
      const rows = (inSample: boolean) => Array.from({ length: T }, (_, t) => t).filter((t) => t >= drop && chosen.includes(Math.floor((t - drop) / L)) === inSample);
      const isRows = rows(true), oosRows = rows(false);
      const is = cols.map((c) => sharpe(isRows.map((t) => c[t]!)));
      const oos = cols.map((c) => sharpe(oosRows.map((t) => c[t]!)));
      const best = is.indexOf(Math.max(...is));
      const rank = oos.filter((v) => v < oos[best]!).length + (oos.filter((v) => v === oos[best]!).length + 1) / 2;
      const w = rank / (N + 1);
      logits.push(Math.log(w / (1 - w)));
      return;
    }
    for (let b = start; b < S; b++) choose(b + 1, [...chosen, b]);
  };
  choose(0, []);
  return { pbo: logits.filter((l) => l <= 0).length / logits.length, logits };
}

function matrix(cols: ArrayLike<number>[]): Float64Array {
  const N = cols.length, T = cols[0]!.length;
  const m = new Float64Array(T * N);
  for (let t = 0; t < T; t++) for (let j = 0; j < N; j++) m[t * N + j] = cols[j]![t]!;
  return m;
}

describe('probability of backtest overfitting by CSCV (Bailey, Borwein, López de Prado & Zhu 2015)', () => {
  it('a hand-worked case: S = 2, two candidates that swap places between the halves → PBO = 1', () => {
    // Day 0 is dropped (5 days mod 2 blocks = 1): its huge value must not matter.
    // a: block 0 = (1%, 3%) → SR 1.41, block 1 = (−1%, 1%) → SR 0
    // b: block 0 = (0%, 2%) → SR 0.71, block 1 = (1%, 3%) → SR 1.41
    // Split {0}: a wins in sample, ranks 1 of 2 out of sample → ω = 1/3, λ = ln ½ < 0.
    // Split {1}: b wins in sample, ranks 1 of 2 out of sample → λ < 0. PBO = 2/2 = 1.
    const a = [5, 0.01, 0.03, -0.01, 0.01], b = [-5, 0, 0.02, 0.01, 0.03];
    const r = probabilityOfBacktestOverfitting(matrix([a, b].map((c) => Float64Array.from(c))), 5, 2, 2);
    expect(r).toMatchObject({ pbo: 1, blocks: 2, candidates: 2, splits: 2, days: 4, droppedDays: 1 });
    expect(r.medianLogit).toBeCloseTo(Math.log(0.5), 15);
    // Make a good in both halves: it wins in sample and ranks 2 of 2 out of sample each time → PBO = 0.
    const a2 = [5, 0.01, 0.03, 0.02, 0.04];
    expect(probabilityOfBacktestOverfitting(matrix([a2, b].map((c) => Float64Array.from(c))), 5, 2, 2).pbo).toBe(0);
  });
  it('S = 16 gives C(16, 8) = 12,870 splits', () => {
    const cols = Array.from({ length: 3 }, (_, j) => normals(j, 16 * 20 + 5, 0, 0.01));
    const r = probabilityOfBacktestOverfitting(matrix(cols), 16 * 20 + 5, 3);
    expect(r.splits).toBe(12_870);
    expect(r.droppedDays).toBe(5);
    expect(r.days).toBe(320);
  });
  it('equals the slow direct CSCV on random candidates (S = 8 and S = 16)', () => {
    for (const [S, N, T, seed] of [[8, 7, 203, 1], [16, 5, 167, 2], [4, 12, 90, 3]] as const) {
      const cols = Array.from({ length: N }, (_, j) => normals(seed * 100 + j, T, 0.0003 * (j % 3), 0.01));
      const fast = probabilityOfBacktestOverfitting(matrix(cols), T, N, S);
      const slow = slowPbo(cols.map((c) => Array.from(c)), S);
      expect(fast.pbo).toBe(slow.pbo);
      const sorted = [...slow.logits].sort((x, y) => x - y);
      const h = (sorted.length - 1) / 2;
      expect(fast.medianLogit).toBeCloseTo(sorted[Math.floor(h)]! + (h - Math.floor(h)) * (sorted[Math.ceil(h)]! - sorted[Math.floor(h)]!), 12);
    }
  });
  it('is near 0 for a planted true winner among noise', () => {
    const T = 2000, daily = 3 / Math.sqrt(252);
    const cols = Array.from({ length: 20 }, (_, j) => normals(500 + j, T, 0, 0.01));
    cols[13] = normals(999, T, 0.01 * daily, 0.01); // annual Sharpe 3
    expect(probabilityOfBacktestOverfitting(matrix(cols), T, 20).pbo).toBeLessThan(0.02);
  });
  it('is near 0.5 for pure-noise candidates (averaged over simulated studies)', () => {
    let sum = 0;
    const studies = 12;
    for (let s = 0; s < studies; s++) {
      const cols = Array.from({ length: 30 }, (_, j) => normals(10_000 + 100 * s + j, 1500, 0, 0.01));
      sum += probabilityOfBacktestOverfitting(matrix(cols), 1500, 30).pbo;
    }
    expect(sum / studies).toBeGreaterThan(0.35);
    expect(sum / studies).toBeLessThan(0.65);
  });
  it('says what is wrong with unusable input', () => {
    expect(() => probabilityOfBacktestOverfitting(new Float64Array(10), 10, 1)).toThrow(/at least 2 candidates/);
    expect(() => probabilityOfBacktestOverfitting(new Float64Array(40), 20, 2, 16)).toThrow(/fewer than 2 days a block/);
    expect(() => probabilityOfBacktestOverfitting(new Float64Array(400), 200, 2, 7)).toThrow(/even whole number/);
    const m = new Float64Array(400); m[300] = NaN;
    expect(() => probabilityOfBacktestOverfitting(m, 200, 2, 4)).toThrow(/no return on day 150/);
  });
});

// ---- costs and attribution -----------------------------------------------------------------------

/** A random strategy that trades every day and an EW benchmark rebalanced monthly, over three calendar years. */
function portfolios(costBps: number) {
  const T = 700, N = 4;
  const dates = weekdayCalendar('2021-03-01', T);
  const rng = new Rng(42);
  const R = new Float64Array(T * N).fill(NaN);
  for (let t = 1; t < T; t++) for (let i = 0; i < N; i++) R[t * N + i] = 0.0003 + 0.01 * rng.normal();
  const targets = new Float64Array(T * N).fill(NaN);
  for (let t = 5; t < T; t++) {
    let s = 0;
    const w = Array.from({ length: N }, () => { const v = rng.next(); s += v; return v; });
    w.forEach((v, i) => { targets[t * N + i] = v / s; });
  }
  const monthEnd = (t: number) => t + 1 < T && dates[t + 1]!.slice(0, 7) !== dates[t]!.slice(0, 7);
  const strat = simulatePortfolio(R, targets, T, N, costBps);
  const ew = simulatePortfolio(R, equalWeightTargets(T, N, 5, monthEnd), T, N, costBps);
  const from = 6;
  return { T, N, R, dates: dates.slice(from), from, strat, ew };
}

describe('costs and attribution of the active return against EW', () => {
  it('attribution per asset plus costs sums to the arithmetic active return (1e-12), over the window and per year', () => {
    const { N, R, dates, from, strat, ew } = portfolios(5);
    const attr = activeAttribution(strat, ew, R, N, from, dates, ['SPY', 'A', 'B', 'C']);
    const r = strat.returns.subarray(from), b = ew.returns.subarray(from);
    const active = activeMetrics(r, b).activeReturn!;
    expect(Math.abs(attr.window.assets.reduce((x, y) => x + y, 0) + attr.window.costs - active)).toBeLessThan(1e-12);
    expect(Math.abs(attr.window.total - active)).toBeLessThan(1e-12);
    expect(attr.years.map((y) => y.year)).toEqual([2021, 2022, 2023]);
    for (const y of attr.years) {
      let sum = 0;
      dates.forEach((d, i) => { if (Number(d.slice(0, 4)) === y.year) sum += r[i]! - b[i]!; });
      expect(Math.abs(y.total - sum)).toBeLessThan(1e-12);
      expect(Math.abs(y.assets.reduce((x, z) => x + z, 0) + y.costs - sum)).toBeLessThan(1e-12);
    }
    expect(attr.years.reduce((s, y) => s + y.days, 0)).toBe(dates.length);
    expect(attr.window.costs).toBeLessThan(0); // the daily trader pays more than the monthly EW
  });
  it('per asset, the contribution is Σ (w_{t−1} − w^EW_{t−1})·r_t with the weights held that day (direct loop)', () => {
    const { T, N, R, dates, from, strat, ew } = portfolios(5);
    const attr = activeAttribution(strat, ew, R, N, from, dates, ['SPY', 'A', 'B', 'C']);
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let t = from; t < T; t++) s += (strat.weights[(t - 1) * N + i]! - ew.weights[(t - 1) * N + i]!) * R[t * N + i]!;
      expect(attr.window.assets[i]).toBeCloseTo((252 * s) / (T - from), 14);
    }
  });
  it('costs: gross − net = costs per year; each day the cost is c_t(1 + g_t); zero costs leave gross = net', () => {
    const { N, R, dates, from, strat } = portfolios(5);
    const c = costSummary(strat, R, N, from, dates);
    expect(c.grossReturn! - c.netReturn!).toBeCloseTo(c.costPerYear!, 14);
    expect(c.costPerYear!).toBeGreaterThan(0);
    expect(c.grossCagr!).toBeGreaterThan(c.netCagr!);
    expect(c.annualTurnover).toBeCloseTo((252 * strat.turnover.subarray(from).reduce((a, b) => a + b, 0)) / dates.length, 12);
    const g = grossReturns(strat, R, N, from);
    for (let i = 1; i < g.length; i++) expect(g[i]! - strat.returns[from + i]!).toBeCloseTo(strat.cost[from + i]! * (1 + g[i]!), 15);
    expect(c.years.reduce((s, y) => s + y.cost, 0)).toBeCloseTo(c.totalCost!, 14);
    const free = portfolios(0);
    const z = costSummary(free.strat, free.R, free.N, free.from, free.dates);
    expect(Math.abs(z.costPerYear!)).toBeLessThan(1e-15);
    expect(z.grossTotalReturn).toBeCloseTo(z.netTotalReturn!, 13);
    expect(JSON.parse(JSON.stringify(c))).toEqual(c);
  });
});

describe('a backtest result carries the evidence (core/backtest portfolio helper)', () => {
  it('metrics, vs-benchmark evidence, costs and attribution are there, JSON-safe, and the attribution adds up to the active return', async () => {
    const { generateDemoPanel } = await import('../../../src/core/data/demo.ts');
    const { applyOverrides, defaultConfig } = await import('../../../src/core/config.ts');
    const { runBacktest } = await import('../../../src/core/backtest/index.ts');
    const cfg = applyOverrides(defaultConfig(), ['startDate=2010-01-01', 'endDate=2015-12-31', 'trainMinYears=3', 'model.nInit=2', 'factors=QUAL,MTUM', 'strategies.asymmetric=false']);
    if (!cfg.ok) throw new Error('config');
    const r = runBacktest(generateDemoPanel(), cfg.config);
    const s = r.strategies[0]!;
    const e = r.evalStartIndex;
    const ret = Float64Array.from(s.returns.slice(e) as number[]);
    const ew = Float64Array.from(r.equalWeight.returns.slice(e) as number[]), mkt = Float64Array.from(r.market.returns.slice(e) as number[]);
    const ev = returnEvidence(ret, { rf: cfg.config.riskFreeRate, benchmarks: [ew, mkt] });
    expect(s.metrics).toMatchObject(ev.sharpe);
    expect(s.vsEqualWeight).toMatchObject(ev.active[0]!);
    expect(s.vsMarket).toMatchObject(ev.active[1]!);
    expect(Math.abs(s.attribution!.window.total - s.vsEqualWeight!.activeReturn!)).toBeLessThan(1e-12);
    expect(s.attribution!.tickers).toEqual(r.tickers);
    expect(r.equalWeight.costs!.costPerYear!).toBeGreaterThan(0);
    expect(r.equalWeight.attribution).toBeNull();
    expect(r.market.costs).toBeNull();
    const json = JSON.parse(JSON.stringify({ strategies: r.strategies.map(({ metrics, vsEqualWeight, vsMarket, costs, attribution }) => ({ metrics, vsEqualWeight, vsMarket, costs, attribution })) }));
    expect(json.strategies[0].metrics.sharpeCI).toEqual(s.metrics.sharpeCI);
    expect(json.strategies[0].attribution).toEqual(s.attribution);
  });
});
