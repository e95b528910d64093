// The mean-variance problem with a linear trade penalty (method.md §12 "Turnover controls";
// Gârleanu & Pedersen 2013), checked against its KKT conditions, an independent solver (quadprog on
// the epigraph form), brute force on small problems, and the plain QP at γ = 0. And what the
// penalty does to tracking-error targeting (method.md §8): met where a crossing exists, else flagged.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { solveTradePenalty, tradePenaltyObjective, TradePenaltySolver } from '../../../src/core/allocation/trade-penalty.ts';
import { solveLongOnlyMeanVariance } from '../../../src/core/allocation/qp.ts';
import { randomProblem as plainProblem } from './problems.ts';
import { BlackLittermanAllocator, equalWeights, longShortViewMatrix, trackingError } from '../../../src/core/allocation/black-litterman.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
}

/** A random problem of qp.test.ts (Σ positive definite and correlated, μ, δ), plus holdings h (some zero) and γ. */
function randomProblem(n: number, seed: number) {
  const { Sigma, mu, delta, u } = plainProblem(n, seed);
  const raw = Array.from({ length: n }, () => (u() < 0.3 ? 0 : u()));
  const sum = raw.reduce((a, b) => a + b, 0);
  const h = Float64Array.from(raw, (x) => (sum > 0 ? x / sum : 1 / n));
  const gamma = [0.0005, 0.002, 0.01, 0.05, 0.2][Math.floor(u() * 5)]!;
  return { Sigma, mu, delta, h, gamma };
}

/**
 * KKT of max wᵀμ − δ/2 wᵀΣw − γΣ|w − h| s.t. 1ᵀw = 1, w ≥ 0, from the solution alone: with
 * r_i = μ_i − δ(Σw)_i + ν there must be one ν with r_i = γ where w_i > h_i, r_i = −γ where
 * 0 < w_i < h_i, r_i ∈ [−γ, γ] where w_i = h_i > 0, r_i ≤ γ where w_i = h_i = 0 and r_i ≤ −γ where
 * w_i = 0 < h_i. Each condition is an interval for ν; they must intersect.
 */
function checkKkt(w: Float64Array, mu: Float64Array, S: Float64Array, delta: number, gamma: number, h: Float64Array, tol = 1e-9): void {
  const n = mu.length;
  let sum = 0;
  for (let i = 0; i < n; i++) { expect(w[i]).toBeGreaterThanOrEqual(0); sum += w[i]!; }
  expect(Math.abs(sum - 1)).toBeLessThanOrEqual(1e-12);
  let lo = -Infinity, hi = Infinity;
  const eps = 1e-11;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += S[i * n + j]! * w[j]!;
    const g = mu[i]! - delta * s; // r_i = g + ν
    const [a, b] = w[i]! > h[i]! + eps ? [gamma, gamma]
      : w[i]! > eps && w[i]! < h[i]! - eps ? [-gamma, -gamma]
        : Math.abs(w[i]! - h[i]!) <= eps ? (h[i]! > eps ? [-gamma, gamma] : [-Infinity, gamma])
          : [-Infinity, -gamma];
    lo = Math.max(lo, a - g);
    hi = Math.min(hi, b - g);
  }
  expect(lo).toBeLessThanOrEqual(hi + tol);
}

