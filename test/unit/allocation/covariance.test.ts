import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { EwmaCovariance, ewmaCovariance, ewmaDecay } from '../../../src/core/allocation/covariance.ts';

/**
 * Independent reference: pandas `ewm(halflife=h, adjust=True).cov()` written out from its
 * documented definition, pair by pair, with pandas' own parametrisation
 * (com = 1 / (1 − exp(log 0.5 / h)) − 1, α = 1 / (1 + com), weights (1 − α)^age), and the
 * bias=False correction (Σw)² / ((Σw)² − Σw²). Plain arrays, no shared code with src.
 */
function pandasEwmCov(rows: number[][], h: number, end: number): number[][] {
  const com = 1 / (1 - Math.exp(Math.log(0.5) / h)) - 1;
  const alpha = 1 / (1 + com);
  const n = rows[0]!.length;
  const w: number[] = [];
  for (let t = 0; t <= end; t++) w.push(Math.pow(1 - alpha, end - t));
  const sw = w.reduce((a, b) => a + b, 0);
  const sw2 = w.reduce((a, b) => a + b * b, 0);
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    out.push([]);
    for (let j = 0; j < n; j++) {
      let mx = 0, my = 0;
      for (let t = 0; t <= end; t++) { mx += w[t]! * rows[t]![i]!; my += w[t]! * rows[t]![j]!; }
      mx /= sw; my /= sw;
      let c = 0;
      for (let t = 0; t <= end; t++) c += w[t]! * (rows[t]![i]! - mx) * (rows[t]![j]! - my);
      out[i]!.push((c / sw) * (sw * sw) / (sw * sw - sw2));
    }
  }
  return out;
}

function makeReturns(T: number, n: number, seed: number): { flat: Float64Array; rows: number[][] } {
  let s = seed >>> 0;
  const u = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
  const rows: number[][] = [];
  for (let t = 0; t < T; t++) {
    const common = (u() - 0.5) * 0.03;
    rows.push(Array.from({ length: n }, (_, i) => common * (0.5 + 0.15 * i) + (u() - 0.5) * 0.01));
  }
  return { flat: Float64Array.from(rows.flat()), rows };
}

