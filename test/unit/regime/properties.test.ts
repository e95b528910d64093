// Properties of the regime engine (method.md §3-§5) on simulated data and on the
// reference fixtures when present.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  fitJumpModel, fitContinuousJumpModel, fitSparseJumpModel, onlineLabels, predict, solveLasso,
  asymmetricPenaltyMatrix, scalarPenaltyMatrix, setPathReplay, pathReplayCount, type FittedModel, type JumpModelResult,
} from '../../../src/core/regime/index.ts';
import { Rng } from '../../../src/core/random.ts';
import { haveFixtures, loadDataset } from './fixtures.ts';

/** Simulated regime data: a Markov chain over K states, features = state mean + noise, returns per state. */
function simulate(seed: number, T: number, D: number, K: number, opts: { stay?: number; sep?: number } = {}) {
  const rng = new Rng(seed);
  const stay = opts.stay ?? 0.98, sep = opts.sep ?? 1.5;
  const means = new Float64Array(K * D);
  for (let k = 0; k < K; k++) for (let d = 0; d < D; d++) means[k * D + d] = d < 3 ? sep * (k - (K - 1) / 2) * (d % 2 ? -1 : 1) : 0;
  const states = new Int32Array(T);
  const X = new Float64Array(T * D);
  const ret = new Float64Array(T);
  let s = 0;
  for (let t = 0; t < T; t++) {
    if (t > 0 && rng.next() > stay) s = (s + 1 + rng.int(K - 1)) % K;
    states[t] = s;
    for (let d = 0; d < D; d++) X[t * D + d] = means[s * D + d]! + rng.normal();
    ret[t] = 0.001 * (K - 1 - 2 * s) + 0.01 * rng.normal(); // state 0 earns most
  }
  return { X, T, D, K, states, ret };
}

/** J = Σ ½‖x_t − θ_{s_t}‖² + Σ Λ[s_{t−1}, s_t] for discrete labels (method.md §3). */
function objective(X: Float64Array, T: number, D: number, K: number, C: Float64Array, P: Float64Array, labels: Int32Array): number {
  let J = 0;
  for (let t = 0; t < T; t++) {
    const s = labels[t]!;
    for (let d = 0; d < D; d++) { const v = X[t * D + d]! - C[s * D + d]!; J += 0.5 * v * v; }
    if (t > 0) J += P[labels[t - 1]! * K + s]!;
  }
  return J;
}

const fitted = (r: JumpModelResult): FittedModel => r.fitted;

describe('online inference never looks ahead (method.md §5)', () => {
  it('labels of days <= t do not change when rows after t change (random models, fast-check)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 2, max: 4 }), fc.integer({ min: 5, max: 80 }),
      fc.integer({ min: 0, max: 1000 }), fc.boolean(),
      (seed, K, T, cut, cont) => {
        const rng = new Rng(seed);
        const D = 3;
        const X = Float64Array.from({ length: T * D }, () => rng.normal());
        const centers = Float64Array.from({ length: K * D }, () => rng.normal());
        const P = new Float64Array(K * K);
        for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) P[i * K + j] = i === j ? 0 : 3 * rng.next();
        let model: FittedModel = { kind: 'jm', K, D, centers, featureWeights: Float64Array.from({ length: D }, () => rng.next()), S: K, probVecs: null, penalty: P };
        if (cont) {
          const r = fitContinuousJumpModel(X, T, D, { k: 2, jumpPenalty: 5, gridSize: 0.25, nInit: 2, seed });
          model = r.fitted;
        }
        const t = cut % T;
        const before = onlineLabels(X, T, D, model);
        const X2 = Float64Array.from(X);
        for (let i = (t + 1) * D; i < T * D; i++) X2[i] = 10 * rng.normal();
        const after = onlineLabels(X2, T, D, model);
        expect(Array.from(after.subarray(0, t + 1))).toEqual(Array.from(before.subarray(0, t + 1)));
      }), { numRuns: 60 });
  });

  it('the same holds for a fitted sparse jump model with an asymmetric penalty', () => {
    const sim = simulate(3, 600, 6, 2);
    const r = fitSparseJumpModel(sim.X, sim.T, sim.D, { penaltyMatrix: asymmetricPenaltyMatrix(40, 10), maxFeatures: 3, ret: sim.ret });
    const full = onlineLabels(sim.X, sim.T, sim.D, r.fitted);
    for (const t of [0, 17, 250, 599]) {
      const X2 = Float64Array.from(sim.X);
      X2.fill(7, (t + 1) * sim.D);
      expect(Array.from(onlineLabels(X2, sim.T, sim.D, r.fitted).subarray(0, t + 1))).toEqual(Array.from(full.subarray(0, t + 1)));
    }
  });
});

