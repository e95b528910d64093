// The long-only, fully invested mean-variance problem of method.md §8:
//
//     maximise  wᵀμ − (δ/2) wᵀΣw   subject to   Σ_i w_i = 1,  w ≥ 0
//
// solved exactly — never by clipping an unconstrained solution and renormalising (method.md §11).
//
// Solver: a primal active-set method (Nocedal & Wright, Numerical Optimization, 2nd ed., §16.5,
// algorithm 16.3) specialised to one equality and bound constraints. With G = δΣ the KKT
// conditions are
//     G w − μ = ν·1 + λ,   1ᵀw = 1,   w ≥ 0,   λ ≥ 0,   λ_i w_i = 0,
// (ν: budget multiplier, λ: bound multipliers). On a working set W of weights held at 0 the
// equality-constrained subproblem has the closed form w_F = G_FF⁻¹(μ_F + ν1), ν = (1 − 1ᵀG_FF⁻¹μ_F) /
// 1ᵀG_FF⁻¹1: one Cholesky of G_FF and two solves. Steps stop at the first weight that would turn
// negative; a bound whose multiplier is negative is released. Finite termination for a strictly
// convex QP; from a warm working set (the previous solve's, e.g. the previous bisection step or the
// previous day) it usually ends after one subproblem.
//
// Fallback: the `quadprog` package (Goldfarb-Idnani dual method, port of R's quadprog) if the
// active-set loop hits its iteration cap (it should not; it guards against degenerate cycling).
// Σ that is not numerically positive definite gets a tiny ridge (1e-10 × its largest diagonal,
// growing ×100 up to three times) and the result says so.
import quadprog from 'quadprog';
import { cholesky, choleskySolve } from './linalg.ts';

export type QpSolver = 'active-set' | 'quadprog';

export interface QpOptions {
  /** 'active-set' (default, with quadprog as fallback) or 'quadprog' (always). */
  solver?: QpSolver;
  /** Iteration cap of the active-set loop before falling back to quadprog. Default 10n + 20. */
  maxIterations?: number;
}

export interface QpResult {
  /** Optimal weights (≥ 0, summing to 1). */
  weights: Float64Array;
  /** ν in G w − μ = ν·1 + λ. */
  budgetMultiplier: number;
  /** λ_i ≥ 0 of the bounds w_i ≥ 0 (0 where w_i > 0). */
  boundMultipliers: Float64Array;
  /** Objective wᵀμ − (δ/2) wᵀΣw at the solution. */
  objective: number;
  iterations: number;
  solver: QpSolver;
  /** Ridge added to δΣ's diagonal to make it positive definite (0 normally). */
  ridge: number;
}

/**
 * A reusable solver for one problem size: keeps its workspaces and the last working set, so that
 * a sequence of similar problems (bisection steps, consecutive days) is solved warm. Not shared
 * between threads or tuning trials (method.md §11): each owner creates its own.
 */
