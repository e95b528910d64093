// The coordinate-descent (EM-like) loop of the jump models over a set of starts, and the state
// sorting (method.md §3). Shared by the discrete model (JM), the continuous model (CJM) and the
// inner fits of the sparse model (SJM).
import { Workspace, eStepK2, eStepDiscrete, eStepCJM, mStepDiscrete, mStepCJM, markEmpty, sameClustering, minPlusPlan, buildPrefix } from './kernels.ts';
import type { IterationInfo } from './types.ts';

export interface EmProblem {
  X: Float64Array; // T×D, already weighted
  T: number;
  D: number;
  K: number;
  /** DP state-space size: K (discrete) or the simplex grid size (CJM). */
  S: number;
  /** S×K probability vectors (CJM) or null (discrete). */
  probVecs: Float64Array | null;
  /** S×S penalty. */
  penalty: Float64Array;
  /**
   * Re-sort states after every E-step so that a non-exchangeable penalty matrix keeps its meaning in
   * sorted coordinates (method.md §3 "Asymmetric penalty"). Discrete only.
   */
  resortEachStep: boolean;
  ret: Float64Array | null;
  maxIter: number;
  tol: number;
  fitIndex: number;
  onIteration?: ((info: IterationInfo) => void) | undefined;
  w?: Float64Array | undefined;
}

export interface EmOutcome {
  objective: number;
  /** DP-state labels of the best start (unsorted). */
  labels: Int32Array;
  /** Centroids of the best start: those of its last M-step, i.e. the ones its final E-step used (unsorted). */
  centers: Float64Array;
  bestStart: number;
  nIter: number;
  startObjectives: Float64Array;
}

/**
 * State order, best first (the reference's `sort_states_from_ret`): with a target, by decreasing
 * cumulative target return, computed as the reference does, mean × weight of the state; without
 * one, by decreasing frequency. `freq[k]` is the state's total weight (days, or summed
 * probabilities for the CJM) and `retSum[k]` its weighted target sum. An empty state (mean NaN)
 * sorts last; ties keep the lower index. Returns order[i] = old index of the state ranked i.
 */
