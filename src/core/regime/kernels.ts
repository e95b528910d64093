// Hot kernels of the jump models: loss, the exact min-sum dynamic programme of the E-step, and the
// M-step sums (method.md §3). Flat row-major Float64Arrays, buffers from a Workspace allocated once
// per fit, no allocation per row or per iteration.
//
// The arithmetic follows the reference (`jumpmodels` 0.1.1) operation by operation where that
// decides discrete outcomes: loss = ½·Σ_d (x_d − c_d)² summed over d in order; DP value
// V[t,k] = L[t,k] + min_j (V[t−1,j] + Λ[j,k]); ties go to the lowest index everywhere; backtracking
// uses argmin_j (V[t−1,j] + Λ[j, s_t]), which is exactly the forward pass's stored argmin.

/** Buffers for one fit (T rows, D features, K regimes, S DP states). */
export class Workspace {
  readonly labels: Int32Array;
  readonly prevLabels: Int32Array;
  readonly bestLabels: Int32Array;
  /** backpointers, T×S (Uint16: S <= 65536). */
  readonly bp: Uint16Array;
  /** K = 2 backpointers, one byte per row: bit k = predecessor of state k. */
  readonly bp2: Uint8Array;
  /** K = 2 loss matrix, T×2. */
  readonly loss2: Float64Array;
  /** Compensated column prefix sums of the fitted X, (T+1)×D (see buildPrefix). */
  readonly prefixHi: Float64Array;
  readonly prefixLo: Float64Array;
  /** ½Σ_t‖x_t‖² of the fitted X (set by buildPrefix), for the K = 2 objective. */
  halfSqSum = 0;
  /** The last E-step's labels as runs [start, label, start, label, …] (discrete fits), nRuns entries. */
  readonly runs: Int32Array;
  nRuns = 0;
  /** K = 2: c0 − c1. */
  readonly diff: Float64Array;
  readonly V: Float64Array;
  readonly Vn: Float64Array;
  readonly rowLoss: Float64Array;
  /** Per DP state: sum of rows and count (the M-step accumulators). */
  readonly sums: Float64Array;
  readonly counts: Float64Array;
  readonly centers: Float64Array;
  readonly bestCenters: Float64Array;
  readonly empty: Uint8Array;
  readonly mapA: Int32Array;
  readonly mapB: Int32Array;

  /** `k2Only`: the fit uses only the K = 2 kernel, so the T×S backpointer table is not needed. */
  constructor(readonly T: number, readonly D: number, readonly K: number, readonly S: number, k2Only = false) {
    this.labels = new Int32Array(T);
    this.prevLabels = new Int32Array(T);
    this.bestLabels = new Int32Array(T);
    this.bp = new Uint16Array(k2Only ? 0 : T * S);
    this.bp2 = new Uint8Array(K === 2 ? T : 0);
    this.loss2 = new Float64Array(K === 2 ? 2 * T : 0);
    this.prefixHi = new Float64Array((T + 1) * D);
    this.prefixLo = new Float64Array((T + 1) * D);
    this.diff = new Float64Array(D);
    this.runs = new Int32Array(2 * T);
    this.V = new Float64Array(S);
    this.Vn = new Float64Array(S);
    this.rowLoss = new Float64Array(K);
    this.sums = new Float64Array(S * D);
    this.counts = new Float64Array(S);
    this.centers = new Float64Array(K * D);
    this.bestCenters = new Float64Array(K * D);
    this.empty = new Uint8Array(K);
    this.mapA = new Int32Array(S);
    this.mapB = new Int32Array(S);
  }
}

/** Mark centroids containing NaN (an empty state): their loss is +inf (method.md §3 M-step). */
export function markEmpty(C: Float64Array, K: number, D: number, empty: Uint8Array): void {
  for (let k = 0; k < K; k++) {
    let e = 0;
    for (let d = 0; d < D; d++) if (Number.isNaN(C[k * D + d]!)) { e = 1; break; }
    empty[k] = e;
  }
}

/**
 * Loss matrix for K = 2: L[2t+k] = ½‖x_t − c_k‖², d summed in order (as scipy's cdist does). Four
 * rows per pass so that eight independent sums run side by side; each row's arithmetic is unchanged.
 */