describe('long-only mean-variance with a linear trade penalty (method.md §12)', () => {
  it('analytic case: Σ = I, δ = 1, two assets, h = (0.5, 0.5)', () => {
    // On w = (t, 1 − t): objective 0.1t + 0.05(1 − t) − ½(t² + (1 − t)²) − γ·2|t − 0.5|. Without the
    // penalty t* = 0.525 (derivative 0.05 − (2t − 1) = 0). With γ = 0.01 buying asset 0 has slope
    // 0.05 − (2t − 1) − 2γ = 0 → t = 0.515; with γ ≥ 0.025 the no-trade point t = 0.5 is optimal.
    const S = Float64Array.from([1, 0, 0, 1]);
    const mu = Float64Array.from([0.1, 0.05]);
    const h = Float64Array.from([0.5, 0.5]);
    expect(solveTradePenalty(mu, S, 1, 0.01, h).weights[0]).toBeCloseTo(0.515, 14);
    expect(solveTradePenalty(mu, S, 1, 0.025, h).weights[0]).toBeCloseTo(0.5, 14);
    expect(solveTradePenalty(mu, S, 1, 0.3, h).weights[0]).toBe(0.5);
    expect(solveTradePenalty(mu, S, 1, 0, h).weights[0]).toBeCloseTo(0.525, 14);
  });

  it('γ = 0 gives the plain long-only QP (qp.ts), whatever the holdings', () => {
    for (let seed = 0; seed < 200; seed++) {
      const p = randomProblem(2 + (seed % 8), seed);
      const a = solveTradePenalty(p.mu, p.Sigma, p.delta, 0, p.h).weights;
      const b = solveLongOnlyMeanVariance(p.mu, p.Sigma, p.delta).weights;
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-12);
    }
  });

  it('property: KKT conditions hold, and quadprog on the epigraph form agrees (fast-check)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 2 ** 31 }), (n, seed) => {
      const p = randomProblem(n, seed);
      const r = solveTradePenalty(p.mu, p.Sigma, p.delta, p.gamma, p.h);
      expect(r.solver).toBe('active-set');
      checkKkt(r.weights, p.mu, p.Sigma, p.delta, p.gamma, p.h);
      const q = solveTradePenalty(p.mu, p.Sigma, p.delta, p.gamma, p.h, { solver: 'quadprog' });
      expect(q.solver).toBe('quadprog');
      // Feasible like the active set's (its raw solution is not: weights down to −3e-9 where the optimum has 0).
      for (let i = 0; i < n; i++) expect(q.weights[i]).toBeGreaterThanOrEqual(0);
      expect(Math.abs(q.weights.reduce((a, x) => a + x, 0) - 1)).toBeLessThanOrEqual(1e-12);
      // quadprog solves a ridged problem (see trade-penalty.ts): close to the optimum, never better.
      for (let i = 0; i < n; i++) expect(Math.abs(q.weights[i]! - r.weights[i]!)).toBeLessThanOrEqual(1e-5);
      expect(tradePenaltyObjective(r.weights, p.mu, p.Sigma, p.delta, p.gamma, p.h))
        .toBeGreaterThanOrEqual(tradePenaltyObjective(q.weights, p.mu, p.Sigma, p.delta, p.gamma, p.h) - 1e-11);
    }), { numRuns: 400, seed: 41 });
  });

  it('brute force: two assets by golden section on the segment, three by a fine grid of the simplex', () => {
    for (let seed = 0; seed < 40; seed++) {
      const p = randomProblem(2, 7000 + seed);
      const f = (t: number) => tradePenaltyObjective([t, 1 - t], p.mu, p.Sigma, p.delta, p.gamma, p.h);
      // The objective is concave in t on [0, 1]: golden-section search to 1e-12.
      let a = 0, b = 1;
      const g = (Math.sqrt(5) - 1) / 2;
      while (b - a > 1e-12) { const c = b - g * (b - a), d = a + g * (b - a); if (f(c) >= f(d)) b = d; else a = c; }
      const r = solveTradePenalty(p.mu, p.Sigma, p.delta, p.gamma, p.h);
      expect(Math.abs(r.weights[0]! - 0.5 * (a + b))).toBeLessThanOrEqual(1e-6);
      expect(f(r.weights[0]!)).toBeGreaterThanOrEqual(f(0.5 * (a + b)) - 1e-13);
    }
    for (let seed = 0; seed < 6; seed++) {
      const p = randomProblem(3, 9000 + seed);
      const r = solveTradePenalty(p.mu, p.Sigma, p.delta, p.gamma, p.h);
      const best = tradePenaltyObjective(r.weights, p.mu, p.Sigma, p.delta, p.gamma, p.h);
      const K = 150;
      for (let i = 0; i <= K; i++) for (let j = 0; i + j <= K; j++) {
        const w = [i / K, j / K, (K - i - j) / K];
        expect(best).toBeGreaterThanOrEqual(tradePenaltyObjective(w, p.mu, p.Sigma, p.delta, p.gamma, p.h) - 1e-13);
      }
    }
  });

  it('the no-trade region: holding h is optimal exactly when the gains of trading are within 2γ', () => {
    // With every h_i > 0 the start w = h is optimal iff max_i g_i − min_i g_i ≤ 2γ, g = μ − δΣh.
    for (let seed = 0; seed < 300; seed++) {
      const p = randomProblem(5, 300 + seed);
      const h = Float64Array.from([0.1, 0.3, 0.2, 0.15, 0.25]);
      const g = Array.from({ length: 5 }, (_, i) => { let s = 0; for (let j = 0; j < 5; j++) s += p.Sigma[i * 5 + j]! * h[j]!; return p.mu[i]! - p.delta * s; });
      const spread = Math.max(...g) - Math.min(...g);
      const w = solveTradePenalty(p.mu, p.Sigma, p.delta, p.gamma, h).weights;
      const traded = w.reduce((a, x, i) => a + Math.abs(x - h[i]!), 0);
      if (spread <= 2 * p.gamma * (1 - 1e-9)) expect(traded).toBe(0);
      if (spread > 2 * p.gamma * (1 + 1e-9)) expect(traded).toBeGreaterThan(0);
    }
  });

  it('a larger γ never trades more (the optimum moves towards h)', () => {
    for (let seed = 0; seed < 100; seed++) {
      const p = randomProblem(6, 500 + seed);
      let last = Infinity;
      for (const gamma of [0, 0.001, 0.003, 0.01, 0.03, 0.1]) {
        const w = solveTradePenalty(p.mu, p.Sigma, p.delta, gamma, p.h).weights;
        const traded = w.reduce((a, x, i) => a + Math.abs(x - p.h[i]!), 0);
        expect(traded).toBeLessThanOrEqual(last + 1e-10);
        last = traded;
      }
    }
  });

  it('a reused solver gives the same answers as one-shot solves, and bad input gets a clear message', () => {
    const solver = new TradePenaltySolver(7);
    const out = new Float64Array(7);
    for (let s = 0; s < 100; s++) {
      const p = randomProblem(7, 2000 + s);
      solver.solve(p.mu, p.Sigma, p.delta, p.gamma, p.h, out);
      const cold = solveTradePenalty(p.mu, p.Sigma, p.delta, p.gamma, p.h).weights;
      for (let i = 0; i < 7; i++) expect(out[i]).toBe(cold[i]);
    }
    const S = Float64Array.from([1, 0, 0, 1]), mu = Float64Array.from([0, 0]);
    expect(() => solveTradePenalty(mu, S, 1, -1, [0.5, 0.5])).toThrow(/γ must be a number ≥ 0/);
    expect(() => solveTradePenalty(mu, S, 1, 0.01, [0, 0])).toThrow(/holdings sum to 0/);
    expect(() => solveTradePenalty(mu, S, 1, 0.01, [1.5, -0.5])).toThrow(/holdings\[1\]/);
  });
});

