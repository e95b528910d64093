// Black-Litterman with regime views, and tracking-error targeting (method.md §8).
//
//   prior        π = δ Σ w_b                       (w_b: the equal-weight benchmark)
//   views        P (k×n): row f = +1 on factor f, −1 on the market;  Q_f = μ of f's current regime
//   uncertainty  Ω = diag(P τΣ Pᵀ) / c              (c: view confidence)
//   posterior    μ_BL = π + τΣPᵀ (PτΣPᵀ + Ω)⁻¹ (Q − Pπ)
//   weights      argmax wᵀμ_BL − (δ/2) wᵀΣw  s.t. Σw = 1, w ≥ 0      (qp.ts)
//   TE(c)        sqrt((w − w_b)ᵀ Σ (w − w_b)), rising with c: c → 0 gives μ_BL → π, whose
//                optimum is w_b itself (TE 0); c → ∞ trusts the views fully.
// `targetTrackingError` finds the smallest c with TE(c) = target: a decade scan, then bisection on
// log c; where TE is below the target, c must go UP (the direction an earlier implementation got
// wrong, §11). See the method's doc comment for why TE is monotone only until bounds bind.
//
// Everything is plain Float64Array (Σ n×n row-major, P k×n row-major). `BlackLittermanAllocator`
// keeps its workspaces so the backtest's daily loop allocates only its results.
import { cholesky, choleskySolve } from './linalg.ts';
import { LongOnlyMeanVarianceSolver, type QpSolver } from './qp.ts';
import { TradePenaltySolver } from './trade-penalty.ts';

export interface BlackLittermanInput {
  /** Covariance Σ, n×n row-major, annualised. */
  Sigma: Float64Array;
  /** Benchmark weights w_b (n), summing to 1. */
  wBenchmark: Float64Array;
  /** View matrix P, k×n row-major (see `longShortViewMatrix`). */
  P: Float64Array;
  /** View values Q (k): annualised expected active returns of the views. */
  Q: Float64Array;
  /** δ. */
  riskAversion: number;
  /** τ. */
  tau: number;
}

export interface BlackLittermanPosterior {
  /** π = δΣw_b. */
  prior: Float64Array;
  /** μ_BL at the given confidence. */
  posterior: Float64Array;
}

export type TrackingErrorStatus = 'ok' | 'below' | 'above';

export interface TrackingErrorTargetOptions {
  /** Target ex-ante tracking error, annualised (method default 0.02). */
  target: number;
  /** Search range of the confidence c. Defaults 1e-6 and 1e6 (TE is flat beyond both). */
  confidenceMin?: number;
  confidenceMax?: number;
  /** Stop when |TE − target| ≤ tolerance. Default 1e-7 (0.001 bp). */
  tolerance?: number;
  /** Scan points per decade of c before the bisection (default 1: c = cMin, 10·cMin, …). */
  scanPointsPerDecade?: number;
  /** Bisection steps at most. Default 100. */
  maxIterations?: number;
  solver?: QpSolver;
  /**
   * Trade penalty (method.md §12): the weights maximise wᵀμ_BL − δ/2 wᵀΣw − γ·Σ|w − h| from the
   * holdings h (trade-penalty.ts). Absent or γ = 0: none. See `targetTrackingError` for its effect
   * on the TE target.
   */
  tradePenalty?: TradePenalty;
}

/** γ (annual return per unit traded) and the holdings h the trade starts from. */
export interface TradePenalty {
  gamma: number;
  holdings: ArrayLike<number>;
}

export interface TrackingErrorTargetResult {
  /** Long-only, fully invested weights at the chosen confidence. */
  weights: Float64Array;
  /** The chosen view confidence c. */
  confidence: number;
  /** Achieved ex-ante tracking error. */
  trackingError: number;
  /**
   * 'ok' — target hit within the tolerance; 'below' — no confidence up to confidenceMax reaches
   * the target (c = confidenceMax used, e.g. views equal to the prior); 'above' — even the least
   * confident views overshoot (c = confidenceMin used). Out-of-reach days are flagged, never
   * silently clipped (method §8).
   */
  status: TrackingErrorStatus;
  /** Number of TE evaluations (each one QP). */
  evaluations: number;
  prior: Float64Array;
  /** μ_BL at the chosen confidence. */
  posterior: Float64Array;
}

