// Sparse jump model (method.md §4; Nystrup, Kolm & Lindström 2021, as implemented in the reference
// library `jumpmodels` 0.1.1): alternate a jump model on X·diag(√w) with a lasso-type update of the
// feature weights w from the between-cluster sums of squares.
import { Workspace } from './kernels.ts';
import { checkX, fitWeighted, isExchangeable, normalizePenaltyMatrix, scalarPenaltyMatrix } from './jump.ts';
import type { JumpModelResult, SparseJumpModelOptions, SparseJumpModelResult } from './types.ts';

function l2(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s);
}

/** S(a, δ) / ‖S(a, δ)‖₂ with S(a, δ) = max(a − δ, 0), into `out`; returns its L1 norm. */
function softThresholdNormalized(a: Float64Array, delta: number, out: Float64Array): number {
  for (let i = 0; i < a.length; i++) out[i] = Math.max(0, a[i]! - delta);
  const n = l2(out);
  if (!(n > 0)) throw new Error('sparse jump model: the soft-thresholded weights are all zero (internal error: threshold above the largest BCSS)');
  let s = 0;
  for (let i = 0; i < out.length; i++) { out[i] = out[i]! / n; s += out[i]!; }
  return s;
}

/**
 * Weight update of method.md §4 step 4: w = S(a, δ)/‖S(a, δ)‖₂ with δ = 0 if that already has
 * ‖w‖₁ <= κ, else bisection on [0, second-largest distinct a_j] until ‖w‖₁ = κ (tolerance 1e-8,
 * at most 100 steps), as the reference's `solve_lasso` / `binary_search_decrease`.
 */
export function solveLasso(a: Float64Array, kappa: number, tol = 1e-8): Float64Array {
  if (!(kappa >= 1)) throw new Error(`solveLasso: κ must be >= 1, got ${kappa}`);
  const w = new Float64Array(a.length);
  // second-largest distinct value
  let top = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i]! > top) top = a[i]!;
  let second = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i]! < top && a[i]! > second) second = a[i]!;
  // Fewer than two distinct values: every positive a_j is equal, no threshold can help (the
  // reference would fail here); keep δ = 0.
  if (!(second >= tol)) { softThresholdNormalized(a, 0, w); return w; }
  const f = (delta: number): number => softThresholdNormalized(a, delta, w);
  let left = 0, right = second;
  let thres: number;
  if (kappa >= f(left)) thres = left;
  else if (kappa <= f(right)) thres = right;
  else {
    let gap = right - left, nIter = 0, middle = (left + right) / 2;
    while (gap > tol && nIter < 100) {
      nIter++;
      middle = (right + left) / 2;
      const v = f(middle);
      if (v < kappa) right = middle;
      else if (v > kappa) left = middle;
      else break;
      gap /= 2;
    }
    thres = middle;
  }
  softThresholdNormalized(a, thres, w);
  return w;
}

/**
 * BCSS_j = Σ_k N_k (c_kj − x̄_j)² on unweighted X from sorted labels (or CJM-free discrete labels);
 * values below 1e-6 become 0. Also returns the unweighted centroids (NaN rows for empty states).
 */
export function betweenClusterSS(X: Float64Array, T: number, D: number, K: number, labels: Int32Array): { bcss: Float64Array; centers: Float64Array } {
  const sums = new Float64Array(K * D), counts = new Float64Array(K), mean = new Float64Array(D);
  for (let t = 0, o = 0; t < T; t++, o += D) {
    const k = labels[t]!;
    counts[k]! += 1;
    for (let d = 0; d < D; d++) { const x = X[o + d]!; sums[k * D + d]! += x; mean[d]! += x; }
  }
  for (let d = 0; d < D; d++) mean[d] = mean[d]! / T;
  const centers = new Float64Array(K * D);
  const bcss = new Float64Array(D);
  for (let k = 0; k < K; k++) {
    const n = counts[k]!;
    for (let d = 0; d < D; d++) {
      const c = n > 0 ? sums[k * D + d]! / n : NaN;
      centers[k * D + d] = c;
      if (n > 0) { const dv = c - mean[d]!; bcss[d]! += n * (dv * dv); }
    }
  }
  for (let d = 0; d < D; d++) if (Math.abs(bcss[d]!) < 1e-6) bcss[d] = 0;
  return { bcss, centers };
}