function lossK2(X: Float64Array, T: number, D: number, C: Float64Array, L: Float64Array): void {
  let t = 0;
  for (; t + 3 < T; t += 4) {
    const o = t * D, o1 = o + D, o2 = o1 + D, o3 = o2 + D;
    let a0 = 0, a1 = 0, b0 = 0, b1 = 0, c0 = 0, c1 = 0, e0 = 0, e1 = 0;
    for (let d = 0; d < D; d++) {
      const k0 = C[d]!, k1 = C[D + d]!;
      const x = X[o + d]!, y = X[o1 + d]!, z = X[o2 + d]!, w = X[o3 + d]!;
      let q = x - k0; a0 += q * q; q = x - k1; a1 += q * q;
      q = y - k0; b0 += q * q; q = y - k1; b1 += q * q;
      q = z - k0; c0 += q * q; q = z - k1; c1 += q * q;
      q = w - k0; e0 += q * q; q = w - k1; e1 += q * q;
    }
    const i = 2 * t;
    L[i] = 0.5 * a0; L[i + 1] = 0.5 * a1; L[i + 2] = 0.5 * b0; L[i + 3] = 0.5 * b1;
    L[i + 4] = 0.5 * c0; L[i + 5] = 0.5 * c1; L[i + 6] = 0.5 * e0; L[i + 7] = 0.5 * e1;
  }
  for (; t < T; t++) {
    const o = t * D;
    let a0 = 0, a1 = 0;
    for (let d = 0; d < D; d++) { const x = X[o + d]!; let q = x - C[d]!; a0 += q * q; q = x - C[D + d]!; a1 += q * q; }
    L[2 * t] = 0.5 * a0; L[2 * t + 1] = 0.5 * a1;
  }
}

/**
 * E-step for K = 2 with a zero-diagonal penalty (Λ01 = cost of entering state 1 from 0, Λ10 = of
 * entering 0 from 1). Writes labels into ws.labels and the M-step sums; returns the optimal objective.
 *
 * The DP runs on differences: with L_k(t) = ½‖x_t − c_k‖², only δ_t = L1 − L0 = x_t·(c0 − c1) +
 * ½(‖c1‖² − ‖c0‖²) and Δ_t = V1 − V0 decide a transition:
 *   into 0 from 1 iff V1 + Λ10 < V0 ⟺ Δ + Λ10 < 0;   into 1 from 1 iff V1 < V0 + Λ01 ⟺ Δ < Λ01,
 * and V0 itself is Σ_t L0(t) plus the accumulated min(0, Δ + Λ10). So a row costs one dot product
 * instead of two squared distances, and the compared quantities stay O(λ) in size instead of growing
 * with T (the reference compares values of the size of the whole objective). Σ_t L0(t) comes from
 * ½Σ‖x_t‖² (ws.halfSqSum, per fit) and the column sums (the prefix sums' last row). Empty states
 * (+inf loss) go through the direct form.
 */
