// One factor's walk-forward regime path (method.md §6): at every refit, preprocess on the training
// rows, fit the (sparse) jump model, record each state's expected active return, then label every
// day until the next refit online (forward pass only, starting at the training window's first row).
//
// A path is made of chains. A chain is the sequence of monthly refits of ONE model setting, each
// warm-started from the previous one (method.md §3), and the online labels of the days each refit
// owns. A factor with constant settings has one chain; a factor whose settings change over time (a
// tuned parameter path, method.md §7 rolling selection) follows, between two re-tune dates, the
// chain of the setting then in force: exactly the candidate path the selection read.
//
// Every refit and every chain has a name (src/core/pipeline/keys.ts) and the computation asks a
// cache for it before computing it. The computation is written once, as a generator that yields
// its cache reads, writes and progress (`factorPathSteps`); `computeFactorPath` drives it
// synchronously (tests, the single-thread runBacktest) and drivePath (src/core/pipeline/engine.ts) drives it
// asynchronously against a persistent cache (workers, the CLI).
//
// The same function gives a tuning candidate's path: the features and the per-refit preprocessors
// live in a `FactorContext` built once per factor and shared read-only by every candidate; each call
// allocates its own buffers, so concurrent candidates share no mutable state (method.md §11).

import { computeFactorFeatures, fitPreprocessor, applyPreprocessor, type Preprocessor } from '../features/index.ts';
import { fitSparseJumpModel, fitJumpModel, onlineLabels } from '../regime/index.ts';
import type { FittedModel } from '../regime/types.ts';
import type { Refit } from './schedule.ts';
import type { ResolvedFactorModel } from '../config.ts';
import { longShortPosition, longShortReturns } from '../metrics/regime.ts';
import { chainKey, chainName, prefixDigests, refitKey, refitName, settingText } from '../pipeline/keys.ts';

export interface FactorInputs {
  /** The trading calendar of the arrays below (ISO dates). */
  dates: readonly string[];
  /** Daily active return a_t = r_f − r_m (index 0 NaN). */
  active: Float64Array;
  /** Daily market return (index 0 NaN). */
  market: Float64Array;
  vix?: Float64Array;
  dgs2?: Float64Array;
  dgs10?: Float64Array;
}

/** Everything about a factor that does not depend on the model's hyperparameters. Read-only. */
export interface FactorContext {
  ticker: string;
  T: number;
  D: number;
  featureNames: string[];
  X: Float64Array;
  firstValid: number;
  active: Float64Array;
  refits: Refit[];
  /** The preprocessor of refit r, fitted on that refit's training rows only (method §2); built on first use. */
  preprocessor(r: number): Preprocessor;
  /** Digest of the input rows [0, n) for n = a refit day or T (pipeline/keys.ts). */
  digest(n: number): string;
}

/** Hyperparameters of one factor's model at one refit (config.ts `resolveFactorModel` gives them). */
export type FactorModelParams = Pick<ResolvedFactorModel, 'model' | 'k' | 'penaltyMatrix' | 'jumpPenalty' | 'maxFeatures' | 'nInit' | 'seed'>;

export interface RefitRecord {
  day: number;
  trainStart: number;
  trainEnd: number;
  /** Annualised expected active return of each state: 252 × mean of a over its training days (§6). */
  stateMeans: number[];
  /** Training days in each state. */
  stateCounts: number[];
  /** √w: the multipliers actually applied to the features (ones for a plain JM). */
  featureWeights: number[];
  objective: number;
  nOuterIter: number;
  /** Parameters used at this refit (a tuned schedule may change them over time). */
  jumpPenalty: number | null;
  penaltyMatrix: number[][] | null;
  maxFeatures: number;
}

export interface FactorPath {
  ticker: string;
  /** Online regime of each day (sorted states, 0 = bull); −1 before the first refit. */
  labels: Int8Array;
  /** Expected annualised active return of the online regime of each day; NaN before the first refit. */
  mu: Float64Array;
  refits: RefitRecord[];
  /** The last refit's in-sample labels over its training window (smoothed, method §3). */
  inSampleLabels: Int32Array | null;
}

/** A fitted refit as cached: its record, its model, the centroids it hands to the next refit, its in-sample labels. */
export interface RefitValue {
  record: RefitRecord;
  model: FittedModel;
  /** Centroids the next refit of the same chain starts from (method §3 warm start). */
  warm: Float64Array;
  /** In-sample labels as runs [start, label, start, label, …], starts relative to trainStart. */
  inSample: Int32Array;
}

/** A chain as cached: its refits, the online labels of the days they own (−1 elsewhere), the last refit's in-sample labels. */
export interface ChainValue {
  refits: RefitRecord[];
  labels: Int8Array;
  inSample: Int32Array;
}