/**
 * A fit on the active columns, written back in all D columns: inactive columns of a centroid are 0
 * (the mean of a zero column), or NaN in an empty state's row, exactly as a fit on all columns
 * gives them.
 */
function expandColumns(r: JumpModelResult, active: number[], D: number, fw: Float64Array): JumpModelResult {
  const { K } = r, Dc = active.length;
  const expand = (c: Float64Array): Float64Array => {
    const out = new Float64Array(K * D);
    for (let k = 0; k < K; k++) {
      let empty = false;
      for (let j = 0; j < Dc; j++) if (Number.isNaN(c[k * Dc + j]!)) empty = true;
      if (empty) out.fill(NaN, k * D, k * D + D);
      for (let j = 0; j < Dc; j++) out[k * D + active[j]!] = c[k * Dc + j]!;
    }
    return out;
  };
  const centers = expand(r.centers);
  return { ...r, D, centers, fitted: { ...r.fitted, D, centers: Float64Array.from(centers), featureWeights: Float64Array.from(fw) } };
}

/**
 * Sparse jump model (method.md §4). Feature weights w >= 0, ‖w‖₂ <= 1, ‖w‖₁ <= κ = √maxFeatures;
 * the inner jump model runs on X·diag(√w) with penalty Λ/√D, warm-started from the previous
 * centroids (times the new √w) from the second inner fit on. Each inner fit draws its k-means++
 * starts from a generator freshly seeded with `seed`, as the reference does with an integer
 * `random_state`.
 */
/** The outer loop's stopping rule (method.md §4 step 5): at most 30 weight updates, or ‖w − w_old‖₁/‖w_old‖₁ ≤ 1e-4. */
export const SJM_DEFAULTS = { maxOuterIter: 30, wTol: 1e-4 } as const;

/** ‖w − w_old‖₁ / ‖w_old‖₁, the relative change of the feature weights (method.md §4 step 5). */
export function weightChange(w: ArrayLike<number>, wOld: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let d = 0; d < w.length; d++) { num += Math.abs(w[d]! - wOld[d]!); den += Math.abs(wOld[d]!); }
  return num / den;
}