describe('asymmetric penalty (method.md §3)', () => {
  it('λ_enter = λ_exit as a matrix gives the symmetric fit (JM, SJM; simulated and ndx)', () => {
    const sets: { X: Float64Array; T: number; D: number; ret: Float64Array }[] = [simulate(11, 800, 5, 2)];
    if (haveFixtures) { const nd = loadDataset('ndx'); sets.push({ X: nd.train.X, T: nd.train.T, D: nd.train.D, ret: nd.retTrain }); }
    for (const s of sets) {
      for (const lam of [0, 12.5, 50]) {
        const a = fitJumpModel(s.X, s.T, s.D, { jumpPenalty: lam, ret: s.ret });
        const b = fitJumpModel(s.X, s.T, s.D, { penaltyMatrix: [[0, lam], [lam, 0]], ret: s.ret });
        expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
        expect(Math.abs(b.objective - a.objective)).toBeLessThanOrEqual(1e-12 * a.objective);
        const c = fitSparseJumpModel(s.X, s.T, s.D, { jumpPenalty: lam, maxFeatures: 2, ret: s.ret });
        const d = fitSparseJumpModel(s.X, s.T, s.D, { penaltyMatrix: asymmetricPenaltyMatrix(lam, lam), maxFeatures: 2, ret: s.ret });
        expect(Array.from(d.labels)).toEqual(Array.from(c.labels));
        expect(Array.from(d.w)).toEqual(Array.from(c.w));
      }
    }
  });

  it('keeps the matrix in sorted coordinates: the fitted penalty is the given one and state 0 earns the most', () => {
    const sim = simulate(5, 1000, 5, 2);
    const r = fitJumpModel(sim.X, sim.T, sim.D, { penaltyMatrix: [[0, 80], [20, 0]], ret: sim.ret });
    expect(Array.from(r.fitted.penalty)).toEqual([0, 80, 20, 0]);
    const cum = [0, 0];
    for (let t = 0; t < sim.T; t++) cum[r.labels[t]!]! += sim.ret[t]!;
    expect(cum[0]!).toBeGreaterThan(cum[1]!);
    // the reported objective is J with Λ in sorted coordinates
    expect(Math.abs(objective(sim.X, sim.T, sim.D, 2, r.centers, r.fitted.penalty, r.labels) - r.objective)).toBeLessThan(1e-8 * r.objective);
  });

  it('in-sample, K = 2 entries and exits into bear differ by at most one (the boundary term)', () => {
    const sim = simulate(8, 1500, 5, 2, { stay: 0.97 });
    for (const P of [[[0, 60], [5, 0]], [[0, 5], [60, 0]]]) {
      const r = fitJumpModel(sim.X, sim.T, sim.D, { penaltyMatrix: P, ret: sim.ret });
      let enter = 0, exit = 0;
      for (let t = 1; t < sim.T; t++) {
        if (r.labels[t - 1] === 0 && r.labels[t] === 1) enter++;
        if (r.labels[t - 1] === 1 && r.labels[t] === 0) exit++;
      }
      expect(Math.abs(enter - exit)).toBeLessThanOrEqual(1);
    }
  });

  it('online: a larger λ_enter delays detecting bear, a larger λ_exit delays detecting its end', () => {
    // a clear bull → bear → bull path: rows at the bull centre, then at the bear centre, then back
    const D = 2, T = 120;
    const centers = Float64Array.from([1, 1, -1, -1]);
    const X = new Float64Array(T * D);
    for (let t = 0; t < T; t++) { const v = t >= 40 && t < 80 ? -1 : 1; X[t * D] = v; X[t * D + 1] = v; }
    const model = (P: number[]): FittedModel => ({ kind: 'jm', K: 2, D, centers, featureWeights: Float64Array.from([1, 1]), S: 2, probVecs: null, penalty: Float64Array.from(P) });
    const firstBear = (l: Int32Array) => l.findIndex((v, t) => t >= 40 && v === 1);
    const firstBullAgain = (l: Int32Array) => l.findIndex((v, t) => t >= 80 && v === 0);
    const low = onlineLabels(X, T, D, model([0, 4, 4, 0]));
    const highEnter = onlineLabels(X, T, D, model([0, 12, 4, 0]));
    const highExit = onlineLabels(X, T, D, model([0, 4, 12, 0]));
    expect(firstBear(highEnter)).toBeGreaterThan(firstBear(low));
    expect(firstBullAgain(highEnter)).toBe(firstBullAgain(low));
    expect(firstBullAgain(highExit)).toBeGreaterThan(firstBullAgain(low));
    expect(firstBear(highExit)).toBe(firstBear(low));
  });
});