describe('EWMA covariance (method.md §8: pandas ewm(halflife).cov(), annualised ×252)', () => {
  it('hand-computed variance of [1, 2, 3] with halflife 1 (q = 1/2)', () => {
    // t=1: w = [1/2, 1], Σw = 3/2, mean 5/3, biased var = (½·(2/3)² + (1/3)²)/(3/2) = 2/9,
    //      correction (Σw)²/((Σw)² − Σw²) = (9/4)/(9/4 − 5/4) = 9/4  →  var = 1/2.
    // t=2: w = [1/4, 1/2, 1], Σw = 7/4, mean 17/7, biased var = (13/4·… ) = 26/49,
    //      correction (49/16)/(49/16 − 21/16) = 7/4  →  var = 13/14.
    const ew = new EwmaCovariance(1, 1);
    ew.update([1]);
    expect(Number.isNaN(ew.covariance(undefined, 1)[0]!)).toBe(true); // pandas: NaN for one observation
    ew.update([2]);
    expect(ew.covariance(undefined, 1)[0]).toBeCloseTo(0.5, 15);
    ew.update([3]);
    expect(ew.covariance(undefined, 1)[0]).toBeCloseTo(13 / 14, 15);
    expect(ewmaCovariance(Float64Array.from([1, 2, 3]), 3, 1, { halflife: 1, scale: 1 })[0]).toBeCloseTo(13 / 14, 15);
    // bias=True: the biased value 26/49 (and 0 for one observation).
    const b = new EwmaCovariance(1, 1, { bias: true });
    b.update([1]);
    expect(b.covariance(undefined, 1)[0]).toBe(0);
    b.update([2]); b.update([3]);
    expect(b.covariance(undefined, 1)[0]).toBeCloseTo(26 / 49, 15);
  });

  it('decay q = 2^(−1/h)', () => {
    expect(ewmaDecay(126)).toBeCloseTo(Math.pow(2, -1 / 126), 15);
    expect(() => ewmaDecay(0)).toThrow(/halflife/);
  });

  it('batch, recursive and the independent pandas formula agree (7 assets, halflife 126)', () => {
    const T = 600, n = 7;
    const { flat, rows } = makeReturns(T, n, 11);
    const ew = new EwmaCovariance(n, 126);
    const out = new Float64Array(n * n);
    for (let t = 0; t < T; t++) {
      ew.update(flat, t * n);
      if (t === 1 || t === 50 || t === 599) {
        ew.covariance(out);
        const batch = ewmaCovariance(flat, T, n, { halflife: 126, end: t });
        const ref = pandasEwmCov(rows, 126, t);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            const r = ref[i]![j]! * 252;
            expect(Math.abs(out[i * n + j]! - batch[i * n + j]!)).toBeLessThanOrEqual(1e-12 * Math.abs(batch[i * n + j]!));
            expect(Math.abs(batch[i * n + j]! - r)).toBeLessThanOrEqual(1e-12 * Math.abs(r));
            expect(out[i * n + j]).toBe(out[j * n + i]);
          }
        }
      }
    }
  });

  it('property: recursive = batch to 1e-12 relative over random series, halflives and windows (fast-check)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 2, max: 300 }), fc.double({ min: 2, max: 400, noNaN: true }),
      fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 20 }), (n, T, h, seed, startOffset) => {
        const { flat } = makeReturns(T, n, seed);
        const start = Math.min(startOffset, T - 2);
        const ew = new EwmaCovariance(n, h);
        for (let t = start; t < T; t++) ew.update(flat, t * n);
        const rec = ew.covariance();
        const batch = ewmaCovariance(flat, T, n, { halflife: h, start });
        for (let k = 0; k < n * n; k++) {
          const scale = Math.sqrt(Math.abs(batch[Math.floor(k / n) * (n + 1)]! * batch[(k % n) * (n + 1)]!));
          expect(Math.abs(rec[k]! - batch[k]!)).toBeLessThanOrEqual(1e-12 * scale);
        }
      }), { numRuns: 200, seed: 3 });
  });

  it('a constant series has exactly zero variance (pandas skips the mean update when x equals the mean)', () => {
    const ew = new EwmaCovariance(2, 10);
    for (let t = 0; t < 100; t++) ew.update([0.001, t % 2 ? 0.01 : -0.01]);
    const c = ew.covariance();
    expect(c[0]).toBe(0);
    expect(c[1]).toBe(0);
    expect(c[3]!).toBeGreaterThan(0);
  });

  it('a missing return is an error naming the asset and the day, not a silently poisoned Σ', () => {
    const ew = new EwmaCovariance(3, 126);
    ew.update([0.01, 0.02, 0.03], 0, '2020-01-02');
    expect(() => ew.update([0.01, NaN, 0.03], 0, '2020-01-03')).toThrow(/asset 1 on day 2020-01-03 is NaN/);
    expect(() => ewmaCovariance(Float64Array.from([0.01, NaN]), 2, 1, { halflife: 5 })).toThrow(/row 1/);
  });

  it('reset starts over', () => {
    const { flat } = makeReturns(50, 3, 5);
    const a = new EwmaCovariance(3, 20);
    for (let t = 0; t < 50; t++) a.update(flat, t * 3);
    a.reset();
    for (let t = 10; t < 50; t++) a.update(flat, t * 3);
    expect(Array.from(a.covariance())).toEqual(Array.from((() => { const b = new EwmaCovariance(3, 20); for (let t = 10; t < 50; t++) b.update(flat, t * 3); return b.covariance(); })()));
    expect(a.count).toBe(40);
  });
});