export function stateOrder(K: number, freq: Float64Array, retSum: Float64Array | null): Int32Array {
  const crit = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    if (retSum) {
      const mean = retSum[k]! / freq[k]!; // NaN when the state is empty, like np_divide
      crit[k] = -mean * freq[k]!;
    } else crit[k] = -freq[k]!;
  }
  // stable argsort with NaN last (numpy argsort on <= 16 elements is an insertion sort: stable)
  const idx = Array.from({ length: K }, (_, i) => i);
  idx.sort((a, b) => {
    const x = crit[a]!, y = crit[b]!;
    const xn = Number.isNaN(x), yn = Number.isNaN(y);
    if (xn || yn) return xn === yn ? a - b : xn ? 1 : -1;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
  return Int32Array.from(idx);
}

/** Frequency and return sums per regime from discrete labels. */
function discreteFreqRet(labels: Int32Array, T: number, K: number, ret: Float64Array | null, freq: Float64Array, retSum: Float64Array): void {
  freq.fill(0); retSum.fill(0);
  for (let t = 0; t < T; t++) {
    const k = labels[t]!;
    freq[k]! += 1;
    if (ret) retSum[k]! += ret[t]!;
  }
}

/** Run every start to convergence and keep the best (method.md §3). */
export function runStarts(p: EmProblem, starts: Float64Array[], ws: Workspace): EmOutcome {
  const { X, T, D, K, S, probVecs, penalty, maxIter, tol } = p;
  const k2 = probVecs === null && K === 2;
  const l01 = penalty[1]!, l10 = penalty[2]!;
  const centers = ws.centers;
  const startObjectives = new Float64Array(starts.length);
  let bestVal = Infinity, bestStart = -1, bestIter = 0, haveBest = false;
  const freq = new Float64Array(K), retSum = new Float64Array(K);
  const inv = new Int32Array(K);
  const plan = probVecs ? minPlusPlan(penalty, S) : null;
  // X is fixed for the whole fit: its prefix sums serve every M-step
  buildPrefix(X, T, D, ws.prefixHi, ws.prefixLo);
  const permSums = new Float64Array(K * D), permCounts = new Float64Array(K), permCenters = new Float64Array(K * D);

  const eStep = (): number => {
    markEmpty(centers, K, D, ws.empty);
    if (probVecs) return eStepCJM(X, T, D, K, centers, S, probVecs, plan!, ws);
    if (k2) return eStepK2(X, T, D, centers, l01, l10, ws);
    return eStepDiscrete(X, T, D, K, centers, penalty, ws);
  };
  const mStep = (): void => {
    if (probVecs) mStepCJM(K, D, S, probVecs, ws, centers);
    else mStepDiscrete(K, D, ws, centers);
  };
  // Asymmetric path: relabel the E-step's partition into sorted order; returns true if it was sorted.
  const resort = (): boolean => {
    discreteFreqRet(ws.labels, T, K, p.ret, freq, retSum);
    const order = stateOrder(K, freq, p.ret ? retSum : null);
    let identity = true;
    for (let i = 0; i < K; i++) { inv[order[i]!] = i; if (order[i] !== i) identity = false; }
    if (identity) return true;
    const lab = ws.labels, sums = ws.sums, counts = ws.counts;
    for (let t = 0; t < T; t++) lab[t] = inv[lab[t]!]!;
    // permute the M-step accumulators, and the centroids that produced this partition, the same way
    for (let k = 0; k < K; k++) {
      const j = inv[k]!;
      permCounts[j] = counts[k]!;
      for (let d = 0; d < D; d++) { permSums[j * D + d] = sums[k * D + d]!; permCenters[j * D + d] = centers[k * D + d]!; }
    }
    sums.set(permSums); counts.set(permCounts); centers.set(permCenters);
    return false;
  };

  for (let si = 0; si < starts.length; si++) {
    centers.set(starts[si]!);
    let val = eStep();
    let sorted = p.resortEachStep ? resort() : true;
    let valPre = Infinity;
    let havePre = false;
    let nIter = 0;
    p.onIteration?.({ fit: p.fitIndex, start: si, iter: 0, objective: val, ...(p.w ? { w: p.w } : {}) });
    // Stop when the partition repeats (up to relabelling), the objective falls by <= tol, or after
    // maxIter iterations (the reference's loop condition). The asymmetric path also requires the
    // last E-step to have run in sorted coordinates.
    while (nIter < maxIter && (!sorted || ((!havePre || !sameClustering(ws.labels, ws.prevLabels, T, S, ws.mapA, ws.mapB)) && valPre - val > tol))) {
      nIter++;
      ws.prevLabels.set(ws.labels);
      havePre = true;
      valPre = val;
      mStep();
      val = eStep();
      if (p.resortEachStep) sorted = resort();
      p.onIteration?.({ fit: p.fitIndex, start: si, iter: nIter, objective: val, ...(p.w ? { w: p.w } : {}) });
    }
    startObjectives[si] = val;
    // keep the strictly lowest objective (ties: the earliest), skipping a partition equal to the best's
    if ((!haveBest || !sameClustering(ws.bestLabels, ws.labels, T, S, ws.mapA, ws.mapB)) && val < bestVal) {
      bestVal = val; bestStart = si; bestIter = nIter; haveBest = true;
      ws.bestLabels.set(ws.labels);
      ws.bestCenters.set(centers);
    }
  }
  if (!haveBest) throw new Error('jump model: no start reached a finite objective (check the input for NaN or infinite values)');
  return {
    objective: bestVal,
    labels: Int32Array.from(ws.bestLabels),
    centers: Float64Array.from(ws.bestCenters),
    bestStart,
    nIter: bestIter,
    startObjectives,
  };
}

/** Per-regime weights summed (freq) and weighted target sums from DP-state labels. */
export function regimeFreqRet(labels: Int32Array, T: number, K: number, probVecs: Float64Array | null, ret: Float64Array | null): { freq: Float64Array; retSum: Float64Array } {
  const freq = new Float64Array(K), retSum = new Float64Array(K);
  if (!probVecs) {
    discreteFreqRet(labels, T, K, ret, freq, retSum);
  } else {
    for (let t = 0; t < T; t++) {
      const po = labels[t]! * K;
      for (let k = 0; k < K; k++) {
        const w = probVecs[po + k]!;
        freq[k]! += w;
        if (ret) retSum[k]! += w * ret[t]!;
      }
    }
  }
  return { freq, retSum };
}
