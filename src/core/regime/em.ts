// The coordinate-descent (EM-like) loop of the jump models over a set of starts, and the state
// sorting (method.md §3). Shared by the discrete model (JM), the continuous model (CJM) and the
// inner fits of the sparse model (SJM).
import { Workspace, eStepK2, eStepDiscrete, eStepCJM, mStepDiscrete, mStepCJM, markEmpty, sameClustering, minPlusPlan, prepareFit, accumulateStates } from './kernels.ts';
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

/**
 * One E-step's outcome on a start's path: the partition (as runs), its objective, the sort flag and
 * the centroids that produced it. The EM loop is deterministic: the M-step's centroids are a
 * function of the partition alone, so two starts that reach the same partition (label for label)
 * make the same moves from there on. The only thing a joining start brings of its own is the
 * objective it arrived with, which enters just its next stopping test; `runStarts` therefore
 * replays the earlier start's recorded steps with its own stopping tests, and computes for real
 * only past the end of the recorded path. Results are bit-identical to running every start out.
 */
interface Visit {
  runs: Int32Array;
  hash: number;
  val: number;
  sorted: boolean;
  /** Same partition as the previous step's up to relabelling (the loop's repeat test). */
  repeat: boolean;
  /** Same labels as the previous step's, exactly (then the next step repeats this one). */
  sameAsPrevious: boolean;
  centers: Float64Array;
  /** The path that computed this step (replayed steps are not indexed again). */
  owner: Visit[] | null;
}

/** The E-step's partition (its runs [start0, label0, start1, label1, …], from the workspace) with a hash. */
function visit(ws: Workspace, val: number, sorted: boolean, centers: Float64Array, prev: Visit | null): Visit {
  const runs = ws.runs.slice(0, ws.nRuns);
  let h = 0x811c9dc5;
  for (let i = 0; i < runs.length; i++) h = Math.imul(h ^ runs[i]!, 0x01000193);
  let repeat = false, same = false;
  if (prev) {
    const a = prev.runs;
    if (a.length === runs.length) {
      same = true;
      for (let i = 0; i < a.length; i++) if (a[i] !== runs[i]) { same = false; break; }
      repeat = same || sameRunPartition(a, runs);
    }
  }
  return { runs, hash: h >>> 0, val, sorted, repeat, sameAsPrevious: same, centers: Float64Array.from(centers), owner: null };
}

/** Two run lists of equal length: same boundaries and a consistent one-to-one label map. */
function sameRunPartition(a: Int32Array, b: Int32Array): boolean {
  const ab = new Map<number, number>(), ba = new Map<number, number>();
  for (let i = 0; i < a.length; i += 2) {
    if (a[i] !== b[i]) return false;
    const x = a[i + 1]!, y = b[i + 1]!;
    const mx = ab.get(x), my = ba.get(y);
    if (mx === undefined) ab.set(x, y); else if (mx !== y) return false;
    if (my === undefined) ba.set(y, x); else if (my !== x) return false;
  }
  return true;
}

/** An earlier start's step with exactly this partition, if any. */
function lookup(seen: Map<number, { path: Visit[]; at: number }[]>, v: Visit): { path: Visit[]; at: number } | null {
  const list = seen.get(v.hash);
  if (!list) return null;
  for (const place of list) {
    const r = place.path[place.at]!.runs;
    if (r.length !== v.runs.length) continue;
    let eq = true;
    for (let i = 0; i < r.length; i++) if (r[i] !== v.runs[i]) { eq = false; break; }
    if (eq) return place;
  }
  return null;
}

function decodeRuns(runs: Int32Array, out: Int32Array): void {
  const T = out.length;
  for (let i = 0; i < runs.length; i += 2) {
    const end = i + 2 < runs.length ? runs[i + 2]! : T;
    out.fill(runs[i + 1]!, runs[i]!, end);
  }
}

let replayEnabled = true;
/**
 * Turn the replay of shared paths off or on (on by default). Results are identical either way; the
 * switch exists so that tests can check exactly that and benchmarks can show the saving.
 */
