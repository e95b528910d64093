// The long-only mean-variance problem with a linear trade penalty (method.md §12 "Turnover
// controls"; Gârleanu & Pedersen 2013 for trading costs in the objective):
//
//     maximise  wᵀμ − (δ/2) wᵀΣw − γ·Σ_i |w_i − h_i|   subject to   Σ_i w_i = 1,  w ≥ 0
//
// with h the holdings the trade starts from (long-only, summing to 1). Splitting the trade into
// buys and sells, w = h + b − s with b, s ≥ 0, makes it a QP; |w_i − h_i| = b_i + s_i at the optimum
// because γ > 0 never pays for a buy and a sell of the same asset.
//
// Solver: a primal active-set method on the split problem, in the weights themselves (Best &
// Hlouskova 2005, "An algorithm for portfolio optimization with transaction costs", specialised
// like qp.ts to one budget constraint). Each asset is in one of four modes:
//   HOLD  w_i = h_i (no trade),         ZERO  w_i = 0 < h_i (sold out),
//   BUY   w_i > h_i (coefficient μ_i − γ), SELL  0 < w_i < h_i (coefficient μ_i + γ).
// With G = δΣ, ν the budget multiplier and r_i = μ_i − (Gw)_i + ν the marginal value of weight in
// asset i, the optimality (KKT) conditions are
//   BUY: r_i = γ;  SELL: r_i = −γ;  HOLD: −γ ≤ r_i ≤ γ (h_i > 0) or r_i ≤ γ (h_i = 0);  ZERO: r_i ≤ −γ.
// On a working set (the modes) the free weights solve G_FF w_F = μ̃_F − G_FX w_X + ν1 with the
// budget, in closed form from one Cholesky of G_FF (as in qp.ts); a step stops where a free weight
// reaches the end of its segment (h_i, or 0); a fixed weight whose r_i leaves its interval is
// released in the direction that gains. The start is h itself (no trade), always feasible; with a
// large γ it is often already optimal (the no-trade region). Strictly concave: the KKT point is the
// unique optimum, reached in finitely many steps.
//
// Fallback and independent check: the `quadprog` package (Goldfarb-Idnani) on the epigraph form
// of the same problem, variables (w, t) with t_i ≥ ±(w_i − h_i) and γ1ᵀt in the objective. t enters
// only linearly, so quadprog (which needs a positive definite Hessian) gets a ridge ½ε‖t‖², ε =
// 1e-8 × δ·max Σ_ii: its solution is within ~1e-6 of the optimum, not exactly on it. (The plain
// (b, s) split with a ridge on both is far worse conditioned: quadprog then returns wrong answers.)
// It is used only if the active set hits its iteration cap, and the result says so.
import quadprog from 'quadprog';
import { cholesky, choleskySolve } from './linalg.ts';
import { checkMeanVarianceInputs, maxDiag, withRidgeRetries, type QpSolver } from './qp.ts';

const HOLD = 0, ZERO = 1, BUY = 2, SELL = 3;

export interface TradePenaltyOptions {
  /** 'active-set' (default, quadprog as fallback) or 'quadprog' (ridged split problem, always). */
  solver?: QpSolver;
  /** Iteration cap of the active set. Default 20n + 20. */
  maxIterations?: number;
  /** Relative ridge ε/(δ·max Σ_ii) of the quadprog formulation. Default 1e-8. */
  quadprogRidge?: number;
}

/**
 * A reusable solver for one problem size (workspaces kept, nothing allocated per solve). Not
 * shared between threads or tuning trials (method.md §11): each owner creates its own.
 */
