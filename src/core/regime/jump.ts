// The discrete jump model (JM) and the continuous jump model (CJM) of the reference library
// (method.md §3; Nystrup et al. 2021; Aydınhan, Kolm, Mulvey & Shu 2024 for the CJM).
import { Rng } from '../random.ts';
import { Workspace } from './kernels.ts';
import { runStarts, stateOrder, regimeFreqRet, type EmProblem } from './em.ts';
import { kmeansppRows, kmeansppWorkspace, prepareKmeanspp } from './kmeanspp.ts';
import type { ContinuousJumpModelOptions, FittedModel, IterationInfo, JumpModelOptions, JumpModelResult } from './types.ts';

/** Λ = λ(1 − I), K×K flat. */
export function scalarPenaltyMatrix(lambda: number, K: number): Float64Array {
  const P = new Float64Array(K * K);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) P[i * K + j] = i === j ? 0 : lambda;
  return P;
}

/**
 * The asymmetric K = 2 matrix of method.md §3 in sorted coordinates (0 = bull, 1 = bear):
 * "0, λ_enter; λ_exit, 0" — λ_enter is paid to go bull→bear, λ_exit to go bear→bull.
 */
export function asymmetricPenaltyMatrix(lambdaEnter: number, lambdaExit: number): Float64Array {
  return Float64Array.from([0, lambdaEnter, lambdaExit, 0]);
}

/** Validate and flatten a penalty matrix (K×K, zero diagonal, finite, non-negative). */
export function normalizePenaltyMatrix(m: Float64Array | number[][], K: number): Float64Array {
  let P: Float64Array;
  if (m instanceof Float64Array) {
    if (m.length !== K * K) throw new Error(`penalty matrix: expected ${K}×${K} = ${K * K} entries for K = ${K}, got ${m.length}`);
    P = Float64Array.from(m);
  } else {
    if (m.length !== K) throw new Error(`penalty matrix: expected ${K} rows for K = ${K}, got ${m.length}`);
    P = new Float64Array(K * K);
    m.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== K) throw new Error(`penalty matrix: row ${i + 1} has ${Array.isArray(row) ? row.length : 0} entries, expected ${K} (the matrix must be square)`);
      row.forEach((v, j) => { P[i * K + j] = v; });
    });
  }
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) {
    const v = P[i * K + j]!;
    if (!Number.isFinite(v)) throw new Error(`penalty matrix: entry (${i + 1}, ${j + 1}) is ${v}; entries must be finite numbers`);
    if (v < 0) throw new Error(`penalty matrix: entry (${i + 1}, ${j + 1}) is negative (${v}); penalties must be >= 0`);
    if (i === j && v !== 0) throw new Error(`penalty matrix: diagonal entry (${i + 1}, ${i + 1}) is ${v}; staying in a state costs nothing, so the diagonal must be 0`);
  }
  return P;
}

/** True when Λ = c(1 − I) for some c, i.e. every relabelling of the states leaves it unchanged. */
export function isExchangeable(P: Float64Array, K: number): boolean {
  const c = K > 1 ? P[1]! : 0;
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) if (i !== j && P[i * K + j] !== c) return false;
  return true;
}

/**
 * Grid of the probability simplex with step 1/N, N = ⌊1/gridSize⌋, in the reference's order
 * (`itertools.product` tuples summing to N, reversed: for K = 2 the first point is (1, 0)). S×K flat.
 */
export function simplexGrid(K: number, gridSize: number): { probVecs: Float64Array; S: number } {
  const N = Math.trunc(1 / gridSize);
  if (!(N >= 1)) throw new Error(`gridSize must be in (0, 1], got ${gridSize}`);
  const tuples: number[][] = [];
  const cur = new Array<number>(K).fill(0);
  const rec = (pos: number, left: number): void => {
    if (pos === K - 1) { cur[pos] = left; tuples.push(cur.slice()); return; }
    for (let a = 0; a <= left; a++) { cur[pos] = a; rec(pos + 1, left - a); }
  };
  rec(0, N);
  tuples.reverse();
  const S = tuples.length;
  const probVecs = new Float64Array(S * K);
  tuples.forEach((tp, s) => tp.forEach((a, k) => { probVecs[s * K + k] = a / N; }));
  return { probVecs, S };
}