export function fitSparseJumpModel(X: Float64Array, T: number, D: number, opts: SparseJumpModelOptions): SparseJumpModelResult {
  const who = 'fitSparseJumpModel';
  checkX(X, T, D, who);
  const K = opts.k ?? 2;
  if (!Number.isInteger(K) || K < 2) throw new Error(`${who}: k must be an integer >= 2, got ${K}`);
  if (K > T) throw new Error(`${who}: k = ${K} is larger than the number of rows (${T}); use fewer states or more rows`);
  const kappa2 = opts.maxFeatures;
  if (!(kappa2 >= 1 && kappa2 <= D)) throw new Error(`${who}: maxFeatures (κ²) must be in [1, D] = [1, ${D}], got ${kappa2}`);
  const kappa = Math.sqrt(kappa2);
  const nInit = opts.nInit ?? 10;
  if (!Number.isInteger(nInit) || nInit < 1) throw new Error(`${who}: nInit must be an integer >= 1, got ${nInit}`);
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`${who}: seed must be an integer in [0, 4294967295], got ${seed}`);
  const maxOuter = opts.maxOuterIter ?? SJM_DEFAULTS.maxOuterIter;
  const wTol = opts.wTol ?? SJM_DEFAULTS.wTol;
  if (opts.ret) {
    if (opts.ret.length !== T) throw new Error(`${who}: ret has ${opts.ret.length} values but X has ${T} rows; give one target return per row`);
    for (let t = 0; t < T; t++) if (!Number.isFinite(opts.ret[t]!)) throw new Error(`${who}: ret row ${t + 1} is ${opts.ret[t]}; target returns must be finite`);
  }
  // inner penalty Λ/√D so that the first inner fit (w = 1/√D) equals a plain JM with Λ (method.md §4.1)
  const sqrtD = Math.sqrt(D);
  let inner: Float64Array;
  let resort = false;
  let innerEff: number | null;
  if (opts.penaltyMatrix !== undefined) {
    if (opts.jumpPenalty !== undefined) throw new Error(`${who}: give either jumpPenalty or penaltyMatrix, not both`);
    const P = normalizePenaltyMatrix(opts.penaltyMatrix, K);
    inner = P.map((v) => v / sqrtD);
    resort = true;
    innerEff = isExchangeable(inner, K) ? inner[1]! : null;
  } else {
    const lam = opts.jumpPenalty ?? 0;
    if (!Number.isFinite(lam) || lam < 0) throw new Error(`${who}: jumpPenalty must be a finite number >= 0, got ${lam}`);
    innerEff = lam / sqrtD;
    inner = scalarPenaltyMatrix(innerEff, K);
  }
  if (opts.warmStart && opts.warmStart.length !== K * D) throw new Error(`${who}: warmStart has ${opts.warmStart.length} values, expected K×D = ${K}×${D}`);

  const ws = new Workspace(T, D, K, K, K === 2);
  let w: Float64Array = new Float64Array(D).fill(1 / sqrtD);
  let wOld: Float64Array = new Float64Array(D).fill(2);
  let nOuter = 0;
  let centersUnweighted: Float64Array | null = null;
  let last: ReturnType<typeof fitWeighted> | null = null;
  let fwLast: Float64Array = new Float64Array(D);
  const wPath: Float64Array[] = [];
  const innerObjectives: number[] = [];
  const relChange = (): number => weightChange(w, wOld);
  while (nOuter < maxOuter && relChange() > wTol) {
    nOuter++;
    wOld = w;
    const fw = w.map(Math.sqrt);
    // Features with w_j = 0 add exactly 0 to every distance, sum and dot product, so the inner fit
    // runs on the active columns only (bit-identical, and much cheaper when κ² is small).
    const active: number[] = [];
    for (let d = 0; d < D; d++) if (fw[d]! > 0) active.push(d);
    const Dc = active.length;
    const fwc = Float64Array.from(active, (d) => fw[d]!);
    const Xw = new Float64Array(T * Dc);
    for (let t = 0; t < T; t++) for (let j = 0; j < Dc; j++) Xw[t * Dc + j] = X[t * D + active[j]!]! * fwc[j]!;
    let warm: Float64Array | undefined;
    const from = centersUnweighted ?? opts.warmStart;
    if (from) {
      warm = new Float64Array(K * Dc);
      for (let k = 0; k < K; k++) for (let j = 0; j < Dc; j++) warm[k * Dc + j] = from[k * D + active[j]!]! * fwc[j]!;
    }
    wPath.push(Float64Array.from(w));
    const fitIndex = nOuter - 1;
    last = fitWeighted({
      kind: 'sjm', Xw, T, D: Dc, K, S: K, probVecs: null, penalty: inner, resortEachStep: resort,
      jumpPenaltyEffective: innerEff, featureWeights: fwc, ret: opts.ret ?? null, nInit, seed,
      maxIter: opts.maxIter ?? 1000, tol: opts.tol ?? 1e-8,
      initRows: opts.initRows && fitIndex < opts.initRows.length ? opts.initRows[fitIndex] : undefined,
      warmStart: warm, fitIndex, onIteration: opts.onIteration, w: wPath[wPath.length - 1]!, ws,
    });
    if (Dc < D) last = expandColumns(last, active, D, fw);
    fwLast = fw;
    innerObjectives.push(last.objective);
    const { bcss, centers } = betweenClusterSS(X, T, D, K, last.labels);
    centersUnweighted = centers;
    let mx = 0;
    for (let d = 0; d < D; d++) if (bcss[d]! > mx) mx = bcss[d]!;
    if (!(mx > 0)) break; // all rows in one state: nothing separates the states, keep w
    const a = bcss.map((v) => v / mx);
    w = solveLasso(a, kappa);
  }
  const res = last!;
  const selectedFeatures: number[] = [];
  for (let d = 0; d < D; d++) if (w[d]! > 0) selectedFeatures.push(d);
  return {
    ...res,
    kind: 'sjm',
    w: Float64Array.from(w),
    featureWeights: Float64Array.from(fwLast),
    centersUnweighted: centersUnweighted!,
    nOuterIter: nOuter,
    innerJumpPenalty: innerEff,
    selectedFeatures,
    wPath,
    innerObjectives,
  };
}