export function eStepK2(X: Float64Array, T: number, D: number, C: Float64Array, l01: number, l10: number, ws: Workspace): number {
  if (ws.empty[0] === 1 || ws.empty[1] === 1) return eStepK2Direct(X, T, D, C, l01, l10, ws);
  const bp = ws.bp2, delta = ws.loss2, v = ws.diff;
  let n0 = 0, n1 = 0;
  for (let d = 0; d < D; d++) {
    const c0 = C[d]!, c1 = C[D + d]!;
    v[d] = c0 - c1; n0 += c0 * c0; n1 += c1 * c1;
  }
  const b = 0.5 * (n1 - n0);
  // δ_t for every row, four rows per pass (independent sums side by side)
  let t = 0;
  for (; t + 3 < T; t += 4) {
    const o = t * D, o1 = o + D, o2 = o1 + D, o3 = o2 + D;
    let a = 0, e = 0, f = 0, g = 0;
    for (let d = 0; d < D; d++) {
      const q = v[d]!;
      a += X[o + d]! * q; e += X[o1 + d]! * q; f += X[o2 + d]! * q; g += X[o3 + d]! * q;
    }
    delta[t] = a + b; delta[t + 1] = e + b; delta[t + 2] = f + b; delta[t + 3] = g + b;
  }
  for (; t < T; t++) {
    const o = t * D;
    let a = 0;
    for (let d = 0; d < D; d++) a += X[o + d]! * v[d]!;
    delta[t] = a + b;
  }
  let dV = delta[0]!, U = 0;
  bp[0] = 0;
  for (let i = 1; i < T; i++) {
    // into 0: min(V0, V1 + Λ10) = V0 + min(0, Δ + Λ10); into 1: min(V0 + Λ01, V1) = V0 + min(Λ01, Δ)
    const a1 = dV + l10;
    let code = 0, m0 = 0, m1 = l01;
    if (a1 < 0) { m0 = a1; code = 1; }
    if (dV < l01) { m1 = dV; code |= 2; }
    U += m0;
    dV = delta[i]! + m1 - m0;
    bp[i] = code;
  }
  // Σ_t L0(t) = ½Σ‖x_t‖² − (Σ_t x_t)·c0 + (T/2)‖c0‖²
  const hi = ws.prefixHi, lo = ws.prefixLo, last = T * D;
  let sc = 0;
  for (let d = 0; d < D; d++) sc += (hi[last + d]! + lo[last + d]!) * C[d]!;
  const V0 = ws.halfSqSum - sc + 0.5 * T * n0 + U;
  // backtrack from argmin V[T-1] (ties -> 0)
  const labels = ws.labels;
  let s = dV < 0 ? 1 : 0;
  const val = s === 1 ? V0 + dV : V0;
  for (let i = T - 1; i > 0; i--) { labels[i] = s; s = (bp[i]! >> s) & 1; }
  labels[0] = s;
  ws.nRuns = accumulateStates(T, D, labels, ws.prefixHi, ws.prefixLo, ws.sums, ws.counts, ws.runs);
  return val;
}

/** The K = 2 E-step on the full loss matrix (used when a state is empty: its loss is +inf). */
function eStepK2Direct(X: Float64Array, T: number, D: number, C: Float64Array, l01: number, l10: number, ws: Workspace): number {
  const bp = ws.bp2, L = ws.loss2;
  lossK2(X, T, D, C, L);
  if (ws.empty[0] === 1) for (let t = 0; t < T; t++) L[2 * t] = Infinity;
  if (ws.empty[1] === 1) for (let t = 0; t < T; t++) L[2 * t + 1] = Infinity;
  let V0 = L[0]!, V1 = L[1]!;
  bp[0] = 0;
  for (let t = 1; t < T; t++) {
    // into state 0: min(V0 + 0, V1 + Λ10); into state 1: min(V0 + Λ01, V1 + 0); ties -> lowest index
    const a1 = V1 + l10, c0 = V0 + l01;
    let code = 0, m0 = V0, m1 = c0;
    if (a1 < V0) { m0 = a1; code = 1; }
    if (V1 < c0) { m1 = V1; code |= 2; }
    V0 = L[2 * t]! + m0;
    V1 = L[2 * t + 1]! + m1;
    bp[t] = code;
  }
  // backtrack from argmin V[T-1] (ties -> 0)
  const labels = ws.labels;
  let s = V1 < V0 ? 1 : 0;
  const val = s === 1 ? V1 : V0;
  for (let i = T - 1; i > 0; i--) { labels[i] = s; s = (bp[i]! >> s) & 1; }
  labels[0] = s;
  ws.nRuns = accumulateStates(T, D, labels, ws.prefixHi, ws.prefixLo, ws.sums, ws.counts, ws.runs);
  return val;
}

/** Per-fit precomputation over the fitted X: the compensated prefix sums and ½Σ‖x_t‖². */
export function prepareFit(X: Float64Array, T: number, D: number, ws: Workspace): void {
  buildPrefix(X, T, D, ws.prefixHi, ws.prefixLo);
  let s = 0;
  for (let i = 0, n = T * D; i < n; i++) s += X[i]! * X[i]!;
  ws.halfSqSum = 0.5 * s;
}

/**
 * Compensated column prefix sums of X for the M-step: P(t) = Σ_{i<t} x_i held as hi + lo (TwoSum
 * error-free transformation, Knuth / Ogita-Rump-Oishi), so that the sum of any block of rows is
 * recovered to about one rounding of the result from four numbers. Built once per fitted matrix.
 */