/**
 * CJM penalty on the grid: λ·(½‖p_i − p_j‖₁)², plus (modeLoss) the row constant
 * logΣ_j exp(−pen_ij) − logΣ_j exp(−pen_0j) that makes exp(−pen) proportional to a transition matrix.
 */
export function cjmPenaltyMatrix(lambda: number, probVecs: Float64Array, S: number, K: number, modeLoss: boolean): Float64Array {
  const P = new Float64Array(S * S);
  for (let i = 0; i < S; i++) for (let j = 0; j < S; j++) {
    let l1 = 0;
    for (let k = 0; k < K; k++) l1 += Math.abs(probVecs[i * K + k]! - probVecs[j * K + k]!);
    const d = l1 / 2;
    P[i * S + j] = lambda * (d * d);
  }
  if (modeLoss) {
    const ml = new Float64Array(S);
    for (let i = 0; i < S; i++) {
      let mx = -Infinity;
      for (let j = 0; j < S; j++) mx = Math.max(mx, -P[i * S + j]!);
      let s = 0;
      for (let j = 0; j < S; j++) s += Math.exp(-P[i * S + j]! - mx);
      ml[i] = Math.log(s) + mx;
    }
    const m0 = ml[0]!;
    for (let i = 0; i < S; i++) {
      const c = ml[i]! - m0;
      for (let j = 0; j < S; j++) P[i * S + j]! += c;
    }
  }
  return P;
}

// ---------------------------------------------------------------------------------------------
// validation helpers (messages say what, where, and what to do)

export function checkX(X: Float64Array, T: number, D: number, who: string): void {
  if (!Number.isInteger(T) || !Number.isInteger(D) || T < 1 || D < 1) throw new Error(`${who}: T and D must be positive integers, got T = ${T}, D = ${D}`);
  if (X.length < T * D) throw new Error(`${who}: X has ${X.length} values but T×D = ${T}×${D} = ${T * D}`);
  for (let i = 0; i < T * D; i++) {
    if (!Number.isFinite(X[i]!)) throw new Error(`${who}: X row ${Math.floor(i / D) + 1}, column ${(i % D) + 1} is ${X[i]}; every value must be a finite number (drop warm-up rows first)`);
  }
}

function checkK(K: number, T: number, who: string): void {
  if (!Number.isInteger(K) || K < 2) throw new Error(`${who}: k must be an integer >= 2, got ${K}`);
  if (K > T) throw new Error(`${who}: k = ${K} is larger than the number of rows (${T}); use fewer states or more rows`);
}

/** Multiply column j by fw[j]; returns a new array. */
export function weightColumns(X: Float64Array, T: number, D: number, fw: Float64Array): Float64Array {
  const out = new Float64Array(T * D);
  for (let t = 0, o = 0; t < T; t++, o += D) for (let d = 0; d < D; d++) out[o + d] = X[o + d]! * fw[d]!;
  return out;
}

function rowsToCenters(Xw: Float64Array, D: number, K: number, rows: number[], T: number, who: string): Float64Array {
  if (rows.length !== K) throw new Error(`${who}: a start lists ${rows.length} rows, expected k = ${K}`);
  const C = new Float64Array(K * D);
  rows.forEach((r, k) => {
    if (!Number.isInteger(r) || r < 0 || r >= T) throw new Error(`${who}: start row index ${r} is outside 0…${T - 1}`);
    for (let d = 0; d < D; d++) C[k * D + d] = Xw[r * D + d]!;
  });
  return C;
}

// ---------------------------------------------------------------------------------------------