describe('tracking-error targeting with a trade penalty (method.md §8, §12)', () => {
  const N = 7, F = [1, 2, 3, 4, 5, 6];
  const wb = equalWeights(N);
  const P = longShortViewMatrix(N, 0, F);
  function covariance(seed: number): Float64Array {
    const u = rng(seed);
    const vm = 0.12 + 0.1 * u();
    const beta = [1, ...F.map(() => 0.75 + 0.4 * u())];
    const act = [0, ...F.map(() => 0.03 + 0.05 * u())];
    const S = new Float64Array(N * N);
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) S[i * N + j] = beta[i]! * beta[j]! * vm * vm + (i > 0 && j > 0 ? act[i]! * act[j]! * (i === j ? 1 : 0.2) : 0);
    return S;
  }

  it('property: the target is met wherever the scan grid crosses it, else flagged with the nearer end (fast-check)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 2 ** 31 }), fc.constantFrom(0.001, 0.005, 0.02), (seed, hs, gamma) => {
      const S = covariance(seed);
      const u = rng(hs);
      const Q = Float64Array.from(F, () => (u() - 0.5) * 0.08);
      // Holdings: EW tilted at random (as if yesterday's target had drifted).
      const raw = Array.from({ length: N }, () => 0.02 + u());
      const sum = raw.reduce((a, b) => a + b, 0);
      const holdings = Float64Array.from(raw, (x) => x / sum);
      const alloc = new BlackLittermanAllocator(N, F.length);
      alloc.prepare({ Sigma: S, wBenchmark: wb, P, Q, riskAversion: 2.5, tau: 0.05 });
      const r = alloc.targetTrackingError({ target: 0.02, tradePenalty: { gamma, holdings } });
      let total = 0;
      for (const x of r.weights) { expect(x).toBeGreaterThanOrEqual(0); total += x; }
      expect(total).toBeCloseTo(1, 12);
      expect(r.trackingError).toBeCloseTo(trackingError(r.weights, wb, S), 14);
      const scan = Array.from({ length: 13 }, (_, j) => alloc.weightsAt(10 ** (j - 6), new Float64Array(N), undefined, { gamma, holdings }) - 0.02);
      const crosses = scan.some((d) => Math.abs(d) <= 1e-7) || scan.some((d) => Math.sign(d) !== Math.sign(scan[0]!));
      if (crosses) {
        expect(Math.abs(r.trackingError - 0.02)).toBeLessThanOrEqual(1e-4);
        expect(r.status).toBe('ok');
      } else {
        expect(r.status).toBe(scan[0]! > 0 ? 'above' : 'below');
        const nearer = Math.abs(scan[0]!) <= Math.abs(scan[12]!) ? 1e-6 : 1e6;
        expect(r.confidence).toBe(nearer);
      }
    }), { numRuns: 150, seed: 3 });
  });

  it('TE need not rise with c: from drifted holdings above the target, it can fall through the target as c grows', () => {
    // Holdings tilted into factor 1 (TE above 2%), views pointing the other way: at small c the
    // penalty keeps the portfolio near h (TE above target); stronger views sell factor 1 first,
    // passing through the target, and then tilt the other way.
    const S = covariance(11);
    const holdings = Float64Array.from([1 / 12, 0.5, 1 / 12, 1 / 12, 1 / 12, 1 / 12, 1 / 12]);
    expect(trackingError(holdings, wb, S)).toBeGreaterThan(0.02);
    const Q = Float64Array.from([-0.1, 0.02, 0.02, 0.02, 0.02, 0.02]);
    const alloc = new BlackLittermanAllocator(N, F.length);
    alloc.prepare({ Sigma: S, wBenchmark: wb, P, Q, riskAversion: 2.5, tau: 0.05 });
    const pen = { gamma: 0.005, holdings };
    const te = [1e-6, 1e-2, 1e-1, 1e2, 1e6].map((c) => alloc.weightsAt(c, new Float64Array(N), undefined, pen));
    expect(te[0]).toBeGreaterThan(0.02); // no trade: the holdings' own TE
    expect(te[2]).toBeLessThan(0.02); // down through the target …
    expect(te[4]).toBeGreaterThan(0.02); // … and up again
    const r0 = alloc.targetTrackingError({ target: 0.02, tradePenalty: pen });
    expect(r0.status).toBe('ok');
    expect(r0.confidence).toBeGreaterThan(1e-2);
    expect(r0.confidence).toBeLessThan(1e-1); // the least confident crossing, on the way down
    expect(Math.abs(r0.trackingError - 0.02)).toBeLessThanOrEqual(1e-7);
    // Without the penalty the usual search is unchanged by the new option being absent or γ = 0.
    const plain = alloc.targetTrackingError({ target: 0.02 });
    const zero = alloc.targetTrackingError({ target: 0.02, tradePenalty: { gamma: 0, holdings } });
    expect(Array.from(zero.weights)).toEqual(Array.from(plain.weights));
    expect(zero.confidence).toBe(plain.confidence);
  });
});