export function buildPrefix(X: Float64Array, T: number, D: number, hi: Float64Array, lo: Float64Array): void {
  for (let d = 0; d < D; d++) { hi[d] = 0; lo[d] = 0; }
  for (let t = 0; t < T; t++) {
    const o = t * D, n = o + D;
    for (let d = 0; d < D; d++) {
      const a = hi[o + d]!, b = X[o + d]!;
      const s = a + b, bb = s - a;
      hi[n + d] = s;
      lo[n + d] = lo[o + d]! + ((a - (s - bb)) + (b - bb));
    }
  }
}

/**
 * M-step accumulators: per label, the sum of its rows and their count. Labels come in spells (runs
 * of one label); each spell's sum comes from the compensated prefix sums in O(D), so the M-step
 * costs O(spells × D) instead of O(T × D).
 */
export function accumulateStates(T: number, D: number, labels: Int32Array, hi: Float64Array, lo: Float64Array, sums: Float64Array, counts: Float64Array, runs?: Int32Array): number {
  sums.fill(0);
  counts.fill(0);
  let start = 0, r = 0;
  while (start < T) {
    const s = labels[start]!;
    let end = start + 1;
    while (end < T && labels[end] === s) end++;
    if (runs) { runs[r] = start; runs[r + 1] = s; }
    r += 2;
    counts[s]! += end - start;
    const so = s * D, e = end * D, b = start * D;
    for (let d = 0; d < D; d++) {
      // (hi_e + lo_e) − (hi_b + lo_b), with the hi difference split exactly by TwoSum
      const x = hi[e + d]!, y = -hi[b + d]!;
      const diff = x + y, yy = diff - x;
      const err = (x - (diff - yy)) + (y - yy);
      sums[so + d]! += diff + (err + (lo[e + d]! - lo[b + d]!));
    }
    start = end;
  }
  return r;
}

/** E-step for any K with a K×K penalty matrix (discrete states). Same outputs as eStepK2. */
export function eStepDiscrete(X: Float64Array, T: number, D: number, K: number, C: Float64Array, P: Float64Array, ws: Workspace): number {
  const bp = ws.bp, empty = ws.empty, L = ws.rowLoss;
  let V = ws.V, Vn = ws.Vn;
  for (let t = 0, o = 0; t < T; t++, o += D) {
    for (let k = 0; k < K; k++) {
      if (empty[k]) { L[k] = Infinity; continue; }
      let s = 0;
      const co = k * D;
      for (let d = 0; d < D; d++) { const a = X[o + d]! - C[co + d]!; s += a * a; }
      L[k] = 0.5 * s;
    }
    if (t === 0) { for (let k = 0; k < K; k++) V[k] = L[k]!; continue; }
    const bo = t * K;
    for (let k = 0; k < K; k++) {
      let best = V[0]! + P[k]!, arg = 0;
      for (let j = 1; j < K; j++) {
        const v = V[j]! + P[j * K + k]!;
        if (v < best) { best = v; arg = j; }
      }
      Vn[k] = L[k]! + best;
      bp[bo + k] = arg;
    }
    const tmp = V; V = Vn; Vn = tmp;
  }
  let s = 0;
  for (let k = 1; k < K; k++) if (V[k]! < V[s]!) s = k;
  const val = V[s]!;
  const labels = ws.labels;
  for (let t = T - 1; t > 0; t--) { labels[t] = s; s = bp[t * K + s]!; }
  labels[0] = s;
  ws.nRuns = accumulateStates(T, D, labels, ws.prefixHi, ws.prefixLo, ws.sums, ws.counts, ws.runs);
  return val;
}

/** The reference's stand-in for an infinite loss in the continuous model (NaN centroid). */
export const LARGE_FLOAT = 1e100;

/**
 * Scan order for the pruned min-plus step over a dense S×S penalty: for each target q, the sources j
 * sorted by Q[j,q] = P[j,q] − P[j,j] (ties by j), and the transposed penalty for contiguous reads.
 */
export interface MinPlusPlan { S: number; order: Int32Array; q: Float64Array; PT: Float64Array; diag: Float64Array }