/** Equal weights 1/n (the EW benchmark, method.md §8). */
export function equalWeights(n: number): Float64Array {
  return new Float64Array(n).fill(1 / n);
}

/**
 * P for one view per factor, long factor / short market (method.md §8): row r has +1 at
 * `factorIndices[r]` and −1 at `marketIndex`.
 */
export function longShortViewMatrix(nAssets: number, marketIndex: number, factorIndices: ArrayLike<number>): Float64Array {
  const k = factorIndices.length;
  const P = new Float64Array(k * nAssets);
  if (marketIndex < 0 || marketIndex >= nAssets) throw new RangeError(`longShortViewMatrix: market index ${marketIndex} is outside 0…${nAssets - 1}`);
  for (let r = 0; r < k; r++) {
    const f = factorIndices[r]!;
    if (f < 0 || f >= nAssets || f === marketIndex) throw new RangeError(`longShortViewMatrix: factor index ${f} must be an asset other than the market (0…${nAssets - 1})`);
    P[r * nAssets + f] = 1;
    P[r * nAssets + marketIndex] = -1;
  }
  return P;
}

/** Ex-ante tracking error sqrt((w − w_b)ᵀ Σ (w − w_b)). */
export function trackingError(w: ArrayLike<number>, wBenchmark: ArrayLike<number>, Sigma: Float64Array): number {
  const n = w.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const di = w[i]! - wBenchmark[i]!;
    if (di === 0) continue;
    let t = 0;
    for (let j = 0; j < n; j++) t += Sigma[i * n + j]! * (w[j]! - wBenchmark[j]!);
    s += di * t;
  }
  return Math.sqrt(Math.max(0, s));
}

/**
 * Black-Litterman and TE targeting for a fixed universe (n assets, k views). Call `prepare` with
 * the day's Σ, P, Q, then `posterior(c)`, `weightsAt(c)` or `targetTrackingError(...)`.
 * One instance per backtest strategy; never shared between threads or tuning trials (§11).
 */
export class BlackLittermanAllocator {
  readonly n: number;
  readonly k: number;
  private readonly Sigma: Float64Array;
  private readonly wb: Float64Array;
  private readonly prior: Float64Array;
  /** B = τ Σ Pᵀ (n×k). */
  private readonly B: Float64Array;
  private readonly P: Float64Array;
  /** A = P τΣ Pᵀ (k×k). */
  private readonly A: Float64Array;
  /** d = Q − Pπ (k). */
  private readonly d: Float64Array;
  private readonly M: Float64Array;
  private readonly x: Float64Array;
  private readonly mu: Float64Array;
  private readonly w: Float64Array;
  private readonly qp: LongOnlyMeanVarianceSolver;
  private penaltyQp: TradePenaltySolver | null = null;
  private delta = 2.5;
  private tau = 0.05;
  /** Every row of P sums to 0 (long-short views): enables the interior shortcut of weightsAt. */
  private zeroSumViews = false;
  private viewsEqualPrior = true;
  private prepared = false;

  constructor(nAssets: number, nViews: number) {
    this.n = nAssets; this.k = nViews;
    this.Sigma = new Float64Array(nAssets * nAssets);
    this.wb = new Float64Array(nAssets);
    this.prior = new Float64Array(nAssets);
    this.B = new Float64Array(nAssets * nViews);
    this.P = new Float64Array(nViews * nAssets);
    this.A = new Float64Array(nViews * nViews);
    this.d = new Float64Array(nViews);
    this.M = new Float64Array(nViews * nViews);
    this.x = new Float64Array(nViews);
    this.mu = new Float64Array(nAssets);
    this.w = new Float64Array(nAssets);
    this.qp = new LongOnlyMeanVarianceSolver(nAssets);
  }

