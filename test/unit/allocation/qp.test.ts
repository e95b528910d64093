import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { solveLongOnlyMeanVariance, LongOnlyMeanVarianceSolver } from '../../../src/core/allocation/qp.ts';
import { randomProblem } from './problems.ts';

function objective(w: ArrayLike<number>, mu: Float64Array, S: Float64Array, delta: number): number {
  const n = mu.length;
  let r = 0, q = 0;
  for (let i = 0; i < n; i++) { r += w[i]! * mu[i]!; for (let j = 0; j < n; j++) q += w[i]! * S[i * n + j]! * w[j]!; }
  return r - (delta / 2) * q;
}

/**
 * KKT of max wᵀμ − δ/2 wᵀΣw s.t. 1ᵀw = 1, w ≥ 0, checked from the solution alone: with
 * g = δΣw − μ there must be ν with g_i = ν where w_i > 0 and g_i − ν = λ_i ≥ 0 where w_i = 0.
 */
function checkKkt(w: Float64Array, mu: Float64Array, S: Float64Array, delta: number, tol = 1e-8) {
  const n = mu.length;
  const g = Array.from({ length: n }, (_, i) => { let s = 0; for (let j = 0; j < n; j++) s += S[i * n + j]! * w[j]!; return delta * s - mu[i]!; });
  let sum = 0;
  for (let i = 0; i < n; i++) { expect(w[i]).toBeGreaterThanOrEqual(0); sum += w[i]!; }
  expect(Math.abs(sum - 1)).toBeLessThanOrEqual(1e-12);
  const pos = [...Array(n).keys()].filter((i) => w[i]! > 1e-10);
  expect(pos.length).toBeGreaterThan(0);
  const nu = pos.reduce((a, i) => a + g[i]!, 0) / pos.length;
  for (let i = 0; i < n; i++) {
    const lam = g[i]! - nu;
    if (w[i]! > 1e-10) expect(Math.abs(lam)).toBeLessThanOrEqual(tol);      // stationarity on the free set
    else expect(lam).toBeGreaterThanOrEqual(-tol);                          // dual feasibility
    expect(Math.abs(lam * w[i]!)).toBeLessThanOrEqual(tol);                // complementary slackness
  }
  return { nu, g };
}