export class TradePenaltySolver {
  readonly n: number;
  private readonly mode: Uint8Array;
  private readonly free: Int32Array;
  private readonly L: Float64Array;
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly w: Float64Array;
  private readonly z: Float64Array;
  private readonly h: Float64Array;
  /** Budget multiplier ν of the last solve. */
  nu = 0;
  iterations = 0;
  solverUsed: QpSolver = 'active-set';
  /** Ridge added to δΣ (active set: only if Σ is not numerically positive definite; quadprog: always). */
  ridge = 0;

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`TradePenaltySolver: n must be a positive integer, got ${n}`);
    this.n = n;
    this.mode = new Uint8Array(n);
    this.free = new Int32Array(n);
    this.L = new Float64Array(n * n);
    this.a = new Float64Array(n);
    this.b = new Float64Array(n);
    this.w = new Float64Array(n);
    this.z = new Float64Array(n);
    this.h = new Float64Array(n);
  }

  /**
   * Solve for μ (n), Σ (n×n row-major, positive semi-definite), δ > 0, γ ≥ 0 and holdings h (n,
   * ≥ 0; rescaled to sum to 1). Writes the weights into `out` and returns it.
   */
  solve(mu: Float64Array, Sigma: Float64Array, delta: number, gamma: number, holdings: ArrayLike<number>, out: Float64Array = new Float64Array(this.n), options: TradePenaltyOptions = {}): Float64Array {
    const n = this.n;
    if (mu.length !== n || Sigma.length !== n * n || holdings.length !== n) {
      throw new RangeError(`TradePenaltySolver: expected μ of ${n}, Σ of ${n}×${n} and holdings of ${n}, got ${mu.length}, ${Sigma.length} and ${holdings.length}`);
    }
    checkMeanVarianceInputs(mu, Sigma, delta, n);
    if (!(gamma >= 0) || !Number.isFinite(gamma)) throw new RangeError(`trade penalty γ must be a number ≥ 0, got ${gamma}`);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const x = holdings[i]!;
      if (!Number.isFinite(x) || x < -1e-12) throw new RangeError(`holdings[${i}] is ${x}; the trade starts from long-only holdings`);
      const v = x > 0 ? x : 0;
      this.h[i] = v;
      sum += v;
    }
    if (!(sum > 0)) throw new RangeError('the holdings sum to 0; the trade penalty needs the current portfolio');
    for (let i = 0; i < n; i++) this.h[i] = this.h[i]! / sum;
    this.ridge = 0;
    if ((options.solver ?? 'active-set') === 'active-set') {
      const maxIter = options.maxIterations ?? 20 * n + 20;
      const r = withRidgeRetries(Sigma, n, delta, (ridge) => { this.ridge = ridge; return this.activeSet(mu, Sigma, delta, gamma, maxIter); });
      this.ridge = r.ridge;
      if (r.ok) { out.set(this.w); this.solverUsed = 'active-set'; return out; }
    }
    this.quadprog(mu, Sigma, delta, gamma, out, options.quadprogRidge ?? 1e-8);
    return out;
  }

  /** (Gw)_i with G = δΣ + ridge·I. */
  private gradientTerm(S: Float64Array, delta: number, i: number): number {
    const n = this.n, w = this.w, ri = i * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += S[ri + j]! * w[j]!;
    return delta * s + this.ridge * w[i]!;
  }

  private activeSet(mu: Float64Array, S: Float64Array, delta: number, gamma: number, maxIter: number): 'ok' | 'notpd' | 'cycle' {
    const n = this.n, mode = this.mode, free = this.free, L = this.L, a = this.a, b = this.b, w = this.w, z = this.z, h = this.h;
    // Start from the holdings: no trade, every asset in HOLD.
    for (let i = 0; i < n; i++) { w[i] = h[i]!; mode[i] = HOLD; }
    let scale = 1;
    for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(mu[i]!));
    const tol = 1e-13 * (scale + gamma + delta * maxDiag(S, n));
    const ridge = this.ridge;

    for (let iter = 1; iter <= maxIter; iter++) {
      this.iterations = iter;
      let m = 0, fixedSum = 0;
      for (let i = 0; i < n; i++) {
        if (mode[i] === BUY || mode[i] === SELL) free[m++] = i;
        else fixedSum += w[i]!;
      }
      let nu: number;
      if (m > 0) {
        // Free block: G_FF w_F = μ̃_F − G_FX w_X + ν1, 1ᵀw_F = 1 − Σ_X w_X.
        for (let r = 0; r < m; r++) {
          const fr = free[r]! * n;
          for (let c = 0; c <= r; c++) L[r * n + c] = delta * S[fr + free[c]!]!;
          L[r * n + r] = L[r * n + r]! + ridge;
        }
        if (!cholesky(L, m, n)) return 'notpd';
        for (let r = 0; r < m; r++) {
          const i = free[r]!, ri = i * n;
          let gx = 0;
          for (let j = 0; j < n; j++) if (mode[j] === HOLD || mode[j] === ZERO) gx += S[ri + j]! * w[j]!;
          a[r] = mu[i]! + (mode[i] === BUY ? -gamma : gamma) - delta * gx;
          b[r] = 1;
        }
        choleskySolve(L, m, n, a);
        choleskySolve(L, m, n, b);
        let sa = 0, sb = 0;
        for (let r = 0; r < m; r++) { sa += a[r]!; sb += b[r]!; }
        nu = (1 - fixedSum - sa) / sb;
        // Step towards z, stopping where a free weight reaches the end of its segment.
        let alpha = 1, block = -1, blockMode = HOLD;
        for (let r = 0; r < m; r++) {
          const i = free[r]!, zi = a[r]! + nu * b[r]!, wi = w[i]!;
          z[r] = zi;
          const p = zi - wi;
          if (mode[i] === BUY) {
            if (zi < h[i]!) { const ratio = (wi - h[i]!) / -p; if (ratio < alpha) { alpha = ratio; block = i; blockMode = HOLD; } }
          } else if (zi < 0) {
            const ratio = wi / -p; if (ratio < alpha) { alpha = ratio; block = i; blockMode = ZERO; }
          } else if (zi > h[i]!) {
            const ratio = (h[i]! - wi) / p; if (ratio < alpha) { alpha = ratio; block = i; blockMode = HOLD; }
          }
        }
        if (block >= 0) {
          for (let r = 0; r < m; r++) { const i = free[r]!; w[i] = w[i]! + alpha * (z[r]! - w[i]!); }
          w[block] = blockMode === ZERO ? 0 : h[block]!;
          mode[block] = blockMode;
          continue;
        }
        for (let r = 0; r < m; r++) w[free[r]!] = z[r]!;
      } else {
        // Every weight fixed (at h or 0, summing to 1): ν is any value that keeps each r_i in its
        // interval. Take the middle of the feasible range, or release the two assets in conflict.
        let lo = -Infinity, hi = Infinity, loAt = -1, hiAt = -1;
        for (let i = 0; i < n; i++) {
          const gi = mu[i]! - this.gradientTerm(S, delta, i);
          const lower = mode[i] === HOLD && h[i]! > 0 ? -gamma - gi : -Infinity;
          const upper = (mode[i] === HOLD ? gamma : -gamma) - gi;
          if (lower > lo) { lo = lower; loAt = i; }
          if (upper < hi) { hi = upper; hiAt = i; }
        }
        if (lo > hi + tol) {
          // Selling loAt to buy hiAt gains lo − hi > 0 per unit: release both.
          mode[loAt] = SELL;
          mode[hiAt] = mode[hiAt] === HOLD ? BUY : SELL;
          continue;
        }
        this.nu = Number.isFinite(lo) ? (Number.isFinite(hi) ? 0.5 * (lo + hi) : lo) : hi;
        return 'ok';
      }

      // Full step taken: check the fixed weights' conditions with this ν.
      let worst = -1, worstGain = tol, worstTo = HOLD;
      for (let i = 0; i < n; i++) {
        if (mode[i] === BUY || mode[i] === SELL) continue;
        const r = mu[i]! - this.gradientTerm(S, delta, i) + nu;
        let gain = 0, to = HOLD;
        if (mode[i] === HOLD) {
          if (r - gamma > gain) { gain = r - gamma; to = BUY; }
          if (h[i]! > 0 && -gamma - r > gain) { gain = -gamma - r; to = SELL; }
        } else if (r + gamma > gain) { gain = r + gamma; to = SELL; } // ZERO: buy back towards h_i
        if (gain > worstGain) { worstGain = gain; worst = i; worstTo = to; }
      }
      if (worst < 0) { this.nu = nu; return 'ok'; }
      mode[worst] = worstTo;
    }
    return 'cycle';
  }

  /**
   * quadprog on the epigraph form: x = (w, t) with t_i ≥ |w_i − h_i| (t = b + s at the optimum),
   * minimise ½wᵀGw − μᵀw + γ1ᵀt + ½ε‖t‖²: G keeps the w block well conditioned and the ridge ε
   * (needed because t enters linearly) touches only t (see the header).
   */
  private quadprog(mu: Float64Array, S: Float64Array, delta: number, gamma: number, out: Float64Array, relRidge: number): void {
    const n = this.n, h = this.h;
    const eps = relRidge * delta * maxDiag(S, n) || 1e-12;
    const ridge = this.ridge;
    const D: number[][] = [[]], d: number[] = [0];
    for (let p = 0; p < 2 * n; p++) {
      const row: number[] = new Array<number>(2 * n + 1).fill(0);
      if (p < n) for (let j = 0; j < n; j++) row[1 + j] = delta * S[p * n + j]! + (p === j ? ridge : 0);
      else row[1 + p] = eps;
      D.push(row);
      d.push(p < n ? mu[p]! : -gamma);
    }
    // Constraints (columns): 1ᵀw = 1 (equality); w ≥ 0; t − w ≥ −h; t + w ≥ h.
    const q = 1 + 3 * n;
    const A: number[][] = [[]];
    for (let p = 0; p < 2 * n; p++) {
      const col: number[] = new Array<number>(q + 1).fill(0);
      if (p < n) {
        col[1] = 1; col[2 + p] = 1; col[2 + n + p] = -1; col[2 + 2 * n + p] = 1;
      } else {
        const i = p - n;
        col[2 + n + i] = 1; col[2 + 2 * n + i] = 1;
      }
      A.push(col);
    }
    const b0: number[] = [0, 1];
    for (let i = 0; i < n; i++) b0.push(0);
    for (let i = 0; i < n; i++) b0.push(-h[i]!);
    for (let i = 0; i < n; i++) b0.push(h[i]!);
    const res = quadprog.solveQP(D, d, A, b0, 1, [0, 0]);
    if (res.message) throw new Error(`trade-penalty QP failed: ${res.message}`);
    // The ridge on t leaves the solve ill conditioned: w ≥ 0 holds only to its accuracy (weights
    // between −1e-12 and −3e-9 where the optimum has 0, in about 1 random problem in 12). Such a
    // point is infeasible and can score above the optimum: set them to 0 and rescale to the budget
    // (noise of the constrained solve, not the clipping of an unconstrained solution of §11).
    let total = 0;
    for (let i = 0; i < n; i++) {
      const v = res.solution[i + 1]!;
      if (v < -1e-6) throw new Error(`trade-penalty QP failed: weight ${i} is ${v}, below 0 beyond the solve's accuracy`);
      out[i] = v > 0 ? v : 0;
      total += out[i]!;
    }
    for (let i = 0; i < n; i++) { out[i] = out[i]! / total; this.w[i] = out[i]!; }
    this.ridge = eps;
    this.nu = NaN;
    this.iterations = res.iterations[1] ?? 0;
    this.solverUsed = 'quadprog';
  }
}