describe('initialisation', () => {
  it('the order of the initial centroids does not change the sorted result (JM, CJM, SJM)', () => {
    const sim = simulate(21, 700, 5, 2);
    const rng = new Rng(4);
    const starts = Array.from({ length: 6 }, () => [rng.int(sim.T), rng.int(sim.T)]);
    const reversed = starts.map((s) => [...s].reverse());
    const pairs: [JumpModelResult, JumpModelResult][] = [
      [fitJumpModel(sim.X, sim.T, sim.D, { jumpPenalty: 20, ret: sim.ret, initRows: starts }), fitJumpModel(sim.X, sim.T, sim.D, { jumpPenalty: 20, ret: sim.ret, initRows: reversed })],
      [fitJumpModel(sim.X, sim.T, sim.D, { penaltyMatrix: [[0, 30], [10, 0]], ret: sim.ret, initRows: starts }), fitJumpModel(sim.X, sim.T, sim.D, { penaltyMatrix: [[0, 30], [10, 0]], ret: sim.ret, initRows: reversed })],
      [fitContinuousJumpModel(sim.X, sim.T, sim.D, { jumpPenalty: 100, ret: sim.ret, initRows: starts }), fitContinuousJumpModel(sim.X, sim.T, sim.D, { jumpPenalty: 100, ret: sim.ret, initRows: reversed })],
      [fitSparseJumpModel(sim.X, sim.T, sim.D, { jumpPenalty: 20, maxFeatures: 2, ret: sim.ret, initRows: [starts, starts, starts] }), fitSparseJumpModel(sim.X, sim.T, sim.D, { jumpPenalty: 20, maxFeatures: 2, ret: sim.ret, initRows: [reversed, reversed, reversed] })],
    ];
    for (const [a, b] of pairs) {
      expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
      expect(Math.abs(b.objective - a.objective)).toBeLessThanOrEqual(1e-12 * a.objective);
      for (let i = 0; i < a.centers.length; i++) expect(b.centers[i]).toBeCloseTo(a.centers[i]!, 12);
    }
  });

  it('a warm start is appended after the k-means++ starts and a converged warm start stays put', () => {
    const sim = simulate(2, 500, 4, 2);
    const a = fitJumpModel(sim.X, sim.T, sim.D, { jumpPenalty: 10, ret: sim.ret, nInit: 4 });
    const b = fitJumpModel(sim.X, sim.T, sim.D, { jumpPenalty: 10, ret: sim.ret, nInit: 4, warmStart: a.centers });
    expect(b.warmStartAppended).toBe(true);
    expect(b.startObjectives.length).toBe(5);
    expect(Math.abs(b.startObjectives[4]! - a.objective)).toBeLessThan(1e-9 * a.objective);
    expect(b.objective).toBeLessThanOrEqual(a.objective * (1 + 1e-12));
  });

  it('the same seed gives bit-identical fits; the seed changes the k-means++ starts', () => {
    const sim = simulate(9, 400, 4, 2);
    const a = fitSparseJumpModel(sim.X, sim.T, sim.D, { jumpPenalty: 15, maxFeatures: 2, ret: sim.ret, seed: 7 });
    const b = fitSparseJumpModel(sim.X, sim.T, sim.D, { jumpPenalty: 15, maxFeatures: 2, ret: sim.ret, seed: 7 });
    expect(Array.from(b.centers)).toEqual(Array.from(a.centers));
    expect(Array.from(b.w)).toEqual(Array.from(a.w));
    expect(b.objective).toBe(a.objective);
    const c = fitJumpModel(sim.X, sim.T, sim.D, { jumpPenalty: 15, seed: 8 });
    const d = fitJumpModel(sim.X, sim.T, sim.D, { jumpPenalty: 15, seed: 7 });
    expect(c.startRows).not.toEqual(d.startRows);
  });
});

