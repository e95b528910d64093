// Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, greedy variant as in scikit-learn >= 1.3
// `_kmeans_plusplus`), method.md §3 "Initialisation": 2 + ⌊ln K⌋ local trials per centre, the
// candidate that lowers the potential most wins. Draw for draw the same as scikit-learn with NumPy's
// RandomState, so `new Rng(s)` reproduces `jumpmodels`' starts for `random_state=s` (checked against
// the reference traces in test/unit/regime/reference.test.ts).
import type { Rng } from '../random.ts';

export interface KmeansppWorkspace {
  closest: Float64Array;
  trial: Float64Array;
  best: Float64Array;
  cum: Float64Array;
  /** ‖x_t‖² of the rows of the X being seeded (see prepareKmeanspp). */
  norms: Float64Array;
}

export function kmeansppWorkspace(T: number): KmeansppWorkspace {
  return { closest: new Float64Array(T), trial: new Float64Array(T), best: new Float64Array(T), cum: new Float64Array(T), norms: new Float64Array(T) };
}

/** Row norms of X into the workspace: call once per X before drawing starts from it. */
export function prepareKmeanspp(X: Float64Array, T: number, D: number, ws: KmeansppWorkspace): void {
  const n = ws.norms;
  for (let t = 0, o = 0; t < T; t++, o += D) {
    let s = 0;
    for (let d = 0; d < D; d++) s += X[o + d]! * X[o + d]!;
    n[t] = s;
  }
}

/**
 * Squared distance of every row of X to row `r`, into `out`, as scikit-learn's
 * `_euclidean_distances(x_r, X, squared=True)` computes it: max(−2·x_r·x_t + ‖x_r‖² + ‖x_t‖², 0)
 * with the row norms precomputed (one dot product per row; four rows per pass).
 */
function distToRow(X: Float64Array, T: number, D: number, r: number, norms: Float64Array, out: Float64Array): void {
  const base = r * D, nr = norms[r]!;
  let t = 0;
  for (; t + 3 < T; t += 4) {
    const o = t * D, o1 = o + D, o2 = o1 + D, o3 = o2 + D;
    let a = 0, b = 0, c = 0, e = 0;
    for (let d = 0; d < D; d++) {
      const k = X[base + d]!;
      a += X[o + d]! * k; b += X[o1 + d]! * k; c += X[o2 + d]! * k; e += X[o3 + d]! * k;
    }
    const v0 = -2 * a + nr + norms[t]!, v1 = -2 * b + nr + norms[t + 1]!, v2 = -2 * c + nr + norms[t + 2]!, v3 = -2 * e + nr + norms[t + 3]!;
    out[t] = v0 > 0 ? v0 : 0; out[t + 1] = v1 > 0 ? v1 : 0; out[t + 2] = v2 > 0 ? v2 : 0; out[t + 3] = v3 > 0 ? v3 : 0;
  }
  for (; t < T; t++) {
    const o = t * D;
    let a = 0;
    for (let d = 0; d < D; d++) a += X[o + d]! * X[base + d]!;
    const v = -2 * a + nr + norms[t]!;
    out[t] = v > 0 ? v : 0;
  }
}

/**
 * Pick K row indices of X (T×D, row-major) as initial centroids. Consumes draws from `rng` exactly as
 * scikit-learn does: one `choice` for the first centre, then `nLocal` uniforms per further centre.
 * A workspace passed in must have been prepared for this X (prepareKmeanspp).
 */
export function kmeansppRows(X: Float64Array, T: number, D: number, K: number, rng: Rng, ws?: KmeansppWorkspace): number[] {
  let w = ws;
  if (!w) { w = kmeansppWorkspace(T); prepareKmeanspp(X, T, D, w); }
  const norms = w.norms;
  const nLocal = 2 + Math.floor(Math.log(K));
  const rows: number[] = [];
  const first = rng.choiceUniform(T);
  rows.push(first);
  let closest = w.closest, trial = w.trial, best = w.best;
  const cum = w.cum;
  distToRow(X, T, D, first, norms, closest);
  let pot = 0;
  for (let t = 0; t < T; t++) pot += closest[t]!;
  for (let c = 1; c < K; c++) {
    // cumulative potential, summed left to right like np.cumsum
    let acc = 0;
    for (let t = 0; t < T; t++) { acc += closest[t]!; cum[t] = acc; }
    let bestPot = Infinity, bestRow = -1;
    for (let l = 0; l < nLocal; l++) {
      const target = rng.next() * pot;
      // np.searchsorted(cum, target, side='left'): first index with cum >= target, clipped to T-1
      let lo = 0, hi = T;
      while (lo < hi) { const mid = (lo + hi) >>> 1; if (cum[mid]! < target) lo = mid + 1; else hi = mid; }
      const cand = lo > T - 1 ? T - 1 : lo;
      distToRow(X, T, D, cand, norms, trial);
      let p = 0;
      for (let t = 0; t < T; t++) {
        const v = trial[t]! < closest[t]! ? trial[t]! : closest[t]!;
        trial[t] = v;
        p += v;
      }
      if (p < bestPot) { // first minimum wins, like np.argmin
        bestPot = p; bestRow = cand;
        const tmp = best; best = trial; trial = tmp;
      }
    }
    rows.push(bestRow);
    pot = bestPot;
    const tmp = closest; closest = best; best = tmp;
  }
  // keep the caller's workspace arrays reachable under their names
  w.closest = closest; w.trial = trial; w.best = best;
  return rows;
}