export function minPlusPlan(P: Float64Array, S: number): MinPlusPlan {
  const order = new Int32Array(S * S), q = new Float64Array(S * S), PT = new Float64Array(S * S), diag = new Float64Array(S);
  for (let j = 0; j < S; j++) diag[j] = P[j * S + j]!;
  const idx = Array.from({ length: S }, (_, j) => j);
  for (let c = 0; c < S; c++) {
    for (let j = 0; j < S; j++) PT[c * S + j] = P[j * S + c]!;
    const key = (j: number): number => P[j * S + c]! - diag[j]!;
    idx.sort((a, b) => key(a) - key(b) || a - b);
    for (let r = 0; r < S; r++) { order[c * S + r] = idx[r]!; q[c * S + r] = key(idx[r]!); }
  }
  return { S, order, q, PT, diag };
}

/**
 * E-step of the continuous jump model: the DP runs over S grid points p_s of the probability
 * simplex with loss(t, s) = Σ_k p_sk · ½‖x_t − c_k‖² and the S×S penalty. Labels are grid indices.
 *
 * Small grids (S <= 64, e.g. the 21 points of K = 2) scan min_j (V[j] + P[j,q]) in full. Larger
 * grids prune it without changing its result: with m = min_j (V[j] + P[j,j]), every j has
 * V[j] + P[j,q] >= m + (P[j,q] − P[j,j]), so scanning j in increasing P[j,q] − P[j,j] can stop once
 * that bound exceeds the best value found (plus a 1e-9 relative margin that dwarfs rounding). Ties
 * still go to the lowest j.
 */
export function eStepCJM(X: Float64Array, T: number, D: number, K: number, C: Float64Array, S: number, probVecs: Float64Array, plan: MinPlusPlan, ws: Workspace): number {
  const bp = ws.bp, empty = ws.empty, L = ws.rowLoss;
  const { order, q: Q, PT, diag } = plan;
  let V = ws.V, Vn = ws.Vn;
  for (let t = 0, o = 0; t < T; t++, o += D) {
    for (let k = 0; k < K; k++) {
      if (empty[k]) { L[k] = LARGE_FLOAT; continue; }
      let s = 0;
      const co = k * D;
      for (let d = 0; d < D; d++) { const a = X[o + d]! - C[co + d]!; s += a * a; }
      L[k] = 0.5 * s;
    }
    let m = Infinity;
    if (t > 0 && S > 64) for (let j = 0; j < S; j++) { const v = V[j]! + diag[j]!; if (v < m) m = v; }
    const bo = t * S;
    for (let c = 0; c < S; c++) {
      let lq = 0;
      const po = c * K;
      for (let k = 0; k < K; k++) lq += L[k]! * probVecs[po + k]!;
      if (t === 0) { Vn[c] = lq; continue; }
      const ro = c * S;
      let best: number, arg = 0;
      if (S <= 64) {
        // small grids: a tight full scan beats the bookkeeping of pruning
        best = V[0]! + PT[ro]!;
        for (let j = 1; j < S; j++) { const v = V[j]! + PT[ro + j]!; if (v < best) { best = v; arg = j; } }
      } else {
        best = Infinity;
        for (let r = 0; r < S; r++) {
          if (m + Q[ro + r]! > best + 1e-9 * (1 + Math.abs(best))) break;
          const j = order[ro + r]!;
          const v = V[j]! + PT[ro + j]!;
          if (v < best || (v === best && j < arg)) { best = v; arg = j; }
        }
      }
      Vn[c] = lq + best;
      bp[bo + c] = arg;
    }
    const tmp = V; V = Vn; Vn = tmp;
  }
  let s = 0;
  for (let c = 1; c < S; c++) if (V[c]! < V[s]!) s = c;
  const val = V[s]!;
  const labels = ws.labels;
  for (let t = T - 1; t > 0; t--) { labels[t] = s; s = bp[t * S + s]!; }
  labels[0] = s;
  ws.nRuns = accumulateStates(T, D, labels, ws.prefixHi, ws.prefixLo, ws.sums, ws.counts, ws.runs);
  return val;
}

/** M-step, discrete: each centroid is the mean of its rows; no rows -> NaN (the state stays empty). */
export function mStepDiscrete(K: number, D: number, ws: Workspace, out: Float64Array): void {
  const sums = ws.sums, counts = ws.counts;
  for (let k = 0; k < K; k++) {
    const n = counts[k]!;
    for (let d = 0; d < D; d++) out[k * D + d] = n > 0 ? sums[k * D + d]! / n : NaN;
  }
}