/** What a path computation asks of its driver. */
export type PathStep =
  | { op: 'get'; names: string[] }
  | { op: 'put'; entries: [string, unknown][] }
  | { op: 'progress'; done: number; total: number };

/** Counts of one path computation: refits fitted, and refits whose fit came from a cache. */
export interface PathStats { fitsComputed: number; fitsFromCache: number }

export function buildFactorContext(ticker: string, inputs: FactorInputs, refitsFor: (firstValid: number) => Refit[]): FactorContext {
  const f = computeFactorFeatures(inputs);
  const refits = refitsFor(f.firstValid);
  const preprocessors: (Preprocessor | undefined)[] = new Array(refits.length);
  const digests = prefixDigests(inputs, [...refits.map((r) => r.day), f.T]);
  return {
    ticker, T: f.T, D: f.D, featureNames: f.names, X: f.X, firstValid: f.firstValid, active: inputs.active, refits,
    preprocessor(r: number): Preprocessor {
      let p = preprocessors[r];
      if (!p) { const rf = refits[r]!; p = preprocessors[r] = fitPreprocessor(f.X, f.D, rf.trainStart, rf.trainEnd); }
      return p;
    },
    digest(n: number): string {
      const d = digests.get(n);
      if (d === undefined) throw new Error(`FactorContext.digest: no digest at row ${n} (only refit days and the data end)`);
      return d;
    },
  };
}

/** A per-refit seed so every fit's k-means++ stream is fixed by (seed, factor, refit). */
export function refitSeed(seed: number, factorIndex: number, refitIndex: number): number {
  return (Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(factorIndex + 1, 0x85ebca6b) ^ Math.imul(refitIndex + 1, 0xc2b2ae35)) >>> 0;
}

// ---- in-sample labels as runs (a jump model's labels change rarely: a few dozen numbers) ----------

export function encodeRuns(labels: ArrayLike<number>): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) if (i === 0 || labels[i] !== labels[i - 1]) out.push(i, labels[i]!);
  return Int32Array.from(out);
}

export function decodeRuns(runs: Int32Array, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < runs.length; i += 2) out.fill(runs[i + 1]!, runs[i]!, i + 2 < runs.length ? runs[i + 2]! : n);
  return out;
}

// ---- one refit --------------------------------------------------------------------------------------

/** The refit keys of a chain of `setting` over refits [0, upTo), and the chain's key. */
export function chainKeys(ctx: FactorContext, setting: FactorModelParams, factorIndex: number, upTo: number): { refits: string[]; chain: string } {
  const keys: string[] = [];
  let prev: string | null = null;
  for (let r = 0; r < upTo; r++) {
    const rf = ctx.refits[r]!;
    prev = refitKey({
      previous: prev, dataDigest: ctx.digest(rf.day), trainStart: rf.trainStart, trainEnd: rf.trainEnd, D: ctx.D,
      setting, seed: refitSeed(setting.seed, factorIndex, r),
    });
    keys.push(prev);
  }
  const until = upTo > 0 ? ctx.refits[upTo - 1]!.until : 0;
  return { refits: keys, chain: upTo > 0 ? chainKey(prev!, ctx.digest(until), until) : '' };
}

/** The preprocessed rows [trainStart, until) of refit r (the training rows come first). */
function refitRows(ctx: FactorContext, r: number): Float64Array {
  const rf = ctx.refits[r]!;
  return applyPreprocessor(ctx.preprocessor(r), ctx.X, ctx.D, rf.trainStart, rf.until);
}