export class LongOnlyMeanVarianceSolver {
  readonly n: number;
  private readonly active: Uint8Array;
  private readonly free: Int32Array;
  private readonly L: Float64Array;
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly w: Float64Array;
  private readonly z: Float64Array;
  private readonly g: Float64Array;
  /** Multipliers of the last solve. */
  readonly lambda: Float64Array;
  nu = 0;
  iterations = 0;
  solverUsed: QpSolver = 'active-set';
  ridge = 0;

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`LongOnlyMeanVarianceSolver: n must be a positive integer, got ${n}`);
    this.n = n;
    this.active = new Uint8Array(n);
    this.free = new Int32Array(n);
    this.L = new Float64Array(n * n);
    this.a = new Float64Array(n);
    this.b = new Float64Array(n);
    this.w = new Float64Array(n);
    this.z = new Float64Array(n);
    this.g = new Float64Array(n);
    this.lambda = new Float64Array(n);
  }

  /** Forget the warm working set (the next solve starts with every weight free). */
  reset(): void { this.active.fill(0); }

  /**
   * Solve for μ (n), Σ (n×n row-major, symmetric positive semi-definite) and δ > 0. Writes the
   * weights into `out` and returns it. Multipliers are left in `nu` / `lambda`.
   */
  solve(mu: Float64Array, Sigma: Float64Array, delta: number, out: Float64Array = new Float64Array(this.n), options: QpOptions = {}): Float64Array {
    const n = this.n;
    if (mu.length !== n || Sigma.length !== n * n) throw new RangeError(`LongOnlyMeanVarianceSolver: expected μ of ${n} and Σ of ${n}×${n}, got ${mu.length} and ${Sigma.length}`);
    checkMeanVarianceInputs(mu, Sigma, delta, n);
    this.ridge = 0;
    if ((options.solver ?? 'active-set') === 'active-set') {
      const maxIter = options.maxIterations ?? 10 * n + 20;
      const r = withRidgeRetries(Sigma, n, delta, (ridge) => { this.ridge = ridge; return this.activeSet(mu, Sigma, delta, maxIter); });
      this.ridge = r.ridge;
      if (r.ok) { out.set(this.w); this.solverUsed = 'active-set'; return out; }
    }
    this.quadprog(mu, Sigma, delta, out);
    return out;
  }

  private activeSet(mu: Float64Array, S: Float64Array, delta: number, maxIter: number): 'ok' | 'notpd' | 'cycle' {
    const n = this.n, active = this.active, free = this.free, L = this.L, a = this.a, b = this.b, w = this.w, z = this.z, g = this.g;
    let nf = 0;
    for (let i = 0; i < n; i++) if (!active[i]) nf++;
    if (nf === 0) { active.fill(0); nf = n; }
    // A feasible start on the working set: equal weights over the free assets.
    for (let i = 0; i < n; i++) w[i] = active[i] ? 0 : 1 / nf;
    let scale = 1;
    for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(mu[i]!));
    const tol = 1e-13 * (scale + delta * maxDiag(S, n));
    const ridge = this.ridge;

    for (let iter = 1; iter <= maxIter; iter++) {
      this.iterations = iter;
      let m = 0;
      for (let i = 0; i < n; i++) if (!active[i]) free[m++] = i;
      // G_FF = δ Σ_FF (+ ridge), factorised in L (row stride n).
      for (let r = 0; r < m; r++) {
        const fr = free[r]! * n;
        for (let c = 0; c <= r; c++) L[r * n + c] = delta * S[fr + free[c]!]!;
        L[r * n + r] = L[r * n + r]! + ridge;
      }
      if (!cholesky(L, m, n)) return 'notpd';
      for (let r = 0; r < m; r++) { a[r] = mu[free[r]!]!; b[r] = 1; }
      choleskySolve(L, m, n, a);
      choleskySolve(L, m, n, b);
      let sa = 0, sb = 0;
      for (let r = 0; r < m; r++) { sa += a[r]!; sb += b[r]!; }
      const nu = (1 - sa) / sb;
      let feasible = true;
      for (let r = 0; r < m; r++) { const v = a[r]! + nu * b[r]!; z[r] = v; if (v < 0) feasible = false; }

      if (!feasible) {
        // Step from w towards z until the first free weight reaches 0 (ties: lowest index).
        let alpha = 1, block = -1;
        for (let r = 0; r < m; r++) {
          const i = free[r]!, zi = z[r]!;
          if (zi < 0) {
            const ratio = w[i]! / (w[i]! - zi);
            if (ratio < alpha) { alpha = ratio; block = i; }
          }
        }
        for (let r = 0; r < m; r++) { const i = free[r]!; w[i] = w[i]! + alpha * (z[r]! - w[i]!); }
        if (block >= 0) { w[block] = 0; active[block] = 1; }
        continue;
      }

      // Full step: w = z. Check the multipliers of the bounds in the working set.
      for (let r = 0; r < m; r++) w[free[r]!] = z[r]!;
      for (let i = 0; i < n; i++) if (active[i]) w[i] = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        const ri = i * n;
        for (let j = 0; j < n; j++) s += S[ri + j]! * w[j]!;
        g[i] = delta * s + ridge * w[i]! - mu[i]!;
      }
      let worst = -1, worstVal = -tol;
      for (let i = 0; i < n; i++) {
        if (!active[i]) { this.lambda[i] = 0; continue; }
        const lam = g[i]! - nu;
        this.lambda[i] = lam;
        if (lam < worstVal) { worstVal = lam; worst = i; }
      }
      if (worst < 0) {
        this.nu = nu;
        for (let i = 0; i < n; i++) if (this.lambda[i]! < 0) this.lambda[i] = 0;
        return 'ok';
      }
      active[worst] = 0;
    }
    return 'cycle';
  }

  private quadprog(mu: Float64Array, S: Float64Array, delta: number, out: Float64Array): void {
    const n = this.n;
    // 1-based arrays (index 0 unused), as the Fortran port expects. Amat is n × (n+1): column 1 is
    // the budget (equality, meq = 1), columns 2…n+1 the bounds w_i ≥ 0.
    const D: number[][] = [[]], d: number[] = [0], A: number[][] = [[]], b0: number[] = [0, 1];
    const ridge = this.ridge;
    for (let i = 1; i <= n; i++) {
      const row: number[] = [0];
      for (let j = 1; j <= n; j++) row.push(delta * S[(i - 1) * n + (j - 1)]! + (i === j ? ridge : 0));
      D.push(row);
      d.push(mu[i - 1]!);
      const arow: number[] = [0, 1];
      for (let j = 1; j <= n; j++) arow.push(i === j ? 1 : 0);
      A.push(arow);
      b0.push(0);
    }
    let res = quadprog.solveQP(D, d, A, b0, 1, [0, 0]);
    if (res.message) {
      // Not positive definite even for quadprog: ridge harder once.
      this.ridge = Math.max(ridge * 100, 1e-10 * maxDiag(S, n) * delta || 1e-300);
      for (let i = 1; i <= n; i++) {
        for (let j = 1; j <= n; j++) D[i]![j] = delta * S[(i - 1) * n + (j - 1)]! + (i === j ? this.ridge : 0);
        d[i] = mu[i - 1]!;
      }
      res = quadprog.solveQP(D, d, A, b0, 1, [0, 0]);
      if (res.message) throw new Error(`long-only mean-variance QP failed: ${res.message}`);
    }
    for (let i = 0; i < n; i++) {
      // Goldfarb-Idnani returns bound-active weights as ±1e-17 noise: they are 0.
      const v = res.solution[i + 1]!;
      out[i] = v < 0 && v > -1e-12 ? 0 : v;
      this.w[i] = out[i]!;
      this.lambda[i] = Math.max(0, res.Lagrangian[i + 2] ?? 0);
      this.active[i] = out[i] === 0 ? 1 : 0;
    }
    this.nu = res.Lagrangian[1] ?? 0;
    // quadprog's λ for the equality has an arbitrary sign convention: recover ν from stationarity
    // on a positive weight instead (G w − μ = ν on the free set).
    let best = -1;
    for (let i = 0; i < n; i++) if (best < 0 || out[i]! > out[best]!) best = i;
    let s = 0;
    for (let j = 0; j < n; j++) s += (delta * S[best * n + j]! + (best === j ? this.ridge : 0)) * out[j]!;
    this.nu = s - mu[best]!;
    this.iterations = res.iterations[1] ?? 0;
    this.solverUsed = 'quadprog';
  }
}