describe('K = 3 works', () => {
  const sim = simulate(31, 1500, 6, 3, { sep: 2 });
  const accuracy = (labels: Int32Array): number => {
    // the simulation's state k earns 0.001·(K−1−2k): sorted state k should be simulated state k
    let ok = 0;
    for (let t = 0; t < sim.T; t++) if (labels[t] === sim.states[t]) ok++;
    return ok / sim.T;
  };
  it('JM recovers three regimes and sorts them by cumulative return', () => {
    const r = fitJumpModel(sim.X, sim.T, sim.D, { k: 3, jumpPenalty: 20, ret: sim.ret });
    expect(new Set(r.labels).size).toBe(3);
    expect(accuracy(r.labels)).toBeGreaterThan(0.95);
    const cum = [0, 0, 0];
    for (let t = 0; t < sim.T; t++) cum[r.labels[t]!]! += sim.ret[t]!;
    expect(cum[0]!).toBeGreaterThan(cum[1]!);
    expect(cum[1]!).toBeGreaterThan(cum[2]!);
    expect(r.transmat.length).toBe(9);
    expect(Math.abs(objective(sim.X, sim.T, sim.D, 3, r.centers, r.fitted.penalty, r.labels) - r.objective)).toBeLessThan(1e-9 * r.objective);
  });
  it('SJM, CJM and a full 3×3 penalty matrix', () => {
    const s = fitSparseJumpModel(sim.X, sim.T, sim.D, { k: 3, jumpPenalty: 20, maxFeatures: 3, ret: sim.ret });
    expect(accuracy(s.labels)).toBeGreaterThan(0.95);
    // the informative features are the first three
    expect(s.w[3]! + s.w[4]! + s.w[5]!).toBeLessThan(0.1);
    const c = fitContinuousJumpModel(sim.X, sim.T, sim.D, { k: 3, jumpPenalty: 50, gridSize: 0.1, ret: sim.ret, nInit: 3 });
    expect(c.fitted.S).toBe(66);
    expect(accuracy(c.labels)).toBeGreaterThan(0.9);
    const m = fitJumpModel(sim.X, sim.T, sim.D, { k: 3, penaltyMatrix: [[0, 30, 60], [10, 0, 30], [20, 10, 0]], ret: sim.ret });
    expect(accuracy(m.labels)).toBeGreaterThan(0.95);
    const on = onlineLabels(sim.X, sim.T, sim.D, m.fitted);
    expect(accuracy(on)).toBeGreaterThan(0.9);
  });
});