/** wᵀμ − (δ/2) wᵀΣw − γ·Σ|w − h|: the objective above (for reports and tests). */
export function tradePenaltyObjective(w: ArrayLike<number>, mu: ArrayLike<number>, Sigma: Float64Array, delta: number, gamma: number, holdings: ArrayLike<number>): number {
  const n = w.length;
  let ret = 0, risk = 0, traded = 0;
  for (let i = 0; i < n; i++) {
    ret += w[i]! * mu[i]!;
    traded += Math.abs(w[i]! - holdings[i]!);
    let t = 0;
    for (let j = 0; j < n; j++) t += Sigma[i * n + j]! * w[j]!;
    risk += w[i]! * t;
  }
  return ret - (delta / 2) * risk - gamma * traded;
}

/** One-shot solve (for many solves of one size keep a `TradePenaltySolver`). */
export function solveTradePenalty(mu: Float64Array, Sigma: Float64Array, delta: number, gamma: number, holdings: ArrayLike<number>, options: TradePenaltyOptions = {}): { weights: Float64Array; budgetMultiplier: number; iterations: number; solver: QpSolver; ridge: number } {
  const s = new TradePenaltySolver(mu.length);
  const weights = s.solve(mu, Sigma, delta, gamma, holdings, new Float64Array(mu.length), options);
  return { weights, budgetMultiplier: s.nu, iterations: s.iterations, solver: s.solverUsed, ridge: s.ridge };
}