/** Everything a single fit needs once the model kind is fixed. Internal; the SJM calls it per inner fit. */
export interface WeightedFitSpec {
  kind: 'jm' | 'cjm' | 'sjm';
  Xw: Float64Array;
  T: number;
  D: number;
  K: number;
  S: number;
  probVecs: Float64Array | null;
  penalty: Float64Array;
  resortEachStep: boolean;
  jumpPenaltyEffective: number | null;
  featureWeights: Float64Array;
  ret: Float64Array | null;
  nInit: number;
  seed: number;
  maxIter: number;
  tol: number;
  initRows: number[][] | undefined;
  warmStart: Float64Array | undefined;
  fitIndex: number;
  onIteration: ((info: IterationInfo) => void) | undefined;
  w?: Float64Array;
  ws?: Workspace;
}

/** Fit on already-weighted rows, sort the states, assemble the result (the reference's `JumpModel.fit`). */
export function fitWeighted(spec: WeightedFitSpec): JumpModelResult {
  const { Xw, T, D, K, S, probVecs, penalty, ret } = spec;
  const who = spec.kind === 'cjm' ? 'fitContinuousJumpModel' : spec.kind === 'sjm' ? 'fitSparseJumpModel' : 'fitJumpModel';
  const ws = spec.ws ?? new Workspace(T, D, K, S, probVecs === null && K === 2);
  // starts: explicit rows, or nInit greedy k-means++ draws from one generator seeded with `seed`
  const startRows: number[][] = [];
  if (spec.initRows) {
    if (spec.initRows.length === 0) throw new Error(`${who}: initRows is empty; give at least one start or leave it out`);
    for (const r of spec.initRows) startRows.push(r.slice());
  } else {
    const rng = new Rng(spec.seed);
    const kw = kmeansppWorkspace(T);
    prepareKmeanspp(Xw, T, D, kw);
    for (let i = 0; i < spec.nInit; i++) startRows.push(kmeansppRows(Xw, T, D, K, rng, kw));
  }
  const starts = startRows.map((r) => rowsToCenters(Xw, D, K, r, T, who));
  let warm = false;
  if (spec.warmStart) {
    if (spec.warmStart.length !== K * D) throw new Error(`${who}: warmStart has ${spec.warmStart.length} values, expected K×D = ${K}×${D}`);
    starts.push(Float64Array.from(spec.warmStart));
    warm = true;
  }
  const problem: EmProblem = {
    X: Xw, T, D, K, S, probVecs, penalty, resortEachStep: spec.resortEachStep, ret,
    maxIter: spec.maxIter, tol: spec.tol, fitIndex: spec.fitIndex, onIteration: spec.onIteration, w: spec.w,
  };
  const out = runStarts(problem, starts, ws);

  // sort states by cumulative target return (or frequency), highest first (method.md §3)
  const { freq, retSum } = regimeFreqRet(out.labels, T, K, probVecs, ret);
  const order = stateOrder(K, freq, ret ? retSum : null);
  const inv = new Int32Array(K);
  for (let i = 0; i < K; i++) inv[order[i]!] = i;
  const centers = new Float64Array(K * D);
  for (let i = 0; i < K; i++) for (let d = 0; d < D; d++) centers[i * D + d] = out.centers[order[i]! * D + d]!;
  const labels = new Int32Array(T);
  let proba: Float64Array | null = null;
  if (!probVecs) {
    for (let t = 0; t < T; t++) labels[t] = inv[out.labels[t]!]!;
  } else {
    proba = new Float64Array(T * K);
    for (let t = 0; t < T; t++) {
      const po = out.labels[t]! * K;
      let arg = 0, mx = -Infinity;
      for (let i = 0; i < K; i++) {
        const v = probVecs[po + order[i]!]!;
        proba[t * K + i] = v;
        if (v > mx) { mx = v; arg = i; }
      }
      labels[t] = arg;
    }
  }
  // per-state mean and unbiased volatility of the target (the reference's ret_ and vol_)
  let stateReturnMean: Float64Array | null = null, stateReturnVol: Float64Array | null = null;
  if (ret) {
    stateReturnMean = new Float64Array(K); stateReturnVol = new Float64Array(K);
    const sw = new Float64Array(K), swr = new Float64Array(K), swr2 = new Float64Array(K), sw2 = new Float64Array(K);
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < K; i++) {
        const w = proba ? proba[t * K + i]! : labels[t] === i ? 1 : 0;
        if (w === 0) continue;
        const r = ret[t]!;
        sw[i]! += w; swr[i]! += w * r; swr2[i]! += w * r * r; sw2[i]! += w * w;
      }
    }
    for (let i = 0; i < K; i++) {
      const m = swr[i]! / sw[i]!;
      const factor = (sw[i]! * sw[i]!) / (sw[i]! * sw[i]! - sw2[i]!);
      stateReturnMean[i] = m;
      stateReturnVol[i] = Number.isFinite(factor) ? Math.sqrt((swr2[i]! / sw[i]! - m * m) * factor) : NaN;
    }
  }
  const fitted: FittedModel = {
    kind: spec.kind, K, D, centers: Float64Array.from(centers), featureWeights: Float64Array.from(spec.featureWeights),
    S, penalty: Float64Array.from(penalty), probVecs: probVecs ? Float64Array.from(probVecs) : null,
  };
  return {
    kind: spec.kind, T, D, K, labels, proba, centers, objective: out.objective,
    jumpPenaltyEffective: spec.jumpPenaltyEffective, stateReturnMean, stateReturnVol,
    transmat: empiricalTransmat(labels, T, K), nIter: out.nIter, bestStart: out.bestStart,
    startObjectives: out.startObjectives, startRows, warmStartAppended: warm, fitted,
  };
}