describe('E-step and model details', () => {
  it('the DP is exactly optimal: brute force over every label path (fast-check)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 2, max: 3 }), fc.integer({ min: 1, max: 7 }), (seed, K, T) => {
      const rng = new Rng(seed);
      const D = 2;
      const X = Float64Array.from({ length: T * D }, () => rng.normal());
      const C = Float64Array.from({ length: K * D }, () => rng.normal());
      const P = new Float64Array(K * K);
      for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) P[i * K + j] = i === j ? 0 : 2 * rng.next();
      const m: FittedModel = { kind: 'jm', K, D, centers: C, featureWeights: Float64Array.from([1, 1]), S: K, probVecs: null, penalty: P };
      const p = predict(X, T, D, m);
      let best = Infinity;
      const lab = new Int32Array(T);
      for (let code = 0; code < K ** T; code++) {
        let c = code;
        for (let t = 0; t < T; t++) { lab[t] = c % K; c = Math.floor(c / K); }
        best = Math.min(best, objective(X, T, D, K, C, P, lab));
      }
      expect(Math.abs(p.objective - best)).toBeLessThan(1e-9 * (1 + best));
      expect(Math.abs(objective(X, T, D, K, C, P, p.labels) - best)).toBeLessThan(1e-9 * (1 + best));
    }), { numRuns: 80 });
  });

  it('the CJM E-step on a large grid (pruned scan) equals a full min-plus DP (fast-check)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 3, max: 60 }), fc.double({ min: 0, max: 300, noNaN: true }), (seed, T, lam) => {
      const rng = new Rng(seed);
      const D = 3, K = 3;
      const X = Float64Array.from({ length: T * D }, () => rng.normal());
      const fitted = fitContinuousJumpModel(X, T, D, { k: K, jumpPenalty: lam, gridSize: 0.1, nInit: 1, seed, maxIter: 2 }).fitted;
      expect(fitted.S).toBe(66); // > 64: the pruned path
      const { S, penalty: P, probVecs, centers: C } = fitted;
      // full DP, written out plainly
      let V = new Float64Array(S);
      const bp: Int32Array[] = [];
      for (let t = 0; t < T; t++) {
        const L = Array.from({ length: K }, (_, k) => { let s = 0; for (let d = 0; d < D; d++) { const a = X[t * D + d]! - C[k * D + d]!; s += a * a; } return Number.isNaN(s) ? 1e100 : 0.5 * s; }); // empty state: the reference's LARGE_FLOAT
        const Vn = new Float64Array(S), b = new Int32Array(S);
        for (let q = 0; q < S; q++) {
          let lq = 0;
          for (let k = 0; k < K; k++) lq += L[k]! * probVecs![q * K + k]!;
          if (t === 0) { Vn[q] = lq; continue; }
          let best = Infinity, arg = 0;
          for (let j = 0; j < S; j++) { const v = V[j]! + P[j * S + q]!; if (v < best) { best = v; arg = j; } }
          Vn[q] = lq + best; b[q] = arg;
        }
        bp.push(b); V = Vn;
      }
      let s = 0;
      for (let q = 1; q < S; q++) if (V[q]! < V[s]!) s = q;
      const path = new Int32Array(T);
      for (let t = T - 1; t >= 0; t--) { path[t] = s; if (t > 0) s = bp[t]![s]!; }
      const p = predict(X, T, D, fitted);
      expect(p.objective).toBe(V[path[T - 1]!]!);
      const want = Array.from(path, (q) => { let a = 0; for (let k = 1; k < K; k++) if (probVecs![q * K + k]! > probVecs![q * K + a]!) a = k; return a; });
      expect(Array.from(p.labels)).toEqual(want);
    }), { numRuns: 40 });
  });

  it('the objective equals J recomputed from labels and centroids (fixtures: objective_recomputed)', () => {
    const sim = simulate(13, 900, 5, 2);
    const r = fitJumpModel(sim.X, sim.T, sim.D, { jumpPenalty: 25, ret: sim.ret });
    expect(Math.abs(objective(sim.X, sim.T, sim.D, 2, r.centers, scalarPenaltyMatrix(25, 2), r.labels) - r.objective)).toBeLessThan(1e-9 * r.objective);
  });

  it('a state that loses every row stays empty (NaN centroid, sorted last), never re-seeded', () => {
    const sim = simulate(17, 300, 3, 2);
    // both starts on the same row: every row ties, goes to state 0; state 1 is empty from then on
    const r = fitJumpModel(sim.X, sim.T, sim.D, { jumpPenalty: 5, ret: sim.ret, initRows: [[10, 10]] });
    expect(new Set(r.labels)).toEqual(new Set([0]));
    expect(Number.isNaN(r.centers[sim.D]!)).toBe(true);
    expect(Array.from(onlineLabels(sim.X, sim.T, sim.D, r.fitted))).toEqual(new Array(sim.T).fill(0));
  });

  it('SJM weights satisfy w >= 0, ‖w‖₂ = 1, ‖w‖₁ <= κ up to the bisection tolerance (solveLasso, fast-check)', () => {
    // One top feature (a = 1), the others at least 0.01 below it: the bisection on the threshold δ
    // (tolerance 1e-8, method.md §4) then meets ‖w‖₁ = κ to well within 1e-4.
    fc.assert(fc.property(fc.array(fc.double({ min: 0, max: 0.99, noNaN: true }), { minLength: 1, maxLength: 19 }), fc.nat({ max: 19 }), fc.double({ min: 0, max: 1, noNaN: true }), (rest, pos, u) => {
      const arr = [...rest];
      arr.splice(pos % (rest.length + 1), 0, 1);
      const a = Float64Array.from(arr);
      const kappa = 1 + u * (Math.sqrt(a.length) - 1);
      const w = solveLasso(a, kappa);
      let l1 = 0, l2 = 0;
      for (const v of w) { expect(v).toBeGreaterThanOrEqual(0); l1 += v; l2 += v * v; }
      expect(Math.abs(Math.sqrt(l2) - 1)).toBeLessThan(1e-12);
      expect(l1).toBeLessThanOrEqual(kappa * (1 + 1e-4));
      // the weights keep the order of a
      for (let i = 0; i < a.length; i++) for (let j = 0; j < a.length; j++) if (a[i]! > a[j]!) expect(w[i]!).toBeGreaterThanOrEqual(w[j]!);
    }), { numRuns: 300 });
  });

  it('solveLasso: δ = 0 when ‖w‖₁ <= κ already, and tied top features share the weight (as the reference)', () => {
    const w0 = solveLasso(Float64Array.from([1, 0.5, 0.25]), Math.sqrt(3));
    const n = Math.hypot(1, 0.5, 0.25);
    expect(Array.from(w0).map((v) => v * n)).toEqual([1, 0.5, 0.25].map((v) => expect.closeTo(v, 14)));
    const tie = solveLasso(Float64Array.from([1, 1, 0, 0]), 1);
    expect(Array.from(tie)).toEqual([Math.SQRT1_2, Math.SQRT1_2, 0, 0].map((v) => expect.closeTo(v, 14)));
  });

  it('onIteration reports every E-step, and the SJM reports its weights', () => {
    const sim = simulate(4, 400, 4, 2);
    const seen: { fit: number; start: number; iter: number; objective: number; hasW: boolean }[] = [];
    const r = fitSparseJumpModel(sim.X, sim.T, sim.D, { jumpPenalty: 10, maxFeatures: 2, ret: sim.ret, nInit: 3, onIteration: (i) => seen.push({ ...i, hasW: !!i.w }) });
    expect(new Set(seen.map((s) => s.fit)).size).toBe(r.nOuterIter);
    expect(seen.every((s) => s.hasW)).toBe(true);
    const last = seen.filter((s) => s.fit === r.nOuterIter - 1 && s.start === r.bestStart);
    expect(last[last.length - 1]!.objective).toBe(r.objective);
  });

  it('rejects bad input with messages that say what and where', () => {
    const sim = simulate(1, 50, 3, 2);
    expect(() => fitJumpModel(sim.X, sim.T, sim.D, { k: 60 })).toThrow(/larger than the number of rows/);
    expect(() => fitJumpModel(sim.X, sim.T, sim.D, { penaltyMatrix: [[0, 1], [1]] })).toThrow(/square/);
    expect(() => fitJumpModel(sim.X, sim.T, sim.D, { penaltyMatrix: [[0, -1], [1, 0]] })).toThrow(/negative/);
    expect(() => fitJumpModel(sim.X, sim.T, sim.D, { penaltyMatrix: [[1, 1], [1, 0]] })).toThrow(/diagonal/);
    expect(() => fitSparseJumpModel(sim.X, sim.T, sim.D, { maxFeatures: 4 })).toThrow(/\[1, 3\]/);
    const bad = Float64Array.from(sim.X); bad[7] = NaN;
    expect(() => fitJumpModel(bad, sim.T, sim.D, {})).toThrow(/row 3, column 2/);
    expect(() => fitJumpModel(sim.X, sim.T, sim.D, { initRows: [[0, 99]] })).toThrow(/outside/);
    expect(() => onlineLabels(sim.X, sim.T, 2, fitJumpModel(sim.X, sim.T, sim.D, {}).fitted)).toThrow(/fitted on 3/);
  });
});

