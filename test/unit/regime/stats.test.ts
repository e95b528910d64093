// regimeStats on a hand-checked label path (frequency, mean duration, switches per year,
// transition matrix, mean and volatility of the target per state). The fixture comparison of the
// per-state mean / vol / transition matrix is in reference.test.ts.
import { describe, it, expect } from 'vitest';
import { regimeStats } from '../../../src/core/regime/index.ts';

describe('regimeStats', () => {
  // -1 marks unlabelled (warm-up) rows: skipped, and no spell or transition crosses them
  const labels = Int32Array.from([-1, -1, 0, 0, 1, 1, 1, 0, -1, 0, 0]);
  const target = Float64Array.from([9, 9, 0.01, 0.03, -0.02, -0.01, 0.0, 0.02, 9, 0.04, 0.0]);
  const s = regimeStats(labels, target, 2, 252);

  it('counts, frequency and spells', () => {
    expect(s.n).toBe(8);
    expect(Array.from(s.count)).toEqual([5, 3]);
    expect(Array.from(s.frequency)).toEqual([5 / 8, 3 / 8]);
    // state 0 spells: [2,3], [7], [9,10] -> 3 spells of 5 days; state 1: one spell of 3
    expect(Array.from(s.meanDuration)).toEqual([5 / 3, 3]);
  });

  it('switches and transitions between consecutive labelled days only', () => {
    // pairs: (2,3) 0→0, (3,4) 0→1, (4,5) 1→1, (5,6) 1→1, (6,7) 1→0, (9,10) 0→0: 6 pairs, 2 switches
    expect(s.switches).toBe(2);
    expect(s.switchesPerYear).toBeCloseTo((2 * 252) / 6, 12);
    expect(Array.from(s.transitionMatrix)).toEqual([2 / 3, 1 / 3, 1 / 3, 2 / 3].map((v) => expect.closeTo(v, 15)));
  });

  it('mean and sample volatility of the target per state, per period and annualised', () => {
    const s0 = [0.01, 0.03, 0.02, 0.04, 0.0], s1 = [-0.02, -0.01, 0.0];
    const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
    const sd = (x: number[]) => Math.sqrt(x.reduce((a, b) => a + (b - mean(x)) ** 2, 0) / (x.length - 1));
    expect(s.mean[0]).toBeCloseTo(mean(s0), 15);
    expect(s.mean[1]).toBeCloseTo(mean(s1), 15);
    expect(s.vol[0]).toBeCloseTo(sd(s0), 15);
    expect(s.vol[1]).toBeCloseTo(sd(s1), 15);
    expect(s.meanAnnualised[0]).toBeCloseTo(252 * mean(s0), 13);
    expect(s.volAnnualised[1]).toBeCloseTo(Math.sqrt(252) * sd(s1), 13);
  });

  it('a state never visited has NaN duration, mean and vol; no target gives NaN means', () => {
    const t = regimeStats(Int32Array.from([0, 0, 0]), null, 3);
    expect(Array.from(t.frequency)).toEqual([1, 0, 0]);
    expect(Number.isNaN(t.meanDuration[1]!)).toBe(true);
    expect(Number.isNaN(t.mean[0]!)).toBe(true);
    expect(Number.isNaN(t.transitionMatrix[3]!)).toBe(true);
    expect(() => regimeStats(Int32Array.from([0, 3]), null, 2)).toThrow(/label 3 at row 2/);
  });
});