/** K×K row-normalised transition counts of a label sequence (labels < 0 skipped). */
export function empiricalTransmat(labels: Int32Array, T: number, K: number): Float64Array {
  const M = new Float64Array(K * K);
  for (let t = 1; t < T; t++) {
    const a = labels[t - 1]!, b = labels[t]!;
    if (a >= 0 && b >= 0) M[a * K + b]! += 1;
  }
  for (let i = 0; i < K; i++) {
    let s = 0;
    for (let j = 0; j < K; j++) s += M[i * K + j]!;
    for (let j = 0; j < K; j++) M[i * K + j] = s > 0 ? M[i * K + j]! / s : NaN;
  }
  return M;
}

function commonChecks(X: Float64Array, T: number, D: number, opts: { k?: number; nInit?: number; seed?: number; maxIter?: number; tol?: number; ret?: Float64Array; featureWeights?: Float64Array }, who: string) {
  checkX(X, T, D, who);
  const K = opts.k ?? 2;
  checkK(K, T, who);
  const nInit = opts.nInit ?? 10;
  if (!Number.isInteger(nInit) || nInit < 1) throw new Error(`${who}: nInit must be an integer >= 1, got ${nInit}`);
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`${who}: seed must be an integer in [0, 4294967295], got ${seed}`);
  const maxIter = opts.maxIter ?? 1000;
  const tol = opts.tol ?? 1e-8;
  if (opts.ret) {
    if (opts.ret.length !== T) throw new Error(`${who}: ret has ${opts.ret.length} values but X has ${T} rows; give one target return per row`);
    for (let t = 0; t < T; t++) if (!Number.isFinite(opts.ret[t]!)) throw new Error(`${who}: ret row ${t + 1} is ${opts.ret[t]}; target returns must be finite`);
  }
  let fw = new Float64Array(D).fill(1);
  if (opts.featureWeights) {
    if (opts.featureWeights.length !== D) throw new Error(`${who}: featureWeights has ${opts.featureWeights.length} values, expected D = ${D}`);
    for (let d = 0; d < D; d++) if (!(opts.featureWeights[d]! >= 0) || !Number.isFinite(opts.featureWeights[d]!)) throw new Error(`${who}: featureWeights[${d}] = ${opts.featureWeights[d]} must be finite and >= 0`);
    fw = Float64Array.from(opts.featureWeights);
  }
  return { K, nInit, seed, maxIter, tol, fw };
}