/** M-step, continuous: c_k = Σ_t p_tk x_t / Σ_t p_tk, from the per-grid-point sums. */
export function mStepCJM(K: number, D: number, S: number, probVecs: Float64Array, ws: Workspace, out: Float64Array): void {
  const sums = ws.sums, counts = ws.counts;
  for (let k = 0; k < K; k++) {
    let n = 0;
    for (let q = 0; q < S; q++) n += probVecs[q * K + k]! * counts[q]!;
    for (let d = 0; d < D; d++) {
      let s = 0;
      for (let q = 0; q < S; q++) {
        const c = counts[q]!;
        if (c > 0) s += probVecs[q * K + k]! * sums[q * D + d]!;
      }
      out[k * D + d] = n > 0 ? s / n : NaN;
    }
  }
}

/**
 * Are two labelings the same partition up to relabelling (the reference's `is_same_clustering`)?
 * Labels are in [0, S).
 */
export function sameClustering(a: Int32Array, b: Int32Array, T: number, S: number, mapA: Int32Array, mapB: Int32Array): boolean {
  mapA.fill(-1, 0, S);
  mapB.fill(-1, 0, S);
  for (let t = 0; t < T; t++) {
    const x = a[t]!, y = b[t]!;
    const mx = mapA[x]!, my = mapB[y]!;
    if (mx === -1) mapA[x] = y; else if (mx !== y) return false;
    if (my === -1) mapB[y] = x; else if (my !== x) return false;
  }
  return true;
}

/**
 * Forward pass only (method.md §5): V as in the E-step, started at the first row, label each row
 * argmin_s V[t,s] (ties -> lowest). V[t] depends on rows <= t only. X rows are multiplied by
 * `fw` on the fly. Writes DP-state labels into `out`.
 */
export function forwardLabels(X: Float64Array, T: number, D: number, K: number, C: Float64Array, fw: Float64Array,
  S: number, probVecs: Float64Array | null, P: Float64Array, out: Int32Array): void {
  const L = new Float64Array(K);
  const empty = new Uint8Array(K);
  markEmpty(C, K, D, empty);
  let V = new Float64Array(S), Vn = new Float64Array(S);
  const big = probVecs ? LARGE_FLOAT : Infinity;
  for (let t = 0, o = 0; t < T; t++, o += D) {
    for (let k = 0; k < K; k++) {
      if (empty[k]) { L[k] = big; continue; }
      let s = 0;
      const co = k * D;
      for (let d = 0; d < D; d++) { const a = X[o + d]! * fw[d]! - C[co + d]!; s += a * a; }
      L[k] = 0.5 * s;
    }
    for (let q = 0; q < S; q++) {
      let lq: number;
      if (probVecs) {
        lq = 0;
        for (let k = 0; k < K; k++) lq += L[k]! * probVecs[q * K + k]!;
      } else lq = L[q]!;
      if (t === 0) { Vn[q] = lq; continue; }
      let best = V[0]! + P[q]!;
      for (let j = 1; j < S; j++) { const v = V[j]! + P[j * S + q]!; if (v < best) best = v; }
      Vn[q] = lq + best;
    }
    const tmp = V; V = Vn; Vn = tmp;
    let s = 0;
    for (let q = 1; q < S; q++) if (V[q]! < V[s]!) s = q;
    out[t] = s;
  }
}

/** Full DP (smoothed labels) for inference with a fixed model; returns the objective. */
export function smoothedLabels(X: Float64Array, T: number, D: number, K: number, C: Float64Array, fw: Float64Array,
  S: number, probVecs: Float64Array | null, P: Float64Array, out: Int32Array): number {
  const Xw = new Float64Array(T * D);
  for (let t = 0, o = 0; t < T; t++, o += D) for (let d = 0; d < D; d++) Xw[o + d] = X[o + d]! * fw[d]!;
  const ws = new Workspace(T, D, K, S);
  prepareFit(Xw, T, D, ws);
  markEmpty(C, K, D, ws.empty);
  const val = probVecs ? eStepCJM(Xw, T, D, K, C, S, probVecs, minPlusPlan(P, S), ws) : eStepDiscrete(Xw, T, D, K, C, P, ws);
  out.set(ws.labels);
  return val;
}