describe('long-only mean-variance QP (method.md §8; never clip-and-renormalise, §11)', () => {
  it('analytic case: Σ = I, δ = 1, μ = (0.10, 0.05, −0.50) → w = (0.525, 0.475, 0)', () => {
    // All free: w = μ + ν1 with ν = (1 + 0.35)/3 = 0.45 gives w₃ = −0.05 < 0, so asset 3 is at its
    // bound; on {1, 2}: ν = (1 − 0.15)/2 = 0.425, w = (0.525, 0.475); λ₃ = 0.5 − 0.425 = 0.075 ≥ 0.
    const S = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const mu = Float64Array.from([0.1, 0.05, -0.5]);
    for (const solver of ['active-set', 'quadprog'] as const) {
      const r = solveLongOnlyMeanVariance(mu, S, 1, { solver });
      expect(r.weights[0]).toBeCloseTo(0.525, 14);
      expect(r.weights[1]).toBeCloseTo(0.475, 14);
      expect(r.weights[2]).toBe(0);
      expect(r.budgetMultiplier).toBeCloseTo(0.425, 12); // ν in G w − μ = ν1 + λ: 0.525 − 0.1 = 0.425
    }
  });

  it('is not clip-and-renormalise (the §11 mistake), which would give (0.529, 0.471, 0)', () => {
    const S = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const mu = Float64Array.from([0.1, 0.05, -0.5]);
    const r = solveLongOnlyMeanVariance(mu, S, 1);
    // unconstrained (0.45, 0.40, −0.05) clipped (0.45, 0.40, 0) renormalised (0.5294, 0.4706, 0):
    expect(Math.abs(r.weights[0]! - 0.45 / 0.85)).toBeGreaterThan(4e-3);
    expect(objective(r.weights, mu, S, 1)).toBeGreaterThan(objective([0.45 / 0.85, 0.4 / 0.85, 0], mu, S, 1));
  });

  it('property: KKT conditions hold to 1e-8 on random problems, multipliers match, quadprog agrees (fast-check)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 2 ** 31 }), (n, seed) => {
      const { Sigma, mu, delta } = randomProblem(n, seed);
      const r = solveLongOnlyMeanVariance(mu, Sigma, delta);
      expect(r.solver).toBe('active-set');
      const { nu } = checkKkt(r.weights, mu, Sigma, delta);
      expect(r.budgetMultiplier).toBeCloseTo(nu, 8);
      for (let i = 0; i < n; i++) {
        expect(r.boundMultipliers[i]).toBeGreaterThanOrEqual(0);
        expect(Math.abs(r.boundMultipliers[i]! * r.weights[i]!)).toBeLessThanOrEqual(1e-12);
      }
      const q = solveLongOnlyMeanVariance(mu, Sigma, delta, { solver: 'quadprog' });
      checkKkt(q.weights, mu, Sigma, delta);
      for (let i = 0; i < n; i++) expect(Math.abs(q.weights[i]! - r.weights[i]!)).toBeLessThanOrEqual(1e-8);
    }), { numRuns: 300, seed: 17 });
  });

  it('property: the solution beats random feasible points (fast-check)', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 10 }), fc.integer({ min: 0, max: 2 ** 31 }), (n, seed) => {
      const { Sigma, mu, delta, u } = randomProblem(n, seed);
      const r = solveLongOnlyMeanVariance(mu, Sigma, delta);
      const best = objective(r.weights, mu, Sigma, delta);
      for (let k = 0; k < 50; k++) {
        // Random points of the simplex: normalised exponentials, some on faces (zeros).
        const x = Array.from({ length: n }, () => (u() < 0.3 ? 0 : -Math.log(1 - u())));
        const s = x.reduce((a, b) => a + b, 0) || 1;
        const p = s === 1 && x.every((v) => v === 0) ? x.map((_, i) => (i === 0 ? 1 : 0)) : x.map((v) => v / s);
        expect(best).toBeGreaterThanOrEqual(objective(p, mu, Sigma, delta) - 1e-12);
      }
      for (let i = 0; i < n; i++) {
        const vertex = Array.from({ length: n }, (_, j) => (i === j ? 1 : 0));
        expect(best).toBeGreaterThanOrEqual(objective(vertex, mu, Sigma, delta) - 1e-12);
      }
    }), { numRuns: 200, seed: 5 });
  });

  it('warm starts (reused solver) give the same solution as cold starts', () => {
    const solver = new LongOnlyMeanVarianceSolver(7);
    const out = new Float64Array(7);
    for (let s = 0; s < 200; s++) {
      const { Sigma, mu, delta } = randomProblem(7, 1000 + s);
      solver.solve(mu, Sigma, delta, out);
      const cold = solveLongOnlyMeanVariance(mu, Sigma, delta).weights;
      for (let i = 0; i < 7; i++) expect(Math.abs(out[i]! - cold[i]!)).toBeLessThanOrEqual(1e-12);
    }
  });

  it('μ proportional to Σ w_b returns w_b exactly (the Black-Litterman prior)', () => {
    const { Sigma } = randomProblem(7, 99);
    const wb = new Float64Array(7).fill(1 / 7);
    const delta = 2.5;
    const pi = Float64Array.from({ length: 7 }, (_, i) => { let s = 0; for (let j = 0; j < 7; j++) s += Sigma[i * 7 + j]! * wb[j]!; return delta * s; });
    const r = solveLongOnlyMeanVariance(pi, Sigma, delta);
    for (let i = 0; i < 7; i++) expect(r.weights[i]).toBeCloseTo(1 / 7, 13);
  });

  it('a singular Σ (two identical assets) still gives a feasible optimum, with a reported ridge', () => {
    const S = Float64Array.from([0.04, 0.04, 0.01, 0.04, 0.04, 0.01, 0.01, 0.01, 0.02]);
    const mu = Float64Array.from([0.08, 0.08, 0.03]);
    const r = solveLongOnlyMeanVariance(mu, S, 2.5);
    expect(r.ridge).toBeGreaterThan(0);
    expect(r.weights[0]! + r.weights[1]! + r.weights[2]!).toBeCloseTo(1, 12);
    // The split between the duplicates is not determined by the problem; the ridge makes it ~even.
    expect(Math.abs(r.weights[0]! - r.weights[1]!)).toBeLessThan(1e-4);
    // Same objective as the problem with the duplicate merged: max over (a, c) on the 2-asset version.
    const merged = solveLongOnlyMeanVariance(Float64Array.from([0.08, 0.03]), Float64Array.from([0.04, 0.01, 0.01, 0.02]), 2.5);
    expect(objective(r.weights, mu, S, 2.5)).toBeCloseTo(objective(merged.weights, Float64Array.from([0.08, 0.03]), Float64Array.from([0.04, 0.01, 0.01, 0.02]), 2.5), 10);
  });

  it('rejects non-finite inputs and a non-positive δ with a clear message', () => {
    const S = Float64Array.from([1, 0, 0, 1]);
    expect(() => solveLongOnlyMeanVariance(Float64Array.from([NaN, 0]), S, 1)).toThrow(/μ\[0\] is NaN/);
    expect(() => solveLongOnlyMeanVariance(Float64Array.from([0, 0]), Float64Array.from([1, Infinity, 0, 1]), 1)).toThrow(/Σ\[0\]\[1\]/);
    expect(() => solveLongOnlyMeanVariance(Float64Array.from([0, 0]), S, 0)).toThrow(/δ/);
  });
});