/**
 * Discrete jump model (method.md §3): minimise Σ_t ½‖x_t − θ_{s_t}‖² + Σ_t Λ[s_{t−1}, s_t] over
 * states and centroids from `nInit` k-means++ starts; states sorted by cumulative `ret` (else by
 * frequency). X is T×D row-major (preprocessed features).
 */
export function fitJumpModel(X: Float64Array, T: number, D: number, opts: JumpModelOptions = {}): JumpModelResult {
  const who = 'fitJumpModel';
  const { K, nInit, seed, maxIter, tol, fw } = commonChecks(X, T, D, opts, who);
  let penalty: Float64Array;
  let resort = false;
  let eff: number | null;
  if (opts.penaltyMatrix !== undefined) {
    if (opts.jumpPenalty !== undefined) throw new Error(`${who}: give either jumpPenalty or penaltyMatrix, not both`);
    penalty = normalizePenaltyMatrix(opts.penaltyMatrix, K);
    // a matrix that is not λ(1−I) has a meaning in sorted coordinates: keep states sorted while fitting
    resort = true;
    eff = isExchangeable(penalty, K) ? penalty[1]! : null;
  } else {
    const lam = opts.jumpPenalty ?? 0;
    if (!Number.isFinite(lam) || lam < 0) throw new Error(`${who}: jumpPenalty must be a finite number >= 0, got ${lam}`);
    penalty = scalarPenaltyMatrix(lam, K);
    eff = lam;
  }
  const Xw = opts.featureWeights ? weightColumns(X, T, D, fw) : X;
  return fitWeighted({
    kind: 'jm', Xw, T, D, K, S: K, probVecs: null, penalty, resortEachStep: resort, jumpPenaltyEffective: eff,
    featureWeights: fw, ret: opts.ret ?? null, nInit, seed, maxIter, tol, initRows: opts.initRows,
    warmStart: opts.warmStart, fitIndex: 0, onIteration: opts.onIteration,
  });
}

/**
 * Continuous jump model of the reference library: states are points p of the probability simplex
 * (grid step `gridSize`), loss Σ_k p_k ½‖x_t − θ_k‖², penalty λ(½‖p_i − p_j‖₁)² (+ mode loss).
 * `proba` holds the fitted probabilities; `labels` their argmax.
 */
export function fitContinuousJumpModel(X: Float64Array, T: number, D: number, opts: ContinuousJumpModelOptions = {}): JumpModelResult {
  const who = 'fitContinuousJumpModel';
  const { K, nInit, seed, maxIter, tol, fw } = commonChecks(X, T, D, opts, who);
  const lam = opts.jumpPenalty ?? 0;
  if (!Number.isFinite(lam) || lam < 0) throw new Error(`${who}: jumpPenalty must be a finite number >= 0, got ${lam}`);
  const gridSize = opts.gridSize ?? 0.05;
  if (!(gridSize > 0 && gridSize <= 1)) throw new Error(`${who}: gridSize must be in (0, 1], got ${gridSize}`);
  const { probVecs, S } = simplexGrid(K, gridSize);
  if (S > 65536) throw new Error(`${who}: the simplex grid has ${S} points for K = ${K} and gridSize = ${gridSize}; use a coarser grid`);
  const penalty = cjmPenaltyMatrix(lam, probVecs, S, K, opts.modeLoss ?? true);
  const Xw = opts.featureWeights ? weightColumns(X, T, D, fw) : X;
  return fitWeighted({
    kind: 'cjm', Xw, T, D, K, S, probVecs, penalty, resortEachStep: false, jumpPenaltyEffective: lam,
    featureWeights: fw, ret: opts.ret ?? null, nInit, seed, maxIter, tol, initRows: opts.initRows,
    warmStart: opts.warmStart, fitIndex: 0, onIteration: opts.onIteration,
  });
}