export function setPathReplay(on: boolean): void { replayEnabled = on; }
let replayedSteps = 0;
/** E-steps replayed instead of computed since the process started (for tests and benchmarks). */
export function pathReplayCount(): number { return replayedSteps; }

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
  prepareFit(X, T, D, ws);
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
  // Rename the states of the E-step's partition by inv (old -> new): labels, runs, the M-step
  // accumulators and the centroids that produced the partition.
  const relabel = (): void => {
    const lab = ws.labels, sums = ws.sums, counts = ws.counts;
    for (let t = 0; t < T; t++) lab[t] = inv[lab[t]!]!;
    for (let i = 1; i < ws.nRuns; i += 2) ws.runs[i] = inv[ws.runs[i]!]!;
    for (let k = 0; k < K; k++) {
      const j = inv[k]!;
      permCounts[j] = counts[k]!;
      for (let d = 0; d < D; d++) { permSums[j * D + d] = sums[k * D + d]!; permCenters[j * D + d] = centers[k * D + d]!; }
    }
    sums.set(permSums); counts.set(permCounts); centers.set(permCenters);
  };
  // Asymmetric path: relabel the E-step's partition into sorted order; returns true if it was sorted.
  const resort = (): boolean => {
    discreteFreqRet(ws.labels, T, K, p.ret, freq, retSum);
    const order = stateOrder(K, freq, p.ret ? retSum : null);
    let identity = true;
    for (let i = 0; i < K; i++) { inv[order[i]!] = i; if (order[i] !== i) identity = false; }
    if (identity) return true;
    relabel();
    return false;
  };
  // Discrete fits remember every start's path so that a start which reaches a partition an earlier
  // start went through can replay the rest instead of recomputing it (see `Visit` below).
  const track = probVecs === null && replayEnabled;
  const seen = new Map<number, { path: Visit[]; at: number }[]>();
  const report = (si: number, iter: number, objective: number) =>
    p.onIteration?.({ fit: p.fitIndex, start: si, iter, objective, ...(p.w ? { w: p.w } : {}) });

  for (let si = 0; si < starts.length; si++) {
    centers.set(starts[si]!);
    let val = eStep();
    let sorted = p.resortEachStep ? resort() : true;
    let valPre = Infinity;
    let havePre = false;
    let nIter = 0;
    report(si, 0, val);
    const path: Visit[] = [];
    // where this start joined an earlier start's path (it then follows that path step by step)
    let joined: { path: Visit[]; at: number } | null = null;
    let repeat = false, replayed = false;
    if (track) {
      const v = visit(ws, val, sorted, centers, null);
      path.push(v);
      joined = lookup(seen, v);
    }
    // Stop when the partition repeats (up to relabelling), the objective falls by <= tol, or after
    // maxIter iterations (the reference's loop condition). The asymmetric path also requires the
    // last E-step to have run in sorted coordinates.
    const more = (): boolean => {
      if (!(nIter < maxIter)) return false;
      if (!sorted) return true;
      const rep = track ? repeat : havePre && sameClustering(ws.labels, ws.prevLabels, T, S, ws.mapA, ws.mapB);
      return !rep && valPre - val > tol;
    };
    while (more()) {
      if (joined) {
        // The next E-step would see exactly the partition at `joined.at`, hence exactly the
        // centroids, labels, objective and sort flag that the earlier start saw next: replay them.
        const { path: other, at } = joined;
        const here = other[at]!;
        const next = at + 1 < other.length ? other[at + 1]! : here.sameAsPrevious ? here : null;
        if (next) {
          nIter++; havePre = true; valPre = val;
          val = next.val; sorted = next.sorted;
          repeat = next === here ? true : next.repeat;
          joined = { path: other, at: next === here ? at : at + 1 };
          path.push(next);
          replayed = true;
          replayedSteps++;
          report(si, nIter, val);
          continue;
        }
        // past the end of what the earlier start computed: carry on for real from here
        decodeRuns(here.runs, ws.labels);
        ws.nRuns = accumulateStates(T, D, ws.labels, ws.prefixHi, ws.prefixLo, ws.sums, ws.counts, ws.runs);
        centers.set(here.centers);
        joined = null;
      }
      nIter++;
      replayed = false;
      if (!track) ws.prevLabels.set(ws.labels);
      havePre = true;
      valPre = val;
      mStep();
      val = eStep();
      if (p.resortEachStep) sorted = resort();
      if (track) {
        const prev = path[path.length - 1]!;
        const v = visit(ws, val, sorted, centers, prev);
        repeat = v.repeat;
        path.push(v);
        joined = lookup(seen, v);
      }
      report(si, nIter, val);
    }
    if (joined && replayed) {
      // the start ended on a replayed step: its partition and centroids are the earlier start's
      const last = joined.path[joined.at]!;
      decodeRuns(last.runs, ws.labels);
      centers.set(last.centers);
    }
    if (track) {
      path.forEach((v, at) => {
        if (v.owner !== path && v.owner !== null) return; // replayed steps are indexed where computed
        v.owner = path;
        const list = seen.get(v.hash);
        if (list) list.push({ path, at }); else seen.set(v.hash, [{ path, at }]);
      });
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
    centers: ws.bestCenters.slice(0, K * D),
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