/** Fits refit r of a chain of `setting` (method §3-§4, §6), warm-started from `warm` when given. */
function fitRefit(ctx: FactorContext, r: number, p: FactorModelParams, factorIndex: number, warm: Float64Array | undefined, Z: Float64Array): RefitValue {
  const { D, active } = ctx;
  const refit = ctx.refits[r]!;
  const nTrain = refit.trainEnd - refit.trainStart;
  const Ztrain = Z.subarray(0, nTrain * D);
  const ret = active.subarray(refit.trainStart, refit.trainEnd);
  const seed = refitSeed(p.seed, factorIndex, r);
  // A scalar λ where Λ = λ(1 − I) (the reference's symmetric fit), the full matrix otherwise.
  const penalty = p.jumpPenalty !== null ? { jumpPenalty: p.jumpPenalty } : { penaltyMatrix: p.penaltyMatrix };
  let fittedLabels: Int32Array, model: FittedModel, objective: number, nOuter = 1, featureWeights: Float64Array, next: Float64Array;
  if (p.model === 'sjm') {
    const fit = fitSparseJumpModel(Ztrain, nTrain, D, { k: p.k, ...penalty, maxFeatures: p.maxFeatures, nInit: p.nInit, seed, ret, warmStart: warm });
    fittedLabels = fit.labels; model = fit.fitted; objective = fit.objective; nOuter = fit.nOuterIter;
    featureWeights = fit.featureWeights;
    next = fit.centersUnweighted;
  } else {
    const fit = fitJumpModel(Ztrain, nTrain, D, { k: p.k, ...penalty, nInit: p.nInit, seed, ret, warmStart: warm });
    fittedLabels = fit.labels; model = fit.fitted; objective = fit.objective;
    featureWeights = new Float64Array(D).fill(1);
    next = fit.centers;
  }
  // Expected active return per state from the in-sample labels (§6).
  const K = p.k;
  const sums = new Float64Array(K), counts = new Float64Array(K);
  for (let i = 0; i < nTrain; i++) {
    const a = ret[i]!;
    const s = fittedLabels[i]!;
    if (s < 0 || !Number.isFinite(a)) continue;
    sums[s] += a; counts[s]++;
  }
  const stateMeans = Array.from(sums, (s, k) => (counts[k]! > 0 ? (252 * s) / counts[k]! : 0));
  const record: RefitRecord = {
    day: refit.day, trainStart: refit.trainStart, trainEnd: refit.trainEnd, stateMeans, stateCounts: Array.from(counts),
    featureWeights: Array.from(featureWeights), objective, nOuterIter: nOuter,
    jumpPenalty: p.jumpPenalty, penaltyMatrix: p.jumpPenalty !== null ? null : Array.from({ length: K }, (_, i) => Array.from(p.penaltyMatrix.subarray(i * K, i * K + K))),
    maxFeatures: p.maxFeatures,
  };
  return { record, model, warm: next, inSample: encodeRuns(fittedLabels) };
}

/** Online labels (method §5) of the days refit r owns, [day, until), from its model. */
function labelRefit(ctx: FactorContext, r: number, value: RefitValue, Z: Float64Array, labels: Int8Array): void {
  const refit = ctx.refits[r]!;
  // Forward pass from the training window's first row; keep the days this model owns.
  const lab = onlineLabels(Z, refit.until - refit.trainStart, ctx.D, value.model);
  for (let t = refit.day; t < refit.until; t++) labels[t] = lab[t - refit.trainStart]!;
}

function isRefitValue(v: unknown, ctx: FactorContext, r: number): v is RefitValue {
  const x = v as Partial<RefitValue> | undefined;
  return !!x && typeof x === 'object' && !!x.record && x.record.day === ctx.refits[r]!.day && !!x.model && x.model.D === ctx.D &&
    x.warm instanceof Float64Array && x.inSample instanceof Int32Array;
}

function isChainValue(v: unknown, ctx: FactorContext, upTo: number): v is ChainValue {
  const x = v as Partial<ChainValue> | undefined;
  return !!x && typeof x === 'object' && Array.isArray(x.refits) && x.refits.length === upTo && x.labels instanceof Int8Array &&
    x.labels.length === ctx.T && x.inSample instanceof Int32Array;
}

/** Refits between two writes of freshly fitted refits to the cache (so a cancelled run keeps most of its work). */
const PUT_EVERY = 12;

/**
 * The chain of `setting` over refits [0, upTo): from the cache when named there, else refit by refit
 * (each refit from the cache when named there, else fitted). Yields its cache traffic and progress.
 */
function* chainSteps(ctx: FactorContext, setting: FactorModelParams, factorIndex: number, upTo: number, stats: PathStats,
  progress: { done: number; total: number }): Generator<PathStep, ChainValue, (unknown | undefined)[] | undefined> {
  const keys = chainKeys(ctx, setting, factorIndex, upTo);
  const [hit] = (yield { op: 'get', names: [chainName(keys.chain)] }) ?? [];
  if (isChainValue(hit, ctx, upTo)) {
    stats.fitsFromCache += upTo;
    progress.done += upTo;
    yield { op: 'progress', done: progress.done, total: progress.total };
    return hit;
  }
  const cached = (yield { op: 'get', names: keys.refits.map(refitName) }) ?? [];
  const labels = new Int8Array(ctx.T).fill(-1);
  const refits: RefitRecord[] = [];
  let pending: [string, unknown][] = [];
  let prev: RefitValue | undefined;
  for (let r = 0; r < upTo; r++) {
    const Z = refitRows(ctx, r);
    let value: RefitValue;
    const c = cached[r];
    if (isRefitValue(c, ctx, r)) {
      value = c;
      stats.fitsFromCache++;
    } else {
      value = fitRefit(ctx, r, setting, factorIndex, prev?.warm, Z);
      stats.fitsComputed++;
      pending.push([refitName(keys.refits[r]!), value]);
    }
    labelRefit(ctx, r, value, Z, labels);
    refits.push(value.record);
    prev = value;
    progress.done++;
    if (pending.length >= PUT_EVERY) { yield { op: 'put', entries: pending }; pending = []; }
    yield { op: 'progress', done: progress.done, total: progress.total };
  }
  const chain: ChainValue = { refits, labels, inSample: prev ? prev.inSample : new Int32Array(0) };
  if (upTo > 0) pending.push([chainName(keys.chain), chain]);
  if (pending.length) yield { op: 'put', entries: pending };
  return chain;
}