/** The largest |Σ_ii|. */
export function maxDiag(S: Float64Array, n: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(S[i * n + i]!));
  return m;
}

/** δ > 0 and every μ_i, Σ_ij finite, else a RangeError naming the entry. */
export function checkMeanVarianceInputs(mu: Float64Array, Sigma: Float64Array, delta: number, n: number): void {
  if (!(delta > 0) || !Number.isFinite(delta)) throw new RangeError(`risk aversion δ must be a positive number, got ${delta}`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(mu[i]!)) throw new RangeError(`expected return μ[${i}] is ${mu[i]}; all inputs must be finite`);
  for (let k = 0; k < n * n; k++) if (!Number.isFinite(Sigma[k]!)) throw new RangeError(`covariance Σ[${Math.floor(k / n)}][${k % n}] is ${Sigma[k]}; all inputs must be finite`);
}

/**
 * Runs an active-set solve with ridge 0, then, while δΣ is not numerically positive definite,
 * with a ridge of 1e-10 × δ·max Σ_ii growing ×100 (four attempts in all). `ok`: a solve ended
 * 'ok'; otherwise (a 'cycle', or four failures) the caller falls back to quadprog with `ridge`.
 */
export function withRidgeRetries(Sigma: Float64Array, n: number, delta: number, solve: (ridge: number) => 'ok' | 'notpd' | 'cycle'): { ok: boolean; ridge: number } {
  let ridge = 0;
  for (let attempt = 0; attempt < 4; attempt++) {
    const r = solve(ridge);
    if (r === 'ok') return { ok: true, ridge };
    if (r === 'cycle') return { ok: false, ridge };
    ridge = ridge === 0 ? 1e-10 * maxDiag(Sigma, n) * delta || 1e-300 : ridge * 100;
  }
  return { ok: false, ridge };
}

/**
 * Maximise wᵀμ − (δ/2) wᵀΣw subject to Σw = 1, w ≥ 0 (method.md §8). Plain Float64Array in and
 * out; Σ is n×n row-major. For many solves of the same size keep a `LongOnlyMeanVarianceSolver`.
 */
export function solveLongOnlyMeanVariance(mu: Float64Array, Sigma: Float64Array, delta: number, options: QpOptions = {}): QpResult {
  const s = new LongOnlyMeanVarianceSolver(mu.length);
  const w = s.solve(mu, Sigma, delta, new Float64Array(mu.length), options);
  const n = mu.length;
  let ret = 0, risk = 0;
  for (let i = 0; i < n; i++) {
    ret += w[i]! * mu[i]!;
    let t = 0;
    for (let j = 0; j < n; j++) t += Sigma[i * n + j]! * w[j]!;
    risk += w[i]! * t;
  }
  return {
    weights: w,
    budgetMultiplier: s.nu,
    boundMultipliers: Float64Array.from(s.lambda),
    objective: ret - (delta / 2) * risk,
    iterations: s.iterations,
    solver: s.solverUsed,
    ridge: s.ridge,
  };
}