describe('replaying a path that an earlier start already computed (em.ts Visit)', () => {
  // Starts that reach a partition an earlier start went through replay its recorded steps. The
  // outcome must be bit-identical to running every start out: same labels, centroids, objective,
  // per-start objectives, chosen start and iteration count.
  const same = (a: JumpModelResult, b: JumpModelResult) => {
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(Array.from(a.centers)).toEqual(Array.from(b.centers));
    expect(a.objective).toBe(b.objective);
    expect(Array.from(a.startObjectives)).toEqual(Array.from(b.startObjectives));
    expect([a.bestStart, a.nIter]).toEqual([b.bestStart, b.nIter]);
  };
  const both = <R extends JumpModelResult>(fit: () => R): { off: R; on: R } => {
    setPathReplay(false);
    try { return { off: fit(), on: (setPathReplay(true), fit()) }; } finally { setPathReplay(true); }
  };
  it('gives the same fit as running every start out (JM, SJM, symmetric and asymmetric, K = 2 and 3)', () => {
    const before = pathReplayCount();
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e6 }), fc.constantFrom(2, 3), fc.double({ min: 0, max: 40, noNaN: true }), fc.boolean(), (seed, K, lam, asym) => {
      const { X, T, D, ret } = simulate(seed, 300, 5, K, { sep: 0.8 });
      const pen = asym && K === 2 ? { penaltyMatrix: asymmetricPenaltyMatrix(lam, lam / 2 + 1) } : { jumpPenalty: lam };
      const jm = both(() => fitJumpModel(X, T, D, { k: K, ...pen, ret, nInit: 10, seed }));
      same(jm.on, jm.off);
      const sjm = both(() => fitSparseJumpModel(X, T, D, { k: K, ...pen, maxFeatures: 2, ret, nInit: 10, seed }));
      same(sjm.on, sjm.off);
      expect(Array.from(sjm.on.w)).toEqual(Array.from(sjm.off.w));
    }), { numRuns: 40 });
    expect(pathReplayCount() - before).toBeGreaterThan(100); // the replay did happen
  });
});