/**
 * Walk one factor forward. `settingAt(refitIndex)` gives the setting in force at each refit
 * (constant for a plain run, a tuned parameter path otherwise); each distinct setting is one chain,
 * computed up to its last refit in force, and the path takes each refit (and the days it owns) from
 * the chain of the setting in force then. `factorIndex` only feeds the seeds.
 */
export function* factorPathSteps(ctx: FactorContext, settingAt: (refitIndex: number) => FactorModelParams, factorIndex: number,
  stats: PathStats = { fitsComputed: 0, fitsFromCache: 0 }): Generator<PathStep, FactorPath, (unknown | undefined)[] | undefined> {
  const R = ctx.refits.length;
  const groups = new Map<string, { setting: FactorModelParams; upTo: number }>();
  const groupOf: string[] = [];
  for (let r = 0; r < R; r++) {
    const s = settingAt(r);
    const key = settingText(s);
    groupOf.push(key);
    const g = groups.get(key);
    if (g) g.upTo = r + 1; else groups.set(key, { setting: s, upTo: r + 1 });
  }
  const progress = { done: 0, total: [...groups.values()].reduce((a, g) => a + g.upTo, 0) };
  yield { op: 'progress', done: 0, total: progress.total };
  const chains = new Map<string, ChainValue>();
  for (const [key, g] of groups) chains.set(key, yield* chainSteps(ctx, g.setting, factorIndex, g.upTo, stats, progress));

  const labels = new Int8Array(ctx.T).fill(-1);
  const mu = new Float64Array(ctx.T).fill(NaN);
  const refits: RefitRecord[] = [];
  for (let r = 0; r < R; r++) {
    const chain = chains.get(groupOf[r]!)!;
    const rec = chain.refits[r]!;
    refits.push(rec);
    const { day, until } = ctx.refits[r]!;
    for (let t = day; t < until; t++) {
      const s = chain.labels[t]!;
      labels[t] = s;
      mu[t] = rec.stateMeans[s]!;
    }
  }
  let inSampleLabels: Int32Array | null = null;
  if (R > 0) {
    const last = ctx.refits[R - 1]!;
    inSampleLabels = decodeRuns(chains.get(groupOf[R - 1]!)!.inSample, last.trainEnd - last.trainStart);
  }
  return { ticker: ctx.ticker, labels, mu, refits, inSampleLabels };
}

/**
 * The expected active return of each day's regime from the labels and the refits that own the days
 * (what factorPathSteps builds while stitching): for a path stored without it.
 */
export function muFromLabels(labels: Int8Array, refits: readonly RefitRecord[]): Float64Array {
  const T = labels.length;
  const mu = new Float64Array(T).fill(NaN);
  for (let r = 0; r < refits.length; r++) {
    const rec = refits[r]!;
    const until = r + 1 < refits.length ? refits[r + 1]!.day : T;
    for (let t = rec.day; t < until; t++) { const s = labels[t]!; if (s >= 0) mu[t] = rec.stateMeans[s]!; }
  }
  return mu;
}

/** Computes a path directly: `factorPathSteps` driven synchronously with no cache (every refit is fitted). */
export function computeFactorPath(ctx: FactorContext, settingAt: (refitIndex: number) => FactorModelParams, factorIndex = 0, stats?: PathStats): FactorPath {
  const gen = factorPathSteps(ctx, settingAt, factorIndex, stats);
  let reply: (unknown | undefined)[] | undefined;
  for (;;) {
    const step = gen.next(reply);
    if (step.done) return step.value;
    reply = step.value.op === 'get' ? step.value.names.map(() => undefined) : undefined;
  }
}

/**
 * Single-factor long-short (method §6): the position clip(μ/scale, −1, 1) decided at the close of
 * day T from the regime inferred then earns a_{T+2}. NaN before the first position.
 */
export function longShortFromPath(mu: Float64Array, active: Float64Array, scale: number): Float64Array {
  const T = mu.length;
  const positions = new Float64Array(T).fill(NaN);
  for (let t = 2; t < T; t++) positions[t] = longShortPosition(mu[t - 2]!, scale);
  return longShortReturns(positions, active);
}