  /** Load one day's inputs and precompute everything that does not depend on c. */
  prepare(input: BlackLittermanInput): void {
    const { n, k } = this;
    const { Sigma, wBenchmark, P, Q, riskAversion: delta, tau } = input;
    if (Sigma.length !== n * n || wBenchmark.length !== n || P.length !== k * n || Q.length !== k) {
      throw new RangeError(`BlackLittermanAllocator: expected Σ ${n}×${n}, w_b ${n}, P ${k}×${n}, Q ${k}; got ${Sigma.length}, ${wBenchmark.length}, ${P.length}, ${Q.length}`);
    }
    if (!(delta > 0) || !(tau > 0)) throw new RangeError(`Black-Litterman needs δ > 0 and τ > 0, got δ = ${delta}, τ = ${tau}`);
    for (let i = 0; i < n * n; i++) if (!Number.isFinite(Sigma[i]!)) throw new RangeError(`Black-Litterman: Σ[${Math.floor(i / n)}][${i % n}] is ${Sigma[i]}`);
    for (let r = 0; r < k; r++) if (!Number.isFinite(Q[r]!)) throw new RangeError(`Black-Litterman: view Q[${r}] is ${Q[r]}; every view needs a finite expected return`);
    this.delta = delta;
    this.tau = tau;
    this.Sigma.set(Sigma);
    let zeroSum = true;
    for (let r = 0; r < k && zeroSum; r++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += P[r * n + j]!;
      if (s !== 0) zeroSum = false;
    }
    this.zeroSumViews = zeroSum;
    this.wb.set(wBenchmark);
    this.P.set(P);
    // π = δ Σ w_b
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += Sigma[i * n + j]! * wBenchmark[j]!;
      this.prior[i] = delta * s;
    }
    // B = τ Σ Pᵀ (n×k), A = P B (k×k), d = Q − Pπ
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < k; r++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += Sigma[i * n + j]! * P[r * n + j]!;
        this.B[i * k + r] = tau * s;
      }
    }
    let allZero = true;
    for (let r = 0; r < k; r++) {
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += P[r * n + j]! * this.B[j * k + c]!;
        this.A[r * k + c] = s;
      }
      let pp = 0;
      for (let j = 0; j < n; j++) pp += P[r * n + j]! * this.prior[j]!;
      this.d[r] = Q[r]! - pp;
      if (this.d[r] !== 0) allZero = false;
    }
    this.viewsEqualPrior = allZero;
    this.prepared = true;
  }

  /** μ_BL at confidence c into `out`. */
  posterior(c: number, out: Float64Array = new Float64Array(this.n)): Float64Array {
    if (!this.prepared) throw new Error('BlackLittermanAllocator: call prepare() first');
    const { n, k, A, M, x, B } = this;
    out.set(this.prior);
    if (this.viewsEqualPrior || k === 0) return out;
    // M = A + Ω = A + diag(A)/c; solve M x = d.
    let maxd = 0;
    for (let r = 0; r < k; r++) maxd = Math.max(maxd, A[r * k + r]!);
    for (let attempt = 0; ; attempt++) {
      const ridge = attempt === 0 ? 0 : maxd * 1e-12 * 100 ** (attempt - 1);
      for (let r = 0; r < k; r++) {
        for (let cc = 0; cc <= r; cc++) M[r * k + cc] = A[r * k + cc]!;
        M[r * k + r] = A[r * k + r]! * (1 + 1 / c) + ridge;
      }
      if (cholesky(M, k, k)) break;
      if (attempt >= 4) throw new Error('Black-Litterman: PτΣPᵀ + Ω is singular (a view portfolio has zero variance: is a factor identical to the market?)');
    }
    x.set(this.d);
    choleskySolve(M, k, k, x);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let r = 0; r < k; r++) s += B[i * k + r]! * x[r]!;
      out[i] = out[i]! + s;
    }
    return out;
  }

  /**
   * Optimal long-only weights at confidence c (into `out`); returns the ex-ante TE. With a trade
   * penalty (γ > 0) the weights solve the penalised problem from its holdings (trade-penalty.ts).
   */
  weightsAt(c: number, out: Float64Array, solver?: QpSolver, penalty?: TradePenalty): number {
    this.posterior(c, this.mu);
    if (penalty && penalty.gamma > 0) {
      this.penaltyQp ??= new TradePenaltySolver(this.n);
      this.penaltyQp.solve(this.mu, this.Sigma, this.delta, penalty.gamma, penalty.holdings, out, solver ? { solver } : {});
      return trackingError(out, this.wb, this.Sigma);
    }
    // Interior shortcut (exact, not an approximation): with long-short views 1ᵀPᵀ = 0, so the
    // budget-constrained optimum is w = w_b + Σ⁻¹(μ_BL − π)/δ = w_b + (τ/δ)Pᵀx (μ_BL − π = τΣPᵀx)
    // and needs no multiplier. When it has no negative weight it satisfies every KKT condition of
    // the long-only QP with λ = 0, so it is that QP's unique solution.
    if (this.zeroSumViews && !solver) {
      const { n, k, x } = this;
      const f = this.tau / this.delta;
      let interior = true;
      for (let i = 0; i < n; i++) {
        let s = 0;
        if (!this.viewsEqualPrior) for (let r = 0; r < k; r++) s += this.P[r * n + i]! * x[r]!;
        const v = this.wb[i]! + f * s;
        out[i] = v;
        if (!(v > 0)) { interior = false; break; }
      }
      if (interior) return trackingError(out, this.wb, this.Sigma);
    }
    this.qp.solve(this.mu, this.Sigma, this.delta, out, solver ? { solver } : {});
    return trackingError(out, this.wb, this.Sigma);
  }

  /** π of the prepared day (a copy). */
  priorReturns(): Float64Array { return Float64Array.from(this.prior); }

  /**
   * The view confidence c whose ex-ante TE hits `target` (method.md §8): a scan up the grid
   * c_j = cMin·10^(j/scanPointsPerDecade) (capped at cMax) finds the first bracket with
   * TE(c_j) < target < TE(c_j+1), then bisection on log c inside it. Where TE is below the target
   * c goes UP, where it is above c goes DOWN (the direction §11 says an earlier version got wrong).
   *
   * Why a scan first: TE(c) provably rises with c while no weight sits at its bound (for the
   * budget-only problem w − w_b = (τ/δ)Pᵀx with x = (A + D/c)⁻¹d, TE² = (τ/δ²)·xᵀAx, and
   * d(xᵀAx)/d(1/c) = −2xᵀ(D − (1/c)·D(A + D/c)⁻¹D)x ≤ 0 because A + D/c ⪰ D/c).
   * Once the long-only bounds bind, TE can dip as c grows (seen on real ETF covariances, mostly
   * above 3% TE), so several c may hit the target and TE(cMax) may be below the target although a
   * smaller c reaches it. The scan finds the least confident crossing at its resolution, and
   * never calls a reachable target (at a grid point) unreachable.
   *
   * With a trade penalty (method.md §12) the weights are the penalised optimum from the holdings
   * h, and TE(c) need not rise with c at all: at cMin the portfolio is h moved towards w_b only as
   * far as the penalty allows, whose TE can be above the target (h was at the target yesterday and
   * has drifted), and as c grows the views can pull it down through the target before pushing it
   * up. So the scan looks for the first sign change of TE − target in either direction and bisects
   * there: the least confident crossing at the scan's resolution. Where TE stays on one side of the
   * target for every c the day is flagged ('above' or 'below') and the nearer end of the bracket
   * is used, as without a penalty (method §8): never silently clipped.
   */
  targetTrackingError(options: TrackingErrorTargetOptions): TrackingErrorTargetResult {
    const target = options.target;
    if (!(target > 0) || !Number.isFinite(target)) throw new RangeError(`tracking-error target must be a positive number, got ${target}`);
    const cMin = options.confidenceMin ?? 1e-6, cMax = options.confidenceMax ?? 1e6;
    if (!(cMin > 0) || !(cMax > cMin) || !Number.isFinite(cMax)) throw new RangeError(`confidence bracket must satisfy 0 < min < max < ∞, got ${cMin}, ${cMax}`);
    const tol = options.tolerance ?? 1e-7;
    const maxIter = options.maxIterations ?? 100;
    const perDecade = options.scanPointsPerDecade ?? 1;
    if (!(perDecade >= 1) || !Number.isInteger(perDecade)) throw new RangeError(`scanPointsPerDecade must be a whole number ≥ 1, got ${perDecade}`);
    const solver = options.solver;
    const penalty = options.tradePenalty && options.tradePenalty.gamma > 0 ? options.tradePenalty : undefined;
    const w = this.w;
    let evals = 0;
    const evalAt = (c: number) => { evals++; return this.weightsAt(c, w, solver, penalty); };
    const finish = (c: number, te: number, status: TrackingErrorStatus): TrackingErrorTargetResult => ({
      weights: Float64Array.from(w), confidence: c, trackingError: te, status, evaluations: evals,
      prior: Float64Array.from(this.prior), posterior: this.posterior(c),
    });

    // The least confident end. Without a penalty TE rises from there, so a target it already
    // overshoots is out of reach from above; with one, TE may first fall through the target.
    const teMin = evalAt(cMin);
    if (Math.abs(teMin - target) <= tol) return finish(cMin, teMin, 'ok');
    if (!penalty && teMin > target) return finish(cMin, teMin, 'above');
    const side = penalty ? Math.sign(teMin - target) : -1;

    // Scan up the grid (decades by default) for the first sign change of TE − target.
    const logMin = Math.log(cMin), logMax = Math.log(cMax), step = Math.LN10 / perDecade;
    let lo = logMin, hi = NaN;
    for (let j = 1; ; j++) {
      const xx = Math.min(logMin + j * step, logMax);
      const c = xx === logMax ? cMax : Math.exp(xx);
      const te = evalAt(c);
      if (Math.abs(te - target) <= tol) return finish(c, te, 'ok');
      if (Math.sign(te - target) !== side) { hi = xx; break; }
      lo = xx;
      if (xx >= logMax) {
        // No crossing: TE stays on one side of the target for every c. Without a penalty it is
        // below (the most confident views fall short); with one, the nearer end is used.
        const status: TrackingErrorStatus = side > 0 ? 'above' : 'below';
        if (penalty && Math.abs(teMin - target) <= Math.abs(te - target)) return finish(cMin, evalAt(cMin), status);
        return finish(cMax, te, status);
      }
    }

    // Bisection on log c inside [lo, hi]: TE − target has the sign `side` at lo and the other at hi.
    return bisectLogConfidence(lo, hi, side, target, tol, maxIter, evalAt, finish);
  }
}

/**
 * Bisection on log c inside [lo, hi], where TE − target has the sign `side` at lo and the other
 * sign at hi. Returns the first c within `tol`; when the bracket is exhausted (TE steps across the
 * target at a kink of the QP) the closest point seen, flagged unless within 1 bp.
 */
function bisectLogConfidence(lo: number, hi: number, side: number, target: number, tol: number, maxIter: number,
  evalAt: (c: number) => number, finish: (c: number, te: number, status: TrackingErrorStatus) => TrackingErrorTargetResult): TrackingErrorTargetResult {
  let bestC = Math.exp(hi), bestTe = Infinity;
  for (let it = 0; it < maxIter && hi - lo > 1e-13; it++) {
    const mid = 0.5 * (lo + hi);
    const c = Math.exp(mid);
    const te = evalAt(c);
    if (Math.abs(te - target) < Math.abs(bestTe - target)) { bestC = c; bestTe = te; }
    if (Math.abs(te - target) <= tol) return finish(c, te, 'ok');
    if (Math.sign(te - target) === side) lo = mid; else hi = mid;
  }
  const te = evalAt(bestC);
  return finish(bestC, te, Math.abs(te - target) <= 1e-4 ? 'ok' : te < target ? 'below' : 'above');
}

/** One-shot posterior: π and μ_BL at confidence c (method.md §8). */
export function blackLitterman(input: BlackLittermanInput & { confidence: number }): BlackLittermanPosterior {
  const k = input.Q.length;
  const n = input.wBenchmark.length;
  const a = new BlackLittermanAllocator(n, k);
  a.prepare(input);
  return { prior: a.priorReturns(), posterior: a.posterior(input.confidence) };
}

/**
 * One-shot TE targeting: the Black-Litterman weights whose ex-ante TE against w_b hits `target`
 * (method.md §8). For the daily loop keep a `BlackLittermanAllocator`.
 */
export function targetTrackingError(input: BlackLittermanInput & TrackingErrorTargetOptions): TrackingErrorTargetResult {
  const a = new BlackLittermanAllocator(input.wBenchmark.length, input.Q.length);
  a.prepare(input);
  return a.targetTrackingError(input);
}
